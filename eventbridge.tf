# EventBridge rules that bring AWS API calls (CloudTrail management events) and the module's
# alarm state changes to the function. EventBridge receives "AWS API Call via CloudTrail"
# events only while a trail in the account logs management events (see the README).
#
# - eks_api: EKS control-plane changes on the watched clusters (or every cluster);
# - tamper:  changes to the watched log groups, the function, the other rules and the alarms;
# - alarms:  state changes of the module's alarms (alarms.tf);
# - credentials: with a state table, the STS calls that issue credentials under a generic
#   session name (`aws eks get-token --role-arn` gives `EKSGetTokenAuth`): the function keeps
#   who obtained each credential, to name the person behind the session in audit-log alerts.
# A disabled rule delivers nothing, not even the event that disabled it, so eks_api also
# watches the tamper rule and tamper watches the other two.

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

  # The API calls that matter, by service: one list for these rules and the organization's
  # forwarding rules (modules/member, modules/central).
  cloudtrail_events   = jsondecode(file("${path.module}/cloudtrail_events.json"))
  eks_api_event_names = local.cloudtrail_events["eks.amazonaws.com"]
  # EKS API calls name the cluster in the path parameter `name`.
  eks_api_calls = merge(
    { eventSource = ["eks.amazonaws.com"], eventName = local.eks_api_event_names },
    var.cloudtrail_all_clusters ? {} : { requestParameters = { name = keys(local.clusters) } },
  )

  log_group_calls = {
    eventSource       = ["logs.amazonaws.com"]
    eventName         = local.cloudtrail_events["logs.amazonaws.com"]
    requestParameters = { logGroupName = values(local.clusters) }
  }
  # Lambda's event names carry an API version (`UpdateFunctionCode20150331v2`), and callers
  # may name the function by name, ARN or partial ARN.
  function_calls = {
    eventSource       = ["lambda.amazonaws.com"]
    eventName         = [for name in local.cloudtrail_events["lambda.amazonaws.com"] : { prefix = name }]
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
  )
  alarm_calls = length(local.alarm_names) == 0 ? [] : [
    { eventSource = ["monitoring.amazonaws.com"], eventName = ["DeleteAlarms", "DisableAlarmActions"], requestParameters = { alarmNames = local.alarm_matchers } },
    { eventSource = ["monitoring.amazonaws.com"], eventName = ["PutMetricAlarm"], requestParameters = { alarmName = local.alarm_matchers } },
  ]

  event_patterns = {
    eks_api = {
      "detail-type" = [local.cloudtrail_event]
      detail        = { "$or" = concat([local.eks_api_calls], local.rule_calls_by_rule.eks_api) }
    }
    tamper = {
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
