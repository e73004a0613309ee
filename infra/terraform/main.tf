# Fitbit intraday pipeline on AWS: buckets, warehouse (Redshift Serverless by default), ECR
# repositories, least-privilege step roles and alerting. The provider is configured by the
# caller (see examples/complete).

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

module "iam" {
  source = "./modules/iam"

  name               = local.prefix
  raw_bucket_arn     = module.buckets.raw_bucket_arn
  raw_prefix         = var.raw_prefix
  lake_bucket_arn    = module.buckets.lake_bucket_arn
  kms_key_arn        = module.kms.key_arn
  warehouse_type     = var.warehouse_type
  workgroup_arn      = module.warehouse.workgroup_arn
  cluster_arn        = module.warehouse.cluster_arn
  cluster_identifier = module.warehouse.cluster_identifier
  database_name      = var.warehouse_database_name
  trusted_services   = var.step_trusted_services
  trusted_role_arns  = var.step_trusted_role_arns
  tags               = local.tags
}

module "alerts" {
  source = "./modules/alerts"

  name               = local.prefix
  kms_key_arn        = module.kms.key_arn
  alert_emails       = var.alert_emails
  log_retention_days = var.log_retention_days
  tags               = local.tags
}
