output "destination_arn" {
  description = "ARN of the CloudWatch Logs destination in this region: member modules in this region subscribe to it."
  value       = module.destination.destination_arn
}

output "destination_role_arn" {
  description = "ARN of the role CloudWatch Logs destinations use to write to the stream: pass it to `modules/destination` for other regions."
  value       = aws_iam_role.destination.arn
}

output "stream_arn" {
  description = "ARN of the Kinesis data stream: pass it to `modules/destination` for other regions."
  value       = aws_kinesis_stream.this.arn
}

output "event_bus_arn" {
  description = "ARN of the EventBridge bus member modules forward CloudTrail events to."
  value       = aws_cloudwatch_event_bus.this.arn
}

output "function_arn" {
  description = "ARN of the central function."
  value       = module.function.function_arn
}

output "function_name" {
  description = "Name of the central function."
  value       = module.function.function_name
}

output "role_name" {
  description = "Name of the central function's IAM role."
  value       = module.function.role_name
}

output "event_source_mapping_uuid" {
  description = "Id of the event source mapping from the stream to the function."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "dedup_table_name" {
  description = "Name of the DynamoDB table that remembers published alerts."
  value       = module.function.dedup_table_name
}

output "on_failure_queue_url" {
  description = "URL of the queue that keeps what still fails after the retries (stream records and asynchronous invocations)."
  value       = module.function.on_failure_queue_url
}

output "filter_pattern" {
  description = "The subscription filter pattern for the central function's settings (the root module's, with `function.trusted_source_cidrs`): pass it to member modules as `filter_pattern` when those settings differ from the defaults."
  value       = module.function.filter_pattern
}

output "role_arn" {
  description = "ARN of the central function's IAM role: members' `security_hub_central_role_arn`."
  value       = module.function.role_arn
}
