# A member account and region of an organization deployment: its EKS audit logs go to the
# central account's CloudWatch Logs destination, its EKS API calls, tampering with the
# pipeline and the STS calls that issue role credentials (CloudTrail events) to the central
# EventBridge bus. Nothing runs here.
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  region = data.aws_region.current.id
  # The coarse pre-filter the root module generates from its default `watch` (kept in the
  # package by `make pattern`); the central function decides for real.
  filter_pattern = coalesce(var.filter_pattern, trimspace(file("${path.module}/../../lambda/eks_audit_bot/cli/default_filter_pattern.txt")))
  # The payload does not say which region a log group is in; the central function reads it
  # from the end of the subscription filter's name.
  filter_name = "${var.eks_bot_name}-${local.region}"
  clusters    = { for name in var.aws_cloudwatch_log_groups : regex("^/aws/eks/([^/]+)/cluster$", name)[0] => name }

  # What the central function alerts on among this account's API calls: the EKS changes and
  # everything the pipeline is made of, and the STS calls that name the person behind a
  # generic session, from the list the root module's own rules and the
  # function use (lambda/eks_audit_bot/aws/watched.json), in two rules as the root module has
  # them (one pattern would pass EventBridge's 2048 characters). Lambda's event names carry
  # an API version (`UpdateFunctionCode20150331v2`), hence prefixes there. Every pattern
  # matches the service's own `source`: only AWS emits `aws.` sources.
  watched = jsondecode(file("${path.module}/../../lambda/eks_audit_bot/aws/watched.json")).watches
  forward_patterns = { for key, rules in { forward = ["eks_api", "tamper", "credentials"], forward_watch = ["watch"] } : key => {
    sources = distinct([for watch in values(local.watched) : watch.eventbridge_source if contains(rules, watch.rule)])
    calls   = { for watch in values(local.watched) : watch.event_source => keys(watch.operations)... if contains(rules, watch.rule) }
  } }
  forward_pattern = { for key, pattern in local.forward_patterns : key => jsonencode({
    # The first rule's lists leave no room for the six sources: by prefix there (only AWS
    # emits `aws.` sources; the central function checks that the source is the call's service).
    source        = jsondecode(key == "forward" ? jsonencode([{ prefix = "aws." }]) : jsonencode(pattern.sources))
    "detail-type" = ["AWS API Call via CloudTrail"]
    detail = { "$or" = [for source, names in pattern.calls : {
      eventSource = [source]
      # One type per branch: an object list for Lambda's prefixes, a string list otherwise.
      eventName = jsondecode(key == "forward" || source == "lambda.amazonaws.com" ? jsonencode([for name in flatten(names) : { prefix = name }]) : jsonencode(flatten(names)))
    }] }
  }) }
}

resource "aws_cloudwatch_log_subscription_filter" "this" {
  for_each = local.clusters

  name            = local.filter_name
  log_group_name  = each.value
  filter_pattern  = local.filter_pattern
  destination_arn = var.destination_arn
}

# Lines CloudWatch Logs cut at 256 KB are not JSON, so the pattern above never matches them:
# this second filter sends them too, so padding a request cannot hide it (as the root module).
resource "aws_cloudwatch_log_subscription_filter" "truncated" {
  for_each = var.watch_truncated_lines ? local.clusters : {}

  name            = "${local.filter_name}-truncated"
  log_group_name  = each.value
  filter_pattern  = "\"[Truncated...]\""
  destination_arn = var.destination_arn
}

resource "aws_cloudwatch_log_account_policy" "this" {
  count = var.create_account_policy ? 1 : 0

  policy_name = local.filter_name
  policy_type = "SUBSCRIPTION_FILTER_POLICY"
  scope       = "ALL"
  # Every log group of the account and region, now and future; the pattern only passes audit
  # events, and the function skips streams that are not EKS audit streams.
  policy_document = jsonencode({
    DestinationArn = var.destination_arn
    FilterPattern  = local.filter_pattern
    Distribution   = "Random"
  })
  selection_criteria = length(var.account_policy_excluded_log_groups) == 0 ? null : "LogGroupName NOT IN ${jsonencode(var.account_policy_excluded_log_groups)}"
}

resource "aws_cloudwatch_event_rule" "forward" {
  count = var.create_event_forwarding ? 1 : 0

  name          = "${var.eks_bot_name}-forward"
  description   = "EKS API calls and audit-pipeline tampering, forwarded to the central eks-audit-bot"
  event_pattern = local.forward_pattern.forward
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "central_watch" {
  count = var.create_event_forwarding ? 1 : 0

  rule      = aws_cloudwatch_event_rule.forward_watch[0].name
  target_id = "central-bus"
  arn       = var.event_bus_arn
  role_arn  = aws_iam_role.forward[0].arn
}

resource "aws_cloudwatch_event_rule" "forward_watch" {
  count = var.create_event_forwarding ? 1 : 0

  name          = "${var.eks_bot_name}-forward-watch"
  description   = "Changes to what the organization's audit pipeline depends on here (trails, the account subscription policy, roles), forwarded to the central eks-audit-bot"
  event_pattern = local.forward_pattern.forward_watch
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = length(local.forward_pattern.forward_watch) <= 2048
      error_message = "The forward_watch event pattern has ${length(local.forward_pattern.forward_watch)} characters; EventBridge takes 2048 by default."
    }
  }
}

resource "aws_cloudwatch_event_target" "central" {
  count = var.create_event_forwarding ? 1 : 0

  rule      = aws_cloudwatch_event_rule.forward[0].name
  target_id = "central-bus"
  arn       = var.event_bus_arn
  role_arn  = aws_iam_role.forward[0].arn
}

resource "aws_iam_role" "forward" {
  count = var.create_event_forwarding ? 1 : 0

  name        = "${var.eks_bot_name}-forward-${local.region}"
  description = "Lets EventBridge forward EKS events to the central eks-audit-bot bus"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "events.amazonaws.com" }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "forward" {
  count = var.create_event_forwarding ? 1 : 0

  name = "put-events"
  role = aws_iam_role.forward[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "CentralBus"
      Effect   = "Allow"
      Action   = "events:PutEvents"
      Resource = var.event_bus_arn
    }]
  })
}
