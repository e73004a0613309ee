data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_root = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
  logs_service = "logs.${data.aws_region.current.region}.amazonaws.com"
  log_group_arn_pattern = format(
    "arn:%s:logs:%s:%s:log-group:*",
    data.aws_partition.current.partition,
    data.aws_region.current.region,
    data.aws_caller_identity.current.account_id,
  )
}

# One customer managed key for the pipeline's data at rest: S3 (raw, lake), Redshift, the
# Redshift admin secret, ECR, SNS and CloudWatch Logs. The key policy delegates to IAM (the
# account root statement), so the roles in modules/iam get only what their own policies grant.
resource "aws_kms_key" "this" {
  description             = "${var.name} pipeline data (S3, Redshift, ECR, SNS, CloudWatch Logs)"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A key policy's "Resource: *" means this key only; the account root statement is the documented IAM delegation.
  #checkov:skip=CKV_AWS_111:A key policy's "Resource: *" means this key only; the account root statement is the documented IAM delegation.
  #checkov:skip=CKV_AWS_356:A key policy's "Resource: *" means this key only (a key policy cannot name other resources).
  statement {
    sid       = "EnableIamPolicies"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }

  statement {
    sid    = "AllowCloudWatchLogs"
    effect = "Allow"
    actions = [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = [local.logs_service]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [local.log_group_arn_pattern]
    }
  }

  statement {
    sid       = "AllowCloudWatchAlarmsToPublishToEncryptedSns"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}
