# EventBridge rules (EKS API calls, tampering, alarm state changes) and the silence and health
# alarms, planned and applied against a mocked AWS provider.

mock_provider "aws" {
  source = "./tests/mocks/account"
}

variables {
  # The names of earlier releases: eks_bot_name set (tests/naming.tftest.hcl derives them).
  eks_bot_name              = "eks-audit-bot"
  sns_topic_arn             = "arn:aws:sns:eu-west-1:123456789012:eks-alerts"
  aws_cloudwatch_log_group  = "/aws/eks/prod/cluster"
  aws_cloudwatch_log_groups = ["/aws/eks/staging/cluster"]
}

run "rules_watch_the_watched_clusters_and_the_pipeline" {
  command = apply

  assert {
    condition     = { for key, rule in aws_cloudwatch_event_rule.this : key => rule.name } == { eks_api = "eks-audit-bot-eks-api", tamper = "eks-audit-bot-tamper", alarms = "eks-audit-bot-alarms" }
    error_message = "By default the module creates the eks_api, tamper and alarms rules, named after eks_bot_name."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this["eks_api"].event_pattern)["detail-type"] == ["AWS API Call via CloudTrail"]
    error_message = "The EKS rule matches CloudTrail API calls."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this["eks_api"].event_pattern).detail["$or"][0].requestParameters.name == ["prod", "staging"]
    error_message = "EKS API calls are watched for the clusters of the watched log groups (requestParameters.name)."
  }
  assert {
    condition     = alltrue([for name in ["AssociateAccessPolicy", "CreateAccessEntry", "DeleteAccessEntry", "UpdateClusterConfig", "CreatePodIdentityAssociation", "AssociateIdentityProviderConfig", "AssociateEncryptionConfig", "DeleteCluster"] : contains(jsondecode(aws_cloudwatch_event_rule.this["eks_api"].event_pattern).detail["$or"][0].eventName, name)])
    error_message = "The EKS rule lists the control-plane operations that change access or posture."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this["eks_api"].event_pattern).detail["$or"][1].requestParameters.name == ["eks-audit-bot-tamper"]
    error_message = "The EKS rule guards the tamper rule (a disabled rule cannot report its own disabling)."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this["tamper"].event_pattern).detail["$or"][0].requestParameters.logGroupName == ["/aws/eks/prod/cluster", "/aws/eks/staging/cluster"]
    error_message = "Tampering is watched on the watched log groups."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this["tamper"].event_pattern).detail["$or"][1].requestParameters.functionName == ["eks-audit-bot", { suffix = ":function:eks-audit-bot" }] && contains(jsondecode(aws_cloudwatch_event_rule.this["tamper"].event_pattern).detail["$or"][1].eventName, { prefix = "UpdateFunctionCode" })
    error_message = "Changes to the function are matched by name or ARN, with Lambda's versioned event names (prefix)."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this["tamper"].event_pattern).detail["$or"][2].requestParameters.name == ["eks-audit-bot-eks-api", "eks-audit-bot-alarms"] && jsondecode(aws_cloudwatch_event_rule.this["tamper"].event_pattern).detail["$or"][3].requestParameters.rule == ["eks-audit-bot-eks-api", "eks-audit-bot-alarms"]
    error_message = "The tamper rule guards the other rules, by name (PutRule, DisableRule, DeleteRule) and by rule (PutTargets, RemoveTargets)."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this["alarms"].event_pattern) == { source = ["aws.cloudwatch"], "detail-type" = ["CloudWatch Alarm State Change"], detail = { alarmName = ["eks-audit-bot-silence-prod", "eks-audit-bot-silence-staging", "eks-audit-bot-errors"] } }
    error_message = "The alarms rule matches state changes of the module's alarms only."
  }
  assert {
    condition     = alltrue([for key, permission in aws_lambda_permission.events : permission.principal == "events.amazonaws.com" && permission.source_arn == aws_cloudwatch_event_rule.this[key].arn && permission.source_account == "123456789012" && permission.action == "lambda:InvokeFunction"])
    error_message = "EventBridge may invoke the function only from the module's rules in this account."
  }
  assert {
    condition     = alltrue([for key, target in aws_cloudwatch_event_target.this : target.arn == aws_lambda_function.this.arn && target.rule == aws_cloudwatch_event_rule.this[key].name])
    error_message = "Every rule targets the function."
  }
  assert {
    condition     = alltrue([for rule in aws_cloudwatch_event_rule.this : length(rule.event_pattern) <= 2048])
    error_message = "Event patterns fit EventBridge's default 2048 characters."
  }
}

run "silence_and_health_alarms" {
  command = apply

  variables {
    create_on_failure_queue = true
  }

  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.silence) == ["prod", "staging"] && aws_cloudwatch_metric_alarm.silence["prod"].alarm_name == "eks-audit-bot-silence-prod"
    error_message = "Every watched log group gets a silence alarm."
  }
  assert {
    condition     = alltrue([for cluster, alarm in aws_cloudwatch_metric_alarm.silence : alarm.namespace == "AWS/Logs" && alarm.metric_name == "IncomingLogEvents" && alarm.dimensions == tomap({ LogGroupName = "/aws/eks/${cluster}/cluster" }) && alarm.treat_missing_data == "breaching" && alarm.period == 900 && alarm.evaluation_periods == 1 && alarm.comparison_operator == "LessThanThreshold" && alarm.threshold == 1])
    error_message = "A silence alarm fires when the log group received no event for 15 minutes; missing data is breaching."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.errors[0].metric_name == "Errors" && aws_cloudwatch_metric_alarm.errors[0].dimensions == tomap({ FunctionName = "eks-audit-bot" })
    error_message = "The function's errors are alarmed."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.on_failure_backlog[0].metric_name == "ApproximateNumberOfMessagesVisible" && aws_cloudwatch_metric_alarm.on_failure_backlog[0].dimensions == tomap({ QueueName = "eks-audit-bot-on-failure" })
    error_message = "The created on-failure queue's depth is alarmed."
  }
  assert {
    condition     = output.alarm_names == tolist(["eks-audit-bot-silence-prod", "eks-audit-bot-silence-staging", "eks-audit-bot-errors", "eks-audit-bot-on-failure-backlog"]) && contains(jsondecode(aws_cloudwatch_event_rule.this["alarms"].event_pattern).detail.alarmName, "eks-audit-bot-on-failure-backlog")
    error_message = "Every alarm's state changes reach the function."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this["tamper"].event_pattern).detail["$or"][4].requestParameters.alarmNames == [{ prefix = "eks-audit-bot-silence-" }, "eks-audit-bot-errors", "eks-audit-bot-on-failure-backlog"]
    error_message = "Deleting or disabling one of the module's alarms is tampering (silence alarms by prefix, so the pattern does not grow with the clusters; the others by name: another instance's alarms may share the prefix <name>-)."
  }
}

run "configurable_silence_period" {
  command = plan

  variables {
    silence_alarm_period_in_seconds  = 300
    silence_alarm_evaluation_periods = 6
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.silence["prod"].period == 300 && aws_cloudwatch_metric_alarm.silence["prod"].evaluation_periods == 6
    error_message = "The silence period and evaluation count are configurable."
  }
}

run "all_clusters" {
  command = plan

  variables {
    cloudtrail_all_clusters = true
  }

  assert {
    condition     = !contains(keys(jsondecode(aws_cloudwatch_event_rule.this["eks_api"].event_pattern).detail["$or"][0]), "requestParameters") && aws_lambda_function.this.environment[0].variables["CLOUDTRAIL_ALL_CLUSTERS"] == "true"
    error_message = "With cloudtrail_all_clusters the EKS rule matches every cluster, and the function knows it."
  }
}

run "function_knows_what_it_watches" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["WATCHED_CLUSTERS"] == "[\"prod\",\"staging\"]" && aws_lambda_function.this.environment[0].variables["EKS_BOT_NAME"] == "eks-audit-bot"
    error_message = "The function checks again which clusters it watches and which resources are its own."
  }
}

run "no_cloudtrail_rules" {
  command = plan

  variables {
    create_cloudtrail_rules = false
  }

  assert {
    condition     = keys(aws_cloudwatch_event_rule.this) == ["alarms"] && keys(aws_lambda_permission.events) == ["alarms"]
    error_message = "Without CloudTrail rules only the alarms rule remains."
  }
}

run "no_alarms" {
  command = plan

  variables {
    create_alarms = false
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.silence) == 0 && length(aws_cloudwatch_metric_alarm.errors) == 0 && keys(aws_cloudwatch_event_rule.this) == ["eks_api", "tamper"]
    error_message = "Without alarms there is no alarm and no alarms rule."
  }
  assert {
    condition     = length(jsondecode(aws_cloudwatch_event_rule.this["tamper"].event_pattern).detail["$or"]) == 4
    error_message = "The tamper rule then watches the log groups, the function and the EKS rule only."
  }
}

run "disabled_rules_accept_the_new_rule_ids" {
  command = plan

  variables {
    disabled_rules  = ["eks-nodegroup-changed"]
    rule_severities = { "health-recovered" = "medium" }
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["DISABLED_RULES"] == "[\"eks-nodegroup-changed\"]"
    error_message = "CloudTrail and health rule ids are valid in disabled_rules and rule_severities."
  }
}

run "silence_period_must_be_whole_minutes" {
  command = plan
  variables { silence_alarm_period_in_seconds = 90 }
  expect_failures = [var.silence_alarm_period_in_seconds]
}

run "silence_range_at_most_one_day" {
  command = plan
  variables {
    silence_alarm_period_in_seconds  = 3600
    silence_alarm_evaluation_periods = 25
  }
  expect_failures = [var.silence_alarm_evaluation_periods]
}

run "rule_names_fit_eventbridge" {
  command = plan
  variables { eks_bot_name = "a-very-long-function-name-for-the-eks-audit-bot-in-production" }
  expect_failures = [aws_cloudwatch_event_rule.this]
}
