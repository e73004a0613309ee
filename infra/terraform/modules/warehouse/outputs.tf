output "jdbc_url" {
  description = "WAREHOUSE_JDBC_URL: jdbc:redshift://<endpoint>:<port>/<database>."
  value       = local.endpoint_address == null ? null : "jdbc:redshift://${local.endpoint_address}:${local.endpoint_port}/${var.database_name}"
}

output "endpoint_address" {
  description = "Host name of the warehouse endpoint."
  value       = local.endpoint_address
}

output "port" {
  description = "Port of the warehouse endpoint."
  value       = local.endpoint_port
}

output "database_name" {
  description = "Name of the database."
  value       = var.database_name
}

output "admin_username" {
  description = "Admin user name (the password is only in Secrets Manager)."
  value       = var.admin_username
}

output "admin_secret_arn" {
  description = "ARN of the Secrets Manager secret that holds the admin password (the ARN, not the password)."
  value       = local.admin_secret_arn
}

output "copy_role_arn" {
  description = "REDSHIFT_IAM_ROLE: the role Redshift assumes for COPY from the lake."
  value       = aws_iam_role.copy.arn
}

output "security_group_id" {
  description = "Security group of the warehouse."
  value       = aws_security_group.this.id
}

output "warehouse_type" {
  description = "serverless or provisioned."
  value       = var.warehouse_type
}

output "workgroup_name" {
  description = "Redshift Serverless workgroup name (null for provisioned)."
  value       = try(aws_redshiftserverless_workgroup.this[0].workgroup_name, null)
}

output "workgroup_arn" {
  description = "Redshift Serverless workgroup ARN (null for provisioned)."
  value       = try(aws_redshiftserverless_workgroup.this[0].arn, null)
}

output "cluster_identifier" {
  description = "Provisioned cluster identifier (null for serverless)."
  value       = try(aws_redshift_cluster.this[0].cluster_identifier, null)
}

output "cluster_arn" {
  description = "Provisioned cluster ARN (null for serverless)."
  value       = try(aws_redshift_cluster.this[0].arn, null)
}
