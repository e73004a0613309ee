# Complete example: the whole pipeline infrastructure in one environment, Redshift Serverless,
# and MSK Serverless (IAM auth) for the workout lakehouse.
#
#   cp terraform.tfvars.example terraform.tfvars   # fill in VPC and subnets
#   terraform init && terraform apply

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      "fitbit:example" = "complete"
    }
  }
}

module "fitbit_pipeline" {
  source = "../.."

  name        = var.name
  environment = var.environment

  vpc_id                               = var.vpc_id
  private_subnet_ids                   = var.private_subnet_ids
  warehouse_type                       = var.warehouse_type
  warehouse_allowed_security_group_ids = var.warehouse_allowed_security_group_ids
  step_trusted_role_arns               = var.step_trusted_role_arns
  alert_emails                         = var.alert_emails

  streaming_enabled                    = var.streaming_enabled
  streaming_allowed_security_group_ids = var.streaming_allowed_security_group_ids
  kafka_consumer_group                 = var.kafka_consumer_group
}
