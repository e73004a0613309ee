output "cluster_arn" {
  description = "ARN of the MSK Serverless cluster (kafka-cluster:Connect and DescribeCluster are granted on it)."
  value       = aws_msk_serverless_cluster.this.arn
}

output "cluster_name" {
  description = "Name of the cluster; part of topic and group ARNs (arn:aws:kafka:REGION:ACCOUNT:topic/CLUSTER_NAME/CLUSTER_UUID/TOPIC)."
  value       = aws_msk_serverless_cluster.this.cluster_name
}

output "cluster_uuid" {
  description = "UUID of the cluster; part of topic and group ARNs (arn:aws:kafka:REGION:ACCOUNT:topic/CLUSTER_NAME/CLUSTER_UUID/TOPIC)."
  value       = aws_msk_serverless_cluster.this.cluster_uuid
}

output "bootstrap_brokers_sasl_iam" {
  description = "KAFKA_BOOTSTRAP_SERVERS: host:port list for SASL/IAM clients (port 9098)."
  value       = data.aws_msk_bootstrap_brokers.this.bootstrap_brokers_sasl_iam
}

output "security_group_id" {
  description = "Security group of the cluster's network interfaces."
  value       = aws_security_group.this.id
}
