# Two clusters, one bot, one topic: everything to email and chat, critical/high to paging,
# and an on-failure queue that keeps batches the function could not deliver.

variable "region" {
  type        = string
  description = "Region of the clusters."
  default     = "us-east-1"
}

variable "cluster_log_groups" {
  type        = list(string)
  description = "Control-plane log groups of the clusters to watch (audit logging enabled)."
  default     = ["/aws/eks/prod/cluster", "/aws/eks/staging/cluster"]
}

variable "team_email" {
  type        = string
  description = "Receives every alert."
  default     = "platform-team@example.com"
}

variable "paging_email" {
  type        = string
  description = "Paging address (e.g. a PagerDuty or Opsgenie email integration); receives critical and high alerts only."
  default     = "eks-paging@example.com"
}

variable "chat_endpoint" {
  type        = string
  description = "HTTPS endpoint of the chat integration; receives every alert."
  default     = "https://chat.example.com/hooks/eks-audit"
}

provider "aws" {
  region = var.region
}

resource "aws_sns_topic" "alerts" {
  name = "eks-audit-alerts"
}

resource "aws_sns_topic_subscription" "team" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.team_email
}

# The function sets message attributes on every alert (severity, cluster, account, namespace,
# verb, resource, actor, rule, outcome); subscription filter policies route on them.
resource "aws_sns_topic_subscription" "paging" {
  topic_arn           = aws_sns_topic.alerts.arn
  protocol            = "email"
  endpoint            = var.paging_email
  filter_policy_scope = "MessageAttributes"
  filter_policy       = jsonencode({ severity = ["critical", "high"] })
}

resource "aws_sns_topic_subscription" "chat" {
  topic_arn              = aws_sns_topic.alerts.arn
  protocol               = "https"
  endpoint               = var.chat_endpoint
  endpoint_auto_confirms = true
  filter_policy_scope    = "MessageAttributes"
  # Every alert (each carries a severity), denied requests included.
  filter_policy = jsonencode({ severity = [{ exists = true }] })
}

module "eks_audit_bot" {
  source = "../.."

  eks_bot_name              = "eks-audit-bot"
  aws_cloudwatch_log_groups = var.cluster_log_groups
  account_name              = "example"
  sns_topic_arn             = aws_sns_topic.alerts.arn
  create_on_failure_queue   = true

  # Deployments by CI are automation, not manual changes (in the cluster and, for the EKS API
  # and this module's own resources, in CloudTrail).
  automation_principals = ["arn:aws:iam::*:role/github-actions-*"]
  # The https subscription above speaks the Amazon Q Developer in chat applications schema.
  https_format = "chatbot"

  tags = { project = "eks-audit-bot-example" }
}

output "sns_topic_arn" {
  description = "Topic to subscribe more people and tools to."
  value       = aws_sns_topic.alerts.arn
}

output "function_name" {
  description = "Name of the Lambda function."
  value       = module.eks_audit_bot.function_name
}

output "subscription_filters" {
  description = "Subscription filters by cluster."
  value       = module.eks_audit_bot.subscription_filters
}

output "on_failure_queue_url" {
  description = "Queue holding batches that failed after the retries."
  value       = module.eks_audit_bot.on_failure_queue_url
}

output "filter_pattern" {
  description = "The filter pattern in effect."
  value       = module.eks_audit_bot.filter_pattern
}
