# The fleet inputs of the root module: the dedup table (created or existing), its IAM and
# environment, account names, and a function without log groups of its own.

mock_provider "aws" {
  source = "./tests/mocks/account"
}

variables {
  # The names of earlier releases: eks_bot_name set (tests/naming.tftest.hcl derives them).
  eks_bot_name             = "eks-audit-bot"
  sns_topic_arn            = "arn:aws:sns:eu-west-1:123456789012:eks-alerts"
  aws_cloudwatch_log_group = "/aws/eks/prod/cluster"
}

run "no_dedup_by_default" {
  command = plan

  assert {
    condition     = length(aws_dynamodb_table.dedup) == 0 && length(aws_iam_role_policy.dedup) == 0
    error_message = "Without create_dedup_table or dedup_table_name there is no table and no grant."
  }

  assert {
    condition     = !contains(keys(aws_lambda_function.this.environment[0].variables), "DEDUP_TABLE_NAME") && !contains(keys(aws_lambda_function.this.environment[0].variables), "ACCOUNT_NAMES")
    error_message = "The function gets no DEDUP_TABLE_NAME or ACCOUNT_NAMES it was not asked for."
  }
}

run "created_table_is_the_powertools_layout" {
  command = apply

  variables {
    create_dedup_table   = true
    dedup_ttl_in_seconds = 3600
    dedup_table_tags     = { purpose = "dedup" }
    tags                 = { team = "platform" }
  }

  assert {
    condition = (
      aws_dynamodb_table.dedup[0].name == "eks-audit-bot-dedup" &&
      aws_dynamodb_table.dedup[0].hash_key == "id" &&
      one(aws_dynamodb_table.dedup[0].attribute).type == "S" &&
      aws_dynamodb_table.dedup[0].billing_mode == "PAY_PER_REQUEST"
    )
    error_message = "The table is <eks_bot_name>-dedup, pay per request, partition key id (string)."
  }

  assert {
    condition     = aws_dynamodb_table.dedup[0].ttl[0].enabled && aws_dynamodb_table.dedup[0].ttl[0].attribute_name == "expiration" && aws_dynamodb_table.dedup[0].server_side_encryption[0].enabled
    error_message = "TTL on `expiration` and encryption at rest with the AWS managed key."
  }

  assert {
    condition     = aws_dynamodb_table.dedup[0].tags == tomap({ team = "platform", purpose = "dedup" })
    error_message = "The table carries tags merged with dedup_table_tags."
  }

  assert {
    condition = (
      aws_lambda_function.this.environment[0].variables.DEDUP_TABLE_NAME == "eks-audit-bot-dedup" &&
      aws_lambda_function.this.environment[0].variables.DEDUP_TTL_SECONDS == "3600"
    )
    error_message = "The function is told the table and the TTL."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.dedup[0].policy).Statement == [{
      Sid      = "DedupTable"
      Effect   = "Allow"
      Action   = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      Resource = "arn:aws:dynamodb:eu-west-1:123456789012:table/eks-audit-bot-dedup"
    }]
    error_message = "The role may claim, confirm and release items of this table only."
  }

  assert {
    condition     = output.dedup_table_name == "eks-audit-bot-dedup" && output.dedup_table_arn == "arn:aws:dynamodb:eu-west-1:123456789012:table/eks-audit-bot-dedup"
    error_message = "The outputs name the table."
  }
}

run "an_existing_table_is_used_not_created" {
  command = plan

  variables {
    dedup_table_name = "shared-alert-dedup"
  }

  assert {
    condition     = length(aws_dynamodb_table.dedup) == 0 && aws_lambda_function.this.environment[0].variables.DEDUP_TABLE_NAME == "shared-alert-dedup"
    error_message = "dedup_table_name alone points the function at an existing table."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.dedup[0].policy).Statement[0].Resource == "arn:aws:dynamodb:eu-west-1:123456789012:table/shared-alert-dedup"
    error_message = "The grant is scoped to the existing table's ARN in this account and region."
  }
}

run "account_names_reach_the_function" {
  command = plan

  variables {
    account_names = { "111111111111" = "payments-prod", "222222222222" = "search" }
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables.ACCOUNT_NAMES) == { "111111111111" = "payments-prod", "222222222222" = "search" }
    error_message = "account_names is passed as a JSON object (ACCOUNT_NAMES)."
  }
}

run "a_function_without_log_groups_of_its_own" {
  command = plan

  variables {
    aws_cloudwatch_log_group = null
    log_source               = "kinesis"
  }

  assert {
    condition     = length(aws_cloudwatch_log_subscription_filter.this) == 0 && length(aws_lambda_permission.logs) == 0
    error_message = "With no log groups (the central module's case) there are no filters or Logs permissions."
  }
}

run "account_names_need_account_ids" {
  command = plan

  variables {
    account_names = { "prod" = "production" }
  }

  expect_failures = [var.account_names]
}

run "account_names_fit_the_environment" {
  command = plan

  variables {
    account_names = { for i in range(100) : format("%012d", i) => "account-name-number-${i}" }
  }

  expect_failures = [var.account_names]
}

run "dedup_ttl_has_bounds" {
  command = plan

  variables {
    dedup_ttl_in_seconds = 60
  }

  expect_failures = [var.dedup_ttl_in_seconds]
}

run "dedup_table_name_is_a_table_name" {
  command = plan

  variables {
    dedup_table_name = "no spaces allowed"
  }

  expect_failures = [var.dedup_table_name]
}

run "a_state_table_keeps_who_obtained_each_credential" {
  command = apply

  variables {
    create_dedup_table = true
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.this["credentials"].event_pattern) == {
      "detail-type" = ["AWS API Call via CloudTrail"]
      detail = { "$or" = [
        {
          eventSource       = ["sts.amazonaws.com"]
          eventName         = ["AssumeRole", "AssumeRoleWithWebIdentity"]
          requestParameters = { roleSessionName = concat(["EKSGetTokenAuth"], [for prefix in ["aws-go-sdk-", "botocore-session-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] : { prefix = prefix }]) }
        },
        { eventSource = ["sts.amazonaws.com"], eventName = ["AssumeRoleWithSAML"] },
      ] }
    }
    error_message = "With a state table, the STS calls that issue credentials under a generic session name (all SAML ones) reach the function."
  }
  assert {
    condition     = aws_cloudwatch_event_target.this["credentials"].arn == aws_lambda_function.this.arn && contains(jsondecode(aws_cloudwatch_event_rule.this["tamper"].event_pattern).detail["$or"][2].requestParameters.name, "eks-audit-bot-credentials")
    error_message = "The credentials rule invokes the function, and disabling it is tampering."
  }
  assert {
    condition = contains(jsondecode(aws_iam_role_policy.this.policy).Statement, {
      Sid      = "CredentialLinks"
      Effect   = "Allow"
      Action   = "dynamodb:GetItem"
      Resource = "arn:aws:dynamodb:eu-west-1:123456789012:table/eks-audit-bot-dedup"
    })
    error_message = "The function reads the links back from the table only."
  }
}

run "no_state_table_no_credentials_rule" {
  command = plan

  assert {
    condition     = !contains(keys(aws_cloudwatch_event_rule.this), "credentials")
    error_message = "Without a table there is nowhere to keep links: no STS calls are delivered."
  }
}
