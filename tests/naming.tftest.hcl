# Names: eks_bot_name unset derives every name from the first watched cluster, within AWS name
# limits, so that any number of instances share an account and region; their EventBridge rules
# and alarms select only their own clusters and resources (no double alert, none missed).

mock_provider "aws" {
  source = "./tests/mocks/account"
}

variables {
  sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:eks-alerts"
}

run "two_instances_in_one_account" {
  command = plan

  module {
    source = "./tests/fixtures/two_instances"
  }

  assert {
    condition     = output.function_names == { prod = "eks-audit-bot-prod", prod_eu = "eks-audit-bot-prod-eu" }
    error_message = "Each instance is named after its first cluster: ${jsonencode(output.function_names)}."
  }
  assert {
    condition     = length(setintersection(output.names.prod, output.names.prod_eu)) == 0
    error_message = "No name (function, role, log group, dedup table, rules, alarms) is shared: ${jsonencode(output.names)}."
  }
  assert {
    condition     = output.patterns.prod.eks_api.detail["$or"][0].requestParameters.name == ["prod"] && output.patterns.prod_eu.eks_api.detail["$or"][0].requestParameters.name == ["prod-eu", "prod-eu-batch"]
    error_message = "Each eks_api rule selects the EKS API calls of its own clusters only."
  }
  assert {
    condition = alltrue([for i, call in output.patterns.prod.tamper.detail["$or"] : length(setintersection(
      [for value in flatten(values(call.requestParameters)) : value if can(tostring(value))],
      [for value in flatten(values(output.patterns.prod_eu.tamper.detail["$or"][i].requestParameters)) : value if can(tostring(value))],
    )) == 0])
    error_message = "The tamper rules watch disjoint log groups, functions, rules and alarms."
  }
  assert {
    condition     = alltrue([for key in ["prod", "prod_eu"] : alltrue([for call in output.patterns[key].tamper.detail["$or"] : alltrue([for value in flatten(values(call.requestParameters)) : !can(value.prefix) || endswith(try(value.prefix, ""), "-silence-")])])])
    error_message = "The tamper rules match no `<name>-` prefix (eks-audit-bot-prod- would take eks-audit-bot-prod-eu's alarms too): only the silence alarms' `<name>-silence-`."
  }
  assert {
    condition     = alltrue([for key in ["prod", "prod_eu"] : tolist(output.patterns[key].alarms.detail.alarmName) == output.alarm_names[key]]) && length(setintersection(output.alarm_names.prod, output.alarm_names.prod_eu)) == 0
    error_message = "Each alarms rule takes exactly its own alarms' state changes."
  }
}

run "a_set_name_keeps_the_names_of_earlier_releases" {
  command = plan

  variables {
    eks_bot_name             = "eks-audit-bot"
    aws_cloudwatch_log_group = "/aws/eks/prod/cluster"
  }

  assert {
    condition     = aws_lambda_function.this.function_name == "eks-audit-bot" && aws_iam_role.this.name == "eks-audit-bot" && aws_cloudwatch_log_group.this.name == "/aws/lambda/eks-audit-bot" && aws_cloudwatch_event_rule.this["eks_api"].name == "eks-audit-bot-eks-api"
    error_message = "eks_bot_name names everything as before."
  }
}

run "long_cluster_names_fit_every_limit" {
  command = plan

  variables {
    aws_cloudwatch_log_group = "/aws/eks/${format("%s-one", join("", [for i in range(96) : "a"]))}/cluster"
    create_on_failure_queue  = true
  }

  assert {
    condition     = length(aws_lambda_function.this.function_name) == 40 && startswith(aws_lambda_function.this.function_name, "eks-audit-bot-aaaa") && alltrue([for rule in aws_cloudwatch_event_rule.this : length(rule.name) <= 64]) && length(aws_iam_role.this.name) <= 64
    error_message = "A 100-character cluster gives a 40-character name (prefix and hash): ${aws_lambda_function.this.function_name}."
  }
  assert {
    condition     = alltrue([for name in local.alarm_names : length(name) <= 255]) && length(aws_sqs_queue.on_failure[0].name) <= 80
    error_message = "Alarm and queue names stay within their limits."
  }
}

run "long_names_that_share_a_prefix_stay_apart" {
  command = plan

  variables {
    aws_cloudwatch_log_group = "/aws/eks/${format("%s-two", join("", [for i in range(96) : "a"]))}/cluster"
  }

  assert {
    condition     = aws_lambda_function.this.function_name != run.long_cluster_names_fit_every_limit.function_name && length(aws_lambda_function.this.function_name) == 40
    error_message = "Two clusters whose names differ past the kept prefix get different names (the hash)."
  }
}

run "a_function_fed_by_kinesis_keeps_the_plain_name" {
  command = plan

  variables {
    log_source = "kinesis"
  }

  assert {
    condition     = aws_lambda_function.this.function_name == "eks-audit-bot"
    error_message = "Without a watched cluster (modules/central sets its own name) the name is eks-audit-bot."
  }
}
