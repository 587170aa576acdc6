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

output "pagerduty_topic_arn" {
  description = "ARN of the topic pages go to (created for `pagerduty_integration_url`, or `pagerduty_topic_arn`), or null."
  value       = local.pagerduty_topic_arn
}
