variable "name" {
  description = "Name of the MSK Serverless cluster and prefix of its security group."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9-]{0,59}$", var.name))
    error_message = "name: letters, digits and '-', at most 60 characters (MSK cluster names allow 64)."
  }
}

variable "vpc_id" {
  description = "VPC of the cluster's network interfaces."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the cluster (at least two Availability Zones, at most five subnets)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && length(var.subnet_ids) <= 5
    error_message = "MSK Serverless needs 2 to 5 subnets in at least two Availability Zones."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups (Airflow workers, step tasks) that may connect on 9098 (SASL/IAM)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
