# What the module watches beyond its clusters (lambda/eks_audit_bot/aws/watched.json): the
# `watch` rule brings changes to everything the module or its sub-modules create or depend
# on, every CloudTrail pattern matches the AWS service's own source, and the function learns
# the keys and accounts it watches.

mock_provider "aws" {
  source = "./tests/mocks/account"
}

variables {
  eks_bot_name              = "eks-audit-bot"
  sns_topic_arn             = "arn:aws:sns:eu-west-1:123456789012:eks-alerts"
  aws_cloudwatch_log_group  = "/aws/eks/prod/cluster"
  aws_cloudwatch_log_groups = ["/aws/eks/staging/cluster"]
}

run "the_watch_rule_covers_every_watched_operation_by_service" {
  command = apply

  assert {
    condition     = aws_cloudwatch_event_rule.watch[0].name == "eks-audit-bot-watch" && length(aws_cloudwatch_event_rule.watch[0].event_pattern) <= 2048
    error_message = "The watch rule is named after eks_bot_name, in a pattern EventBridge takes."
  }
  assert {
    condition = alltrue(flatten([for watch in values(jsondecode(file("lambda/eks_audit_bot/aws/watched.json")).watches) : [
      for name in keys(watch.operations) : anytrue([
        for call in jsondecode(aws_cloudwatch_event_rule.watch[0].event_pattern).detail["$or"] :
        call.eventSource == [watch.event_source] && (contains(call.eventName, name) || contains(call.eventName, { prefix = name }))
      ])
    ] if watch.rule == "watch"]))
    error_message = "Every operation of watched.json's `watch` entries is in the watch rule, under its service."
  }
  assert {
    condition     = [for call in jsondecode(aws_cloudwatch_event_rule.watch[0].event_pattern).detail["$or"] : call.requestParameters if contains(keys(call), "requestParameters")] == [{ logGroupName = ["/aws/lambda/eks-audit-bot"] }]
    error_message = "The watch rule matches by operation only (names can be spelt many ways, the function decides), but for the function's own log group (tamper watches the EKS ones)."
  }
  assert {
    condition = alltrue([for name in ["StopLogging", "DeleteTrail", "PutEventSelectors", "PurgeQueue", "Unsubscribe", "SetSubscriptionAttributes", "DeleteStream", "DeleteDestination", "DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy", "DeleteTable", "DeleteRolePolicy"] : anytrue([
      for call in jsondecode(aws_cloudwatch_event_rule.watch[0].event_pattern).detail["$or"] : contains(call.eventName, name)
    ])]) && anytrue([for call in jsondecode(aws_cloudwatch_event_rule.watch[0].event_pattern).detail["$or"] : contains(call.eventName, { prefix = "DeleteEventSourceMapping" })])
    error_message = "The trail, the alert topic's subscriptions, the on-failure queue, the stream, the Logs destination, the keys, the table, the roles and the event source mapping are watched."
  }
  assert {
    condition     = aws_cloudwatch_event_target.watch[0].arn == aws_lambda_function.this.arn && aws_lambda_permission.watch[0].source_arn == aws_cloudwatch_event_rule.watch[0].arn
    error_message = "The watch rule invokes the function, with a permission scoped to the rule."
  }
}

run "every_cloudtrail_pattern_matches_the_services_own_source" {
  command = plan

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this["eks_api"].event_pattern).source == ["aws.eks", "aws.events"]
    error_message = "The EKS rule takes EKS's own events (and EventBridge's, for the rules it guards) only."
  }
  assert {
    condition     = toset(jsondecode(aws_cloudwatch_event_rule.this["tamper"].event_pattern).source) == toset(["aws.logs", "aws.lambda", "aws.events", "aws.cloudwatch"])
    error_message = "The tamper rule takes the watched services' own events only (CloudWatch's are aws.cloudwatch)."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.watch[0].event_pattern).source == [{ prefix = "aws." }]
    error_message = "The watch rule takes AWS services' own events only (by prefix, to fit EventBridge's 2048 characters; the function checks the service)."
  }
}

run "the_eks_rule_guards_the_watch_rule" {
  command = plan

  assert {
    condition = contains(jsondecode(aws_cloudwatch_event_rule.this["eks_api"].event_pattern).detail["$or"], {
      eventSource = ["events.amazonaws.com"], eventName = ["PutRule", "DisableRule", "DeleteRule"], requestParameters = { name = ["eks-audit-bot-watch"] }
      }) && contains(jsondecode(aws_cloudwatch_event_rule.this["eks_api"].event_pattern).detail["$or"], {
      eventSource = ["events.amazonaws.com"], eventName = ["PutTargets", "RemoveTargets"], requestParameters = { rule = ["eks-audit-bot-watch"] }
    })
    error_message = "Disabling the watch rule or removing its target reaches the function through the EKS rule."
  }
}

run "the_function_learns_the_keys_and_accounts_it_watches" {
  command = plan

  variables {
    create_sns_topic            = true
    sns_topic_arn               = null
    sns_topic_kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0a1b-4c5d-8e9f-0a1b2c3d4e5f"
    cloudwatch_logs_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/ffff2c3d-0a1b-4c5d-8e9f-0a1b2c3d4e5f"
    event_account_ids           = ["111122223333"]
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["WATCHED_KMS_KEYS"]) == [var.sns_topic_kms_key_arn, var.cloudwatch_logs_kms_key_arn]
    error_message = "The keys of the alert topic and the logs are watched."
  }
  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["EVENT_ACCOUNT_IDS"]) == ["123456789012", "111122223333"] && !contains(keys(aws_lambda_function.this.environment[0].variables), "ORGANIZATION_ID")
    error_message = "The function believes events from its own account and the listed ones."
  }
}

run "without_cloudtrail_rules_nothing_is_watched_by_events" {
  command = plan

  variables {
    create_cloudtrail_rules = false
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.watch) == 0 && length(aws_lambda_permission.watch) == 0 && length(aws_cloudwatch_event_target.watch) == 0
    error_message = "create_cloudtrail_rules = false creates no watch rule either."
  }
}

run "the_sub_modules_rules_are_guarded_by_name_once" {
  command = plan

  variables {
    guarded_resources = { event_rule_names = ["eks-audit-bot-forwarded"], alarm_names = ["eks-audit-bot-stream-silence"] }
  }

  assert {
    condition = contains(jsondecode(aws_cloudwatch_event_rule.this["eks_api"].event_pattern).detail["$or"], {
      eventSource = ["events.amazonaws.com"], eventName = ["PutRule", "DisableRule", "DeleteRule"], requestParameters = { name = ["eks-audit-bot-watch", "eks-audit-bot-forwarded"] }
      }) && contains(jsondecode(aws_cloudwatch_event_rule.this["eks_api"].event_pattern).detail["$or"], {
      eventSource = ["events.amazonaws.com"], eventName = ["PutTargets", "RemoveTargets"], requestParameters = { rule = ["eks-audit-bot-watch", "eks-audit-bot-forwarded"] }
    })
    error_message = "Disabling the central bus's rule (or removing its target) reaches the function through the EKS rule."
  }
  assert {
    condition     = length([for call in jsondecode(aws_cloudwatch_event_rule.watch[0].event_pattern).detail["$or"] : call if call.eventSource == ["events.amazonaws.com"] && contains(keys(call), "requestParameters")]) == 0
    error_message = "No other rule delivers those calls too (one call, one alert)."
  }
  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.this["tamper"].event_pattern).detail["$or"][4].requestParameters.alarmNames, "eks-audit-bot-stream-silence")
    error_message = "Deleting or disabling the central stream alarms reaches the function through the tamper rule."
  }
}
