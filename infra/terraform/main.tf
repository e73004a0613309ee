# Fitbit intraday pipeline on AWS: buckets, warehouse (Redshift Serverless by default), ECR
# repositories, least-privilege step roles and alerting, plus the workout lakehouse's Kafka
# (MSK Serverless, optional). The provider is configured by the caller (see examples/complete).

locals {
  prefix = "${var.name}-${var.environment}"

  release = jsondecode(file(coalesce(var.release_file, "${path.module}/../../images/release.json")))

  tags = merge(var.tags, {
    "fitbit:project"     = var.name
    "fitbit:environment" = var.environment
    "managed-by"         = "terraform"
  })

  raw_bucket_name         = coalesce(var.raw_bucket_name, "${local.prefix}-raw")
  lake_bucket_name        = coalesce(var.lake_bucket_name, "${local.prefix}-lake")
  access_logs_bucket_name = coalesce(var.access_logs_bucket_name, "${local.prefix}-s3-access-logs")

  # The workout lakehouse's Kafka: MSK Serverless with IAM auth, or nothing (streaming_enabled = false).
  kafka_bootstrap_servers = var.streaming_enabled ? one(module.streaming[*].bootstrap_brokers_sasl_iam) : ""
  kafka_auth              = var.streaming_enabled ? "msk-iam" : "none"

  # The step containers' environment (docs/contract.md; KAFKA_* and LANDING_PREFIX for ingest).
  pipeline_environment = {
    RAW_BUCKET              = module.buckets.raw_bucket_name
    RAW_PREFIX              = var.raw_prefix
    LAKE_BUCKET             = module.buckets.lake_bucket_name
    AWS_REGION              = data.aws_region.current.region
    WAREHOUSE_JDBC_URL      = module.warehouse.jdbc_url
    WAREHOUSE_DIALECT       = "redshift"
    WAREHOUSE_IAM_AUTH      = "true"
    REDSHIFT_IAM_ROLE       = module.warehouse.copy_role_arn
    LANDING_PREFIX          = var.landing_prefix
    KAFKA_BOOTSTRAP_SERVERS = local.kafka_bootstrap_servers
    KAFKA_AUTH              = local.kafka_auth
    KAFKA_TOPIC_USER_INFO   = var.kafka_topic_user_info
    KAFKA_TOPIC_WORKOUT     = var.kafka_topic_workout
    KAFKA_TOPIC_BPM         = var.kafka_topic_bpm
    KAFKA_CONSUMER_GROUP    = var.kafka_consumer_group
  }
}

data "aws_region" "current" {}

module "kms" {
  source = "./modules/kms"

  name = local.prefix
  tags = local.tags
}

module "buckets" {
  source = "./modules/buckets"

  raw_bucket_name            = local.raw_bucket_name
  lake_bucket_name           = local.lake_bucket_name
  access_logs_bucket_name    = local.access_logs_bucket_name
  raw_prefix                 = var.raw_prefix
  kms_key_arn                = module.kms.key_arn
  access_logging_enabled     = var.access_logging_enabled
  staging_expiration_days    = var.staging_expiration_days
  quarantine_expiration_days = var.quarantine_expiration_days
  force_destroy              = var.force_destroy
  tags                       = local.tags
}

module "warehouse" {
  source = "./modules/warehouse"

  name                       = local.prefix
  warehouse_type             = var.warehouse_type
  database_name              = var.warehouse_database_name
  admin_username             = var.warehouse_admin_username
  kms_key_arn                = module.kms.key_arn
  lake_bucket_arn            = module.buckets.lake_bucket_arn
  vpc_id                     = var.vpc_id
  subnet_ids                 = var.private_subnet_ids
  allowed_security_group_ids = var.warehouse_allowed_security_group_ids
  allowed_cidr_blocks        = var.warehouse_allowed_cidr_blocks
  serverless_base_capacity   = var.serverless_base_capacity
  serverless_max_capacity    = var.serverless_max_capacity
  cluster_node_type          = var.cluster_node_type
  cluster_number_of_nodes    = var.cluster_number_of_nodes
  tags                       = local.tags
}

module "registry" {
  source = "./modules/registry"

  repositories = local.release.images
  kms_key_arn  = module.kms.key_arn
  force_delete = var.force_destroy
  tags         = local.tags
}

module "streaming" {
  source = "./modules/streaming"
  count  = var.streaming_enabled ? 1 : 0

  name       = local.prefix
  vpc_id     = var.vpc_id
  subnet_ids = var.private_subnet_ids
  # Default: the same clients as the warehouse (the Airflow workers / step tasks).
  allowed_security_group_ids = var.streaming_allowed_security_group_ids != null ? var.streaming_allowed_security_group_ids : var.warehouse_allowed_security_group_ids
  tags                       = local.tags
}

module "iam" {
  source = "./modules/iam"

  name               = local.prefix
  raw_bucket_arn     = module.buckets.raw_bucket_arn
  raw_prefix         = var.raw_prefix
  landing_prefix     = var.landing_prefix
  lake_bucket_arn    = module.buckets.lake_bucket_arn
  kms_key_arn        = module.kms.key_arn
  warehouse_type     = var.warehouse_type
  workgroup_arn      = module.warehouse.workgroup_arn
  cluster_arn        = module.warehouse.cluster_arn
  cluster_identifier = module.warehouse.cluster_identifier
  database_name      = var.warehouse_database_name

  kafka_enabled         = var.streaming_enabled
  kafka_cluster_arn     = one(module.streaming[*].cluster_arn)
  kafka_cluster_name    = one(module.streaming[*].cluster_name)
  kafka_cluster_uuid    = one(module.streaming[*].cluster_uuid)
  kafka_topic_user_info = var.kafka_topic_user_info
  kafka_topic_workout   = var.kafka_topic_workout
  kafka_topic_bpm       = var.kafka_topic_bpm
  kafka_consumer_group  = var.kafka_consumer_group

  trusted_services  = var.step_trusted_services
  trusted_role_arns = var.step_trusted_role_arns
  tags              = local.tags
}

module "alerts" {
  source = "./modules/alerts"

  name               = local.prefix
  kms_key_arn        = module.kms.key_arn
  alert_emails       = var.alert_emails
  log_retention_days = var.log_retention_days
  tags               = local.tags
}
