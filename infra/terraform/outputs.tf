################################################################################
# One output per pipeline environment variable (docs/contract.md)
################################################################################

output "raw_bucket" {
  description = "RAW_BUCKET"
  value       = module.buckets.raw_bucket_name
}

output "raw_prefix" {
  description = "RAW_PREFIX"
  value       = var.raw_prefix
}

output "lake_bucket" {
  description = "LAKE_BUCKET"
  value       = module.buckets.lake_bucket_name
}

output "aws_region" {
  description = "AWS_REGION"
  value       = data.aws_region.current.region
}

output "warehouse_jdbc_url" {
  description = "WAREHOUSE_JDBC_URL (jdbc:redshift://...)"
  value       = module.warehouse.jdbc_url
}

output "warehouse_dialect" {
  description = "WAREHOUSE_DIALECT"
  value       = "redshift"
}

output "warehouse_iam_auth" {
  description = "WAREHOUSE_IAM_AUTH: the load/promote roles get temporary database credentials from IAM, no password."
  value       = "true"
}

output "redshift_iam_role" {
  description = "REDSHIFT_IAM_ROLE: role Redshift assumes for COPY (read-only on the lake)."
  value       = module.warehouse.copy_role_arn
}

output "landing_prefix" {
  description = "LANDING_PREFIX: prefix of the CSV landing files in the raw bucket (ingest)."
  value       = var.landing_prefix
}

output "kafka_bootstrap_servers" {
  description = "KAFKA_BOOTSTRAP_SERVERS: MSK Serverless SASL/IAM brokers (port 9098); \"\" when streaming_enabled = false."
  value       = local.kafka_bootstrap_servers
}

output "kafka_auth" {
  description = "KAFKA_AUTH: \"msk-iam\" (SASL_SSL, AWS_MSK_IAM, credentials from the step role); \"none\" without the cluster."
  value       = local.kafka_auth
}

output "kafka_topic_user_info" {
  description = "KAFKA_TOPIC_USER_INFO"
  value       = var.kafka_topic_user_info
}

output "kafka_topic_workout" {
  description = "KAFKA_TOPIC_WORKOUT"
  value       = var.kafka_topic_workout
}

output "kafka_topic_bpm" {
  description = "KAFKA_TOPIC_BPM"
  value       = var.kafka_topic_bpm
}

output "kafka_consumer_group" {
  description = "KAFKA_CONSUMER_GROUP"
  value       = var.kafka_consumer_group
}

output "pipeline_environment" {
  description = "All of the above as KEY => value, ready for an env file or the DAG's container environment."
  value       = local.pipeline_environment
}

################################################################################
# Images, roles, alerting: what the Airflow deployment needs
################################################################################

output "image_registry" {
  description = "Value for images/release.json \"registry\" (the ECR registry host)."
  value       = module.registry.registry
}

output "ecr_repository_urls" {
  description = "Map of step => ECR repository URL; push <url>:<tag from images/release.json>."
  value       = module.registry.repository_urls
}

output "step_role_arns" {
  description = "Map of step => least-privilege IAM role ARN the step container runs as."
  value       = module.iam.role_arns
}

output "sns_topic_arn" {
  description = "Alerts topic for the DAG's notifier."
  value       = module.alerts.sns_topic_arn
}

output "alerts_publish_policy_arn" {
  description = "Attach to the Airflow workers' role so the notifier may publish."
  value       = module.alerts.publish_policy_arn
}

output "log_group_names" {
  description = "Map of step => CloudWatch log group."
  value       = module.alerts.log_group_names
}

output "kms_key_arn" {
  description = "Customer managed key of the pipeline's data."
  value       = module.kms.key_arn
}

output "warehouse_admin_secret_arn" {
  description = "ARN of the Secrets Manager secret with the warehouse admin password (the ARN only)."
  value       = module.warehouse.admin_secret_arn
}

output "warehouse_security_group_id" {
  description = "Security group of the warehouse."
  value       = module.warehouse.security_group_id
}

output "msk_cluster_arn" {
  description = "ARN of the MSK Serverless cluster (null when streaming_enabled = false)."
  value       = one(module.streaming[*].cluster_arn)
}

output "msk_security_group_id" {
  description = "Security group of the MSK Serverless cluster: the clients' own security group must allow egress to it on 9098 (null without the cluster)."
  value       = one(module.streaming[*].security_group_id)
}

output "airflow_connections" {
  description = "Airflow connections to create (id => URI-less description); see README and docs/deploy.md."
  value = {
    aws_default = {
      conn_type = "aws"
      extra     = { region_name = data.aws_region.current.region }
    }
    fitbit_warehouse = {
      conn_type = "redshift"
      host      = module.warehouse.endpoint_address
      port      = module.warehouse.port
      schema    = module.warehouse.database_name
      extra     = { iam = true, is_serverless = var.warehouse_type == "serverless", serverless_work_group = module.warehouse.workgroup_name, region = data.aws_region.current.region }
    }
  }
}

output "airflow_variables" {
  description = "Airflow variables to create (name => value)."
  value = {
    fitbit_image_registry = module.registry.registry
    fitbit_sns_topic_arn  = module.alerts.sns_topic_arn
    fitbit_step_roles     = jsonencode(module.iam.role_arns)
    fitbit_log_groups     = jsonencode(module.alerts.log_group_names)
    fitbit_pipeline_env   = jsonencode(local.pipeline_environment)
  }
}
