output "pipeline_environment" {
  description = "The steps' environment variables (docs/contract.md)."
  value       = module.fitbit_pipeline.pipeline_environment
}

output "image_registry" {
  description = "Put into images/release.json \"registry\"."
  value       = module.fitbit_pipeline.image_registry
}

output "ecr_repository_urls" {
  description = "ECR repositories of the step images (images/release.json)."
  value       = module.fitbit_pipeline.ecr_repository_urls
}

output "step_role_arns" {
  description = "Step roles."
  value       = module.fitbit_pipeline.step_role_arns
}

output "sns_topic_arn" {
  description = "Alerts topic."
  value       = module.fitbit_pipeline.sns_topic_arn
}

output "airflow_connections" {
  description = "Airflow connections to create."
  value       = module.fitbit_pipeline.airflow_connections
}

output "airflow_variables" {
  description = "Airflow variables to create."
  value       = module.fitbit_pipeline.airflow_variables
}

output "warehouse_admin_secret_arn" {
  description = "Secrets Manager secret of the warehouse admin (ARN only)."
  value       = module.fitbit_pipeline.warehouse_admin_secret_arn
}

output "msk_cluster_arn" {
  description = "MSK Serverless cluster of the workout lakehouse (null when streaming_enabled = false)."
  value       = module.fitbit_pipeline.msk_cluster_arn
}

output "msk_security_group_id" {
  description = "Security group of the MSK cluster; allow egress to it on 9098 from the Airflow workers."
  value       = module.fitbit_pipeline.msk_security_group_id
}
