# PagerDuty pages. PagerDuty takes SNS notifications through its Amazon CloudWatch integration,
# which reads a notification's Subject and body as a CloudWatch alarm's (`ALARM: ...` and the
# alarm JSON). The function writes pages in that form to a topic of their own: the alert topic's
# Subject goes to every subscriber and its https body to every https subscriber (chat too), so
# pages cannot share it. See lambda/eks_audit_bot/rendering/pagerduty.py and examples/pagerduty.

locals {
  # The URL is sensitive; whether it is set is not.
  create_pagerduty_topic = nonsensitive(var.pagerduty_integration_url != null)
  pagerduty_enabled      = local.create_pagerduty_topic || var.pagerduty_topic_arn != null
  pagerduty_topic_arn    = local.create_pagerduty_topic ? aws_sns_topic.pagerduty[0].arn : var.pagerduty_topic_arn

  pagerduty_environment = local.pagerduty_enabled ? {
    PAGERDUTY_TOPIC_ARN    = local.pagerduty_topic_arn
    PAGERDUTY_MIN_SEVERITY = var.pagerduty_min_severity
  } : {}
}

resource "aws_sns_topic" "pagerduty" {
  count = local.create_pagerduty_topic ? 1 : 0

  name = "${local.name}-pagerduty"
  # Encrypted at rest; the AWS managed key needs no key policy or grant for the function.
  kms_master_key_id = coalesce(var.pagerduty_topic_kms_key_arn, "alias/aws/sns")
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "pagerduty" {
  count = local.create_pagerduty_topic ? 1 : 0

  topic_arn = aws_sns_topic.pagerduty[0].arn
  protocol  = "https"
  endpoint  = var.pagerduty_integration_url
  # PagerDuty's integration endpoint confirms the subscription itself.
  endpoint_auto_confirms = true
  # SNS retries an HTTPS endpoint 3 times within 20 s by default; a page must outlive a short
  # PagerDuty or network outage: 30 tries over about 50 minutes (SNS allows up to an hour).
  delivery_policy = jsonencode({
    healthyRetryPolicy = {
      numRetries         = 30
      numNoDelayRetries  = 2
      minDelayTarget     = 5
      numMinDelayRetries = 3
      maxDelayTarget     = 120
      numMaxDelayRetries = 20
      backoffFunction    = "exponential"
    }
  })
}

resource "aws_iam_role_policy" "pagerduty" {
  count = local.pagerduty_enabled ? 1 : 0

  name = "pagerduty"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "PublishPages"
          Effect   = "Allow"
          Action   = "sns:Publish"
          Resource = local.pagerduty_topic_arn
        },
      ],
      var.pagerduty_topic_kms_key_arn == null ? [] : [
        {
          Sid      = "EncryptedPageTopic"
          Effect   = "Allow"
          Action   = ["kms:GenerateDataKey*", "kms:Decrypt"]
          Resource = var.pagerduty_topic_kms_key_arn
        },
      ],
    )
  })
}
