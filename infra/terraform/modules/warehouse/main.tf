data "aws_partition" "current" {}

locals {
  serverless  = var.warehouse_type == "serverless"
  provisioned = var.warehouse_type == "provisioned"

  endpoint_address = local.serverless ? try(aws_redshiftserverless_workgroup.this[0].endpoint[0].address, null) : try(aws_redshift_cluster.this[0].dns_name, null)
  endpoint_port    = local.serverless ? try(aws_redshiftserverless_workgroup.this[0].endpoint[0].port, var.port) : try(aws_redshift_cluster.this[0].port, var.port)
  admin_secret_arn = local.serverless ? try(aws_redshiftserverless_namespace.this[0].admin_password_secret_arn, null) : try(aws_redshift_cluster.this[0].master_password_secret_arn, null)
}

################################################################################
# IAM role that Redshift assumes for COPY: read-only on the lake bucket
################################################################################

data "aws_iam_policy_document" "copy_assume" {
  statement {
    sid     = "RedshiftAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "copy" {
  name                 = "${var.name}-redshift-copy"
  description          = "Assumed by Redshift for COPY from the lake bucket (read only: staging/, bronze/, silver/, load manifests)."
  assume_role_policy   = data.aws_iam_policy_document.copy_assume.json
  max_session_duration = 3600
  tags                 = var.tags
}

data "aws_iam_policy_document" "copy" {
  statement {
    sid       = "ListLakeStaging"
    effect    = "Allow"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [var.lake_bucket_arn]
  }

  statement {
    sid       = "ReadLakeStaging"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.lake_bucket_arn}/staging/*"]
  }

  # The workout lakehouse: ingest COPYs bronze/ Parquet, silver COPYs silver/ Parquet.
  statement {
    sid       = "ReadLakehouseParquet"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.lake_bucket_arn}/bronze/*", "${var.lake_bucket_arn}/silver/*"]
  }

  # COPY ... MANIFEST reads the load manifest that names exactly the run's files.
  statement {
    sid       = "ReadLoadManifests"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.lake_bucket_arn}/manifests/*/copy-*.json"]
  }

  statement {
    sid       = "DecryptLake"
    effect    = "Allow"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "copy" {
  name   = "read-lake-staging"
  role   = aws_iam_role.copy.id
  policy = data.aws_iam_policy_document.copy.json
}

################################################################################
# Network: a security group that admits only the given sources on the Redshift port
################################################################################

resource "aws_security_group" "this" {
  name        = "${var.name}-warehouse"
  description = "Redshift ${var.warehouse_type} for ${var.name}: JDBC from the pipeline only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "from_security_groups" {
  for_each = toset(var.allowed_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "Redshift JDBC from ${each.value}"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
}

resource "aws_vpc_security_group_ingress_rule" "from_cidrs" {
  for_each = toset(var.allowed_cidr_blocks)

  security_group_id = aws_security_group.this.id
  description       = "Redshift JDBC from ${each.value}"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = var.port
  to_port           = var.port
}

# With enhanced VPC routing, COPY reaches S3 through the VPC (gateway endpoint or NAT): HTTPS only.
resource "aws_vpc_security_group_egress_rule" "https" {
  for_each = toset(var.egress_cidr_blocks)

  security_group_id = aws_security_group.this.id
  description       = "HTTPS to S3 (COPY) and AWS APIs"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

################################################################################
# Redshift Serverless (default)
################################################################################

resource "aws_redshiftserverless_namespace" "this" {
  count = local.serverless ? 1 : 0

  namespace_name                   = var.name
  db_name                          = var.database_name
  admin_username                   = var.admin_username
  manage_admin_password            = true
  admin_password_secret_kms_key_id = var.kms_key_arn
  kms_key_id                       = var.kms_key_arn
  iam_roles                        = [aws_iam_role.copy.arn]
  default_iam_role_arn             = aws_iam_role.copy.arn
  log_exports                      = ["userlog", "connectionlog", "useractivitylog"]
  tags                             = var.tags
}

resource "aws_redshiftserverless_workgroup" "this" {
  count = local.serverless ? 1 : 0

  namespace_name       = aws_redshiftserverless_namespace.this[0].namespace_name
  workgroup_name       = var.name
  base_capacity        = var.serverless_base_capacity
  max_capacity         = var.serverless_max_capacity
  port                 = var.port
  publicly_accessible  = false
  enhanced_vpc_routing = true
  subnet_ids           = var.subnet_ids
  security_group_ids   = [aws_security_group.this.id]

  config_parameter {
    parameter_key   = "require_ssl"
    parameter_value = "true"
  }

  config_parameter {
    parameter_key   = "enable_user_activity_logging"
    parameter_value = "true"
  }

  tags = var.tags
}

resource "aws_redshiftserverless_usage_limit" "rpu_hours" {
  count = local.serverless && var.serverless_monthly_rpu_hours_limit > 0 ? 1 : 0

  resource_arn  = aws_redshiftserverless_workgroup.this[0].arn
  usage_type    = "serverless-compute"
  amount        = var.serverless_monthly_rpu_hours_limit
  period        = "monthly"
  breach_action = "log"
}

################################################################################
# Provisioned cluster (warehouse_type = "provisioned")
################################################################################

resource "aws_redshift_subnet_group" "this" {
  count = local.provisioned ? 1 : 0

  name        = var.name
  description = "Private subnets of ${var.name}"
  subnet_ids  = var.subnet_ids
  tags        = var.tags
}

resource "aws_redshift_parameter_group" "this" {
  count = local.provisioned ? 1 : 0

  name        = "${var.name}-params"
  description = "require_ssl and user activity logging for ${var.name}"
  family      = "redshift-2.0"

  parameter {
    name  = "require_ssl"
    value = "true"
  }

  parameter {
    name  = "enable_user_activity_logging"
    value = "true"
  }

  tags = var.tags
}

resource "aws_redshift_cluster" "this" {
  #checkov:skip=CKV_AWS_71:AWS provider 6 removed the logging block; audit logging is configured by aws_redshift_logging.this below (CloudWatch).
  count = local.provisioned ? 1 : 0

  cluster_identifier                  = var.name
  database_name                       = var.database_name
  master_username                     = var.admin_username
  manage_master_password              = true
  master_password_secret_kms_key_id   = var.kms_key_arn
  node_type                           = var.cluster_node_type
  number_of_nodes                     = var.cluster_number_of_nodes
  cluster_type                        = var.cluster_number_of_nodes > 1 ? "multi-node" : "single-node"
  port                                = var.port
  encrypted                           = true
  kms_key_id                          = var.kms_key_arn
  publicly_accessible                 = false
  enhanced_vpc_routing                = true
  cluster_subnet_group_name           = aws_redshift_subnet_group.this[0].name
  cluster_parameter_group_name        = aws_redshift_parameter_group.this[0].name
  vpc_security_group_ids              = [aws_security_group.this.id]
  iam_roles                           = [aws_iam_role.copy.arn]
  default_iam_role_arn                = aws_iam_role.copy.arn
  automated_snapshot_retention_period = var.snapshot_retention_days
  allow_version_upgrade               = true
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "${var.name}-final"
  tags                                = var.tags
}

resource "aws_redshift_logging" "this" {
  count = local.provisioned ? 1 : 0

  cluster_identifier   = aws_redshift_cluster.this[0].id
  log_destination_type = "cloudwatch"
  log_exports          = ["connectionlog", "userlog", "useractivitylog"]
}
