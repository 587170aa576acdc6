# The central deployment of an organization: one function reads every member account's EKS
# audit log from a Kinesis stream (filled by CloudWatch Logs destinations) and their EKS API
# calls from an EventBridge bus, and publishes each alert once (a DynamoDB dedup table).
#
# The function, its role, log group, on-failure queue and dedup table come from the root
# module, called as a child with no log groups of its own: one definition of the function
# for single accounts and organizations alike.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.id

  organization = var.organization_id != null
  function     = var.function
}

module "function" {
  source = "../.."

  eks_bot_name  = var.eks_bot_name
  log_source    = "kinesis"
  sns_topic_arn = var.sns_topic_arn

  create_dedup_table      = true
  dedup_ttl_in_seconds    = var.dedup_ttl_in_seconds
  account_names           = var.account_names
  create_on_failure_queue = true
  # Whose EventBridge events the function believes: this account's, the members'.
  event_account_ids = var.event_account_ids
  # This module's own rules (their PutRule, DisableRule, DeleteRule... alert).
  guarded_resources = {
    event_rule_names = concat(["${var.eks_bot_name}-forwarded"], var.alarms.create ? ["${var.eks_bot_name}-stream-alarms"] : [])
    alarm_names      = local.stream_alarm_names
  }
  organization_id = var.organization_id

  # null leaves the root module's default.
  timeout                           = local.function.timeout
  memory_limit                      = local.function.memory_limit
  reserved_concurrent_executions    = local.function.reserved_concurrent_executions
  log_level                         = local.function.log_level
  powertools_layer_arn              = local.function.powertools_layer_arn
  cloudwatch_logs_retention_in_days = local.function.cloudwatch_logs_retention_in_days
  cloudwatch_logs_kms_key_arn       = local.function.cloudwatch_logs_kms_key_arn
  sns_topic_kms_key_arn             = local.function.sns_topic_kms_key_arn
  min_severity                      = local.function.min_severity
  alert_on_automation               = local.function.alert_on_automation
  automation_principals             = local.function.automation_principals
  automation_user_agents            = local.function.automation_user_agents
  digest_threshold                  = local.function.digest_threshold
  max_alerts_per_invocation         = local.function.max_alerts_per_invocation
  disabled_rules                    = local.function.disabled_rules
  rule_severities                   = local.function.rule_severities
  custom_rules                      = local.function.custom_rules
  rule_exceptions                   = local.function.rule_exceptions
  https_format                      = local.function.https_format
  protected_namespaces              = local.function.protected_namespaces
  trusted_source_cidrs              = local.function.trusted_source_cidrs
  # LookupEvents sees this account's calls only, not the members': the person behind a member's
  # generic session comes from the STS calls members forward (the dedup table keeps the link).
  credential_lookup                = coalesce(local.function.credential_lookup, false)
  pagerduty_topic_arn              = local.function.pagerduty_topic_arn
  pagerduty_min_severity           = local.function.pagerduty_min_severity
  pagerduty_topic_kms_key_arn      = local.function.pagerduty_topic_kms_key_arn
  account_id                       = local.function.account_id
  account_name                     = local.function.account_name
  runtime                          = local.function.runtime
  architecture                     = local.function.architecture
  role_path                        = local.function.role_path
  role_permissions_boundary        = local.function.role_permissions_boundary
  maximum_retry_attempts           = local.function.maximum_retry_attempts
  maximum_event_age_in_seconds     = local.function.maximum_event_age_in_seconds
  create_cloudtrail_rules          = local.function.create_cloudtrail_rules
  cloudtrail_all_clusters          = local.function.cloudtrail_all_clusters
  create_alarms                    = local.function.create_alarms
  silence_alarm_period_in_seconds  = local.function.silence_alarm_period_in_seconds
  silence_alarm_evaluation_periods = local.function.silence_alarm_evaluation_periods
  function_tags                    = local.function.function_tags
  role_tags                        = local.function.role_tags
  log_group_tags                   = local.function.log_group_tags
  on_failure_queue_tags            = local.function.on_failure_queue_tags
  dedup_table_tags                 = local.function.dedup_table_tags
  event_rule_tags                  = local.function.event_rule_tags
  alarm_tags                       = local.function.alarm_tags
  group_window_minutes             = local.function.group_window_minutes
  security_hub_findings            = local.function.security_hub_findings
  security_hub_role_name           = local.function.security_hub_role_name
  mutes                            = local.function.mutes

  tags = var.tags
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn = aws_kinesis_stream.this.arn
  function_name    = module.function.function_arn
  # From the oldest record: nothing written before the mapping existed is skipped.
  starting_position                  = "TRIM_HORIZON"
  batch_size                         = var.event_source_mapping.batch_size
  maximum_batching_window_in_seconds = var.event_source_mapping.maximum_batching_window_in_seconds
  parallelization_factor             = var.event_source_mapping.parallelization_factor
  bisect_batch_on_function_error     = var.event_source_mapping.bisect_batch_on_function_error
  maximum_record_age_in_seconds      = var.event_source_mapping.maximum_record_age_in_seconds
  maximum_retry_attempts             = var.event_source_mapping.maximum_retry_attempts
  # The function names the records it could not deliver; Lambda retries from the first of
  # them, and the dedup table keeps the records after it from alerting twice.
  function_response_types = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = module.function.on_failure_queue_arn
    }
  }

  depends_on = [aws_iam_role_policy.stream]
}
