# The AWS provider as the sub-modules' suites see it (modules/*/tests: mock_provider "aws" {
# source = "../../tests/mocks/organization" }): the central account 999999999999 in eu-west-1.
# The member and destination suites override the region (and the member's role) inline.

mock_data "aws_caller_identity" {
  defaults = { account_id = "999999999999" }
}

mock_data "aws_partition" {
  defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
}

mock_data "aws_region" {
  defaults = { id = "eu-west-1", name = "eu-west-1" }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-1:999999999999:log-group:/aws/lambda/eks-audit-bot" }
}

mock_resource "aws_lambda_function" {
  defaults = { arn = "arn:aws:lambda:eu-west-1:999999999999:function:eks-audit-bot" }
}

mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::999999999999:role/eks-audit-bot" }
}

mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:eu-west-1:999999999999:eks-audit-bot-on-failure"
    url = "https://sqs.eu-west-1.amazonaws.com/999999999999/eks-audit-bot-on-failure"
  }
}

mock_resource "aws_dynamodb_table" {
  defaults = { arn = "arn:aws:dynamodb:eu-west-1:999999999999:table/eks-audit-bot-dedup" }
}

mock_resource "aws_kinesis_stream" {
  defaults = { arn = "arn:aws:kinesis:eu-west-1:999999999999:stream/eks-audit-bot" }
}

mock_resource "aws_cloudwatch_log_destination" {
  defaults = { arn = "arn:aws:logs:eu-west-1:999999999999:destination:eks-audit-bot" }
}

mock_resource "aws_cloudwatch_event_bus" {
  defaults = { arn = "arn:aws:events:eu-west-1:999999999999:event-bus/eks-audit-bot" }
}

mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:eu-west-1:999999999999:rule/eks-audit-bot/eks-audit-bot-forwarded" }
}
