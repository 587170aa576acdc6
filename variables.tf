# ---- Original inputs (same names and meanings as the module this one replaces) ----

variable "eks_bot_name" {
  type        = string
  description = "Name of the Lambda function; also names its IAM role, log group, subscription filters, EventBridge rules, alarms and on-failure queue. Unset: `eks-audit-bot-<cluster>` after the first watched cluster (at most 40 characters: a longer cluster name keeps its first 17 and a hash), so that several instances in one account and region need no names."
  default     = null

  validation {
    condition     = var.eks_bot_name == null || can(regex("^[A-Za-z0-9_-]{1,64}$", coalesce(var.eks_bot_name, "-")))
    error_message = "eks_bot_name must be 1 to 64 letters, digits, hyphens or underscores (the Lambda function and IAM role name limit); it is ${jsonencode(var.eks_bot_name)}."
  }
}

variable "timeout" {
  type        = number
  description = "Function timeout in seconds."
  default     = 60
  nullable    = false

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds from 1 to 900 (the Lambda maximum)."
  }
}

variable "memory_limit" {
  type        = number
  description = "Function memory in MB."
  default     = 256
  nullable    = false

  validation {
    condition     = var.memory_limit >= 128 && var.memory_limit <= 10240 && floor(var.memory_limit) == var.memory_limit
    error_message = "memory_limit must be a whole number of MB from 128 to 10240."
  }
}

variable "aws_cloudwatch_log_group" {
  type        = string
  description = "The EKS cluster's control-plane log group to watch, `/aws/eks/<cluster>/cluster` (audit logging enabled). Use `aws_cloudwatch_log_groups` for more clusters."
  default     = null

  validation {
    condition     = var.aws_cloudwatch_log_group == null || can(regex("^/aws/eks/[0-9A-Za-z][A-Za-z0-9_-]{0,99}/cluster$", var.aws_cloudwatch_log_group))
    error_message = "aws_cloudwatch_log_group = ${jsonencode(var.aws_cloudwatch_log_group)} is not an EKS control-plane log group name: /aws/eks/<cluster>/cluster (cluster names have at most 100 characters)."
  }
}

variable "account_id" {
  type        = string
  description = "AWS account id shown in alerts. Defaults to the account Terraform runs in."
  default     = null

  validation {
    condition     = var.account_id == null || can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "account_name" {
  type        = string
  description = "Human-friendly account name shown in alerts, e.g. `prod`."
  default     = null

  validation {
    condition     = var.account_name == null || length(coalesce(var.account_name, "-")) <= 64
    error_message = "account_name must be at most 64 characters (it appears in every alert subject)."
  }
}

variable "sns_topic_arn" {
  type        = string
  description = "ARN of an existing SNS topic alerts are published to (or set `create_sns_topic`). Subscribe email, chat, PagerDuty or SQS to it; filter on the message attributes. It may be in another region of the same partition."
  default     = null

  validation {
    condition     = var.sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.sns_topic_arn))
    error_message = "sns_topic_arn must be an SNS topic ARN: arn:<partition>:sns:<region>:<12-digit account>:<topic name>."
  }

  validation {
    condition     = (var.sns_topic_arn != null) != var.create_sns_topic
    error_message = "Set exactly one of sns_topic_arn (publish to an existing topic) and create_sns_topic = true (the module creates an encrypted topic)."
  }
}

variable "filter_pattern" {
  type        = string
  description = "Raw CloudWatch Logs filter pattern. When set it replaces the pattern generated from `watch`; `\"\"` sends every log event."
  default     = null

  validation {
    condition     = var.filter_pattern == null || length(coalesce(var.filter_pattern, " ")) <= 1024
    error_message = "filter_pattern must be at most 1024 characters (the CloudWatch Logs limit); it has ${length(coalesce(var.filter_pattern, " "))}, ${length(coalesce(var.filter_pattern, " ")) - 1024} too many."
  }

  validation {
    condition     = var.filter_pattern == null || !(length(regexall("\"", replace(replace(coalesce(var.filter_pattern, "-"), local.filter_pattern_string, "\"\""), local.filter_pattern_regex, "R"))) % 2 == 1)
    error_message = "filter_pattern has a string that never closes: ${jsonencode(try(substr(regex("\"[^\"]*$", replace(replace(coalesce(var.filter_pattern, "-"), local.filter_pattern_string, "\"\""), local.filter_pattern_regex, "R")), 0, 30), ""))} needs its closing quote. Run `eks-audit-bot test-pattern` on it for the full check (it names the position)."
  }

  validation {
    condition     = var.filter_pattern == null || length(regexall("\"", replace(replace(coalesce(var.filter_pattern, "-"), local.filter_pattern_string, "\"\""), local.filter_pattern_regex, "R"))) % 2 == 1 || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(coalesce(var.filter_pattern, "-"), local.filter_pattern_string, "\"\""), local.filter_pattern_regex, "R"), "/[^{}()\\[\\]]/", ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, "") == ""
    error_message = "filter_pattern's brackets do not pair up: ${jsonencode(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(coalesce(var.filter_pattern, "-"), local.filter_pattern_string, "\"\""), local.filter_pattern_regex, "R"), "/[^{}()\\[\\]]/", ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""), local.filter_pattern_pair, ""))} remain after matching each { with }, ( with ) and [ with ] outside quotes (nested at most 8 deep). Run `eks-audit-bot test-pattern` on it for the full check (it names the position)."
  }

  validation {
    condition     = var.filter_pattern == null || !contains((can(regex("^\\s*[{\\[]", coalesce(var.filter_pattern, "-"))) ? distinct([for op in regexall("[=!<>&|]+", replace(replace(coalesce(var.filter_pattern, "-"), local.filter_pattern_string, "\"\""), local.filter_pattern_regex, "R")) : op if !contains(local.filter_pattern_operators, op)]) : []), "==")
    error_message = "filter_pattern compares with `==` (${trimspace(try(regex("[^\"]{0,24}==[^\"]{0,2}(?:\"[^\"]{0,20}\"?)?", coalesce(var.filter_pattern, "-")), "=="))}): CloudWatch filter patterns compare with a single `=`, so use `=`. Run `eks-audit-bot test-pattern` on it for the full check (it names the position)."
  }

  validation {
    condition     = var.filter_pattern == null || length([for op in(can(regex("^\\s*[{\\[]", coalesce(var.filter_pattern, "-"))) ? distinct([for op in regexall("[=!<>&|]+", replace(replace(coalesce(var.filter_pattern, "-"), local.filter_pattern_string, "\"\""), local.filter_pattern_regex, "R")) : op if !contains(local.filter_pattern_operators, op)]) : []) : op if op != "=="]) == 0
    error_message = "filter_pattern uses ${join(", ", [for op in(can(regex("^\\s*[{\\[]", coalesce(var.filter_pattern, "-"))) ? distinct([for op in regexall("[=!<>&|]+", replace(replace(coalesce(var.filter_pattern, "-"), local.filter_pattern_string, "\"\""), local.filter_pattern_regex, "R")) : op if !contains(local.filter_pattern_operators, op)]) : []) : "`${op}`" if op != "=="])}: not an operator of CloudWatch filter patterns (${join(" ", local.filter_pattern_operators)}, IS TRUE|FALSE|NULL, NOT EXISTS). Run `eks-audit-bot test-pattern` on it for the full check (it names the position)."
  }
}

# ---- Clusters ----

variable "aws_cloudwatch_log_groups" {
  type        = list(string)
  description = "More EKS control-plane log groups (`/aws/eks/<cluster>/cluster`) to watch with the same function, one subscription filter each. Both may be left empty only when `log_source` is `kinesis` (`modules/central`)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for name in var.aws_cloudwatch_log_groups : can(regex("^/aws/eks/[0-9A-Za-z][A-Za-z0-9_-]{0,99}/cluster$", name))])
    error_message = join(" ", [for i, name in var.aws_cloudwatch_log_groups : format("aws_cloudwatch_log_groups[%d] = %q is not an EKS control-plane log group name: /aws/eks/<cluster>/cluster (cluster names have at most 100 characters).", i, name) if !can(regex("^/aws/eks/[0-9A-Za-z][A-Za-z0-9_-]{0,99}/cluster$", name))])
  }

  validation {
    condition     = length(distinct(concat(compact([var.aws_cloudwatch_log_group]), var.aws_cloudwatch_log_groups))) == length(concat(compact([var.aws_cloudwatch_log_group]), var.aws_cloudwatch_log_groups))
    error_message = "Each cluster may be watched once: ${join(", ", [for name in distinct(concat(compact([var.aws_cloudwatch_log_group]), var.aws_cloudwatch_log_groups)) : format("%q", name) if length([for other in concat(compact([var.aws_cloudwatch_log_group]), var.aws_cloudwatch_log_groups) : other if other == name]) > 1])} appears more than once in aws_cloudwatch_log_group and aws_cloudwatch_log_groups."
  }

  validation {
    # Otherwise plan and apply succeed and the bot watches nothing.
    condition     = var.log_source != "cloudwatch_logs" || var.aws_cloudwatch_log_group != null || length(var.aws_cloudwatch_log_groups) > 0
    error_message = "No cluster to watch: set aws_cloudwatch_log_group = \"/aws/eks/<cluster>/cluster\" (or list the log groups in aws_cloudwatch_log_groups), or log_source = \"kinesis\" when another module feeds the function (modules/central does)."
  }
}

variable "log_source" {
  type        = string
  description = "Where the function reads the audit log from: `cloudwatch_logs` (a subscription filter on each of `aws_cloudwatch_log_group` and `aws_cloudwatch_log_groups`; at least one is required) or `kinesis` (a stream another module connects, as `modules/central` does; the log groups are then optional)."
  default     = "cloudwatch_logs"
  nullable    = false

  validation {
    condition     = contains(["cloudwatch_logs", "kinesis"], var.log_source)
    error_message = "log_source must be cloudwatch_logs or kinesis; it is ${jsonencode(var.log_source)}."
  }
}

# ---- Function ----

variable "runtime" {
  type        = string
  description = "Lambda Python runtime."
  default     = "python3.13"
  nullable    = false

  validation {
    condition     = contains(["python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be python3.12 or python3.13 (the package needs Python 3.12 or later and the Powertools layer exists for both)."
  }
}

variable "architecture" {
  type        = string
  description = "Lambda instruction set architecture."
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "log_level" {
  type        = string
  description = "Log level of the function (Powertools Logger)."
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], var.log_level)
    error_message = "log_level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL."
  }
}

variable "reserved_concurrent_executions" {
  type        = number
  description = "Reserved concurrency of the function; -1 leaves it unreserved."
  default     = -1
  nullable    = false

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a whole number >= 0."
  }
}

variable "powertools_layer_arn" {
  type        = string
  description = "Powertools for AWS Lambda (Python) v3 layer version ARN. Defaults to the AWS-managed public layer for the region, runtime and architecture."
  default     = null

  validation {
    condition     = var.powertools_layer_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", var.powertools_layer_arn))
    error_message = "powertools_layer_arn must be a Lambda layer version ARN: arn:<partition>:lambda:<region>:<account>:layer:<name>:<version>."
  }
}

# ---- Function log group ----

variable "cloudwatch_logs_retention_in_days" {
  type        = number
  description = "Retention of the function's own log group `/aws/lambda/<eks_bot_name>`; 0 keeps logs forever."
  default     = 30
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.cloudwatch_logs_retention_in_days)
    error_message = "cloudwatch_logs_retention_in_days must be one of the values CloudWatch Logs accepts: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "cloudwatch_logs_kms_key_arn" {
  type        = string
  description = "KMS key ARN encrypting the function's log group. The key policy must allow the CloudWatch Logs service principal of the region."
  default     = null

  validation {
    condition     = var.cloudwatch_logs_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.cloudwatch_logs_kms_key_arn))
    error_message = "cloudwatch_logs_kms_key_arn must be a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias)."
  }
}

# ---- Alert topic ----

variable "sns_topic_kms_key_arn" {
  type        = string
  description = "KMS key ARN of an encrypted `sns_topic_arn`, or of the key for the topic `create_sns_topic` creates (default: a new key). The function is granted kms:GenerateDataKey* and kms:Decrypt on this key only, through SNS only."
  default     = null

  validation {
    condition     = var.sns_topic_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.sns_topic_kms_key_arn))
    error_message = "sns_topic_kms_key_arn must be a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias)."
  }
}

variable "create_sns_topic" {
  type        = bool
  description = "Create the alert topic, encrypted with a new KMS key (or `sns_topic_kms_key_arn`), with `email_subscriptions` and `https_subscriptions`. Otherwise set `sns_topic_arn`."
  default     = false
  nullable    = false
}

variable "sns_topic_name" {
  type        = string
  description = "Name of the topic `create_sns_topic` creates (and alias of its KMS key). Defaults to `<eks_bot_name>-alerts`."
  default     = null

  validation {
    condition     = var.sns_topic_name == null || can(regex("^[A-Za-z0-9_-]{1,250}$", coalesce(var.sns_topic_name, "-")))
    error_message = "sns_topic_name must be 1 to 250 letters, digits, hyphens or underscores (an SNS standard topic name that also fits a KMS alias)."
  }
}

variable "email_subscriptions" {
  type = list(object({
    address       = string
    filter_policy = optional(map(list(string)), {})
  }))
  description = "Email addresses subscribed to the created topic (each must confirm from its mailbox), each with an optional filter policy on the alert's message attributes, e.g. `{ severity = [\"critical\", \"high\"] }`."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for sub in var.email_subscriptions : can(regex(local.email_address_pattern, sub.address))])
    error_message = join(" ", [for i, sub in var.email_subscriptions : format("email_subscriptions[%d].address = %q is not an email address.", i, sub.address) if !can(regex(local.email_address_pattern, sub.address))])
  }

  validation {
    condition     = length(var.email_subscriptions) == length(distinct([for sub in var.email_subscriptions : sub.address]))
    error_message = "Each email address may be subscribed once; repeated: ${join(", ", [for value in distinct([for sub in var.email_subscriptions : sub.address]) : format("%q", value) if length([for other in [for sub in var.email_subscriptions : sub.address] : other if other == value]) > 1])}."
  }

  validation {
    condition     = length(var.email_subscriptions) == 0 || var.create_sns_topic
    error_message = "email_subscriptions need create_sns_topic = true; subscribe addresses to a topic of your own (sns_topic_arn) where it is managed."
  }

  validation {
    condition     = alltrue([for sub in var.email_subscriptions : alltrue([for key in keys(sub.filter_policy) : contains(local.message_attributes, key)])])
    error_message = "Filter policies may only name the alerts' message attributes (${join(", ", local.message_attributes)}); unknown: ${join(", ", distinct(flatten([for sub in var.email_subscriptions : [for key in keys(sub.filter_policy) : key if !contains(local.message_attributes, key)]])))}. In: ${join(", ", [for i, sub in var.email_subscriptions : format("email_subscriptions[%d].filter_policy", i) if length(setsubtract(keys(sub.filter_policy), local.message_attributes)) > 0])}."
  }

  validation {
    condition     = alltrue([for sub in var.email_subscriptions : length(keys(sub.filter_policy)) <= 5 && alltrue([for values in values(sub.filter_policy) : length(values) > 0]) && sum(concat([0], [for values in values(sub.filter_policy) : log(length(values), 10)])) <= log(150, 10) + 0.0001])
    error_message = "An SNS filter policy names at most 5 attributes, each with a non-empty list of values, and at most 150 combinations of values (the product of the lists' lengths); not so: ${join(", ", [for i, sub in var.email_subscriptions : format("email_subscriptions[%d].filter_policy", i) if !(length(keys(sub.filter_policy)) <= 5 && alltrue([for values in values(sub.filter_policy) : length(values) > 0]) && sum(concat([0], [for values in values(sub.filter_policy) : log(length(values), 10)])) <= log(150, 10) + 0.0001)])}."
  }

  validation {
    condition     = alltrue([for sub in var.email_subscriptions : alltrue([for key, allowed in local.message_attribute_values : alltrue([for value in lookup(sub.filter_policy, key, []) : contains(allowed, value)])])])
    error_message = join(" ", flatten([for i, sub in var.email_subscriptions : [for key, allowed in local.message_attribute_values : [for value in lookup(sub.filter_policy, key, []) : format("email_subscriptions[%d].filter_policy.%s = [%q] is not a value the function sends (%s).", i, key, value, join("|", allowed)) if !contains(allowed, value)]]]))
  }
}

variable "https_subscriptions" {
  type = list(object({
    endpoint      = string
    filter_policy = optional(map(list(string)), {})
  }))
  description = "HTTPS endpoints (chat integrations, webhooks) subscribed to the created topic; they receive alerts in `https_format`. Each may have a filter policy on the message attributes. Amazon Q Developer in chat applications subscribes itself: list the topic in its channel configuration instead (examples/complete)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for sub in var.https_subscriptions : can(regex("^https://[^[:space:]/]+", sub.endpoint))])
    error_message = join(" ", [for i, sub in var.https_subscriptions : format("https_subscriptions[%d].endpoint = %q is not an https:// URL.", i, sub.endpoint) if !can(regex("^https://[^[:space:]/]+", sub.endpoint))])
  }

  validation {
    condition     = length(var.https_subscriptions) == length(distinct([for sub in var.https_subscriptions : sub.endpoint]))
    error_message = "Each HTTPS endpoint may be subscribed once; repeated: ${join(", ", [for value in distinct([for sub in var.https_subscriptions : sub.endpoint]) : format("%q", value) if length([for other in [for sub in var.https_subscriptions : sub.endpoint] : other if other == value]) > 1])}."
  }

  validation {
    condition     = length(var.https_subscriptions) == 0 || var.create_sns_topic
    error_message = "https_subscriptions need create_sns_topic = true; subscribe endpoints to a topic of your own (sns_topic_arn) where it is managed."
  }

  validation {
    condition     = alltrue([for sub in var.https_subscriptions : alltrue([for key in keys(sub.filter_policy) : contains(local.message_attributes, key)])])
    error_message = "Filter policies may only name the alerts' message attributes (${join(", ", local.message_attributes)}); unknown: ${join(", ", distinct(flatten([for sub in var.https_subscriptions : [for key in keys(sub.filter_policy) : key if !contains(local.message_attributes, key)]])))}. In: ${join(", ", [for i, sub in var.https_subscriptions : format("https_subscriptions[%d].filter_policy", i) if length(setsubtract(keys(sub.filter_policy), local.message_attributes)) > 0])}."
  }

  validation {
    condition     = alltrue([for sub in var.https_subscriptions : length(keys(sub.filter_policy)) <= 5 && alltrue([for values in values(sub.filter_policy) : length(values) > 0]) && sum(concat([0], [for values in values(sub.filter_policy) : log(length(values), 10)])) <= log(150, 10) + 0.0001])
    error_message = "An SNS filter policy names at most 5 attributes, each with a non-empty list of values, and at most 150 combinations of values (the product of the lists' lengths); not so: ${join(", ", [for i, sub in var.https_subscriptions : format("https_subscriptions[%d].filter_policy", i) if !(length(keys(sub.filter_policy)) <= 5 && alltrue([for values in values(sub.filter_policy) : length(values) > 0]) && sum(concat([0], [for values in values(sub.filter_policy) : log(length(values), 10)])) <= log(150, 10) + 0.0001)])}."
  }

  validation {
    condition     = alltrue([for sub in var.https_subscriptions : alltrue([for key, allowed in local.message_attribute_values : alltrue([for value in lookup(sub.filter_policy, key, []) : contains(allowed, value)])])])
    error_message = join(" ", flatten([for i, sub in var.https_subscriptions : [for key, allowed in local.message_attribute_values : [for value in lookup(sub.filter_policy, key, []) : format("https_subscriptions[%d].filter_policy.%s = [%q] is not a value the function sends (%s).", i, key, value, join("|", allowed)) if !contains(allowed, value)]]]))
  }
}

variable "sns_topic_tags" {
  type        = map(string)
  description = "Extra tags for the created topic and its KMS key."
  default     = {}
  nullable    = false
}

# ---- Function role ----

variable "role_path" {
  type        = string
  description = "Path of the function's IAM role, e.g. `/service-role/`."
  default     = null

  validation {
    condition     = var.role_path == null || can(regex("^/([\\x21-\\x7E]{0,510}/)?$", coalesce(var.role_path, "/")))
    error_message = "role_path must begin and end with / and contain printable ASCII characters only (at most 512), e.g. /service-role/."
  }
}

variable "role_permissions_boundary" {
  type        = string
  description = "ARN of the managed policy set as the permissions boundary of the function's IAM role."
  default     = null

  validation {
    condition     = var.role_permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", coalesce(var.role_permissions_boundary, "-")))
    error_message = "role_permissions_boundary must be an IAM managed policy ARN: arn:<partition>:iam::<account>:policy/<path and name>."
  }
}

# ---- Asynchronous invocation ----

variable "maximum_retry_attempts" {
  type        = number
  description = "How often Lambda retries a failed asynchronous invocation (a batch of audit events)."
  default     = 2
  nullable    = false

  validation {
    condition     = contains([0, 1, 2], var.maximum_retry_attempts)
    error_message = "maximum_retry_attempts must be 0, 1 or 2."
  }
}

variable "maximum_event_age_in_seconds" {
  type        = number
  description = "How long Lambda keeps retrying an asynchronous invocation before it goes to the on-failure destination."
  default     = 21600
  nullable    = false

  validation {
    condition     = var.maximum_event_age_in_seconds >= 60 && var.maximum_event_age_in_seconds <= 21600 && floor(var.maximum_event_age_in_seconds) == var.maximum_event_age_in_seconds
    error_message = "maximum_event_age_in_seconds must be a whole number from 60 to 21600 (6 hours)."
  }
}

variable "create_on_failure_queue" {
  type        = bool
  description = "Create an SQS queue `<eks_bot_name>-on-failure` (SSE, 14 days retention) that keeps invocations still failing after the retries."
  default     = false
  nullable    = false
}

variable "on_failure_destination_arn" {
  type        = string
  description = "Existing on-failure destination (SQS queue, SNS topic, Lambda function or EventBridge bus ARN) for invocations still failing after the retries."
  default     = null

  validation {
    condition     = var.on_failure_destination_arn == null || can(regex("^arn:aws[a-z-]*:(sqs|sns|lambda|events):[a-z0-9-]+:[0-9]{12}:.+$", var.on_failure_destination_arn))
    error_message = "on_failure_destination_arn must be an SQS queue, SNS topic, Lambda function or EventBridge event bus ARN."
  }

  validation {
    condition     = !(var.create_on_failure_queue && var.on_failure_destination_arn != null)
    error_message = "Set either create_on_failure_queue or on_failure_destination_arn, not both."
  }
}

# ---- Alert rules (read by the function) ----

variable "min_severity" {
  type        = string
  description = "Alerts below this severity are not published."
  default     = "low"
  nullable    = false

  validation {
    condition     = contains(["low", "medium", "high", "critical"], var.min_severity)
    error_message = "min_severity must be one of low, medium, high, critical."
  }
}

variable "alert_on_automation" {
  type        = bool
  description = "Also alert on requests by automation identities (service accounts, nodes, `eks:*`, `automation_principals`)."
  default     = false
  nullable    = false
}

variable "automation_principals" {
  type        = list(string)
  description = "Globs of user names, IAM ARNs or IAM role names treated as automation (no alert), e.g. a CI role `github-deployer` or `arn:aws:iam::*:role/ci-*`."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for glob in var.automation_principals : length(trimspace(glob)) > 0])
    error_message = "automation_principals entries must be non-empty globs: ${join(", ", [for i, glob in var.automation_principals : format("automation_principals[%d] = %q", i, glob) if length(trimspace(glob)) == 0])} is empty."
  }
}

variable "automation_user_agents" {
  type        = list(string)
  description = "Globs of user agents that narrow `automation_principals`: a listed principal counts as automation only with one of these user agents, e.g. `Helm/*`. Alone they silence nobody (anyone can send any user agent)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for glob in var.automation_user_agents : length(trimspace(glob)) > 0])
    error_message = "automation_user_agents entries must be non-empty globs: ${join(", ", [for i, glob in var.automation_user_agents : format("automation_user_agents[%d] = %q", i, glob) if length(trimspace(glob)) == 0])} is empty."
  }
}

variable "digest_threshold" {
  type        = number
  description = "Within one invocation, alerts of the same actor, verb, resource and namespace beyond this many fold into one digest."
  default     = 5
  nullable    = false

  validation {
    condition     = var.digest_threshold >= 1 && floor(var.digest_threshold) == var.digest_threshold
    error_message = "digest_threshold must be a whole number >= 1."
  }
}

variable "max_alerts_per_invocation" {
  type        = number
  description = "Alerts published per invocation before the rest become one summary alert."
  default     = 50
  nullable    = false

  validation {
    condition     = var.max_alerts_per_invocation >= 1 && var.max_alerts_per_invocation <= 1000 && floor(var.max_alerts_per_invocation) == var.max_alerts_per_invocation
    error_message = "max_alerts_per_invocation must be a whole number from 1 to 1000."
  }
}

variable "disabled_rules" {
  type        = list(string)
  description = "Ids of rules to switch off (see docs/detection.md)."
  default     = []
  nullable    = false

  validation {
    # An unknown id would make the function fail at every cold start.
    condition     = alltrue([for id in var.disabled_rules : contains(local.rule_ids, id)])
    error_message = "disabled_rules must name rules of the catalog (docs/detection.md, or lambda/eks_audit_bot/kube/rules.json and aws/rules.json) or of custom_rules; unknown: ${join(", ", [for id in var.disabled_rules : id if !contains(local.rule_ids, id)])}."
  }
}

variable "rule_severities" {
  type        = map(string)
  description = "Severity overrides by rule id, e.g. `{ \"configmap-kube-system-changed\" = \"high\" }`."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for severity in values(var.rule_severities) : contains(["low", "medium", "high", "critical"], severity)])
    error_message = "rule_severities values must be one of low, medium, high, critical: ${join(", ", [for id, severity in var.rule_severities : format("rule_severities[%q] = %q", id, severity) if !contains(["low", "medium", "high", "critical"], severity)])} is not."
  }

  validation {
    condition     = alltrue([for id in keys(var.rule_severities) : contains(local.rule_ids, id)])
    error_message = "rule_severities keys must name rules of the catalog (docs/detection.md, or lambda/eks_audit_bot/kube/rules.json and aws/rules.json) or of custom_rules; unknown: ${join(", ", [for id in keys(var.rule_severities) : id if !contains(local.rule_ids, id)])}."
  }
}

variable "custom_rules" {
  type = list(object({
    id          = string
    title       = string
    severity    = string
    explanation = optional(string, "")
    runbook     = optional(string, "")
    # A map, not an object: Terraform would silently drop a misspelt key of an object, and a
    # rule without its condition matches far more than meant.
    match = map(list(string))
    # Beside `match`, not in it (the function reads it as `match.repeats`): `match` is a map of
    # lists so that a misspelt key fails at plan.
    repeats = optional(object({
      events    = number
      resources = optional(number, 1)
    }))
  }))
  description = "Extra rules, evaluated like the built-in catalog: every `match` list given (verbs, resources, subresources, namespaces, names, api_groups, predicates) must contain the request's value (globs allowed); `predicates` names built-in content checks; `repeats` (beside `match`) fires only after that many matching events on that many objects, as `match.repeats` in rules.json. A custom rule with a built-in id replaces that rule."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for rule in var.custom_rules : can(regex("^[a-z0-9][a-z0-9-]{0,62}$", rule.id)) && length(trimspace(rule.title)) > 0])
    error_message = "Every custom rule needs an id (lowercase letters, digits, hyphens, at most 63 characters) and a non-empty title: ${join(", ", [for i, rule in var.custom_rules : format("custom_rules[%d] (id = %q, title = %q)", i, rule.id, rule.title) if !(can(regex("^[a-z0-9][a-z0-9-]{0,62}$", rule.id)) && length(trimspace(rule.title)) > 0)])} has not."
  }

  validation {
    condition     = alltrue([for rule in var.custom_rules : contains(["low", "medium", "high", "critical"], rule.severity)])
    error_message = "Every custom rule severity must be one of low, medium, high, critical: ${join(", ", [for i, rule in var.custom_rules : format("custom_rules[%d].severity = %q", i, rule.severity) if !contains(["low", "medium", "high", "critical"], rule.severity)])} is not."
  }

  validation {
    condition     = length(distinct([for rule in var.custom_rules : rule.id])) == length(var.custom_rules)
    error_message = "Custom rule ids must be unique; repeated: ${join(", ", [for id in distinct([for rule in var.custom_rules : rule.id]) : format("%q", id) if length([for other in [for rule in var.custom_rules : rule.id] : other if other == id]) > 1])}."
  }

  validation {
    condition     = alltrue([for rule in var.custom_rules : length([for values in values(rule.match) : values if values != null]) > 0])
    error_message = "Every custom rule must set at least one match list (${join(", ", local.custom_rule_match_keys)}); none in: ${join(", ", [for i, rule in var.custom_rules : format("custom_rules[%d] (%s)", i, rule.id) if length([for values in values(rule.match) : values if values != null]) == 0])}."
  }

  validation {
    condition     = alltrue([for rule in var.custom_rules : alltrue([for key in keys(rule.match) : contains(local.custom_rule_match_keys, key)])])
    error_message = "Custom rule match keys must be ${join(", ", local.custom_rule_match_keys)}; unknown: ${join(", ", [for rule in var.custom_rules : "${rule.id}: ${join(", ", [for key in keys(rule.match) : key if !contains(local.custom_rule_match_keys, key)])}" if length(setsubtract(keys(rule.match), local.custom_rule_match_keys)) > 0])}."
  }

  validation {
    # The function rejects an empty list at cold start: "any" is said by leaving the key out.
    condition     = alltrue([for rule in var.custom_rules : alltrue([for values in values(rule.match) : values == null ? true : length(values) > 0])])
    error_message = "Custom rule match lists must not be empty (leave a key out to match anything); empty in: ${join(", ", [for rule in var.custom_rules : rule.id if anytrue([for values in values(rule.match) : values == null ? false : length(values) == 0])])}."
  }

  validation {
    condition     = alltrue([for rule in var.custom_rules : alltrue([for name in coalesce(lookup(rule.match, "predicates", null), []) : contains(local.predicate_names, name)])])
    error_message = "Custom rule predicates must be built-in predicates (${join(", ", local.predicate_names)}); unknown: ${join(", ", distinct(flatten([for rule in var.custom_rules : [for name in coalesce(lookup(rule.match, "predicates", null), []) : name if !contains(local.predicate_names, name)]])))}."
  }
}

variable "rule_exceptions" {
  type = list(object({
    rule      = string
    principal = string
    namespace = optional(string, "*")
  }))
  description = "Per-rule exceptions: `rule` (an audit-log rule id) does not alert for `principal` (a glob on the Kubernetes username, IAM ARN, canonical ARN or role name) in `namespace` (a glob; `\"\"` is cluster-scoped). For automation whose job a dangerous action is beyond the built-in list (docs/automation-and-identity.md), e.g. `{ rule = \"privileged-workload\", principal = \"system:serviceaccount:monitoring:node-exporter-operator\", namespace = \"monitoring\" }`."
  default     = []
  nullable    = false

  validation {
    # An unknown id would make the function fail at every cold start.
    condition     = alltrue([for entry in var.rule_exceptions : contains(local.kube_rule_ids, entry.rule)])
    error_message = "rule_exceptions rules must name audit-log rules of the catalog (lambda/eks_audit_bot/kube/rules.json) or of custom_rules; unknown: ${join(", ", [for entry in var.rule_exceptions : entry.rule if !contains(local.kube_rule_ids, entry.rule)])}."
  }

  validation {
    condition     = alltrue([for entry in var.rule_exceptions : length(trimspace(entry.principal)) > 0 && trimspace(entry.principal) != "*"])
    error_message = "rule_exceptions entries need a principal glob that is not \"*\" (that would spare everyone: use disabled_rules)."
  }
}

variable "https_format" {
  type        = string
  description = "Message format for `https` subscriptions: `json` (the alert document) or `chatbot` (Amazon Q Developer in chat applications custom notifications, for Slack and Teams)."
  default     = "json"
  nullable    = false

  validation {
    condition     = contains(["json", "chatbot"], var.https_format)
    error_message = "https_format must be json or chatbot."
  }
}

# ---- Filter pattern builder ----

variable "watch_truncated_lines" {
  type        = bool
  description = "Add a second subscription filter per log group that delivers the lines CloudWatch Logs cut at 256 KB (no JSON pattern matches them), so padding a request cannot hide it. Uses the second of the two subscription filters a log group allows: set false if another one already takes it."
  default     = true
  nullable    = false
}

variable "watch" {
  type = object({
    user_names                     = optional(list(string), [])
    ignored_user_names             = optional(list(string), ["system:*", "eks:*"])
    ignored_user_names_except      = optional(list(string), ["system:anonymous"])
    all_writes                     = optional(bool, true)
    namespaces                     = optional(list(string), ["kube-system"])
    namespaced_resources           = optional(list(string), ["secrets", "serviceaccounts"])
    cluster_resources              = optional(list(string), ["namespaces", "customresourcedefinitions", "apiservices", "certificatesigning*"])
    api_groups                     = optional(list(string), ["rbac.authorization.k8s.io", "admissionregistration.k8s.io"])
    subresources                   = optional(list(string), ["exec", "attach", "portforward", "ephemeral*"])
    ignored_verbs                  = optional(list(string), ["get", "list", "watch"])
    ignored_verbs_except_resources = optional(list(string), ["secrets"])
    excluded_stages                = optional(list(string), ["RequestReceived"])
    any_user_subresources          = optional(list(string), ["exec", "attach", "portforward", "ephemeral*", "token"])
    any_user_resources             = optional(list(string), ["certificatesigning*"])
    any_user_response_codes        = optional(list(number), [403])
    automation_write_api_groups    = optional(list(string), ["rbac*", "admission*", "apps", "batch"])
    automation_write_resources     = optional(list(string), ["pods", "selfsubjectrules*"])
    automation_write_names         = optional(list(string), ["aws-auth"])
  })
  description = <<-EOT
    What the generated CloudWatch filter pattern lets through to the function (ignored when `filter_pattern` is set):
    requests in no `excluded_stages`, by `user_names` (empty: everyone), that
    - come from anyone, automation included, and are on one of the `any_user_subresources` or `any_user_resources`
      or got one of the `any_user_response_codes` (what the out-of-character rules look at); or
    - come from `ignored_user_names_except` (any request); or
    - are on one of the `ignored_verbs_except_resources`, any verb, by anyone but a node (kubelets read their pods'
      secrets all day); or
    - come from anyone, automation included, and write (a verb not in `ignored_verbs`) the object itself, not a
      subresource, in one of the `automation_write_api_groups`, on one of the `automation_write_resources` or named
      one of the `automation_write_names` (what the rules about dangerous actions by whoever look at); or
    - come from users not in `ignored_user_names` and are on one of the `subresources` (any verb) or have a verb not
      in `ignored_verbs`: any such write with `all_writes` (the default), else only
      writes in one of the `namespaces`, on one of the `namespaced_resources` or `cluster_resources`, or in one of the
      `api_groups`.
    Requests of service accounts and nodes from outside the trusted networks pass too: from a first source IP that is
    not private (or outside `trusted_source_cidrs` when set), or with more than one source IP.
    Values are exact, or take `*` as first or last character.
  EOT
  default     = {}
  nullable    = false

  validation {
    condition = alltrue([
      for value in flatten([
        var.watch.user_names, var.watch.ignored_user_names, var.watch.ignored_user_names_except,
        var.watch.namespaces, var.watch.namespaced_resources, var.watch.cluster_resources,
        var.watch.api_groups, var.watch.subresources, var.watch.ignored_verbs,
        var.watch.ignored_verbs_except_resources, var.watch.excluded_stages,
        var.watch.any_user_subresources, var.watch.any_user_resources,
        var.watch.automation_write_api_groups, var.watch.automation_write_resources,
        var.watch.automation_write_names,
      ]) : can(regex("^\\*?[^*\"\\\\]+\\*?$", value))
    ])
    error_message = "watch values must be non-empty, without quotes or backslashes, with `*` only as the first or last character (CloudWatch wildcards): ${join(", ", flatten([for key in local.watch_list_keys : [for i, value in var.watch[key] : format("watch.%s[%d] = %q", key, i, value) if !can(regex("^\\*?[^*\"\\\\]+\\*?$", value))]]))} is not."
  }

  validation {
    condition     = alltrue([for code in var.watch.any_user_response_codes : code >= 100 && code <= 599 && floor(code) == code])
    error_message = "watch.any_user_response_codes must be HTTP status codes (whole numbers from 100 to 599): ${join(", ", [for i, code in var.watch.any_user_response_codes : format("watch.any_user_response_codes[%d] = %s", i, code) if !(code >= 100 && code <= 599 && floor(code) == code)])} is not."
  }

  validation {
    condition = var.watch.all_writes || length(concat(
      var.watch.subresources, var.watch.ignored_verbs_except_resources, var.watch.namespaces,
      var.watch.namespaced_resources, var.watch.cluster_resources, var.watch.api_groups,
      var.watch.any_user_subresources, var.watch.any_user_resources,
    )) > 0
    error_message = "watch must name something to watch: all_writes, subresources, ignored_verbs_except_resources, namespaces, namespaced_resources, cluster_resources, api_groups, any_user_subresources or any_user_resources."
  }
}

# ---- Detection ----

variable "protected_namespaces" {
  type        = list(string)
  description = "Namespaces where any change by a person alerts as at least `high` (secrets included): the control plane's add-ons, their credentials and node heartbeats live there."
  default     = ["kube-system", "kube-public", "kube-node-lease"]
  nullable    = false

  validation {
    condition     = alltrue([for name in var.protected_namespaces : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", name))])
    error_message = "protected_namespaces entries must be Kubernetes namespace names (lower-case letters, digits and '-', at most 63 characters): ${join(", ", [for i, name in var.protected_namespaces : format("protected_namespaces[%d] = %q", i, name) if !can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", name))])} is not."
  }
}

variable "trusted_source_cidrs" {
  type        = list(string)
  description = "IPv4 CIDR blocks service accounts and nodes call the API from (the VPC, pod and node ranges, NAT gateway addresses): any of their requests from elsewhere alerts `high` (a credential used outside the cluster). Empty: the private ranges and AWS's published ranges of the cluster's region are trusted. Loopback is always trusted."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for cidr in var.trusted_source_cidrs : can(cidrnetmask(cidr)) && can(regex("/([89]|[12][0-9]|3[0-2])$", cidr))])
    error_message = "trusted_source_cidrs entries must be IPv4 CIDR blocks with a prefix length of 8 to 32, e.g. 10.0.0.0/16: ${join(", ", [for i, cidr in var.trusted_source_cidrs : format("trusted_source_cidrs[%d] = %q", i, cidr) if !(can(cidrnetmask(cidr)) && can(regex("/([89]|[12][0-9]|3[0-2])$", cidr)))])} is not."
  }
}

variable "credential_lookup" {
  type        = bool
  description = "Name the person behind a generic role session (`EKSGetTokenAuth`, an SDK's default name) by looking up the STS call that issued its credential with CloudTrail LookupEvents (at most 3 per invocation) when the state table has no link for it. Finds calls of this account and region only; needs `cloudtrail:LookupEvents`."
  default     = true
  nullable    = false
}

# ---- CloudTrail, tampering and silence ----

variable "create_cloudtrail_rules" {
  type        = bool
  description = "Create the EventBridge rules that alert on EKS API changes (access entries, access policies, cluster configuration, ...) and on tampering with the log groups, the function, its rules and alarms. Needs a trail that logs management events."
  default     = true
  nullable    = false
}

variable "cloudtrail_all_clusters" {
  type        = bool
  description = "Alert on EKS API changes to every cluster of the account and region, not only the clusters whose log groups are watched."
  default     = false
  nullable    = false
}

variable "create_alarms" {
  type        = bool
  description = "Create alarms on a silent audit log group (per cluster), on function errors and on the on-failure queue (when created here); their state changes alert through the function."
  default     = true
  nullable    = false
}

variable "silence_alarm_period_in_seconds" {
  type        = number
  description = "Period of the silence alarms: a watched log group that receives no event for `silence_alarm_evaluation_periods` such periods alerts."
  default     = 900
  nullable    = false

  validation {
    condition     = var.silence_alarm_period_in_seconds >= 60 && var.silence_alarm_period_in_seconds % 60 == 0
    error_message = "silence_alarm_period_in_seconds must be a multiple of 60 seconds (CloudWatch periods of a minute or more), at least 60."
  }
}

variable "silence_alarm_evaluation_periods" {
  type        = number
  description = "How many consecutive silent periods make a silence alarm go off."
  default     = 1
  nullable    = false

  validation {
    condition     = var.silence_alarm_evaluation_periods >= 1 && floor(var.silence_alarm_evaluation_periods) == var.silence_alarm_evaluation_periods
    error_message = "silence_alarm_evaluation_periods must be a whole number >= 1."
  }

  validation {
    condition     = var.silence_alarm_period_in_seconds * var.silence_alarm_evaluation_periods <= 86400
    error_message = "silence_alarm_period_in_seconds times silence_alarm_evaluation_periods must be at most 86400 (one day, the CloudWatch limit of an alarm's evaluation range)."
  }
}

variable "event_rule_tags" {
  type        = map(string)
  description = "Extra tags for the EventBridge rules."
  default     = {}
  nullable    = false
}

variable "alarm_tags" {
  type        = map(string)
  description = "Extra tags for the CloudWatch alarms."
  default     = {}
  nullable    = false
}

# ---- PagerDuty ----

variable "pagerduty_integration_url" {
  type        = string
  description = "Integration URL of a PagerDuty service's Amazon CloudWatch integration (`https://events.pagerduty.com/integration/<key>/enqueue`). When set, the module creates a topic for pages and subscribes this URL to it over HTTPS; the function pages alerts at or above `pagerduty_min_severity` there, one incident per action. See examples/pagerduty."
  default     = null
  sensitive   = true

  validation {
    condition     = var.pagerduty_integration_url == null || can(regex("^https://events(\\.eu)?\\.pagerduty\\.com/integration/[0-9A-Za-z]{32}/enqueue$", var.pagerduty_integration_url))
    error_message = "pagerduty_integration_url must be the Integration URL of a PagerDuty Amazon CloudWatch integration: https://events.pagerduty.com/integration/<32-character integration key>/enqueue (events.eu.pagerduty.com for the EU service region)."
  }
}

variable "pagerduty_topic_arn" {
  type        = string
  description = "ARN of an existing standard SNS topic to publish pages to, when you subscribe PagerDuty to it yourself (for example in another account). Not together with `pagerduty_integration_url`."
  default     = null

  validation {
    condition     = var.pagerduty_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.pagerduty_topic_arn))
    error_message = "pagerduty_topic_arn must be the ARN of a standard (not FIFO) SNS topic: arn:<partition>:sns:<region>:<12-digit account>:<topic name>; PagerDuty subscribes over HTTPS, which FIFO topics do not offer."
  }
  validation {
    condition     = var.pagerduty_topic_arn == null || nonsensitive(var.pagerduty_integration_url == null)
    error_message = "Set pagerduty_integration_url (the module creates the page topic) or pagerduty_topic_arn (your own topic), not both."
  }
}

variable "pagerduty_min_severity" {
  type        = string
  description = "Alerts at or above this severity also page PagerDuty (`critical`, `high`, `medium` or `low`). Digests page once for the whole batch."
  default     = "high"
  nullable    = false

  validation {
    condition     = contains(["critical", "high", "medium", "low"], var.pagerduty_min_severity)
    error_message = "pagerduty_min_severity must be critical, high, medium or low."
  }
}

variable "pagerduty_topic_kms_key_arn" {
  type        = string
  description = "KMS key ARN to encrypt the page topic with (the one the module creates, or the key of `pagerduty_topic_arn`); the function is granted kms:GenerateDataKey* and kms:Decrypt on it. Unset, a created topic uses the AWS managed key `alias/aws/sns`."
  default     = null

  validation {
    condition     = var.pagerduty_topic_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.pagerduty_topic_kms_key_arn))
    error_message = "pagerduty_topic_kms_key_arn must be a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias)."
  }
}

# ---- Exactly-once alerts and account names (fleet) ----

variable "create_dedup_table" {
  type        = bool
  description = "Create a DynamoDB table (pay per request, TTL on, encrypted) in which the function remembers published alerts, so that retries and re-deliveries never publish one twice. Named `dedup_table_name`, by default `<eks_bot_name>-dedup`."
  default     = false
  nullable    = false
}

variable "dedup_table_name" {
  type        = string
  description = "The dedup table: the name of the one `create_dedup_table` creates, or of an existing table (partition key `id` string, TTL attribute `expiration`, as Powertools' idempotency utility lays it out) to use. null without `create_dedup_table`: no dedup."
  default     = null

  validation {
    condition     = var.dedup_table_name == null || can(regex("^[A-Za-z0-9_.-]{3,255}$", var.dedup_table_name))
    error_message = "dedup_table_name must be 3 to 255 letters, digits, underscores, hyphens or dots (a DynamoDB table name)."
  }
}

variable "dedup_ttl_in_seconds" {
  type        = number
  description = "How long a published alert is remembered: within this time the same action (cluster, auditID, rule, request) is not published again."
  default     = 86400
  nullable    = false

  validation {
    condition     = var.dedup_ttl_in_seconds >= 300 && var.dedup_ttl_in_seconds <= 1209600 && floor(var.dedup_ttl_in_seconds) == var.dedup_ttl_in_seconds
    error_message = "dedup_ttl_in_seconds must be a whole number from 300 (5 minutes) to 1209600 (14 days, the longest an on-failure queue keeps a batch for replay)."
  }
}

variable "account_names" {
  type        = map(string)
  description = "Names for AWS account ids, shown in alerts next to the id, e.g. `{ \"111122223333\" = \"payments-prod\" }`. For alerts from other accounts (`modules/central`); `account_name` names the function's own account."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for id, name in var.account_names : can(regex("^[0-9]{12}$", id)) && length(trimspace(name)) > 0 && length(name) <= 64])
    error_message = "account_names keys must be 12-digit account ids and values non-empty names of at most 64 characters: ${join(", ", [for id, name in var.account_names : format("account_names[%q] = %q", id, name) if !(can(regex("^[0-9]{12}$", id)) && length(trimspace(name)) > 0 && length(name) <= 64)])} is not."
  }

  validation {
    # Lambda caps all environment variables of a function at 4 KB together.
    condition     = length(jsonencode(var.account_names)) <= 2500
    error_message = "account_names must fit in 2500 characters of JSON (Lambda environment variables share a 4 KB limit), about 80 accounts; it has ${length(jsonencode(var.account_names))}. Name the accounts that matter most."
  }
}

variable "guarded_resources" {
  type = object({
    event_rule_names = optional(list(string), [])
    alarm_names      = optional(list(string), [])
  })
  description = "EventBridge rules and alarms of the sub-modules that this module's rules guard like its own (changing, disabling or deleting them alerts); `modules/central` passes its bus rule, its stream alarms and their rule."
  default     = {}
  nullable    = false
}

variable "event_account_ids" {
  type        = list(string)
  description = "Accounts besides this one whose EventBridge events the function believes (the envelope's `account`); an event from any other account is a forgery and alerts as such. `modules/central` passes its own `event_account_ids`."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.event_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "event_account_ids must be 12-digit account ids."
  }
}

variable "organization_id" {
  type        = string
  description = "AWS Organizations id (`o-...`) whose accounts may send EventBridge events (`modules/central` passes its own): the bus policy admits only them, so the function believes any account's events beside checking their source."
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-a1b2c3d4e5."
  }
}

# ---- Tags ----

variable "tags" {
  type        = map(string)
  description = "Tags for every resource the module creates."
  default     = {}
  nullable    = false
}

variable "function_tags" {
  type        = map(string)
  description = "Extra tags for the Lambda function."
  default     = {}
  nullable    = false
}

variable "role_tags" {
  type        = map(string)
  description = "Extra tags for the IAM role."
  default     = {}
  nullable    = false
}

variable "log_group_tags" {
  type        = map(string)
  description = "Extra tags for the function's log group."
  default     = {}
  nullable    = false
}

variable "on_failure_queue_tags" {
  type        = map(string)
  description = "Extra tags for the on-failure queue."
  default     = {}
  nullable    = false
}

variable "dedup_table_tags" {
  type        = map(string)
  description = "Extra tags for the dedup table."
  default     = {}
  nullable    = false
}

# ---- Operator controls ----

variable "mutes" {
  type = list(object({
    rule             = string
    actor            = optional(string)
    cluster          = optional(string)
    namespace        = optional(string)
    reason           = string
    expires          = string
    include_critical = optional(bool, false)
  }))
  description = "Mutes as code: alerts of `rule` (for an `actor` glob, a `cluster`, a `namespace`) are not sent until `expires` (RFC 3339); each is announced when it takes effect and when it ends. Critical alerts only with include_critical. Needs the state table (create_dedup_table or dedup_table_name)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for mute in var.mutes : can(timeadd(mute.expires, "0s"))])
    error_message = "mutes: expires must be an RFC 3339 time with a zone, e.g. \"2026-12-31T18:00:00Z\"; not: ${join(", ", [for mute in var.mutes : mute.expires if !can(timeadd(mute.expires, "0s"))])}."
  }

  validation {
    condition     = alltrue([for mute in var.mutes : try(timecmp(mute.expires, plantimestamp()) > 0, true)])
    error_message = "mutes: expires must be in the future (an expired mute has ended: remove it); past: ${join(", ", [for mute in var.mutes : mute.expires if try(timecmp(mute.expires, plantimestamp()) <= 0, false)])}."
  }

  validation {
    condition     = alltrue([for mute in var.mutes : contains(local.rule_ids, mute.rule)])
    error_message = "mutes: rule must name a rule of the catalogs (lambda/eks_audit_bot/kube/rules.json, aws/rules.json) or of custom_rules; unknown: ${join(", ", [for mute in var.mutes : mute.rule if !contains(local.rule_ids, mute.rule)])}."
  }

  validation {
    condition     = alltrue([for mute in var.mutes : trimspace(mute.reason) != ""])
    error_message = "mutes: every mute needs a reason (it is announced with the mute)."
  }

  validation {
    condition     = length(var.mutes) == 0 || var.create_dedup_table || var.dedup_table_name != null
    error_message = "mutes need the state table: set create_dedup_table = true or dedup_table_name (mutes and their announcements live there)."
  }
}

variable "group_window_minutes" {
  type        = number
  description = "Bursts across invocations: an actor's first alert on a cluster goes out at once, the rest within this many minutes fold into one summary when the window closes (critical alerts never wait). 0 turns grouping off. Needs the state table."
  default     = 0
  nullable    = false

  validation {
    condition     = var.group_window_minutes == floor(var.group_window_minutes) && var.group_window_minutes >= 0 && var.group_window_minutes <= 1440
    error_message = "group_window_minutes is a whole number of minutes from 0 (off) to 1440 (a day)."
  }

  validation {
    condition     = var.group_window_minutes == 0 || var.create_dedup_table || var.dedup_table_name != null
    error_message = "group_window_minutes needs the state table: set create_dedup_table = true or dedup_table_name (the windows live there)."
  }
}

variable "security_hub_findings" {
  type        = bool
  description = "Also import each alert into AWS Security Hub as a finding (BatchImportFindings, this account's default product). Security Hub must be enabled in the account and region."
  default     = false
  nullable    = false
}

variable "security_hub_role_name" {
  type        = string
  description = "Organization mode: the name of a role in each member account that the function assumes to import that account's findings there (BatchImportFindings takes findings for the caller's own account only). null: member findings go to this account."
  default     = null

  validation {
    condition     = var.security_hub_role_name == null || can(regex("^[\\w+=,.@-]{1,64}$", var.security_hub_role_name))
    error_message = "security_hub_role_name is an IAM role name (up to 64 of letters, digits and +=,.@_-)."
  }
}
