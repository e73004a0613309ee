variable "name" {
  description = "Project name; resource names start with <name>-<environment>."
  type        = string
  default     = "fitbit"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "name: lower-case letters, digits and '-', 2-21 characters, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, prod, ...)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment: lower-case letters and digits, 2-10 characters."
  }
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

variable "release_file" {
  description = "Path of images/release.json (image names = ECR repository names); default: the repository's own."
  type        = string
  default     = null
}

# ----------------------------------------------------------------------------- buckets

variable "raw_bucket_name" {
  description = "Raw bucket name (RAW_BUCKET); default <name>-<environment>-raw. Bucket names are global: set it if taken."
  type        = string
  default     = null
}

variable "lake_bucket_name" {
  description = "Lake bucket name (LAKE_BUCKET); default <name>-<environment>-lake."
  type        = string
  default     = null
}

variable "access_logs_bucket_name" {
  description = "S3 access-log bucket name; default <name>-<environment>-s3-access-logs."
  type        = string
  default     = null
}

variable "raw_prefix" {
  description = "RAW_PREFIX: prefix of the raw objects."
  type        = string
  default     = "raw"
}

variable "access_logging_enabled" {
  description = "Write S3 server access logs of raw and lake to a separate bucket."
  type        = bool
  default     = true
}

variable "staging_expiration_days" {
  description = "Days after which lake staging/ objects expire."
  type        = number
  default     = 30
}

variable "quarantine_expiration_days" {
  description = "Days after which lake quarantine/ objects expire."
  type        = number
  default     = 180
}

variable "force_destroy" {
  description = "Allow destroying non-empty buckets and repositories (test environments only)."
  type        = bool
  default     = false
}

# ----------------------------------------------------------------------------- warehouse

variable "warehouse_type" {
  description = "\"serverless\" (default) or \"provisioned\"."
  type        = string
  default     = "serverless"
}

variable "warehouse_database_name" {
  description = "Warehouse database name."
  type        = string
  default     = "fitbit"
}

variable "warehouse_admin_username" {
  description = "Warehouse admin user; the password is generated into Secrets Manager."
  type        = string
  default     = "fitbit_admin"
}

variable "vpc_id" {
  description = "VPC for the warehouse."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets for the warehouse (three AZs for serverless)."
  type        = list(string)
}

variable "warehouse_allowed_security_group_ids" {
  description = "Security groups (Airflow workers / step tasks) allowed to reach the warehouse port."
  type        = list(string)
  default     = []
}

variable "warehouse_allowed_cidr_blocks" {
  description = "Private CIDR blocks allowed to reach the warehouse port."
  type        = list(string)
  default     = []
}

variable "serverless_base_capacity" {
  description = "Base RPUs of the serverless workgroup."
  type        = number
  default     = 8
}

variable "serverless_max_capacity" {
  description = "Maximum RPUs of the serverless workgroup."
  type        = number
  default     = 32
}

variable "cluster_node_type" {
  description = "Node type (provisioned)."
  type        = string
  default     = "ra3.large"
}

variable "cluster_number_of_nodes" {
  description = "Number of nodes (provisioned)."
  type        = number
  default     = 1
}

# ----------------------------------------------------------------------------- workout lakehouse

variable "landing_prefix" {
  description = "LANDING_PREFIX: prefix of the CSV landing files (registrations/, gym_logins/) in the raw bucket."
  type        = string
  default     = "landing"
}

variable "streaming_enabled" {
  description = "Create the MSK Serverless cluster (IAM auth) for the workout lakehouse; false = batch pipeline only."
  type        = bool
  default     = true
}

variable "streaming_allowed_security_group_ids" {
  description = "Security groups allowed on the Kafka port (9098); default (null): warehouse_allowed_security_group_ids."
  type        = list(string)
  default     = null
}

variable "kafka_topic_user_info" {
  description = "KAFKA_TOPIC_USER_INFO: user profile changes (CDC)."
  type        = string
  default     = "user_info"
}

variable "kafka_topic_workout" {
  description = "KAFKA_TOPIC_WORKOUT: workout start/stop events."
  type        = string
  default     = "workout"
}

variable "kafka_topic_bpm" {
  description = "KAFKA_TOPIC_BPM: heart-rate readings."
  type        = string
  default     = "bpm"
}

variable "kafka_consumer_group" {
  description = "KAFKA_CONSUMER_GROUP: consumer group of the ingest step (its committed offsets show the lag)."
  type        = string
  default     = "fitbit-lakehouse"
}

# ----------------------------------------------------------------------------- steps, alerts

variable "step_trusted_services" {
  description = "Services that may assume the step roles."
  type        = list(string)
  default     = ["ecs-tasks.amazonaws.com"]
}

variable "step_trusted_role_arns" {
  description = "Roles (e.g. the Airflow workers' instance role) that may assume the step roles."
  type        = list(string)
  default     = []
}

variable "alert_emails" {
  description = "E-mail addresses subscribed to the alerts topic."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "CloudWatch log retention in days (>= 365)."
  type        = number
  default     = 365
}
