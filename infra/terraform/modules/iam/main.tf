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

  # Batch steps and the run report (fitbit_intraday_weekly DAG), the workout lakehouse's steps
  # (fitbit_lakehouse DAG).
  steps = toset(["extract", "transform", "load", "promote", "report", "ingest", "silver", "gold"])

  # MSK IAM resources: arn:PARTITION:kafka:REGION:ACCOUNT:{topic,group}/CLUSTER_NAME/CLUSTER_UUID/NAME.
  # Null without a cluster (the conditional keeps the null name/uuid out of the template).
  kafka_prefix           = "arn:${data.aws_partition.current.partition}:kafka:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}"
  kafka_topic_arn_prefix = var.kafka_enabled ? "${local.kafka_prefix}:topic/${var.kafka_cluster_name}/${var.kafka_cluster_uuid}" : null
  kafka_group_arn_prefix = var.kafka_enabled ? "${local.kafka_prefix}:group/${var.kafka_cluster_name}/${var.kafka_cluster_uuid}" : null
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

################################################################################
# report: reads the run from the warehouse, writes the page to the lake's reports/ (only there)
################################################################################

data "aws_iam_policy_document" "report" {
  source_policy_documents = [data.aws_iam_policy_document.warehouse_credentials.json]

  statement {
    sid       = "ListLakeReports"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [local.lake]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["reports/*", "reports/"]
    }
  }

  # The report reads nothing else from the lake: everything it shows is in the warehouse.
  statement {
    sid       = "WriteLakeReports"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"]
    resources = ["${local.lake}/reports/*"]
  }

  statement {
    sid       = "UseBucketKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

################################################################################
# ingest (workout lakehouse): Kafka topics -> lake bronze/ -> warehouse bronze; CSV landing files
################################################################################

data "aws_iam_policy_document" "ingest" {
  # Kafka offsets and the read landing files are kept in the warehouse; COPY loads bronze.
  source_policy_documents = concat(
    [data.aws_iam_policy_document.warehouse_credentials.json],
    data.aws_iam_policy_document.ingest_kafka[*].json,
  )

  statement {
    sid       = "ListLanding"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.raw_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.landing_prefix}/*", "${var.landing_prefix}/"]
    }
  }

  statement {
    sid       = "ReadLanding"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.raw_bucket_arn}/${var.landing_prefix}/*"]
  }

  statement {
    sid       = "ListLakeBronze"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [local.lake]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["bronze/*", "bronze/"]
    }
  }

  # DeleteObject: the step removes its own orphaned bronze files of an interrupted batch.
  statement {
    sid       = "WriteLakeBronze"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${local.lake}/bronze/*"]
  }

  statement {
    sid       = "UseBucketKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

# MSK Serverless with IAM access control: read the three topics, commit the consumer group's
# offsets (lag monitoring). Only with a cluster (kafka_enabled).
data "aws_iam_policy_document" "ingest_kafka" {
  count = var.kafka_enabled ? 1 : 0

  statement {
    sid       = "KafkaConnect"
    effect    = "Allow"
    actions   = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"]
    resources = [var.kafka_cluster_arn]
  }

  statement {
    sid     = "KafkaReadTopics"
    effect  = "Allow"
    actions = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
    resources = [
      "${local.kafka_topic_arn_prefix}/${var.kafka_topic_user_info}",
      "${local.kafka_topic_arn_prefix}/${var.kafka_topic_workout}",
      "${local.kafka_topic_arn_prefix}/${var.kafka_topic_bpm}",
    ]
  }

  statement {
    sid       = "KafkaConsumerGroup"
    effect    = "Allow"
    actions   = ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"]
    resources = ["${local.kafka_group_arn_prefix}/${var.kafka_consumer_group}"]
  }
}

################################################################################
# silver: SQL in the warehouse, writes lake silver/ and COPYs it in (with the COPY role)
################################################################################

data "aws_iam_policy_document" "silver" {
  source_policy_documents = [data.aws_iam_policy_document.warehouse_credentials.json]

  statement {
    sid       = "ListLakeSilver"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [local.lake]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["silver/*", "silver/"]
    }
  }

  statement {
    sid       = "WriteLakeSilver"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"]
    resources = ["${local.lake}/silver/*"]
  }

  statement {
    sid       = "UseBucketKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

locals {
  step_policies = {
    extract   = data.aws_iam_policy_document.extract.json
    transform = data.aws_iam_policy_document.transform.json
    load      = data.aws_iam_policy_document.warehouse.json
    promote   = data.aws_iam_policy_document.warehouse.json
    report    = data.aws_iam_policy_document.report.json
    ingest    = data.aws_iam_policy_document.ingest.json
    silver    = data.aws_iam_policy_document.silver.json
    # gold only runs SQL in the warehouse (schemas silver -> gold): credentials and nothing else.
    gold = data.aws_iam_policy_document.warehouse_credentials.json
  }
}

resource "aws_iam_role_policy" "step" {
  for_each = local.steps

  name   = "${var.name}-${each.key}"
  role   = aws_iam_role.step[each.key].id
  policy = local.step_policies[each.key]
}
