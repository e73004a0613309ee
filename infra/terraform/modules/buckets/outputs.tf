output "raw_bucket_name" {
  description = "Name of the raw bucket (RAW_BUCKET)."
  value       = aws_s3_bucket.raw.id
}

output "raw_bucket_arn" {
  description = "ARN of the raw bucket."
  value       = aws_s3_bucket.raw.arn
}

output "lake_bucket_name" {
  description = "Name of the lake bucket (LAKE_BUCKET)."
  value       = aws_s3_bucket.lake.id
}

output "lake_bucket_arn" {
  description = "ARN of the lake bucket."
  value       = aws_s3_bucket.lake.arn
}

output "access_logs_bucket_name" {
  description = "Name of the access-log bucket (null when access logging is off)."
  value       = try(aws_s3_bucket.access_logs[0].id, null)
}
