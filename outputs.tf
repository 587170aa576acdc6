output "function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "role_arn" {
  description = "ARN of the function's IAM role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the function's IAM role."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "Name of the function's own log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's own log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "subscription_filters" {
  description = "The subscription filters by cluster name: filter name and the EKS log group it is on."
  value = {
    for cluster, filter in aws_cloudwatch_log_subscription_filter.this : cluster => {
      name           = filter.name
      log_group_name = filter.log_group_name
    }
  }
}

output "on_failure_queue_arn" {
  description = "ARN of the on-failure queue the module created, or null."
  value       = one(aws_sqs_queue.on_failure[*].arn)
}

output "on_failure_queue_url" {
  description = "URL of the on-failure queue the module created, or null."
  value       = one(aws_sqs_queue.on_failure[*].url)
}

output "on_failure_destination_arn" {
  description = "Where invocations that still fail after the retries go (created queue or the ARN passed in), or null."
  value       = local.on_failure_destination_arn
}

output "filter_pattern" {
  description = "The effective CloudWatch Logs filter pattern: `filter_pattern` when set, else the one generated from `watch`."
  value       = local.filter_pattern
}

output "dedup_table_name" {
  description = "Name of the DynamoDB table the function remembers published alerts in, or null without dedup."
  value       = local.dedup_table_name
}

output "dedup_table_arn" {
  description = "ARN of the dedup table, or null without dedup."
  value       = local.dedup_table_arn
}

output "event_rules" {
  description = "The EventBridge rules by purpose (`eks_api`, `tamper`, `alarms`): name, ARN and event pattern (JSON)."
  value = {
    for key, rule in aws_cloudwatch_event_rule.this : key => {
      name          = rule.name
      arn           = rule.arn
      event_pattern = rule.event_pattern
    }
  }
}

output "alarm_names" {
  description = "Names of the alarms on silent log groups, function errors and the on-failure queue."
  value       = local.alarm_names
}

output "sns_topic_arn" {
  description = "ARN of the topic alerts are published to: the one created (`create_sns_topic`) or `sns_topic_arn`."
  value       = var.create_sns_topic ? aws_sns_topic.this[0].arn : var.sns_topic_arn
}

output "sns_topic_name" {
  description = "Name of the topic alerts are published to."
  value       = var.create_sns_topic ? aws_sns_topic.this[0].name : split(":", var.sns_topic_arn)[5]
}

output "sns_topic_kms_key_arn" {
  description = "ARN of the KMS key encrypting the topic (created with the topic, or `sns_topic_kms_key_arn`), or null."
  value       = local.sns_topic_kms_key_arn
}

output "sns_subscription_arns" {
  description = "ARNs of the subscriptions the module created, by `email:<address>` or `https:<endpoint>`."
  value       = { for key, subscription in aws_sns_topic_subscription.this : key => subscription.arn }
}

output "pagerduty_topic_arn" {
  description = "ARN of the topic pages go to (created for `pagerduty_integration_url`, or `pagerduty_topic_arn`), or null."
  value       = local.pagerduty_topic_arn
}
