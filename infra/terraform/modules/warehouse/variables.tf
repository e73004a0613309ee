variable "name" {
  description = "Name of the namespace/workgroup (serverless) or cluster identifier (provisioned)."
  type        = string
}

variable "warehouse_type" {
  description = "\"serverless\" (Redshift Serverless namespace + workgroup) or \"provisioned\" (a Redshift cluster)."
  type        = string
  default     = "serverless"

  validation {
    condition     = contains(["serverless", "provisioned"], var.warehouse_type)
    error_message = "warehouse_type must be \"serverless\" or \"provisioned\"."
  }
}

variable "database_name" {
  description = "Name of the first database."
  type        = string
  default     = "fitbit"
}

variable "admin_username" {
  description = "Admin user name; its password is generated and kept in Secrets Manager (never an input or output)."
  type        = string
  default     = "fitbit_admin"
}

variable "port" {
  description = "Port the warehouse listens on."
  type        = number
  default     = 5439
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the warehouse data and the admin secret."
  type        = string
}

variable "lake_bucket_arn" {
  description = "ARN of the lake bucket that COPY reads (staging/, bronze/, silver/ and the load manifests)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the warehouse."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (serverless needs three, in three Availability Zones)."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups (Airflow workers, step tasks) that may connect on the warehouse port."
  type        = list(string)
  default     = []
}

variable "allowed_cidr_blocks" {
  description = "CIDR blocks (private) that may connect on the warehouse port."
  type        = list(string)
  default     = []
}

variable "egress_cidr_blocks" {
  description = "Where the warehouse may open HTTPS connections (S3 for COPY)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "serverless_base_capacity" {
  description = "Base RPUs of the workgroup."
  type        = number
  default     = 8
}

variable "serverless_max_capacity" {
  description = "Maximum RPUs of the workgroup."
  type        = number
  default     = 32
}

variable "serverless_monthly_rpu_hours_limit" {
  description = "Monthly RPU-hours after which a usage-limit breach is logged (0 = no limit)."
  type        = number
  default     = 0
}

variable "cluster_node_type" {
  description = "Node type of the provisioned cluster."
  type        = string
  default     = "ra3.large"
}

variable "cluster_number_of_nodes" {
  description = "Number of nodes of the provisioned cluster."
  type        = number
  default     = 1
}

variable "snapshot_retention_days" {
  description = "Automated snapshot retention of the provisioned cluster."
  type        = number
  default     = 7
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
