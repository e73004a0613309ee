variable "repositories" {
  description = "Map of step => repository name, e.g. { extract = \"fitbit-extract\" } (images/release.json \"images\")."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "Customer managed KMS key that encrypts the images."
  type        = string
}

variable "untagged_expiration_days" {
  description = "Days after which untagged images expire."
  type        = number
  default     = 14
}

variable "keep_tagged_images" {
  description = "Number of tagged images kept per repository."
  type        = number
  default     = 30
}

variable "force_delete" {
  description = "Allow terraform destroy to delete repositories that still hold images."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
