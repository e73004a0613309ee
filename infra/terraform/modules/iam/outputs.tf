output "role_arns" {
  description = "Map of step => IAM role ARN."
  value       = { for step, role in aws_iam_role.step : step => role.arn }
}

output "role_names" {
  description = "Map of step => IAM role name."
  value       = { for step, role in aws_iam_role.step : step => role.name }
}
