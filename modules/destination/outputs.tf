output "destination_arn" {
  description = "ARN of the destination: what member accounts' subscription filters in this region point at."
  value       = aws_cloudwatch_log_destination.this.arn
}

output "region" {
  description = "Region of the destination (and of the log groups that may subscribe to it)."
  value       = data.aws_region.current.id
}
