# One central account and two member accounts: the members' EKS audit logs reach one function
# through a CloudWatch Logs destination and Kinesis, their EKS API calls through EventBridge,
# and every alert goes once to one topic, naming the account it came from.
#
# Terraform runs with credentials of the central account and reaches the members through the
# role AWS Organizations creates in every account it creates.

variable "region" {
  type        = string
  description = "Region of the central deployment and of the member clusters."
  default     = "us-east-1"
}

variable "payments_account_id" {
  type        = string
  description = "Member account running the payments clusters."
  default     = "111111111111"
}

variable "search_account_id" {
  type        = string
  description = "Member account running the search cluster."
  default     = "222222222222"
}

variable "member_role_name" {
  type        = string
  description = "Role Terraform assumes in each member account."
  default     = "OrganizationAccountAccessRole"
}

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "payments"
  region = var.region

  assume_role {
    role_arn = "arn:aws:iam::${var.payments_account_id}:role/${var.member_role_name}"
  }
}

provider "aws" {
  alias  = "search"
  region = var.region

  assume_role {
    role_arn = "arn:aws:iam::${var.search_account_id}:role/${var.member_role_name}"
  }
}

resource "aws_sns_topic" "alerts" {
  name              = "eks-audit-alerts"
  kms_master_key_id = "alias/aws/sns"
}

module "central" {
  source = "../../modules/central"

  sns_topic_arn     = aws_sns_topic.alerts.arn
  event_account_ids = [var.payments_account_id, var.search_account_id]
  account_names = {
    (var.payments_account_id) = "payments"
    (var.search_account_id)   = "search"
  }
}

module "payments" {
  source    = "../../modules/member"
  providers = { aws = aws.payments }

  destination_arn           = module.central.destination_arn
  event_bus_arn             = module.central.event_bus_arn
  aws_cloudwatch_log_groups = ["/aws/eks/payments-prod/cluster", "/aws/eks/payments-staging/cluster"]
}

module "search" {
  source    = "../../modules/member"
  providers = { aws = aws.search }

  destination_arn           = module.central.destination_arn
  event_bus_arn             = module.central.event_bus_arn
  aws_cloudwatch_log_groups = ["/aws/eks/search/cluster"]
}

output "sns_topic_arn" {
  description = "Topic every alert goes to."
  value       = aws_sns_topic.alerts.arn
}

output "stream_arn" {
  description = "Kinesis stream the member accounts' audit logs arrive on."
  value       = module.central.stream_arn
}

output "destination_arn" {
  description = "CloudWatch Logs destination the member accounts subscribe to."
  value       = module.central.destination_arn
}

output "event_bus_arn" {
  description = "EventBridge bus the member accounts forward CloudTrail events to."
  value       = module.central.event_bus_arn
}

output "function_name" {
  description = "The central function."
  value       = module.central.function_name
}

output "dedup_table_name" {
  description = "The table that remembers published alerts."
  value       = module.central.dedup_table_name
}

output "subscription_filters" {
  description = "Subscription filters by member and cluster."
  value = {
    payments = module.payments.subscription_filters
    search   = module.search.subscription_filters
  }
}
