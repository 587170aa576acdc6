# ---- Central deployment ----

variable "eks_bot_name" {
  type        = string
  description = "Name of the function (the root module's `eks_bot_name`); also names everything of the central deployment: stream, Logs destination, EventBridge bus, dedup table (`<eks_bot_name>-dedup`), roles and on-failure queue. Give member modules the same."
  default     = "eks-audit-bot"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,50}$", var.eks_bot_name))
    error_message = "eks_bot_name must be 1 to 50 letters, digits, hyphens or underscores (it is suffixed, e.g. -on-failure, within the 64-character IAM and Lambda limits)."
  }
}

variable "sns_topic_arn" {
  type        = string
  description = "ARN of the SNS topic alerts from every account are published to."
  nullable    = false
}

variable "organization_id" {
  type        = string
  description = "AWS Organizations id (`o-...`) whose accounts may send audit logs and events (`aws:PrincipalOrgID`). Set this or `event_account_ids`."
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-a1b2c3d4e5."
  }
}

variable "event_account_ids" {
  type        = list(string)
  description = "Accounts besides this one that may send audit logs and events, when not the whole organization: the Logs destinations and the bus admit them, and the function believes their events (the root module's `event_account_ids`)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.event_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "event_account_ids must be 12-digit account ids."
  }

  validation {
    condition     = (var.organization_id != null) != (length(var.event_account_ids) > 0)
    error_message = "Set either organization_id or event_account_ids (not both): who may send to the central deployment."
  }
}

variable "account_names" {
  type        = map(string)
  description = "Names shown in alerts next to account ids, e.g. `{ \"111122223333\" = \"payments-prod\" }` (about 80 fit in the function's environment)."
  default     = {}
  nullable    = false
}

# ---- Stream ----

variable "stream" {
  type = object({
    mode               = optional(string, "ON_DEMAND")
    shard_count        = optional(number, 1)
    retention_in_hours = optional(number, 24)
    kms_key_arn        = optional(string)
  })
  description = "The Kinesis data stream: `ON_DEMAND` (scales by itself) or `PROVISIONED` with `shard_count` (1 MB/s or 1,000 records/s in per shard), how long records are kept for retries, and a customer managed KMS key (default: the AWS managed `aws/kinesis`)."
  default     = {}
  nullable    = false

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.stream.mode)
    error_message = "stream.mode must be ON_DEMAND or PROVISIONED."
  }

  validation {
    condition     = var.stream.shard_count >= 1 && floor(var.stream.shard_count) == var.stream.shard_count
    error_message = "stream.shard_count must be a whole number >= 1."
  }

  validation {
    condition     = var.stream.retention_in_hours >= 24 && var.stream.retention_in_hours <= 8760 && floor(var.stream.retention_in_hours) == var.stream.retention_in_hours
    error_message = "stream.retention_in_hours must be a whole number from 24 to 8760 (365 days)."
  }

  validation {
    condition     = var.stream.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(var.stream.kms_key_arn, "-")))
    error_message = "stream.kms_key_arn must be a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id>."
  }
}

# ---- Event source mapping ----

variable "event_source_mapping" {
  type = object({
    batch_size                         = optional(number, 100)
    maximum_batching_window_in_seconds = optional(number, 5)
    parallelization_factor             = optional(number, 1)
    bisect_batch_on_function_error     = optional(bool, true)
    maximum_record_age_in_seconds      = optional(number, 21600)
    maximum_retry_attempts             = optional(number, 10)
  })
  description = "How the function reads the stream: records per invocation (each record is one CloudWatch Logs payload of up to 10,000 events), how long to wait to fill a batch, concurrent batches per shard, splitting a failing batch, and when a record that keeps failing goes to the on-failure queue."
  default     = {}
  nullable    = false

  validation {
    condition     = var.event_source_mapping.batch_size >= 1 && var.event_source_mapping.batch_size <= 10000
    error_message = "event_source_mapping.batch_size must be from 1 to 10000."
  }

  validation {
    condition     = var.event_source_mapping.maximum_batching_window_in_seconds >= 0 && var.event_source_mapping.maximum_batching_window_in_seconds <= 300
    error_message = "event_source_mapping.maximum_batching_window_in_seconds must be from 0 to 300."
  }

  validation {
    condition     = var.event_source_mapping.parallelization_factor >= 1 && var.event_source_mapping.parallelization_factor <= 10
    error_message = "event_source_mapping.parallelization_factor must be from 1 to 10."
  }

  validation {
    condition     = var.event_source_mapping.maximum_record_age_in_seconds == -1 || (var.event_source_mapping.maximum_record_age_in_seconds >= 60 && var.event_source_mapping.maximum_record_age_in_seconds <= 604800)
    error_message = "event_source_mapping.maximum_record_age_in_seconds must be -1 (until the record expires) or from 60 to 604800."
  }

  validation {
    condition     = var.event_source_mapping.maximum_retry_attempts >= -1 && var.event_source_mapping.maximum_retry_attempts <= 10000
    error_message = "event_source_mapping.maximum_retry_attempts must be -1 (until the record expires) or from 0 to 10000."
  }
}

# ---- Alarms ----

variable "alarms" {
  type = object({
    create                            = optional(bool, true)
    stream_silence_period_in_seconds  = optional(number, 3600)
    stream_silence_evaluation_periods = optional(number, 24)
    iterator_age_threshold_in_seconds = optional(number, 900)
  })
  description = "Alarms on the organization path, whose state changes alert through the function: no record on the stream for `stream_silence_period_in_seconds` × `stream_silence_evaluation_periods` (the stream carries only what the members' filter pattern passes, so a quiet organization may stay silent for hours), records that nothing reads (the event source mapping disabled or deleted), and a function more than `iterator_age_threshold_in_seconds` behind."
  default     = {}
  nullable    = false

  validation {
    condition     = var.alarms.stream_silence_period_in_seconds >= 60 && var.alarms.stream_silence_period_in_seconds % 60 == 0 && var.alarms.stream_silence_evaluation_periods >= 1 && var.alarms.stream_silence_period_in_seconds * var.alarms.stream_silence_evaluation_periods <= 86400
    error_message = "alarms.stream_silence_period_in_seconds must be a whole number of minutes, and period × evaluation periods at most one day (86400 seconds), as CloudWatch allows."
  }

  validation {
    condition     = var.alarms.iterator_age_threshold_in_seconds >= 60
    error_message = "alarms.iterator_age_threshold_in_seconds must be at least 60."
  }
}

# ---- Dedup ----

variable "dedup_ttl_in_seconds" {
  type        = number
  description = "How long a published alert is remembered, so that re-deliveries and retries within it never publish it again."
  default     = 86400
  nullable    = false
}

# ---- Function (the root module's inputs; null keeps its default) ----

variable "function" {
  type = object({
    timeout                           = optional(number)
    memory_limit                      = optional(number)
    reserved_concurrent_executions    = optional(number)
    log_level                         = optional(string)
    powertools_layer_arn              = optional(string)
    cloudwatch_logs_retention_in_days = optional(number)
    cloudwatch_logs_kms_key_arn       = optional(string)
    sns_topic_kms_key_arn             = optional(string)
    min_severity                      = optional(string)
    alert_on_automation               = optional(bool)
    automation_principals             = optional(list(string))
    automation_user_agents            = optional(list(string))
    digest_threshold                  = optional(number)
    max_alerts_per_invocation         = optional(number)
    disabled_rules                    = optional(list(string))
    rule_severities                   = optional(map(string))
    custom_rules = optional(list(object({
      id          = string
      title       = string
      severity    = string
      explanation = optional(string, "")
      runbook     = optional(string, "")
      match       = map(list(string))
      repeats = optional(object({
        events    = number
        resources = optional(number, 1)
      }))
    })))
    rule_exceptions = optional(list(object({
      rule      = string
      principal = string
      namespace = optional(string, "*")
    })))
    https_format                     = optional(string)
    protected_namespaces             = optional(list(string))
    trusted_source_cidrs             = optional(list(string))
    credential_lookup                = optional(bool)
    pagerduty_topic_arn              = optional(string)
    pagerduty_min_severity           = optional(string)
    pagerduty_topic_kms_key_arn      = optional(string)
    account_id                       = optional(string)
    account_name                     = optional(string)
    runtime                          = optional(string)
    architecture                     = optional(string)
    role_path                        = optional(string)
    role_permissions_boundary        = optional(string)
    maximum_retry_attempts           = optional(number)
    maximum_event_age_in_seconds     = optional(number)
    create_cloudtrail_rules          = optional(bool)
    cloudtrail_all_clusters          = optional(bool)
    create_alarms                    = optional(bool)
    silence_alarm_period_in_seconds  = optional(number)
    silence_alarm_evaluation_periods = optional(number)
    function_tags                    = optional(map(string))
    role_tags                        = optional(map(string))
    log_group_tags                   = optional(map(string))
    on_failure_queue_tags            = optional(map(string))
    dedup_table_tags                 = optional(map(string))
    event_rule_tags                  = optional(map(string))
    alarm_tags                       = optional(map(string))
    group_window_minutes             = optional(number)
    security_hub_findings            = optional(bool)
    security_hub_role_name           = optional(string)
    mutes = optional(list(object({
      rule             = string
      actor            = optional(string)
      cluster          = optional(string)
      namespace        = optional(string)
      reason           = string
      expires          = string
      include_critical = optional(bool, false)
    })))
  })
  description = "Settings of the central function, with the names and meanings of the root module's inputs (README: Inputs); the root module validates them. For PagerDuty, subscribe its integration to a topic of yours and pass `pagerduty_topic_arn`."
  default     = {}
  nullable    = false
}

# ---- Tags ----

variable "tags" {
  type        = map(string)
  description = "Tags for every resource the module creates."
  default     = {}
  nullable    = false
}
