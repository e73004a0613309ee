variable "name" {
  description = "Name prefix of the roles (<name>-extract, ...)."
  type        = string
}

variable "raw_bucket_arn" {
  description = "ARN of the raw bucket."
  type        = string
}

variable "raw_prefix" {
  description = "Prefix of the raw objects (RAW_PREFIX)."
  type        = string
  default     = "raw"
}

variable "lake_bucket_arn" {
  description = "ARN of the lake bucket."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the buckets."
  type        = string
}

variable "warehouse_type" {
  description = "\"serverless\" or \"provisioned\" (as in modules/warehouse)."
  type        = string
  default     = "serverless"

  validation {
    condition     = contains(["serverless", "provisioned"], var.warehouse_type)
    error_message = "warehouse_type must be \"serverless\" or \"provisioned\"."
  }
}

variable "workgroup_arn" {
  description = "Redshift Serverless workgroup ARN (serverless)."
  type        = string
  default     = null
}

variable "cluster_arn" {
  description = "Redshift cluster ARN (provisioned)."
  type        = string
  default     = null
}

variable "cluster_identifier" {
  description = "Redshift cluster identifier (provisioned)."
  type        = string
  default     = null
}

variable "database_name" {
  description = "Warehouse database name."
  type        = string
  default     = "fitbit"
}

variable "warehouse_db_user" {
  description = "Database user for GetClusterCredentials (provisioned only)."
  type        = string
  default     = "fitbit_pipeline"
}

variable "trusted_services" {
  description = "Services that may assume the step roles (ECS tasks by default)."
  type        = list(string)
  default     = ["ecs-tasks.amazonaws.com"]
}

variable "trusted_role_arns" {
  description = "IAM roles (e.g. the Airflow workers' role) that may assume the step roles."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
