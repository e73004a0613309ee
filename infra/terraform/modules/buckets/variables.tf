variable "raw_bucket_name" {
  description = "Name of the raw bucket (RAW_BUCKET)."
  type        = string
}

variable "lake_bucket_name" {
  description = "Name of the lake bucket (LAKE_BUCKET)."
  type        = string
}

variable "access_logs_bucket_name" {
  description = "Name of the bucket that receives S3 server access logs of raw and lake."
  type        = string
}

variable "raw_prefix" {
  description = "Prefix of the raw objects (RAW_PREFIX)."
  type        = string
  default     = "raw"
}

variable "kms_key_arn" {
  description = "ARN of the customer managed KMS key for default bucket encryption (SSE-KMS)."
  type        = string
}

variable "access_logging_enabled" {
  description = "Write S3 server access logs of raw and lake to a separate bucket."
  type        = bool
  default     = true
}

variable "staging_expiration_days" {
  description = "Days after which lake objects under staging/ expire."
  type        = number
  default     = 30
}

variable "quarantine_expiration_days" {
  description = "Days after which lake objects under quarantine/ expire."
  type        = number
  default     = 180
}

variable "raw_transition_to_ia_days" {
  description = "Days after which raw objects move to STANDARD_IA (minimum 30)."
  type        = number
  default     = 90

  validation {
    condition     = var.raw_transition_to_ia_days >= 30
    error_message = "S3 allows a STANDARD_IA transition only after 30 days or more."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent (overwritten or deleted) raw object versions expire."
  type        = number
  default     = 90
}

variable "access_logs_expiration_days" {
  description = "Days after which access logs expire."
  type        = number
  default     = 365
}

variable "force_destroy" {
  description = "Allow terraform destroy to delete non-empty buckets (never in production)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
