locals {
  # The action the function's role needs on a given on-failure destination, by service.
  on_failure_actions = {
    sqs    = "sqs:SendMessage"
    sns    = "sns:Publish"
    lambda = "lambda:InvokeFunction"
    events = "events:PutEvents"
  }

  policy_statements = concat(
    [
      {
        Sid      = "OwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this.arn}:*"
      },
      {
        Sid    = "PublishAlerts"
        Effect = "Allow"
        Action = "sns:Publish"
        # The created topic by reference, so the policy (and the function after it) waits for it.
        Resource = var.create_sns_topic ? aws_sns_topic.this[0].arn : var.sns_topic_arn
      },
    ],
    local.sns_topic_kms_key_arn == null ? [] : [
      {
        Sid      = "EncryptedTopic"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource = local.sns_topic_kms_key_arn
        # Only when SNS uses the key for a publish, never directly.
        Condition = { StringEquals = { "kms:ViaService" = local.sns_via_service } }
      },
    ],
    local.dedup_table_arn == null ? [] : [
      {
        # The person behind a generic role session: one link per credential an STS call
        # issued, written (dedup.tf's PutItem) and read back by its hashed id.
        Sid      = "CredentialLinks"
        Effect   = "Allow"
        Action   = "dynamodb:GetItem"
        Resource = local.dedup_table_arn
      },
    ],
    !var.credential_lookup ? [] : [
      {
        # The person behind a generic role session: the STS call that issued its credential.
        # LookupEvents has no resource-level permissions.
        Sid      = "CredentialLookup"
        Effect   = "Allow"
        Action   = "cloudtrail:LookupEvents"
        Resource = "*"
      },
    ],
    local.on_failure_destination_arn == null ? [] : [
      {
        Sid      = "OnFailureDestination"
        Effect   = "Allow"
        Action   = local.on_failure_actions[split(":", local.on_failure_destination_arn)[2]]
        Resource = local.on_failure_destination_arn
      },
    ],
  )
}

resource "aws_iam_role" "this" {
  name                 = local.name
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary
  description          = "Execution role of the ${local.name} Lambda function"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = "sts:AssumeRole"
      # The same principal name in every partition.
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  tags = merge(var.tags, var.role_tags)
}

resource "aws_iam_role_policy" "this" {
  name = "least-privilege"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.policy_statements
  })
}
