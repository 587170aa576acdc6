# Member accounts forward EKS API calls and tampering with the pipeline (CloudTrail events)
# to this bus, filtered by the list the root module's rules use (aws/watched.json); a rule on
# it hands every forwarded call from an AWS service's own source to the function, which
# decides for real and checks the envelope again (source, account, recipient). EventBridge
# refuses PutEvents with an `aws.` source, so the rule passes nothing a principal of the
# organization made up; the function reports what it refuses anyway.
locals {
  watched_sources = distinct([for watch in values(jsondecode(file("${path.module}/../../lambda/eks_audit_bot/aws/watched.json")).watches) : watch.eventbridge_source])
}

resource "aws_cloudwatch_event_bus" "this" {
  name = var.eks_bot_name
  tags = var.tags
}

resource "aws_cloudwatch_event_bus_policy" "this" {
  event_bus_name = aws_cloudwatch_event_bus.this.name
  policy = local.organization ? jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Organization"
      Effect    = "Allow"
      Principal = "*"
      Action    = "events:PutEvents"
      Resource  = aws_cloudwatch_event_bus.this.arn
      Condition = { StringEquals = { "aws:PrincipalOrgID" = var.organization_id } }
    }]
    }) : jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "MemberAccounts"
      Effect    = "Allow"
      Principal = { AWS = [for id in var.event_account_ids : "arn:${local.partition}:iam::${id}:root"] }
      Action    = "events:PutEvents"
      Resource  = aws_cloudwatch_event_bus.this.arn
    }]
  })
}

resource "aws_cloudwatch_event_rule" "forwarded" {
  name           = "${var.eks_bot_name}-forwarded"
  description    = "EKS API calls and audit-pipeline tampering forwarded by member accounts"
  event_bus_name = aws_cloudwatch_event_bus.this.name
  event_pattern  = jsonencode({ source = local.watched_sources, "detail-type" = ["AWS API Call via CloudTrail"] })
  tags           = var.tags
}

resource "aws_cloudwatch_event_target" "function" {
  rule           = aws_cloudwatch_event_rule.forwarded.name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = "function"
  arn            = module.function.function_arn
}

resource "aws_lambda_permission" "events" {
  statement_id  = "forwarded-cloudtrail-events"
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.forwarded.arn
}
