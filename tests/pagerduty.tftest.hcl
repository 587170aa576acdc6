# PagerDuty wiring (pagerduty.tf) against a mocked AWS provider: the page topic, PagerDuty's
# HTTPS subscription, what the function is told and allowed, and the inputs that are refused.

mock_provider "aws" {
  source = "./tests/mocks/account"
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:eks-audit-bot-pagerduty" }
  }
}

variables {
  # The names of earlier releases: eks_bot_name set (tests/naming.tftest.hcl derives them).
  eks_bot_name             = "eks-audit-bot"
  sns_topic_arn            = "arn:aws:sns:eu-west-1:123456789012:eks-alerts"
  aws_cloudwatch_log_group = "/aws/eks/prod/cluster"
}

run "no_pages_unless_asked" {
  command = plan

  assert {
    condition     = length(aws_sns_topic.pagerduty) == 0 && length(aws_sns_topic_subscription.pagerduty) == 0 && length(aws_iam_role_policy.pagerduty) == 0
    error_message = "Without a PagerDuty input the module creates no page topic, subscription or policy."
  }
  assert {
    condition     = !contains(keys(aws_lambda_function.this.environment[0].variables), "PAGERDUTY_TOPIC_ARN") && !contains(keys(aws_lambda_function.this.environment[0].variables), "PAGERDUTY_MIN_SEVERITY")
    error_message = "Without a PagerDuty input the function gets no PagerDuty settings."
  }
  assert {
    condition     = output.pagerduty_topic_arn == null
    error_message = "pagerduty_topic_arn output is null without PagerDuty."
  }
}

run "integration_url_creates_an_encrypted_topic_and_subscribes_pagerduty" {
  command = apply

  variables {
    pagerduty_integration_url = "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue"
    pagerduty_min_severity    = "critical"
  }

  assert {
    condition     = aws_sns_topic.pagerduty[0].name == "eks-audit-bot-pagerduty" && aws_sns_topic.pagerduty[0].kms_master_key_id == "alias/aws/sns"
    error_message = "The page topic is <eks_bot_name>-pagerduty, encrypted with the AWS managed SNS key by default."
  }
  assert {
    condition     = aws_sns_topic_subscription.pagerduty[0].protocol == "https" && nonsensitive(aws_sns_topic_subscription.pagerduty[0].endpoint == "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue") && aws_sns_topic_subscription.pagerduty[0].endpoint_auto_confirms
    error_message = "PagerDuty's integration URL must be subscribed over HTTPS, confirmed by PagerDuty."
  }
  assert {
    condition     = aws_sns_topic_subscription.pagerduty[0].topic_arn == aws_sns_topic.pagerduty[0].arn && jsondecode(aws_sns_topic_subscription.pagerduty[0].delivery_policy).healthyRetryPolicy.numRetries == 30
    error_message = "The subscription is on the page topic and retries a failing PagerDuty for most of an hour."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["PAGERDUTY_TOPIC_ARN"] == aws_sns_topic.pagerduty[0].arn && aws_lambda_function.this.environment[0].variables["PAGERDUTY_MIN_SEVERITY"] == "critical"
    error_message = "The function must be told the page topic and the minimum severity."
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.pagerduty[0].policy).Statement == [{
      Sid      = "PublishPages"
      Effect   = "Allow"
      Action   = "sns:Publish"
      Resource = "arn:aws:sns:eu-west-1:123456789012:eks-audit-bot-pagerduty"
    }]
    error_message = "The role may publish to the page topic and nothing more (the AWS managed key needs no grant)."
  }
  assert {
    condition     = output.pagerduty_topic_arn == aws_sns_topic.pagerduty[0].arn
    error_message = "pagerduty_topic_arn output is the created topic."
  }
}

run "own_topic_with_a_customer_managed_key" {
  command = apply

  variables {
    pagerduty_topic_arn         = "arn:aws:sns:us-east-1:123456789012:pages"
    pagerduty_topic_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = length(aws_sns_topic.pagerduty) == 0 && length(aws_sns_topic_subscription.pagerduty) == 0
    error_message = "A passed topic is used as it is: no topic or subscription created."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["PAGERDUTY_TOPIC_ARN"] == "arn:aws:sns:us-east-1:123456789012:pages" && aws_lambda_function.this.environment[0].variables["PAGERDUTY_MIN_SEVERITY"] == "high"
    error_message = "The function must page to the passed topic, at high and above by default."
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.pagerduty[0].policy).Statement == [
      {
        Sid      = "PublishPages"
        Effect   = "Allow"
        Action   = "sns:Publish"
        Resource = "arn:aws:sns:us-east-1:123456789012:pages"
      },
      {
        Sid      = "EncryptedPageTopic"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      },
    ]
    error_message = "The role may publish to the passed topic and use its key, nothing more."
  }
}

run "integration_url_must_be_pagerduty_cloudwatch_integration" {
  command = plan
  variables { pagerduty_integration_url = "https://events.pagerduty.com/v2/enqueue" }
  expect_failures = [var.pagerduty_integration_url]
}

run "page_topic_must_be_standard" {
  command = plan
  variables { pagerduty_topic_arn = "arn:aws:sns:eu-west-1:123456789012:pages.fifo" }
  expect_failures = [var.pagerduty_topic_arn]
}

run "url_or_topic_not_both" {
  command = plan
  variables {
    pagerduty_integration_url = "https://events.eu.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue"
    pagerduty_topic_arn       = "arn:aws:sns:eu-west-1:123456789012:pages"
  }
  expect_failures = [var.pagerduty_topic_arn]
}

run "min_severity_must_be_a_severity" {
  command = plan
  variables { pagerduty_min_severity = "urgent" }
  expect_failures = [var.pagerduty_min_severity]
}

run "page_topic_key_must_be_a_key_arn" {
  command = plan
  variables { pagerduty_topic_kms_key_arn = "alias/aws/sns" }
  expect_failures = [var.pagerduty_topic_kms_key_arn]
}
