# Every constrained input is rejected with a message that states the rule.

mock_provider "aws" {
  source = "./tests/mocks/account"
}

variables {
  sns_topic_arn            = "arn:aws:sns:eu-west-1:123456789012:eks-alerts"
  aws_cloudwatch_log_group = "/aws/eks/prod/cluster"
}

run "topic_must_be_an_sns_arn" {
  command = plan
  variables { sns_topic_arn = "arn:aws:sqs:eu-west-1:123456789012:eks-alerts" }
  expect_failures = [var.sns_topic_arn]
}

run "kms_key_must_be_a_key_arn" {
  command = plan
  variables { sns_topic_kms_key_arn = "alias/aws/sns" }
  expect_failures = [var.sns_topic_kms_key_arn]
}

run "retention_must_be_a_cloudwatch_value" {
  command = plan
  variables { cloudwatch_logs_retention_in_days = 42 }
  expect_failures = [var.cloudwatch_logs_retention_in_days]
}

run "architecture_must_be_known" {
  command = plan
  variables { architecture = "arm" }
  expect_failures = [var.architecture]
}

run "runtime_must_be_supported" {
  command = plan
  variables { runtime = "python3.9" }
  expect_failures = [var.runtime]
}

run "raw_pattern_at_most_1024_characters" {
  command = plan
  variables { filter_pattern = format("%01025d", 0) }
  expect_failures = [var.filter_pattern]
}

run "generated_pattern_at_most_1024_characters" {
  command = plan
  variables {
    watch = { all_writes = false, namespaces = [for i in range(40) : "team-namespace-number-${i}"] }
  }
  expect_failures = [aws_cloudwatch_log_subscription_filter.this]
}

run "watch_values_are_cloudwatch_safe" {
  command = plan
  variables { watch = { namespaces = ["kube-*-system"] } }
  expect_failures = [var.watch]
}

run "watch_response_codes_are_http_codes" {
  command = plan
  variables { watch = { any_user_response_codes = [403, 700] } }
  expect_failures = [var.watch]
}

run "trusted_source_cidrs_are_ipv4_blocks" {
  command = plan
  variables { trusted_source_cidrs = ["10.0.0.0/16", "10.0.0.1"] }
  expect_failures = [var.trusted_source_cidrs]
}

run "trusted_source_cidrs_are_not_wider_than_a_slash_8" {
  command = plan
  variables { trusted_source_cidrs = ["0.0.0.0/0"] }
  expect_failures = [var.trusted_source_cidrs]
}

run "protected_namespaces_are_namespace_names" {
  command = plan
  variables { protected_namespaces = ["kube-system", "Kube_Public"] }
  expect_failures = [var.protected_namespaces]
}

run "user_agents_alone_warn" {
  command = plan
  variables { automation_user_agents = ["Helm/*"] }
  expect_failures = [check.automation_user_agents_narrow_principals]
}

run "user_agents_with_principals_do_not_warn" {
  command = plan
  variables {
    automation_principals  = ["arn:aws:iam::*:role/ci-*"]
    automation_user_agents = ["Helm/*"]
  }
}

run "min_severity_must_be_a_severity" {
  command = plan
  variables { min_severity = "urgent" }
  expect_failures = [var.min_severity]
}

run "rule_severities_must_be_severities" {
  command = plan
  variables { rule_severities = { "aws-auth-changed" = "severe" } }
  expect_failures = [var.rule_severities]
}

run "custom_rule_ids_unique" {
  command = plan
  variables {
    custom_rules = [
      { id = "mine", title = "One", severity = "low", match = { verbs = ["delete"] } },
      { id = "mine", title = "Two", severity = "low", match = { verbs = ["create"] } },
    ]
  }
  expect_failures = [var.custom_rules]
}

run "clusters_are_watched_once" {
  command = plan
  variables { aws_cloudwatch_log_groups = ["/aws/eks/prod/cluster"] }
  expect_failures = [var.aws_cloudwatch_log_groups]
}

run "log_group_must_be_an_eks_log_group" {
  command = plan
  variables { aws_cloudwatch_log_group = "/aws/lambda/prod" }
  expect_failures = [var.aws_cloudwatch_log_group]
}

run "on_failure_create_or_pass_not_both" {
  command = plan
  variables {
    create_on_failure_queue    = true
    on_failure_destination_arn = "arn:aws:sqs:eu-west-1:123456789012:failures"
  }
  expect_failures = [var.on_failure_destination_arn]
}

run "retries_at_most_two" {
  command = plan
  variables { maximum_retry_attempts = 3 }
  expect_failures = [var.maximum_retry_attempts]
}

run "disabled_rule_ids_must_exist" {
  command = plan
  variables { disabled_rules = ["aws-auth-change"] }
  expect_failures = [var.disabled_rules]
}

run "re_rated_rule_ids_must_exist" {
  command = plan
  variables { rule_severities = { "portforward" = "low" } }
  expect_failures = [var.rule_severities]
}

run "custom_rule_ids_may_be_disabled" {
  command = plan
  variables {
    custom_rules   = [{ id = "payments-secret-write", title = "Secret changed in payments", severity = "high", match = { resources = ["secrets"] } }]
    disabled_rules = ["payments-secret-write", "port-forward"]
  }
  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["DISABLED_RULES"]) == ["payments-secret-write", "port-forward"]
    error_message = "Ids of custom rules and of the catalog are accepted."
  }
}

# ---- Alert topic ----

run "topic_passed_or_created_not_neither" {
  command = plan
  variables { sns_topic_arn = null }
  expect_failures = [var.sns_topic_arn]
}

run "topic_passed_or_created_not_both" {
  command = plan
  variables { create_sns_topic = true }
  expect_failures = [var.sns_topic_arn]
}

run "topic_name_must_be_valid" {
  command = plan
  variables {
    sns_topic_arn    = null
    create_sns_topic = true
    sns_topic_name   = "eks alerts"
  }
  expect_failures = [var.sns_topic_name]
}

run "subscriptions_need_a_created_topic" {
  command = plan
  variables {
    email_subscriptions = [{ address = "team@example.com" }]
    https_subscriptions = [{ endpoint = "https://hooks.example.com/eks" }]
  }
  expect_failures = [var.email_subscriptions, var.https_subscriptions]
}

run "email_must_be_an_address" {
  command = plan
  variables {
    sns_topic_arn       = null
    create_sns_topic    = true
    email_subscriptions = [{ address = "team.example.com" }]
  }
  expect_failures = [var.email_subscriptions]
}

run "https_endpoint_must_be_https" {
  command = plan
  variables {
    sns_topic_arn       = null
    create_sns_topic    = true
    https_subscriptions = [{ endpoint = "http://hooks.example.com/eks" }]
  }
  expect_failures = [var.https_subscriptions]
}

run "filter_policy_names_message_attributes_only" {
  command = plan
  variables {
    sns_topic_arn       = null
    create_sns_topic    = true
    email_subscriptions = [{ address = "team@example.com", filter_policy = { severities = ["high"] } }]
  }
  expect_failures = [var.email_subscriptions]
}

run "filter_policy_values_must_be_sent_values" {
  command = plan
  variables {
    sns_topic_arn       = null
    create_sns_topic    = true
    https_subscriptions = [{ endpoint = "https://hooks.example.com/eks", filter_policy = { severity = ["High"] } }]
  }
  expect_failures = [var.https_subscriptions]
}

run "filter_policy_lists_not_empty" {
  command = plan
  variables {
    sns_topic_arn       = null
    create_sns_topic    = true
    email_subscriptions = [{ address = "team@example.com", filter_policy = { cluster = [] } }]
  }
  expect_failures = [var.email_subscriptions]
}

run "filter_policy_at_most_150_combinations" {
  command = plan
  variables {
    sns_topic_arn    = null
    create_sns_topic = true
    email_subscriptions = [{
      address       = "team@example.com"
      filter_policy = { severity = ["critical", "high", "medium", "low"], cluster = [for i in range(38) : "c${i}"] }
    }]
  }
  expect_failures = [var.email_subscriptions]
}

run "filter_policy_of_150_combinations_is_accepted" {
  command = plan
  variables {
    sns_topic_arn    = null
    create_sns_topic = true
    email_subscriptions = [{
      address       = "team@example.com"
      filter_policy = { outcome = ["allowed", "denied"], source = ["audit-log", "cloudtrail", "health"], cluster = [for i in range(25) : "c${i}"] }
    }]
  }
  assert {
    condition     = length(jsondecode(aws_sns_topic_subscription.this["email:team@example.com"].filter_policy).cluster) == 25
    error_message = "2 x 3 x 25 = 150 combinations is the SNS maximum and must be accepted."
  }
}

run "email_subscribed_once" {
  command = plan
  variables {
    sns_topic_arn       = null
    create_sns_topic    = true
    email_subscriptions = [{ address = "team@example.com" }, { address = "team@example.com", filter_policy = { severity = ["high"] } }]
  }
  expect_failures = [var.email_subscriptions]
}

run "topic_in_another_partition_is_refused" {
  command = plan
  variables { sns_topic_arn = "arn:aws-cn:sns:cn-north-1:123456789012:eks-alerts" }
  expect_failures = [aws_lambda_function.this]
}

# ---- Function role ----

run "role_path_must_start_and_end_with_a_slash" {
  command = plan
  variables { role_path = "service-role" }
  expect_failures = [var.role_path]
}

run "permissions_boundary_must_be_a_policy_arn" {
  command = plan
  variables { role_permissions_boundary = "arn:aws:iam::123456789012:role/boundary" }
  expect_failures = [var.role_permissions_boundary]
}

# ---- Custom rules and the environment ----

run "custom_rule_predicate_must_exist" {
  command = plan
  variables {
    custom_rules = [{ id = "mine", title = "Mine", severity = "high", match = { resources = ["pods"], predicates = ["privileged"] } }]
  }
  expect_failures = [var.custom_rules]
}

run "custom_rule_match_list_not_empty" {
  command = plan
  variables {
    custom_rules = [{ id = "mine", title = "Mine", severity = "high", match = { resources = ["secrets"], namespaces = [] } }]
  }
  expect_failures = [var.custom_rules]
}

run "custom_rule_match_key_misspelt" {
  command = plan
  variables {
    custom_rules = [{ id = "mine", title = "Mine", severity = "high", match = { resources = ["secrets"], namespace = ["payments"] } }]
  }
  expect_failures = [var.custom_rules]
}

run "custom_rule_needs_a_match_list" {
  command = plan
  variables {
    custom_rules = [{ id = "mine", title = "Mine", severity = "high", match = {} }]
  }
  expect_failures = [var.custom_rules]
}

run "environment_at_most_4kb" {
  command = plan
  variables {
    custom_rules = [for i in range(20) : {
      id       = "payments-rule-${i}"
      title    = "A rule about payments number ${i}"
      severity = "high"
      match    = { resources = ["secrets", "configmaps"], namespaces = ["payments-${i}"], verbs = ["create", "update", "patch", "delete"] }
    }]
  }
  expect_failures = [aws_lambda_function.this]
}

run "cluster_names_at_most_100_characters" {
  command = plan
  variables { aws_cloudwatch_log_group = "/aws/eks/${join("", [for i in range(101) : "a"])}/cluster" }
  expect_failures = [var.aws_cloudwatch_log_group]
}

run "environment_checked_at_plan_with_a_created_page_topic" {
  # The page topic's ARN is unknown until apply; the check counts its predictable ARN instead
  # of leaving the decision to apply.
  command = plan
  variables {
    pagerduty_integration_url = "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue"
    custom_rules = [for i in range(20) : {
      id       = "payments-rule-${i}"
      title    = "A rule about payments number ${i}"
      severity = "high"
      match    = { resources = ["secrets", "configmaps"], namespaces = ["payments-${i}"], verbs = ["create", "update", "patch", "delete"] }
    }]
  }
  expect_failures = [aws_lambda_function.this]
}

# ---- Mistakes caught at plan (issue 18): the message names the input and the entry ----

run "a_cluster_to_watch_is_required" {
  command = plan
  variables { aws_cloudwatch_log_group = null }
  expect_failures = [var.aws_cloudwatch_log_groups]
}

run "log_source_is_known" {
  command = plan
  variables { log_source = "s3" }
  expect_failures = [var.log_source]
}

run "pattern_brackets_pair_up" {
  command = plan
  variables { filter_pattern = "{ ($.verb = \"delete\" }" }
  expect_failures = [var.filter_pattern]
}

run "pattern_brackets_pair_by_kind" {
  command = plan
  variables { filter_pattern = "{ ($.verb = \"delete\"} )" }
  expect_failures = [var.filter_pattern]
}

run "pattern_strings_close" {
  command = plan
  variables { filter_pattern = "{ $.verb = \"delete }" }
  expect_failures = [var.filter_pattern]
}

run "pattern_compares_with_a_single_equals" {
  command = plan
  variables { filter_pattern = "{ $.verb == \"delete\" }" }
  expect_failures = [var.filter_pattern]
}

run "pattern_operators_are_known" {
  command = plan
  variables { filter_pattern = "{ ($.verb = \"delete\") & ($.objectRef.resource = \"secrets\") }" }
  expect_failures = [var.filter_pattern]
}

run "valid_patterns_pass" {
  command = plan
  variables {
    # Brackets, operators and quotes inside strings and %regex% do not count; text and
    # space-delimited patterns are not JSON.
    filter_pattern = "{ (($.verb = \"delete\") || ($.requestURI = \"/api/{x}==(\")) && ($.user.username = %^[a-z]+[(]$%) && ($.code >= 400) && ($.x NOT EXISTS) }"
  }
}

run "valid_space_delimited_pattern_passes" {
  command = plan
  variables { filter_pattern = "[ip, user, username != \"system:*\", status_code >= 400]" }
}

run "valid_text_pattern_passes" {
  command = plan
  variables { filter_pattern = "\"[Truncated...]\" -DEBUG" }
}

run "email_domains_have_no_empty_label" {
  command = plan
  variables {
    sns_topic_arn       = null
    create_sns_topic    = true
    email_subscriptions = [{ address = "sre@example.com" }, { address = "platform@example..com" }, { address = "oncall@.example.com" }, { address = "ops@example.com." }]
  }
  expect_failures = [var.email_subscriptions]
}

run "filter_policy_values_are_ones_the_function_sends" {
  command = plan
  variables {
    sns_topic_arn       = null
    create_sns_topic    = true
    email_subscriptions = [{ address = "sre@example.com", filter_policy = { severity = ["hihg"] } }]
  }
  expect_failures = [var.email_subscriptions]
}

run "repeated_log_groups_are_named" {
  command = plan
  variables { aws_cloudwatch_log_groups = ["/aws/eks/staging/cluster", "/aws/eks/prod/cluster"] }
  expect_failures = [var.aws_cloudwatch_log_groups]
}

run "custom_rule_severities_are_known" {
  command = plan
  variables {
    custom_rules = [{ id = "mine", title = "Mine", severity = "hihg", match = { resources = ["secrets"] } }]
  }
  expect_failures = [var.custom_rules]
}

run "bot_name_is_a_function_name" {
  command = plan
  variables { eks_bot_name = "eks audit bot" }
  expect_failures = [var.eks_bot_name]
}
