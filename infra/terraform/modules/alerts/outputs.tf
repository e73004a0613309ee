output "sns_topic_arn" {
  description = "ARN of the alerts topic (the DAG notifier's target)."
  value       = aws_sns_topic.alerts.arn
}

output "publish_policy_arn" {
  description = "IAM policy to attach to the Airflow workers' role to publish alerts."
  value       = aws_iam_policy.publish.arn
}

output "log_group_names" {
  description = "Map of step => CloudWatch log group name."
  value       = { for k, g in aws_cloudwatch_log_group.steps : k => g.name }
}
