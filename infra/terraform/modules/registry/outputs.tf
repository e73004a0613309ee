output "repository_urls" {
  description = "Map of step => repository URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>)."
  value       = { for step, repo in aws_ecr_repository.this : step => repo.repository_url }
}

output "repository_arns" {
  description = "Map of step => repository ARN."
  value       = { for step, repo in aws_ecr_repository.this : step => repo.arn }
}

output "registry" {
  description = "Registry host for images/release.json \"registry\" (<account>.dkr.ecr.<region>.amazonaws.com)."
  value       = try(split("/", values(aws_ecr_repository.this)[0].repository_url)[0], null)
}
