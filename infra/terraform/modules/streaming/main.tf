# Amazon MSK Serverless for the workout lakehouse: IAM client authentication only (SASL/IAM on
# port 9098, always TLS), private subnets, a security group that admits only the given sources.

################################################################################
# Network: clients reach the brokers on 9098 (SASL/IAM over TLS) from the given security groups
################################################################################

resource "aws_security_group" "this" {
  #checkov:skip=CKV2_AWS_5:The group is attached, to aws_msk_serverless_cluster.this (vpc_config.security_group_ids); checkov's list of attaching resource types has no MSK Serverless cluster.
  name        = "${var.name}-msk"
  description = "MSK Serverless ${var.name}: Kafka SASL/IAM (9098) from the pipeline only"
  vpc_id      = var.vpc_id
  tags        = var.tags

  # No egress rule: the brokers' network interfaces only answer client connections, which the
  # security group's connection tracking allows. Terraform removes AWS's default allow-all egress.
}

resource "aws_vpc_security_group_ingress_rule" "from_security_groups" {
  for_each = toset(var.allowed_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "Kafka SASL/IAM from ${each.value}"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 9098 # MSK Serverless listens only on 9098 (SASL/IAM over TLS)
  to_port                      = 9098
}

################################################################################
# The cluster
################################################################################

resource "aws_msk_serverless_cluster" "this" {
  cluster_name = var.name

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  client_authentication {
    sasl {
      iam {
        enabled = true
      }
    }
  }

  tags = var.tags
}

data "aws_msk_bootstrap_brokers" "this" {
  cluster_arn = aws_msk_serverless_cluster.this.arn
}
