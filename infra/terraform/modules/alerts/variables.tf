variable "name" {
  description = "Name prefix of the topic, the policy and the log groups (/<name>/<step>)."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the topic and the log groups."
  type        = string
}

variable "alert_emails" {
  description = "E-mail addresses subscribed to the alerts topic (each must confirm)."
  type        = list(string)
  default     = []
}

variable "log_group_streams" {
  description = "One log group per name: /<name>/<entry>."
  type        = list(string)
  default     = ["extract", "transform", "load", "promote", "report", "ingest", "silver", "gold", "airflow"]
}

variable "log_retention_days" {
  description = "Retention of the log groups, in days (CloudWatch's allowed values; at least 365)."
  type        = number
  default     = 365

  validation {
    condition     = var.log_retention_days >= 365
    error_message = "Keep pipeline logs at least one year (log_retention_days >= 365)."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
