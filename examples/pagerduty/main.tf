# Page PagerDuty for critical and high manual changes in EKS, one incident per action, through
# the Amazon CloudWatch integration of a PagerDuty service. Every alert still reaches the alert
# topic and its email subscriber.

variable "region" {
  type        = string
  description = "Region of the cluster."
  default     = "us-east-1"
}

variable "cluster_log_groups" {
  type        = list(string)
  description = "Control-plane log groups of the clusters to watch (audit logging enabled)."
  default     = ["/aws/eks/prod/cluster"]
}

variable "team_email" {
  type        = string
  description = "Receives every alert."
  default     = "platform-team@example.com"
}

variable "pagerduty_integration_url" {
  type        = string
  description = "Integration URL of the Amazon CloudWatch integration on your PagerDuty service: https://events.pagerduty.com/integration/<key>/enqueue."
  sensitive   = true
}

provider "aws" {
  region = var.region
}

resource "aws_sns_topic" "alerts" {
  name              = "eks-audit-alerts"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sns_topic_subscription" "team" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.team_email
}

module "eks_audit_bot" {
  source = "../.."

  aws_cloudwatch_log_groups = var.cluster_log_groups
  sns_topic_arn             = aws_sns_topic.alerts.arn

  # The module creates the page topic and subscribes PagerDuty to it; alerts at or above
  # pagerduty_min_severity also go there, in the form PagerDuty's CloudWatch integration reads.
  pagerduty_integration_url = var.pagerduty_integration_url
  pagerduty_min_severity    = "high"

  tags = { project = "eks-audit-bot-example" }
}

output "pagerduty_topic_arn" {
  description = "Topic the function pages PagerDuty through."
  value       = module.eks_audit_bot.pagerduty_topic_arn
}

output "sns_topic_arn" {
  description = "Topic every alert goes to."
  value       = aws_sns_topic.alerts.arn
}

output "function_name" {
  description = "Name of the Lambda function."
  value       = module.eks_audit_bot.function_name
}
