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

variable "landing_prefix" {
  description = "Prefix of the CSV landing files in the raw bucket (LANDING_PREFIX); ingest reads only below it."
  type        = string
  default     = "landing"
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

variable "kafka_enabled" {
  description = "Grant the ingest role access to an MSK cluster with IAM access control (kafka_cluster_* must be set)."
  type        = bool
  default     = false
}

variable "kafka_cluster_arn" {
  description = "ARN of the MSK cluster (kafka_enabled)."
  type        = string
  default     = null
}

variable "kafka_cluster_name" {
  description = "Name of the MSK cluster, part of its topic and group ARNs (kafka_enabled)."
  type        = string
  default     = null
}

variable "kafka_cluster_uuid" {
  description = "UUID of the MSK cluster, part of its topic and group ARNs (kafka_enabled)."
  type        = string
  default     = null
}

variable "kafka_topic_user_info" {
  description = "KAFKA_TOPIC_USER_INFO: the user_info topic ingest reads."
  type        = string
  default     = "user_info"

  validation {
    condition     = can(regex("^[a-zA-Z0-9._-]{1,249}$", var.kafka_topic_user_info))
    error_message = "A Kafka topic name: letters, digits, '.', '_' and '-' (no IAM wildcard)."
  }
}

variable "kafka_topic_workout" {
  description = "KAFKA_TOPIC_WORKOUT: the workout topic ingest reads."
  type        = string
  default     = "workout"

  validation {
    condition     = can(regex("^[a-zA-Z0-9._-]{1,249}$", var.kafka_topic_workout))
    error_message = "A Kafka topic name: letters, digits, '.', '_' and '-' (no IAM wildcard)."
  }
}

variable "kafka_topic_bpm" {
  description = "KAFKA_TOPIC_BPM: the bpm topic ingest reads."
  type        = string
  default     = "bpm"

  validation {
    condition     = can(regex("^[a-zA-Z0-9._-]{1,249}$", var.kafka_topic_bpm))
    error_message = "A Kafka topic name: letters, digits, '.', '_' and '-' (no IAM wildcard)."
  }
}

variable "kafka_consumer_group" {
  description = "KAFKA_CONSUMER_GROUP: the consumer group whose offsets ingest commits."
  type        = string
  default     = "fitbit-lakehouse"

  validation {
    condition     = can(regex("^[a-zA-Z0-9._-]{1,249}$", var.kafka_consumer_group))
    error_message = "Consumer group: letters, digits, '.', '_' and '-' (no IAM wildcard)."
  }
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
