variable "eks_bot_name" {
  type        = string
  description = "Name of the eks-audit-bot deployment: the central module's `eks_bot_name`, by which the central function knows the pipeline's resources. Prefixes what this module creates: subscription filters and the account policy (`<eks_bot_name>-<region>`), the forwarding rules and their role."
  default     = "eks-audit-bot"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.eks_bot_name))
    error_message = "eks_bot_name must be 1 to 40 letters, digits, hyphens or underscores (region and suffixes are appended within the 64-character IAM role limit)."
  }
}

variable "destination_arn" {
  type        = string
  description = "ARN of the central CloudWatch Logs destination in this member's region (`modules/central` output `destination_arn`, or `modules/destination` for other regions)."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:destination:.+$", var.destination_arn))
    error_message = "destination_arn must be a CloudWatch Logs destination ARN: arn:<partition>:logs:<region>:<account>:destination:<name>."
  }
}

variable "aws_cloudwatch_log_groups" {
  type        = list(string)
  description = "EKS control-plane log groups (`/aws/eks/<cluster>/cluster`) of this account and region to send to the central function, one subscription filter each (as the root module's `aws_cloudwatch_log_groups`)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for name in var.aws_cloudwatch_log_groups : can(regex("^/aws/eks/[0-9A-Za-z][A-Za-z0-9_-]{0,99}/cluster$", name))])
    error_message = join(" ", [for i, name in var.aws_cloudwatch_log_groups : format("aws_cloudwatch_log_groups[%d] = %q is not an EKS control-plane log group name: /aws/eks/<cluster>/cluster (cluster names have at most 100 characters).", i, name) if !can(regex("^/aws/eks/[0-9A-Za-z][A-Za-z0-9_-]{0,99}/cluster$", name))])
  }

  validation {
    condition     = length(distinct(var.aws_cloudwatch_log_groups)) == length(var.aws_cloudwatch_log_groups)
    error_message = "Each cluster may be subscribed once: ${join(", ", [for name in distinct(var.aws_cloudwatch_log_groups) : format("%q", name) if length([for other in var.aws_cloudwatch_log_groups : other if other == name]) > 1])} appears more than once in aws_cloudwatch_log_groups."
  }
}

variable "create_account_policy" {
  type        = bool
  description = "Instead of (or besides) per-cluster filters, one account-level subscription filter policy for every log group of the account and region, so that new clusters are covered without a change here. An account and region takes one such policy."
  default     = false
  nullable    = false

  validation {
    condition     = var.create_account_policy || length(var.aws_cloudwatch_log_groups) > 0
    error_message = "Set aws_cloudwatch_log_groups or create_account_policy: something must send audit logs to the central destination."
  }
}

variable "account_policy_excluded_log_groups" {
  type        = list(string)
  description = "Log groups the account-level policy leaves out (at most 50), e.g. busy application logs that never hold audit events."
  default     = []
  nullable    = false

  validation {
    condition     = length(var.account_policy_excluded_log_groups) <= 50
    error_message = "account_policy_excluded_log_groups takes at most 50 log groups (the selection criteria limit)."
  }
}

variable "watch_truncated_lines" {
  type        = bool
  description = "Add a second subscription filter per log group that sends the lines CloudWatch Logs cut at 256 KB (no JSON pattern matches them). Uses the second of the two subscription filters a log group allows: set false if another one already takes it."
  default     = true
  nullable    = false
}

variable "filter_pattern" {
  type        = string
  description = "CloudWatch Logs filter pattern. Defaults to the pattern the root module generates from its default `watch`; with `trusted_source_cidrs` in the central function's settings, pass `modules/central`'s output `filter_pattern`."
  default     = null

  validation {
    condition     = var.filter_pattern == null || length(coalesce(var.filter_pattern, " ")) <= 1024
    error_message = "filter_pattern must be at most 1024 characters (the CloudWatch Logs limit)."
  }
}

variable "create_event_forwarding" {
  type        = bool
  description = "Forward EKS API calls, tampering with the audit pipeline and the STS calls that issue role credentials (CloudTrail events on the default bus) to the central bus `event_bus_arn`, through a rule and a role of this module."
  default     = true
  nullable    = false
}

variable "event_bus_arn" {
  type        = string
  description = "ARN of the central EventBridge bus (`modules/central` output `event_bus_arn`), required with `create_event_forwarding`."
  default     = null

  validation {
    condition     = var.event_bus_arn == null || can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/.+$", var.event_bus_arn))
    error_message = "event_bus_arn must be an EventBridge bus ARN: arn:<partition>:events:<region>:<account>:event-bus/<name>."
  }

  validation {
    condition     = !var.create_event_forwarding || var.event_bus_arn != null
    error_message = "Set event_bus_arn (the central bus) or create_event_forwarding = false."
  }
}

variable "security_hub_central_role_arn" {
  type        = string
  description = "The central function's role (`modules/central` output `role_arn`): creates the role it assumes to import this account's Security Hub findings (with the central `security_hub_role_name`). IAM is global: set it in one region's instance per account."
  default     = null

  validation {
    condition     = var.security_hub_central_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.security_hub_central_role_arn))
    error_message = "security_hub_central_role_arn must be an IAM role ARN: arn:<partition>:iam::<account>:role/<name>."
  }
}

variable "security_hub_role_name" {
  type        = string
  description = "Name of that role: the central module's `function.security_hub_role_name`."
  default     = "eks-audit-bot-securityhub"
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for the resources that take them."
  default     = {}
  nullable    = false
}
