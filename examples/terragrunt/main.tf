# Lets `terraform` run the same inputs as terragrunt.hcl (Terragrunt sets them as TF_VAR_*).
# The AWS provider takes its region and credentials from the environment (AWS_REGION, AWS_PROFILE).

variable "eks_bot_name" {
  type        = string
  description = "Name of the Lambda function and the resources around it. null: derived from the cluster (eks-audit-bot-<cluster>)."
  default     = null
}

variable "timeout" {
  type        = number
  description = "Function timeout in seconds."
}

variable "memory_limit" {
  type        = number
  description = "Function memory in MB."
}

variable "aws_cloudwatch_log_group" {
  type        = string
  description = "The EKS control-plane log group, /aws/eks/<cluster>/cluster."
}

variable "account_id" {
  type        = string
  description = "Account id shown in alerts. null: the account Terraform runs in."
  default     = null
}

variable "account_name" {
  type        = string
  description = "Account name shown in alerts."
}

variable "sns_topic_arn" {
  type        = string
  description = "Topic the alerts are published to."
}

variable "filter_pattern" {
  type        = string
  description = "Raw CloudWatch Logs filter pattern (null: the module's generated default)."
  default     = null
}

module "eks_audit_bot" {
  source = "../.."

  eks_bot_name             = var.eks_bot_name
  timeout                  = var.timeout
  memory_limit             = var.memory_limit
  aws_cloudwatch_log_group = var.aws_cloudwatch_log_group
  account_id               = var.account_id
  account_name             = var.account_name
  sns_topic_arn            = var.sns_topic_arn
  filter_pattern           = var.filter_pattern
}

output "function_name" {
  description = "Name of the Lambda function."
  value       = module.eks_audit_bot.function_name
}

output "filter_pattern" {
  description = "The effective filter pattern."
  value       = module.eks_audit_bot.filter_pattern
}
