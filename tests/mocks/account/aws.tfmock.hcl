# The AWS provider as every suite of the root module sees it (mock_provider "aws" { source =
# "./tests/mocks/account" }): account 123456789012 in eu-west-1. Computed attributes the module
# reads (ARNs, ids) get realistic values; a suite overrides one inside its mock_provider block.

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:role/terraform"
    user_id    = "AROAEXAMPLEEXAMPLE:terraform"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition          = "aws"
    dns_suffix         = "amazonaws.com"
    reverse_dns_prefix = "com.amazonaws"
  }
}

mock_data "aws_region" {
  defaults = {
    id          = "eu-west-1"
    name        = "eu-west-1"
    endpoint    = "ec2.eu-west-1.amazonaws.com"
    description = "Europe (Ireland)"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/eks-audit-bot" }
}

mock_resource "aws_lambda_function" {
  defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:eks-audit-bot" }
}

mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/eks-audit-bot" }
}

mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:eu-west-1:123456789012:rule/eks-audit-bot-mocked" }
}

mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:eks-audit-bot-alerts" }
}

mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-11bb-22cc-33dd-444444eeeeee"
    key_id = "0000aaaa-11bb-22cc-33dd-444444eeeeee"
  }
}

mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:eks-audit-bot-on-failure"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/eks-audit-bot-on-failure"
  }
}

mock_resource "aws_dynamodb_table" {
  defaults = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/eks-audit-bot-dedup" }
}
