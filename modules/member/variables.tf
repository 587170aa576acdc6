variable "name" {
  type        = string
  description = "Prefix of what the module creates: subscription filters and the account policy (`<name>-<region>`), the forwarding rule and its role."
  default     = "eks-audit-bot"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name))
    error_message = "name must be 1 to 40 letters, digits, hyphens or underscores (region and suffixes are appended within the 64-character IAM role limit)."
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

variable "log_group_names" {
  type        = list(string)
  description = "EKS control-plane log groups (`/aws/eks/<cluster>/cluster`) of this account and region to subscribe, one filter each."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for name in var.log_group_names : can(regex("^/aws/eks/[0-9A-Za-z][A-Za-z0-9_-]*/cluster$", name))])
    error_message = "Every entry of log_group_names must be an EKS control-plane log group name: /aws/eks/<cluster>/cluster."
  }

  validation {
    condition     = length(distinct(var.log_group_names)) == length(var.log_group_names)
    error_message = "log_group_names must not repeat a log group."
  }
}

variable "create_account_policy" {
  type        = bool
  description = "Instead of (or besides) per-cluster filters, one account-level subscription filter policy for every log group of the account and region, so that new clusters are covered without a change here. An account and region takes one such policy."
  default     = false
  nullable    = false

  validation {
    condition     = var.create_account_policy || length(var.log_group_names) > 0
    error_message = "Set log_group_names or create_account_policy: something must send audit logs to the central destination."
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

variable "tags" {
  type        = map(string)
  description = "Tags for the resources that take them."
  default     = {}
  nullable    = false
}
