# Silence and health: an audit log that stops receiving events, a failing function and
# invocations waiting in the on-failure queue would otherwise look like a quiet, healthy
# cluster. The alarms need no actions: their state changes reach the function through the
# `alarms` EventBridge rule (eventbridge.tf) and become alerts like any other.

locals {
  alarm_names = var.create_alarms ? concat(
    [for cluster in keys(local.clusters) : "${local.name}-silence-${cluster}"],
    ["${local.name}-errors"],
    var.create_on_failure_queue ? ["${local.name}-on-failure-backlog"] : [],
  ) : []
}

resource "aws_cloudwatch_metric_alarm" "silence" {
  for_each = var.create_alarms ? local.clusters : {}

  alarm_name        = "${local.name}-silence-${each.key}"
  alarm_description = "No events reached ${each.value} for ${var.silence_alarm_period_in_seconds * var.silence_alarm_evaluation_periods} seconds (eks-audit-bot ${local.name})."
  namespace         = "AWS/Logs"
  metric_name       = "IncomingLogEvents"
  dimensions        = { LogGroupName = each.value }
  statistic         = "Sum"
  period            = var.silence_alarm_period_in_seconds
  # A log group that receives nothing reports no data point at all: missing data is silence.
  evaluation_periods  = var.silence_alarm_evaluation_periods
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  tags                = merge(var.tags, var.alarm_tags)
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  count = var.create_alarms ? 1 : 0

  alarm_name          = "${local.name}-errors"
  alarm_description   = "The ${local.name} function failed invocations: alerts are late or lost (eks-audit-bot)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  tags                = merge(var.tags, var.alarm_tags)
}

resource "aws_cloudwatch_metric_alarm" "on_failure_backlog" {
  count = var.create_alarms && var.create_on_failure_queue ? 1 : 0

  alarm_name          = "${local.name}-on-failure-backlog"
  alarm_description   = "Invocations of ${local.name} that failed after every retry wait in ${aws_sqs_queue.on_failure[0].name} (eks-audit-bot)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.on_failure[0].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  tags                = merge(var.tags, var.alarm_tags)
}
