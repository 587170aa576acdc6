# EventBridge rules that bring AWS API calls (CloudTrail management events) and the module's
# alarm state changes to the function. EventBridge receives "AWS API Call via CloudTrail"
# events only while a trail in the account logs management events (see the README).
#
# - eks_api: EKS control-plane changes on the watched clusters (or every cluster);
# - tamper:  changes to the watched log groups, the function, the other rules and the alarms;
# - alarms:  state changes of the module's alarms (alarms.tf);
# - watch (`aws_cloudwatch_event_rule.watch`): changes to everything else the module or its
#   sub-modules create or depend on (roles, stream, event source mapping, Logs destination,
#   topics, subscriptions, queue, table, keys, bus, trails), by operation only: the function
#   decides what is ours.
# - credentials: with a state table, the STS calls that issue credentials under a generic
#   session name (`aws eks get-token --role-arn` gives `EKSGetTokenAuth`): the function keeps
#   who obtained each credential, to name the person behind the session in audit-log alerts.
# What is watched is one list, lambda/eks_audit_bot/aws/watched.json, which the function reads
# too. Every pattern matches the AWS service's own `source` as well: EventBridge refuses
# PutEvents with an `aws.` source, so only AWS emits them. A disabled rule delivers nothing,
# not even the event that disabled it, so eks_api watches the tamper and watch rules and
# tamper watches the other two.

locals {
  cloudtrail_event = "AWS API Call via CloudTrail"

  rule_names = {
    eks_api     = "${local.name}-eks-api"
    tamper      = "${local.name}-tamper"
    alarms      = "${local.name}-alarms"
    credentials = "${local.name}-credentials"
  }
  rules_created = concat(
    var.create_cloudtrail_rules ? ["eks_api", "tamper"] : [],
    var.create_alarms ? ["alarms"] : [],
    var.create_cloudtrail_rules && local.dedup_table_name != null ? ["credentials"] : [],
  )

  # What the module watches, and the operations that change it: one list for these rules, the
  # organization's forwarding rules (modules/member, modules/central) and the function.
  watched             = jsondecode(file("${path.module}/lambda/eks_audit_bot/aws/watched.json")).watches
  eks_api_event_names = keys(local.watched.cluster.operations)
  # The `source` EventBridge gives each rule's CloudTrail events (`aws.eks`, `aws.cloudwatch`).
  rule_sources = { for key in ["eks_api", "tamper", "watch"] : key => distinct(concat(
    [for watch in values(local.watched) : watch.eventbridge_source if watch.rule == key],
    key == "watch" ? [] : ["aws.events"],
  )) }
  # Session names that name no person: the function's own list, and names of digits only.
  # AssumeRoleWithSAML names its session in the assertion, not the request: all of those.
  generic_sessions = jsondecode(file("${path.module}/lambda/eks_audit_bot/core/generic_sessions.json"))
  generic_session_names = concat(
    local.generic_sessions.names,
    [for prefix in concat(local.generic_sessions.prefixes, [for digit in range(10) : tostring(digit)]) : { prefix = prefix }],
  )
  credential_calls = [
    { eventSource = ["sts.amazonaws.com"], eventName = ["AssumeRole", "AssumeRoleWithWebIdentity"], requestParameters = { roleSessionName = local.generic_session_names } },
    { eventSource = ["sts.amazonaws.com"], eventName = ["AssumeRoleWithSAML"] },
  ]

  # EKS API calls name the cluster in the path parameter `name`.
  eks_api_calls = merge(
    { eventSource = ["eks.amazonaws.com"], eventName = local.eks_api_event_names },
    var.cloudtrail_all_clusters ? {} : { requestParameters = { name = keys(local.clusters) } },
  )

  log_group_calls = {
    eventSource       = ["logs.amazonaws.com"]
    eventName         = keys(local.watched["log-group"].operations)
    requestParameters = { logGroupName = values(local.clusters) }
  }
  # Lambda's event names carry an API version (`UpdateFunctionCode20150331v2`), and callers
  # may name the function by name, ARN or partial ARN.
  function_calls = {
    eventSource       = ["lambda.amazonaws.com"]
    eventName         = [for name in keys(local.watched.function.operations) : { prefix = name }]
    requestParameters = { functionName = [local.name, { suffix = ":function:${local.name}" }] }
  }
  # The module's own alarms: not by the prefix `<name>-`, which would also match the alarms of
  # another instance whose name starts with this one's (eks-audit-bot-prod, -prod-eu) so that
  # both functions alert; by exact name, except the silence alarms (one per cluster, so that the
  # pattern does not grow with the clusters): `<name>-silence-` matches another instance only if
  # its first cluster's name starts with this one's followed by `-silence-`.
  alarm_matchers = concat(
    var.create_alarms && length(local.clusters) > 0 ? [{ prefix = "${local.name}-silence-" }] : [],
    [for name in local.alarm_names : name if !startswith(name, "${local.name}-silence-")],
    var.guarded_resources.alarm_names,
  )
  alarm_calls = length(local.alarm_matchers) == 0 ? [] : [
    { eventSource = ["monitoring.amazonaws.com"], eventName = ["DeleteAlarms", "DisableAlarmActions"], requestParameters = { alarmNames = local.alarm_matchers } },
    { eventSource = ["monitoring.amazonaws.com"], eventName = ["PutMetricAlarm"], requestParameters = { alarmName = local.alarm_matchers } },
  ]

  event_patterns = {
    eks_api = {
      source        = local.rule_sources.eks_api
      "detail-type" = [local.cloudtrail_event]
      detail = { "$or" = concat(
        [local.eks_api_calls], local.rule_calls_by_rule.eks_api, local.watch_rule_calls,
      ) }
    }
    tamper = {
      source        = local.rule_sources.tamper
      "detail-type" = [local.cloudtrail_event]
      detail = { "$or" = concat(
        [local.log_group_calls, local.function_calls], local.rule_calls_by_rule.tamper, local.alarm_calls,
      ) }
    }
    alarms = {
      source        = ["aws.cloudwatch"]
      "detail-type" = ["CloudWatch Alarm State Change"]
      detail        = { alarmName = local.alarm_names }
    }
    credentials = {
      "detail-type" = [local.cloudtrail_event]
      detail        = { "$or" = local.credential_calls }
    }
  }
  # The rules each rule guards: PutRule, DisableRule and DeleteRule name a rule `name`;
  # PutTargets and RemoveTargets name it `rule`.
  guarded_rules = {
    eks_api = [for key in ["tamper"] : local.rule_names[key] if contains(local.rules_created, key)]
    # The tick too (controls.tf): disabling it would stop mute ends and burst summaries.
    tamper = concat(
      [for key in ["eks_api", "alarms", "credentials"] : local.rule_names[key] if contains(local.rules_created, key)],
      local.state_table ? ["${local.name}-tick"] : [],
    )
  }
  rule_calls_by_rule = { for key, names in local.guarded_rules : key => length(names) == 0 ? [] : [
    { eventSource = ["events.amazonaws.com"], eventName = ["PutRule", "DisableRule", "DeleteRule"], requestParameters = { name = names } },
    { eventSource = ["events.amazonaws.com"], eventName = ["PutTargets", "RemoveTargets"], requestParameters = { rule = names } },
  ] }

  # Shorter than eks_api's name, so it fits whenever that one does; the cut only keeps the
  # provider's own length check from hiding eks_api's clearer precondition message.
  watch_rule_name = substr("${local.name}-watch", 0, 64)
  # The rules eks_api guards besides tamper: watch, and the sub-modules' rules (modules/central:
  # the bus's rule, the stream alarms' rule), by exact name: no rule delivers a call twice.
  guarded_by_eks_api = concat(var.create_cloudtrail_rules ? [local.watch_rule_name] : [], var.guarded_resources.event_rule_names)
  watch_rule_calls = length(local.guarded_by_eks_api) == 0 ? [] : [
    { eventSource = ["events.amazonaws.com"], eventName = ["PutRule", "DisableRule", "DeleteRule"], requestParameters = { name = local.guarded_by_eks_api } },
    { eventSource = ["events.amazonaws.com"], eventName = ["PutTargets", "RemoveTargets"], requestParameters = { rule = local.guarded_by_eks_api } },
  ]
  # By service; Lambda's event names carry an API version (`DeleteEventSourceMapping20150331`).
  watch_operations = { for watch in values(local.watched) : watch.event_source => keys(watch.operations)... if watch.rule == "watch" }
  watch_pattern = jsonencode({
    # By prefix, to fit 2048 characters: nothing but AWS emits `aws.` sources, and the
    # function checks that the source is the call's service.
    source        = [{ prefix = "aws." }]
    "detail-type" = [local.cloudtrail_event]
    detail = { "$or" = concat([for source, names in local.watch_operations : {
      eventSource = [source]
      # One type per branch: an object list for Lambda's prefixes, a string list otherwise.
      eventName = jsondecode(source == "lambda.amazonaws.com" ? jsonencode([for name in flatten(names) : { prefix = name }]) : jsonencode(flatten(names)))
      }], [
      # The function's own log group (tamper watches the EKS ones).
      { eventSource = ["logs.amazonaws.com"], eventName = keys(local.watched["log-group"].operations), requestParameters = { logGroupName = [aws_cloudwatch_log_group.this.name] } },
    ]) }
  })

  event_rules = { for key in local.rules_created : key => {
    name    = local.rule_names[key]
    pattern = jsonencode(local.event_patterns[key])
  } }
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = local.event_rules

  name          = each.value.name
  description   = "Sends ${replace(each.key, "_", " ")} events to the ${local.name} function"
  event_pattern = each.value.pattern
  tags          = merge(var.tags, var.event_rule_tags)

  lifecycle {
    precondition {
      condition     = length(each.value.name) <= 64
      error_message = "EventBridge rule names are at most 64 characters: ${each.value.name} has ${length(each.value.name)}. Use an eks_bot_name of at most 56 characters, or set create_cloudtrail_rules and create_alarms to false."
    }
    precondition {
      condition     = length(each.value.pattern) <= 2048
      error_message = "The ${each.key} event pattern has ${length(each.value.pattern)} characters; EventBridge takes 2048 by default. ${each.key == "eks_api" ? "Set cloudtrail_all_clusters = true, or watch" : "Watch"} fewer clusters per module."
    }
  }
}

resource "aws_lambda_permission" "events" {
  for_each = local.event_rules

  statement_id   = "events-${replace(each.key, "_", "-")}"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "events.amazonaws.com"
  source_arn     = aws_cloudwatch_event_rule.this[each.key].arn
  source_account = local.account_id
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = local.event_rules

  rule      = aws_cloudwatch_event_rule.this[each.key].name
  target_id = "function"
  arn       = aws_lambda_function.this.arn

  depends_on = [aws_lambda_permission.events]
}

# Not one of `this`: its calls are matched by operation only, and it is guarded by eks_api.
resource "aws_cloudwatch_event_rule" "watch" {
  count = var.create_cloudtrail_rules ? 1 : 0

  name          = local.watch_rule_name
  description   = "Sends changes to what the ${local.name} pipeline is made of (roles, stream, topics, queue, table, keys, trails) to the function"
  event_pattern = local.watch_pattern
  tags          = merge(var.tags, var.event_rule_tags)

  lifecycle {
    precondition {
      condition     = length(local.watch_pattern) <= 2048
      error_message = "The watch event pattern has ${length(local.watch_pattern)} characters; EventBridge takes 2048 by default."
    }
  }
}

resource "aws_lambda_permission" "watch" {
  count = var.create_cloudtrail_rules ? 1 : 0

  statement_id   = "events-watch"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "events.amazonaws.com"
  source_arn     = aws_cloudwatch_event_rule.watch[0].arn
  source_account = local.account_id
}

resource "aws_cloudwatch_event_target" "watch" {
  count = var.create_cloudtrail_rules ? 1 : 0

  rule      = aws_cloudwatch_event_rule.watch[0].name
  target_id = "function"
  arn       = aws_lambda_function.this.arn

  depends_on = [aws_lambda_permission.watch]
}
