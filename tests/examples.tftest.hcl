# examples/complete planned against mocked providers: the Slack channel through Amazon Q
# Developer in chat applications (which moto cannot create, so the moto apply in
# tests/test_terraform.py leaves the Slack ids unset) is wired to the module's encrypted topic.

mock_provider "aws" {
  source = "./tests/mocks/account"
  mock_data "aws_region" {
    defaults = { id = "us-east-1", name = "us-east-1" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/eks-audit-bot-chat" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:eks-audit-bot-alerts" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/0000aaaa-11bb-22cc-33dd-444444eeeeee" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/eks-audit-bot" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:us-east-1:123456789012:function:eks-audit-bot" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:us-east-1:123456789012:eks-audit-bot-on-failure" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:us-east-1:123456789012:rule/eks-audit-bot-mocked" }
  }
}

mock_provider "aws" {
  alias = "chat"
}

run "complete_example_wires_slack_to_the_encrypted_topic" {
  command = apply

  module {
    source = "./examples/complete"
  }

  variables {
    slack_team_id    = "T0123456789"
    slack_channel_id = "C0123456789"
  }

  assert {
    condition     = aws_chatbot_slack_channel_configuration.alerts[0].sns_topic_arns == toset(["arn:aws:sns:us-east-1:123456789012:eks-audit-bot-alerts"]) && output.sns_topic_arn == "arn:aws:sns:us-east-1:123456789012:eks-audit-bot-alerts"
    error_message = "The Slack channel must list the module's topic, so Amazon Q Developer subscribes to it."
  }
  assert {
    condition     = aws_chatbot_slack_channel_configuration.alerts[0].slack_team_id == "T0123456789" && aws_chatbot_slack_channel_configuration.alerts[0].slack_channel_id == "C0123456789" && aws_chatbot_slack_channel_configuration.alerts[0].iam_role_arn == aws_iam_role.chat[0].arn
    error_message = "The channel configuration uses the workspace, channel and channel role given."
  }
  assert {
    condition     = aws_chatbot_slack_channel_configuration.alerts[0].guardrail_policy_arns == tolist(["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]) && aws_chatbot_slack_channel_configuration.alerts[0].user_authorization_required
    error_message = "The channel is capped at reading CloudWatch, each person with their own role."
  }
  assert {
    condition     = jsondecode(aws_iam_role.chat[0].assume_role_policy).Statement[0].Principal == { Service = "chatbot.amazonaws.com" }
    error_message = "Only Amazon Q Developer in chat applications may assume the channel role."
  }
  assert {
    condition     = output.sns_topic_kms_key_arn == "arn:aws:kms:us-east-1:123456789012:key/0000aaaa-11bb-22cc-33dd-444444eeeeee"
    error_message = "The example's topic must be encrypted with the key the module created."
  }
}

run "complete_example_without_slack_ids_creates_no_channel" {
  command = plan

  module {
    source = "./examples/complete"
  }

  assert {
    condition     = length(aws_chatbot_slack_channel_configuration.alerts) == 0 && length(aws_iam_role.chat) == 0
    error_message = "Without a Slack workspace and channel id nothing chat-related is created."
  }
}
