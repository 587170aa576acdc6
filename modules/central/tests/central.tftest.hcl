# The central module against a mocked provider: stream, destination role, event source
# mapping, dedup, EventBridge bus, and the function settings it hands to the root module.

mock_provider "aws" {
  source = "../../tests/mocks/organization"
}

variables {
  sns_topic_arn     = "arn:aws:sns:eu-west-1:999999999999:eks-alerts"
  event_account_ids = ["111111111111", "222222222222"]
  account_names     = { "111111111111" = "payments-prod" }
}

run "defaults_read_an_encrypted_on_demand_stream_exactly_once" {
  command = apply

  assert {
    condition = (
      aws_kinesis_stream.this.stream_mode_details[0].stream_mode == "ON_DEMAND" &&
      aws_kinesis_stream.this.shard_count == null &&
      aws_kinesis_stream.this.encryption_type == "KMS" &&
      aws_kinesis_stream.this.kms_key_id == "alias/aws/kinesis" &&
      aws_kinesis_stream.this.retention_period == 24
    )
    error_message = "The stream is on demand, encrypted with the AWS managed key, kept 24 hours."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this.event_source_arn == aws_kinesis_stream.this.arn &&
      aws_lambda_event_source_mapping.this.starting_position == "TRIM_HORIZON" &&
      aws_lambda_event_source_mapping.this.batch_size == 100 &&
      aws_lambda_event_source_mapping.this.maximum_batching_window_in_seconds == 5 &&
      aws_lambda_event_source_mapping.this.parallelization_factor == 1 &&
      aws_lambda_event_source_mapping.this.bisect_batch_on_function_error &&
      aws_lambda_event_source_mapping.this.maximum_record_age_in_seconds == 21600 &&
      aws_lambda_event_source_mapping.this.maximum_retry_attempts == 10 &&
      aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"])
    )
    error_message = "The mapping reads from the start, reports item failures, splits failing batches and gives up after 10 retries or 6 hours."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.destination_config[0].on_failure[0].destination_arn == "arn:aws:sqs:eu-west-1:999999999999:eks-audit-bot-on-failure"
    error_message = "Records that keep failing go to the on-failure queue the root module creates."
  }

  assert {
    condition     = output.dedup_table_name == "eks-audit-bot-dedup" && output.on_failure_queue_url != null
    error_message = "The root module, called as a child, creates the dedup table and the on-failure queue."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.stream.policy).Statement[0].Resource == aws_kinesis_stream.this.arn && contains(
      jsondecode(aws_iam_role_policy.stream.policy).Statement[0].Action, "kinesis:GetRecords"
    ) && aws_iam_role_policy.stream.role == "eks-audit-bot"
    error_message = "The function's role may read this stream only."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.destination.policy).Statement == [{
      Sid      = "PutRecords"
      Effect   = "Allow"
      Action   = ["kinesis:PutRecord", "kinesis:PutRecords"]
      Resource = "arn:aws:kinesis:eu-west-1:999999999999:stream/eks-audit-bot"
    }]
    error_message = "CloudWatch Logs may only put records on the stream."
  }

  assert {
    condition = jsondecode(aws_iam_role.destination.assume_role_policy).Statement[0].Condition.StringLike["aws:SourceArn"] == [
      "arn:aws:logs:*:999999999999:*", "arn:aws:logs:*:111111111111:*", "arn:aws:logs:*:222222222222:*",
    ] && length(jsondecode(aws_iam_role.destination.assume_role_policy).Statement) == 1
    error_message = "Only CloudWatch Logs, for this account's destinations and the member accounts, may assume the destination role."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_bus_policy.this.policy).Statement[0].Principal.AWS == [
      "arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root",
    ] && jsondecode(aws_cloudwatch_event_bus_policy.this.policy).Statement[0].Action == "events:PutEvents"
    error_message = "The member accounts, and only they, may put events on the bus."
  }

  assert {
    condition = (
      jsondecode(aws_cloudwatch_event_rule.forwarded.event_pattern)["detail-type"] == ["AWS API Call via CloudTrail"] &&
      aws_cloudwatch_event_rule.forwarded.event_bus_name == aws_cloudwatch_event_bus.this.name &&
      aws_cloudwatch_event_target.function.arn == output.function_arn &&
      aws_lambda_permission.events.source_arn == aws_cloudwatch_event_rule.forwarded.arn
    )
    error_message = "Forwarded CloudTrail events on the central bus invoke the function, and only from that rule."
  }

  assert {
    condition     = output.destination_arn == "arn:aws:logs:eu-west-1:999999999999:destination:eks-audit-bot" && output.stream_arn == aws_kinesis_stream.this.arn
    error_message = "The outputs give members the destination, and other regions' destinations the stream."
  }
}

run "an_organization_is_admitted_by_its_id" {
  command = apply

  variables {
    event_account_ids = []
    organization_id   = "o-a1b2c3d4e5"
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_bus_policy.this.policy).Statement[0].Condition == { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } } && jsondecode(aws_cloudwatch_event_bus_policy.this.policy).Statement[0].Principal == "*"
    error_message = "The bus admits any principal of the organization (aws:PrincipalOrgID)."
  }

  assert {
    condition     = jsondecode(aws_iam_role.destination.assume_role_policy).Statement[1].Condition == { StringEquals = { "aws:SourceOrgID" = "o-a1b2c3d4e5" } }
    error_message = "CloudWatch Logs may assume the destination role on behalf of the organization's accounts."
  }
}

run "provisioned_stream_with_a_customer_key" {
  command = apply

  variables {
    stream = {
      mode               = "PROVISIONED"
      shard_count        = 4
      retention_in_hours = 48
      kms_key_arn        = "arn:aws:kms:eu-west-1:999999999999:key/0a1b2c3d-0000-4000-8000-000000000001"
    }
    event_source_mapping = { batch_size = 25, parallelization_factor = 4, maximum_retry_attempts = -1 }
  }

  assert {
    condition     = aws_kinesis_stream.this.shard_count == 4 && aws_kinesis_stream.this.kms_key_id == "arn:aws:kms:eu-west-1:999999999999:key/0a1b2c3d-0000-4000-8000-000000000001"
    error_message = "A provisioned stream has the shards asked for and the customer key."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.destination.policy).Statement[1].Action == "kms:GenerateDataKey" && jsondecode(aws_iam_role_policy.stream.policy).Statement[2].Action == "kms:Decrypt"
    error_message = "With a customer key, the writers may encrypt and the function decrypt with it."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.batch_size == 25 && aws_lambda_event_source_mapping.this.parallelization_factor == 4 && aws_lambda_event_source_mapping.this.maximum_retry_attempts == -1 && aws_lambda_event_source_mapping.this.bisect_batch_on_function_error
    error_message = "Mapping settings given replace the defaults; the others stay."
  }
}

run "function_settings_are_the_root_modules_inputs" {
  command = plan

  variables {
    eks_bot_name = "org-eks-audit"
    function = {
      min_severity          = "high"
      memory_limit          = 512
      automation_principals = ["arn:aws:iam::*:role/ci-*"]
      protected_namespaces  = ["kube-system", "payments"]
      trusted_source_cidrs  = ["10.0.0.0/16"]
      custom_rules = [{
        id       = "payments-secrets"
        title    = "Secret changed in payments"
        severity = "high"
        match    = { resources = ["secrets"], namespaces = ["payments"] }
      }]
    }
  }

  assert {
    condition     = output.function_name == "org-eks-audit" && output.dedup_table_name == "org-eks-audit-dedup"
    error_message = "The name passes to the root module, which names the function and table by it."
  }

  assert {
    condition     = strcontains(output.filter_pattern, "10.0.0.0/16") || strcontains(output.filter_pattern, "10.0.")
    error_message = "The pattern for members follows the central function's trusted networks."
  }
}

run "who_may_send_is_required" {
  command = plan

  variables {
    event_account_ids = []
  }

  expect_failures = [var.event_account_ids]
}

run "not_both_organization_and_accounts" {
  command = plan

  variables {
    organization_id = "o-a1b2c3d4e5"
  }

  expect_failures = [var.event_account_ids]
}

run "stream_mode_is_known" {
  command = plan

  variables {
    stream = { mode = "SERVERLESS" }
  }

  expect_failures = [var.stream]
}

run "batch_size_has_bounds" {
  command = plan

  variables {
    event_source_mapping = { batch_size = 20000 }
  }

  expect_failures = [var.event_source_mapping]
}

run "the_bus_rule_takes_only_aws_services_own_events" {
  command = plan

  assert {
    condition = (
      contains(jsondecode(aws_cloudwatch_event_rule.forwarded.event_pattern).source, "aws.eks") &&
      contains(jsondecode(aws_cloudwatch_event_rule.forwarded.event_pattern).source, "aws.cloudtrail") &&
      alltrue([for source in jsondecode(aws_cloudwatch_event_rule.forwarded.event_pattern).source : startswith(source, "aws.")])
    )
    error_message = "The bus rule matches the source too: a principal of the organization can put any detail-type on the bus, never an aws. source."
  }
}

run "the_organization_path_has_silence_alarms" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.stream_silence[0].metric_name == "IncomingRecords" &&
      aws_cloudwatch_metric_alarm.stream_silence[0].dimensions["StreamName"] == "eks-audit-bot" &&
      aws_cloudwatch_metric_alarm.stream_silence[0].treat_missing_data == "breaching" &&
      aws_cloudwatch_metric_alarm.stream_silence[0].period * aws_cloudwatch_metric_alarm.stream_silence[0].evaluation_periods == 86400
    )
    error_message = "A stream that receives nothing for a day alarms (missing data is silence)."
  }

  assert {
    condition = (
      [for query in aws_cloudwatch_metric_alarm.stream_unread[0].metric_query : query.id] == ["unread", "incoming", "taken"] &&
      [for query in aws_cloudwatch_metric_alarm.stream_unread[0].metric_query : one(query.metric[*].metric_name) if query.id != "unread"] == ["IncomingRecords", "GetRecords.Records"] &&
      strcontains(one([for query in aws_cloudwatch_metric_alarm.stream_unread[0].metric_query : query.expression if query.id == "unread"]), "FILL(taken, 0) == 0")
    )
    error_message = "Records that arrive while nothing reads them (the mapping disabled or deleted) alarm."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.iterator_age[0].metric_name == "IteratorAge" && aws_cloudwatch_metric_alarm.iterator_age[0].dimensions["FunctionName"] == "eks-audit-bot" && aws_cloudwatch_metric_alarm.iterator_age[0].threshold == 900000
    error_message = "A function that falls behind the stream alarms (IteratorAge in milliseconds)."
  }

  assert {
    condition = (
      jsondecode(aws_cloudwatch_event_rule.alarms[0].event_pattern).detail.alarmName == ["eks-audit-bot-stream-silence", "eks-audit-bot-stream-unread", "eks-audit-bot-iterator-age"] &&
      aws_cloudwatch_event_target.alarms[0].arn == output.function_arn &&
      aws_lambda_permission.alarms[0].source_arn == aws_cloudwatch_event_rule.alarms[0].arn
    )
    error_message = "The stream alarms' state changes reach the function, which alerts on them (names eks-audit-bot-*)."
  }
}

run "the_alarms_can_be_left_out" {
  command = plan

  variables {
    alarms = { create = false }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.stream_silence) + length(aws_cloudwatch_metric_alarm.stream_unread) + length(aws_cloudwatch_metric_alarm.iterator_age) + length(aws_cloudwatch_event_rule.alarms) == 0
    error_message = "alarms.create = false creates no stream alarm and no rule for them."
  }
}

run "the_silence_range_is_at_most_a_day" {
  command = plan

  variables {
    alarms = { stream_silence_period_in_seconds = 3600, stream_silence_evaluation_periods = 25 }
  }

  expect_failures = [var.alarms]
}
