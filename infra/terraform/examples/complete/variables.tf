variable "region" {
  description = "AWS region (AWS_REGION)."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Project name."
  type        = string
  default     = "fitbit"
}

variable "environment" {
  description = "Environment name."
  type        = string
  default     = "dev"
}

variable "vpc_id" {
  description = "VPC for the warehouse."
  type        = string
}

variable "private_subnet_ids" {
  description = "Three private subnets in three AZs."
  type        = list(string)
}

variable "warehouse_type" {
  description = "serverless or provisioned."
  type        = string
  default     = "serverless"
}

variable "warehouse_allowed_security_group_ids" {
  description = "Security group of the Airflow workers."
  type        = list(string)
  default     = []
}

variable "step_trusted_role_arns" {
  description = "Role of the Airflow workers, which assumes the step roles."
  type        = list(string)
  default     = []
}

variable "alert_emails" {
  description = "Who gets pipeline alerts."
  type        = list(string)
  default     = []
}

variable "streaming_enabled" {
  description = "MSK Serverless for the workout lakehouse (false: batch pipeline only)."
  type        = bool
  default     = true
}

variable "streaming_allowed_security_group_ids" {
  description = "Security groups allowed on Kafka (9098); null: the warehouse's."
  type        = list(string)
  default     = null
}

variable "kafka_consumer_group" {
  description = "Consumer group of the ingest step."
  type        = string
  default     = "fitbit-lakehouse"
}
