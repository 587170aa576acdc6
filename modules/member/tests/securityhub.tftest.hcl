# The role the central function assumes to import this member account's Security Hub findings.

mock_provider "aws" {
  source = "../../tests/mocks/organization"
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
}

variables {
  destination_arn           = "arn:aws:logs:eu-west-1:999999999999:destination:eks-audit-bot"
  event_bus_arn             = "arn:aws:events:eu-west-1:999999999999:event-bus/eks-audit-bot"
  aws_cloudwatch_log_groups = ["/aws/eks/payments-prod/cluster"]
}

run "no_role_unless_asked" {
  command = plan

  assert {
    condition     = length(aws_iam_role.security_hub) == 0 && length(aws_iam_role_policy.security_hub) == 0
    error_message = "Without security_hub_central_role_arn there is no Security Hub role."
  }
}

run "the_central_role_may_import_this_accounts_findings" {
  command = plan

  variables {
    security_hub_central_role_arn = "arn:aws:iam::999999999999:role/eks-audit-bot"
  }

  assert {
    condition = aws_iam_role.security_hub[0].name == "eks-audit-bot-securityhub" && jsondecode(aws_iam_role.security_hub[0].assume_role_policy).Statement == [{
      Effect = "Allow", Principal = { AWS = "arn:aws:iam::999999999999:role/eks-audit-bot" }, Action = "sts:AssumeRole"
    }]
    error_message = "Only the central function's role may assume it."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.security_hub[0].policy).Statement == [{
      Effect   = "Allow", Action = "securityhub:BatchImportFindings"
      Resource = "arn:aws:securityhub:*:111111111111:product/111111111111/default"
    }]
    error_message = "It may import findings into this account's default product only."
  }
}

run "the_central_role_is_a_role_arn" {
  command = plan

  variables {
    security_hub_central_role_arn = "eks-audit-bot"
  }

  expect_failures = [var.security_hub_central_role_arn]
}
