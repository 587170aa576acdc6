# The member module against a mocked provider: subscription filters (or the account policy)
# to the central destination, and CloudTrail events forwarded to the central bus.

mock_provider "aws" {
  source = "../../tests/mocks/organization"
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { id = "ap-southeast-2", name = "ap-southeast-2" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/eks-audit-bot-forward-ap-southeast-2" }
  }
}

variables {
  destination_arn           = "arn:aws:logs:ap-southeast-2:999999999999:destination:eks-audit-bot"
  event_bus_arn             = "arn:aws:events:eu-west-1:999999999999:event-bus/eks-audit-bot"
  aws_cloudwatch_log_groups = ["/aws/eks/payments-prod/cluster", "/aws/eks/payments-staging/cluster"]
}

run "cut_lines_reach_the_central_destination_too" {
  command = plan

  assert {
    condition     = keys(aws_cloudwatch_log_subscription_filter.truncated) == ["payments-prod", "payments-staging"] && alltrue([for filter in aws_cloudwatch_log_subscription_filter.truncated : filter.filter_pattern == "\"[Truncated...]\"" && filter.destination_arn == var.destination_arn])
    error_message = "Every log group must also send the lines CloudWatch cut (no JSON pattern matches them) to the central destination."
  }
}

run "each_cluster_subscribes_to_the_central_destination" {
  command = apply

  assert {
    condition     = keys(aws_cloudwatch_log_subscription_filter.this) == ["payments-prod", "payments-staging"]
    error_message = "One subscription filter per cluster log group."
  }

  assert {
    condition = alltrue([
      for filter in aws_cloudwatch_log_subscription_filter.this :
      filter.destination_arn == var.destination_arn && filter.name == "eks-audit-bot-ap-southeast-2"
    ])
    error_message = "Filters point at the central destination and carry the region in their name (the payload does not)."
  }

  assert {
    condition     = aws_cloudwatch_log_subscription_filter.this["payments-prod"].filter_pattern == trimspace(file("${path.module}/../../lambda/eks_audit_bot/cli/default_filter_pattern.txt"))
    error_message = "The default pattern is the one the root module generates."
  }

  assert {
    condition     = length(aws_cloudwatch_log_account_policy.this) == 0
    error_message = "No account policy unless asked for."
  }

  assert {
    condition = (
      contains(jsondecode(aws_cloudwatch_event_rule.forward[0].event_pattern).detail["$or"], {
        eventSource = ["eks.amazonaws.com"]
        eventName   = [for name in keys(jsondecode(file("${path.module}/../../lambda/eks_audit_bot/aws/watched.json")).watches.cluster.operations) : { prefix = name }]
      }) &&
      length(jsondecode(aws_cloudwatch_event_rule.forward[0].event_pattern).detail["$or"]) == length(distinct([for watch in values(jsondecode(file("${path.module}/../../lambda/eks_audit_bot/aws/watched.json")).watches) : watch.event_source if contains(["eks_api", "tamper", "credentials"], watch.rule)])) &&
      length(aws_cloudwatch_event_rule.forward[0].event_pattern) <= 2048 &&
      aws_cloudwatch_event_target.central[0].arn == var.event_bus_arn &&
      aws_cloudwatch_event_target.central[0].role_arn == aws_iam_role.forward[0].arn
    )
    error_message = "The API calls of the shared list (aws/watched.json), every service of it, go to the central bus with the module's role, in a pattern EventBridge takes."
  }

  assert {
    condition = (
      jsondecode(aws_cloudwatch_event_rule.forward[0].event_pattern).source == [{ prefix = "aws." }] &&
      alltrue([for source in jsondecode(aws_cloudwatch_event_rule.forward_watch[0].event_pattern).source : startswith(source, "aws.")]) &&
      length(aws_cloudwatch_event_rule.forward_watch[0].event_pattern) <= 2048
    )
    error_message = "Both forwarding rules take only the AWS services' own events (EventBridge refuses aws. sources from PutEvents): nobody in the member account can forward a forged one."
  }

  assert {
    condition = alltrue(flatten([for watch in values(jsondecode(file("${path.module}/../../lambda/eks_audit_bot/aws/watched.json")).watches) : [
      for name in keys(watch.operations) : anytrue([
        for call in jsondecode(aws_cloudwatch_event_rule.forward_watch[0].event_pattern).detail["$or"] :
        call.eventSource == [watch.event_source] && (contains(call.eventName, name) || contains(call.eventName, { prefix = name }))
      ])
    ] if watch.rule == "watch"])) && contains(jsondecode(aws_cloudwatch_event_rule.forward_watch[0].event_pattern).detail["$or"], { eventSource = ["cloudtrail.amazonaws.com"], eventName = ["DeleteTrail", "PutAdvancedEventSelectors", "PutEventSelectors", "StopLogging", "UpdateTrail"] })
    error_message = "Every other watched operation (the member's trails, account subscription policy and roles among them) goes to the central bus through the second rule."
  }

  assert {
    condition     = aws_cloudwatch_event_target.central_watch[0].arn == var.event_bus_arn && aws_cloudwatch_event_target.central_watch[0].role_arn == aws_iam_role.forward[0].arn
    error_message = "The second rule forwards with the same role to the same bus."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.forward[0].policy).Statement == [{
      Sid      = "CentralBus"
      Effect   = "Allow"
      Action   = "events:PutEvents"
      Resource = "arn:aws:events:eu-west-1:999999999999:event-bus/eks-audit-bot"
    }] && jsondecode(aws_iam_role.forward[0].assume_role_policy).Statement[0].Principal.Service == "events.amazonaws.com"
    error_message = "The forwarding role may only put events on the central bus, and only EventBridge may use it."
  }

  assert {
    condition = output.event_rules == {
      forward       = { name = "eks-audit-bot-forward", arn = aws_cloudwatch_event_rule.forward[0].arn, event_pattern = aws_cloudwatch_event_rule.forward[0].event_pattern }
      forward_watch = { name = "eks-audit-bot-forward-watch", arn = aws_cloudwatch_event_rule.forward_watch[0].arn, event_pattern = aws_cloudwatch_event_rule.forward_watch[0].event_pattern }
    }
    error_message = "The output names both forwarding rules by purpose, as the root module's event_rules does."
  }
}

run "one_account_policy_covers_every_log_group" {
  command = apply

  variables {
    aws_cloudwatch_log_groups          = []
    create_account_policy              = true
    account_policy_excluded_log_groups = ["/aws/lambda/noisy"]
    filter_pattern                     = "{ $.stage = \"ResponseComplete\" }"
  }

  assert {
    condition = jsondecode(aws_cloudwatch_log_account_policy.this[0].policy_document) == {
      DestinationArn = "arn:aws:logs:ap-southeast-2:999999999999:destination:eks-audit-bot"
      FilterPattern  = "{ $.stage = \"ResponseComplete\" }"
      Distribution   = "Random"
    }
    error_message = "The account policy sends what the pattern passes to the central destination."
  }

  assert {
    condition = (
      aws_cloudwatch_log_account_policy.this[0].policy_type == "SUBSCRIPTION_FILTER_POLICY" &&
      aws_cloudwatch_log_account_policy.this[0].policy_name == "eks-audit-bot-ap-southeast-2" &&
      aws_cloudwatch_log_account_policy.this[0].selection_criteria == "LogGroupName NOT IN [\"/aws/lambda/noisy\"]"
    )
    error_message = "A subscription filter policy named with the region, leaving out the excluded log groups."
  }
}

run "forwarding_can_be_left_to_others" {
  command = plan

  variables {
    create_event_forwarding = false
    event_bus_arn           = null
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.forward) == 0 && length(aws_iam_role.forward) == 0 && length(aws_cloudwatch_event_rule.forward_watch) == 0
    error_message = "Without forwarding there is no rule and no role."
  }

  assert {
    condition     = output.event_rules == {}
    error_message = "Without forwarding the output lists no rule."
  }
}

run "something_must_be_subscribed" {
  command = plan

  variables {
    aws_cloudwatch_log_groups = []
  }

  expect_failures = [var.create_account_policy]
}

run "forwarding_needs_the_bus" {
  command = plan

  variables {
    event_bus_arn = null
  }

  expect_failures = [var.event_bus_arn]
}

run "destination_is_a_logs_destination" {
  command = plan

  variables {
    destination_arn = "arn:aws:kinesis:ap-southeast-2:999999999999:stream/eks-audit-bot"
  }

  expect_failures = [var.destination_arn]
}

run "log_groups_are_eks_log_groups" {
  command = plan

  variables {
    aws_cloudwatch_log_groups = ["/aws/lambda/something"]
  }

  expect_failures = [var.aws_cloudwatch_log_groups]
}

run "each_log_group_once" {
  command = plan

  variables {
    aws_cloudwatch_log_groups = ["/aws/eks/payments-prod/cluster", "/aws/eks/payments-prod/cluster"]
  }

  expect_failures = [var.aws_cloudwatch_log_groups]
}
