# A destination in one region, admitting listed accounts or an organization.

mock_provider "aws" {
  source = "../../tests/mocks/organization"
  mock_data "aws_region" {
    defaults = { id = "eu-central-1", name = "eu-central-1" }
  }
  mock_resource "aws_cloudwatch_log_destination" {
    defaults = { arn = "arn:aws:logs:eu-central-1:999999999999:destination:eks-audit-bot" }
  }
}

variables {
  stream_arn           = "arn:aws:kinesis:eu-west-1:999999999999:stream/eks-audit-bot"
  destination_role_arn = "arn:aws:iam::999999999999:role/eks-audit-bot-logs"
}

run "listed_accounts_may_subscribe" {
  command = apply

  variables {
    event_account_ids = ["111111111111", "222222222222"]
  }

  assert {
    condition = (
      aws_cloudwatch_log_destination.this.target_arn == var.stream_arn &&
      aws_cloudwatch_log_destination.this.role_arn == var.destination_role_arn &&
      output.region == "eu-central-1" &&
      output.destination_arn == aws_cloudwatch_log_destination.this.arn
    )
    error_message = "The destination writes to the central stream (in another region) with the central role."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_log_destination_policy.this.access_policy).Statement == [{
      Sid       = "MemberAccounts"
      Effect    = "Allow"
      Principal = { AWS = ["111111111111", "222222222222"] }
      Action    = ["logs:PutSubscriptionFilter", "logs:PutAccountPolicy"]
      Resource  = "arn:aws:logs:eu-central-1:999999999999:destination:eks-audit-bot"
    }]
    error_message = "Only the listed accounts may subscribe, by filter or account policy."
  }
}

run "an_organization_may_subscribe" {
  command = apply

  variables {
    organization_id = "o-a1b2c3d4e5"
  }

  assert {
    condition = jsondecode(aws_cloudwatch_log_destination_policy.this.access_policy).Statement[0].Condition == {
      StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" }
    } && jsondecode(aws_cloudwatch_log_destination_policy.this.access_policy).Statement[0].Principal == "*"
    error_message = "Any principal of the organization may subscribe, nobody else."
  }
}

run "someone_must_be_admitted" {
  command = plan

  expect_failures = [var.event_account_ids]
}

run "the_target_is_a_stream" {
  command = plan

  variables {
    event_account_ids = ["111111111111"]
    stream_arn        = "arn:aws:firehose:eu-west-1:999999999999:deliverystream/x"
  }

  expect_failures = [var.stream_arn]
}
