# Two clusters, one bot, one encrypted topic the module creates: every alert to the team's
# mailbox and to a Slack channel through Amazon Q Developer in chat applications, critical and
# high ones to paging, and an on-failure queue that keeps batches the function could not deliver.

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

variable "slack_team_id" {
  type        = string
  description = "Slack workspace id (T...), after the workspace was authorized once in the Amazon Q Developer in chat applications console. Null: no Slack channel."
  default     = null
}

variable "slack_channel_id" {
  type        = string
  description = "Slack channel id (C...) that shows the alerts; invite @Amazon Q to it."
  default     = null
}

variable "chat_region" {
  type        = string
  description = "Region the Amazon Q Developer in chat applications API is called in (its configurations are global; the API answers in us-east-2, us-west-2, eu-west-1 and ap-southeast-1). The topic may be in any region."
  default     = "us-west-2"
}

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "chat"
  region = var.chat_region
}

locals {
  slack = var.slack_team_id != null && var.slack_channel_id != null
}

module "eks_audit_bot" {
  source = "../.."

  eks_bot_name              = "eks-audit-bot"
  aws_cloudwatch_log_groups = var.cluster_log_groups
  account_name              = "example"
  create_on_failure_queue   = true

  # The module creates the topic `eks-audit-bot-alerts`, encrypted with a new KMS key that only
  # this account's administrators, the function (through SNS) and SNS for this topic may use.
  create_sns_topic = true
  email_subscriptions = [
    { address = var.team_email },
    # Every alert carries message attributes (severity, cluster, account, namespace, verb,
    # resource, actor, rule, outcome); filter policies route on them.
    { address = var.paging_email, filter_policy = { severity = ["critical", "high"] } },
  ]
  # Amazon Q Developer subscribes itself (HTTPS) when the channel below lists the topic; this
  # makes every HTTPS subscriber get its custom-notification format.
  https_format = "chatbot"

  # Deployments by CI are automation, not manual changes (in the cluster and, for the EKS API
  # and this module's own resources, in CloudTrail).
  automation_principals = ["arn:aws:iam::*:role/github-actions-*"]

  tags = { project = "eks-audit-bot-example" }
}

# ---- Slack through Amazon Q Developer in chat applications ----

# The channel only shows alerts: its role has no permissions, and the guardrail caps what anyone
# may do from the channel (each person with their own role, user_authorization_required) at
# reading CloudWatch, enough to open the alert's Logs Insights query.
resource "aws_iam_role" "chat" {
  count = local.slack ? 1 : 0

  name        = "eks-audit-bot-chat"
  description = "Channel role of the EKS audit alerts Slack channel (notifications only)"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "chatbot.amazonaws.com" }
    }]
  })
  tags = { project = "eks-audit-bot-example" }
}

data "aws_partition" "current" {}

resource "aws_chatbot_slack_channel_configuration" "alerts" {
  count    = local.slack ? 1 : 0
  provider = aws.chat

  configuration_name          = "eks-audit-alerts"
  slack_team_id               = var.slack_team_id
  slack_channel_id            = var.slack_channel_id
  iam_role_arn                = aws_iam_role.chat[0].arn
  guardrail_policy_arns       = ["arn:${data.aws_partition.current.partition}:iam::aws:policy/CloudWatchReadOnlyAccess"]
  user_authorization_required = true
  logging_level               = "ERROR"
  sns_topic_arns              = [module.eks_audit_bot.sns_topic_arn]
  tags                        = { project = "eks-audit-bot-example" }
}

output "sns_topic_arn" {
  description = "Topic to subscribe more people and tools to."
  value       = module.eks_audit_bot.sns_topic_arn
}

output "sns_topic_kms_key_arn" {
  description = "KMS key encrypting the topic."
  value       = module.eks_audit_bot.sns_topic_kms_key_arn
}

output "sns_subscription_arns" {
  description = "The email subscriptions (confirm them from the mailboxes)."
  value       = module.eks_audit_bot.sns_subscription_arns
}

output "slack_channel_configuration_arn" {
  description = "The Amazon Q Developer Slack channel configuration, or null without Slack ids."
  value       = one(aws_chatbot_slack_channel_configuration.alerts[*].chat_configuration_arn)
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
