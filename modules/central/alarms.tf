# Silence and health of the organization path, as the root module's silence alarm is for a
# single account's log group: a stream that receives nothing, records that arrive but that
# nothing reads (the event source mapping disabled, deleted or failing), and a function that
# falls behind. Named `<eks_bot_name>-*`, so the function alerts on their state changes and on
# tampering with them; their state changes reach it through the rule below.
locals {
  stream_alarm_names = var.alarms.create ? [
    "${var.eks_bot_name}-stream-silence", "${var.eks_bot_name}-stream-unread", "${var.eks_bot_name}-iterator-age",
  ] : []
}

resource "aws_cloudwatch_metric_alarm" "stream_silence" {
  count = var.alarms.create ? 1 : 0

  alarm_name        = "${var.eks_bot_name}-stream-silence"
  alarm_description = "No record reached ${aws_kinesis_stream.this.name} for ${var.alarms.stream_silence_period_in_seconds * var.alarms.stream_silence_evaluation_periods} seconds: member accounts' subscription filters or the Logs destination may be broken (eks-audit-bot ${var.eks_bot_name})."
  namespace         = "AWS/Kinesis"
  metric_name       = "IncomingRecords"
  dimensions        = { StreamName = aws_kinesis_stream.this.name }
  statistic         = "Sum"
  period            = var.alarms.stream_silence_period_in_seconds
  # A stream that receives nothing reports no data point at all: missing data is silence.
  evaluation_periods  = var.alarms.stream_silence_evaluation_periods
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "stream_unread" {
  count = var.alarms.create ? 1 : 0

  alarm_name          = "${var.eks_bot_name}-stream-unread"
  alarm_description   = "Records reach ${aws_kinesis_stream.this.name} but nothing reads them: the event source mapping to ${var.eks_bot_name} is disabled, deleted or failing (eks-audit-bot)."
  evaluation_periods  = 3
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # No records and no reads is a quiet organization, not a fault.
  treat_missing_data = "notBreaching"
  tags               = var.tags

  metric_query {
    id          = "unread"
    expression  = "IF(FILL(incoming, 0) > 0 AND FILL(taken, 0) == 0, 1, 0)"
    label       = "Records in, none read"
    return_data = true
  }

  metric_query {
    id = "incoming"
    metric {
      namespace   = "AWS/Kinesis"
      metric_name = "IncomingRecords"
      dimensions  = { StreamName = aws_kinesis_stream.this.name }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "taken"
    metric {
      namespace   = "AWS/Kinesis"
      metric_name = "GetRecords.Records"
      dimensions  = { StreamName = aws_kinesis_stream.this.name }
      stat        = "Sum"
      period      = 300
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "iterator_age" {
  count = var.alarms.create ? 1 : 0

  alarm_name          = "${var.eks_bot_name}-iterator-age"
  alarm_description   = "The oldest record ${var.eks_bot_name} has not processed is older than ${var.alarms.iterator_age_threshold_in_seconds} seconds: alerts are late, and records past the stream's retention are lost (eks-audit-bot)."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  dimensions          = { FunctionName = module.function.function_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.alarms.iterator_age_threshold_in_seconds * 1000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  tags                = var.tags
}

resource "aws_cloudwatch_event_rule" "alarms" {
  count = var.alarms.create ? 1 : 0

  name        = "${var.eks_bot_name}-stream-alarms"
  description = "Sends the ${var.eks_bot_name} stream alarms' state changes to the function"
  event_pattern = jsonencode({
    source        = ["aws.cloudwatch"]
    "detail-type" = ["CloudWatch Alarm State Change"]
    detail        = { alarmName = local.stream_alarm_names }
  })
  tags = var.tags
}

resource "aws_lambda_permission" "alarms" {
  count = var.alarms.create ? 1 : 0

  statement_id   = "events-stream-alarms"
  action         = "lambda:InvokeFunction"
  function_name  = module.function.function_name
  principal      = "events.amazonaws.com"
  source_arn     = aws_cloudwatch_event_rule.alarms[0].arn
  source_account = local.account_id
}

resource "aws_cloudwatch_event_target" "alarms" {
  count = var.alarms.create ? 1 : 0

  rule      = aws_cloudwatch_event_rule.alarms[0].name
  target_id = "function"
  arn       = module.function.function_arn

  depends_on = [aws_lambda_permission.alarms]
}
