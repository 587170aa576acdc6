# Operators' controls in the root module: the tick schedule and its permission, the state-table
# reads and Security Hub grants, the environment, and the plan-time checks on mutes.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012", arn = "arn:aws:sts::123456789012:assumed-role/Platform/alice" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/eks-audit-bot" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:eks-audit-bot" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-1:123456789012:rule/eks-audit-bot-tick" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/eks-audit-bot-dedup" }
  }
}

variables {
  eks_bot_name             = "eks-audit-bot"
  sns_topic_arn            = "arn:aws:sns:eu-west-1:123456789012:eks-alerts"
  aws_cloudwatch_log_group = "/aws/eks/prod/cluster"
}

run "no_controls_without_a_table_or_security_hub" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_event_rule.tick) == 0 && length(aws_iam_role_policy.controls) == 0
    error_message = "Without a state table or Security Hub there is no schedule and no grant."
  }

  assert {
    condition     = length(setintersection(keys(aws_lambda_function.this.environment[0].variables), ["GROUP_WINDOW_MINUTES", "SECURITY_HUB_FINDINGS", "SECURITY_HUB_ROLE_NAME", "MUTES"])) == 0
    error_message = "The function gets no control settings it was not asked for."
  }
}

run "table_grouping_and_security_hub" {
  command = apply

  variables {
    create_dedup_table     = true
    group_window_minutes   = 10
    security_hub_findings  = true
    security_hub_role_name = "eks-audit-bot-securityhub"
  }

  assert {
    condition     = aws_cloudwatch_event_rule.tick[0].name == "eks-audit-bot-tick" && aws_cloudwatch_event_rule.tick[0].schedule_expression == "rate(1 minute)"
    error_message = "A one-minute schedule named <eks_bot_name>-tick flushes windows and announces mutes."
  }

  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.this["tamper"].event_pattern).detail["$or"][2].requestParameters.name, "eks-audit-bot-tick")
    error_message = "The tamper rule guards the tick: disabling it would stop mute ends and burst summaries."
  }

  assert {
    condition     = aws_cloudwatch_event_target.tick[0].arn == aws_lambda_function.this.arn && aws_lambda_permission.tick[0].principal == "events.amazonaws.com" && aws_lambda_permission.tick[0].source_arn == aws_cloudwatch_event_rule.tick[0].arn
    error_message = "The schedule invokes this function, and only that rule may."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.controls[0].policy).Statement == [
      {
        Sid      = "StateTableReads"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Scan"]
        Resource = "arn:aws:dynamodb:eu-west-1:123456789012:table/eks-audit-bot-dedup"
      },
      {
        Sid      = "ImportFindings"
        Effect   = "Allow"
        Action   = "securityhub:BatchImportFindings"
        Resource = "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"
      },
      {
        Sid      = "ImportFindingsInMemberAccounts"
        Effect   = "Allow"
        Action   = "sts:AssumeRole"
        Resource = "arn:aws:iam::*:role/eks-audit-bot-securityhub"
      },
    ]
    error_message = "Reads of the state table, imports into this account's default product, and the member role only."
  }

  assert {
    condition = (
      aws_lambda_function.this.environment[0].variables.GROUP_WINDOW_MINUTES == "10" &&
      aws_lambda_function.this.environment[0].variables.SECURITY_HUB_FINDINGS == "true" &&
      aws_lambda_function.this.environment[0].variables.SECURITY_HUB_ROLE_NAME == "eks-audit-bot-securityhub"
    )
    error_message = "The function is told the window, Security Hub and the member role."
  }
}

run "security_hub_alone" {
  command = plan

  variables {
    security_hub_findings = true
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.tick) == 0 && [for s in jsondecode(aws_iam_role_policy.controls[0].policy).Statement : s.Sid] == ["ImportFindings"]
    error_message = "Security Hub alone needs no schedule and no table grant."
  }
}

run "mutes_as_code_reach_the_function" {
  command = plan

  variables {
    create_dedup_table = true
    mutes = [{
      rule    = "exec-into-pod"
      actor   = "*alice*"
      cluster = "prod"
      reason  = "database migration"
      expires = "2099-01-01T00:00:00Z"
    }]
  }

  assert {
    condition = jsondecode(aws_lambda_function.this.environment[0].variables.MUTES) == [{
      rule   = "exec-into-pod", actor = "*alice*", cluster = "prod", namespace = null,
      reason = "database migration", expires = "2099-01-01T00:00:00Z", include_critical = false,
      set_by = "arn:aws:sts::123456789012:assumed-role/Platform/alice"
    }]
    error_message = "mutes reach the function as MUTES (JSON), with their RFC 3339 expiry and who applied them (announced as who set them)."
  }

}

run "a_mute_needs_an_rfc3339_date" {
  command = plan

  variables {
    create_dedup_table = true
    mutes              = [{ rule = "exec-into-pod", reason = "x", expires = "next friday" }]
  }

  expect_failures = [var.mutes]
}

run "a_mute_in_the_past_is_refused" {
  command = plan

  variables {
    create_dedup_table = true
    mutes              = [{ rule = "exec-into-pod", reason = "x", expires = "2020-01-01T00:00:00Z" }]
  }

  expect_failures = [var.mutes]
}

run "a_mute_names_a_known_rule" {
  command = plan

  variables {
    create_dedup_table = true
    mutes              = [{ rule = "exec-into-pods", reason = "x", expires = "2099-01-01T00:00:00Z" }]
  }

  expect_failures = [var.mutes]
}

run "mutes_need_the_state_table" {
  command = plan

  variables {
    mutes = [{ rule = "exec-into-pod", reason = "x", expires = "2099-01-01T00:00:00Z" }]
  }

  expect_failures = [var.mutes]
}

run "grouping_needs_the_state_table" {
  command = plan

  variables {
    group_window_minutes = 10
  }

  expect_failures = [var.group_window_minutes]
}

run "group_window_is_whole_minutes" {
  command = plan

  variables {
    create_dedup_table   = true
    group_window_minutes = 2.5
  }

  expect_failures = [var.group_window_minutes]
}
