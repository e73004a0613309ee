data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  raw_objects = "${var.raw_bucket_arn}/${var.raw_prefix}/*"
  lake        = var.lake_bucket_arn
  serverless  = var.warehouse_type == "serverless"

  redshift_prefix = "arn:${data.aws_partition.current.partition}:redshift:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}"
  # Provisioned cluster: GetClusterCredentials for the step's database user only.
  cluster_dbuser = "${local.redshift_prefix}:dbuser:${var.cluster_identifier}/${var.warehouse_db_user}"
  cluster_dbname = "${local.redshift_prefix}:dbname:${var.cluster_identifier}/${var.database_name}"
  warehouse_arn  = local.serverless ? var.workgroup_arn : var.cluster_arn

  steps = toset(["extract", "transform", "load", "promote"])
}

################################################################################
# Who may assume the step roles: ECS tasks and/or the Airflow workers' role
################################################################################

data "aws_iam_policy_document" "assume" {
  dynamic "statement" {
    for_each = length(var.trusted_services) > 0 ? [1] : []
    content {
      sid     = "ServicesAssumeRole"
      effect  = "Allow"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "Service"
        identifiers = var.trusted_services
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [data.aws_caller_identity.current.account_id]
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.trusted_role_arns) > 0 ? [1] : []
    content {
      sid     = "AirflowWorkersAssumeRole"
      effect  = "Allow"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "AWS"
        identifiers = var.trusted_role_arns
      }
    }
  }
}

resource "aws_iam_role" "step" {
  for_each = local.steps

  name                 = "${var.name}-${each.key}"
  description          = "Fitbit pipeline step ${each.key} (least privilege)."
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  max_session_duration = 3600
  tags                 = merge(var.tags, { "fitbit:step" = each.key })
}

################################################################################
# extract: list/read raw, write lake manifests/
################################################################################

data "aws_iam_policy_document" "extract" {
  # The ledger (what is already loaded) and the run statistics are in the warehouse.
  source_policy_documents = [data.aws_iam_policy_document.warehouse_credentials.json]

  statement {
    sid       = "ListRaw"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.raw_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.raw_prefix}/*", "${var.raw_prefix}/"]
    }
  }

  statement {
    sid       = "ReadRaw"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = [local.raw_objects]
  }

  statement {
    sid       = "WriteLakeManifests"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"]
    resources = ["${local.lake}/manifests/*"]
  }

  statement {
    sid       = "UseBucketKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

################################################################################
# transform: read raw, write lake (staging/, quarantine/, manifests/)
################################################################################

data "aws_iam_policy_document" "transform" {
  # The run statistics (fitbit_ops.pipeline_runs) are in the warehouse.
  source_policy_documents = [data.aws_iam_policy_document.warehouse_credentials.json]

  statement {
    sid       = "ListRaw"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.raw_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.raw_prefix}/*", "${var.raw_prefix}/"]
    }
  }

  statement {
    sid       = "ReadRaw"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = [local.raw_objects]
  }

  statement {
    sid       = "ListLake"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [local.lake]
  }

  statement {
    sid     = "WriteLake"
    effect  = "Allow"
    actions = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"]
    resources = [
      "${local.lake}/staging/*",
      "${local.lake}/quarantine/*",
      "${local.lake}/manifests/*",
    ]
  }

  statement {
    sid       = "UseBucketKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

################################################################################
# Every step connects to the warehouse over JDBC with IAM authentication: temporary credentials
################################################################################

data "aws_iam_policy_document" "warehouse_credentials" {
  dynamic "statement" {
    for_each = local.serverless ? [1] : []
    content {
      sid       = "ServerlessTemporaryCredentials"
      effect    = "Allow"
      actions   = ["redshift-serverless:GetCredentials"]
      resources = [var.workgroup_arn]
    }
  }

  dynamic "statement" {
    for_each = local.serverless ? [] : [1]
    content {
      sid       = "ClusterTemporaryCredentials"
      effect    = "Allow"
      actions   = ["redshift:GetClusterCredentials"]
      resources = [local.cluster_dbuser, local.cluster_dbname]
    }
  }
}

################################################################################
# load and promote: the warehouse + read the lake manifests (transform writes the load manifests
# that Redshift COPY reads with its own role, so neither step writes to S3)
################################################################################

data "aws_iam_policy_document" "warehouse" {
  source_policy_documents = [data.aws_iam_policy_document.warehouse_credentials.json]

  statement {
    sid       = "ReadLakeManifests"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${local.lake}/manifests/*"]
  }

  statement {
    sid       = "ListLakeManifests"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [local.lake]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["manifests/*"]
    }
  }

  statement {
    sid       = "DecryptLake"
    effect    = "Allow"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

locals {
  step_policies = {
    extract   = data.aws_iam_policy_document.extract.json
    transform = data.aws_iam_policy_document.transform.json
    load      = data.aws_iam_policy_document.warehouse.json
    promote   = data.aws_iam_policy_document.warehouse.json
  }
}

resource "aws_iam_role_policy" "step" {
  for_each = local.steps

  name   = "${var.name}-${each.key}"
  role   = aws_iam_role.step[each.key].id
  policy = local.step_policies[each.key]
}
