# The stream every member account's audit log arrives on, and what writes to it: CloudWatch
# Logs destinations, through a role that may only put records on this stream.
locals {
  provisioned = var.stream.mode == "PROVISIONED"
  # Customer managed key: the writers need GenerateDataKey and the function Decrypt on it.
  # With the AWS managed key (aws/kinesis) Kinesis grants both to principals of the account.
  stream_cmk_arn = var.stream.kms_key_arn
}

resource "aws_kinesis_stream" "this" {
  name             = var.eks_bot_name
  shard_count      = local.provisioned ? var.stream.shard_count : null
  retention_period = var.stream.retention_in_hours
  encryption_type  = "KMS"
  kms_key_id       = coalesce(local.stream_cmk_arn, "alias/aws/kinesis")

  stream_mode_details {
    stream_mode = var.stream.mode
  }

  tags = var.tags
}

resource "aws_iam_role" "destination" {
  name        = "${var.eks_bot_name}-logs"
  description = "Lets CloudWatch Logs destinations put member accounts' audit logs on ${var.eks_bot_name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid       = "Destinations"
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { Service = "logs.amazonaws.com" }
        # Deliveries for this account's destinations and, per AWS's cross-account guide, for
        # the sending accounts' log groups.
        Condition = { StringLike = { "aws:SourceArn" = [
          for account in concat([local.account_id], var.event_account_ids) :
          "arn:${local.partition}:logs:*:${account}:*"
        ] } }
      }],
      local.organization ? [{
        Sid       = "Organization"
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { Service = "logs.amazonaws.com" }
        Condition = { StringEquals = { "aws:SourceOrgID" = var.organization_id } }
      }] : [],
    )
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "destination" {
  name = "put-records"
  role = aws_iam_role.destination.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "PutRecords"
        Effect   = "Allow"
        Action   = ["kinesis:PutRecord", "kinesis:PutRecords"]
        Resource = aws_kinesis_stream.this.arn
      }],
      local.stream_cmk_arn == null ? [] : [{
        Sid      = "EncryptRecords"
        Effect   = "Allow"
        Action   = "kms:GenerateDataKey"
        Resource = local.stream_cmk_arn
      }],
    )
  })
}

module "destination" {
  source = "../destination"

  eks_bot_name         = var.eks_bot_name
  stream_arn           = aws_kinesis_stream.this.arn
  destination_role_arn = aws_iam_role.destination.arn
  organization_id      = var.organization_id
  event_account_ids    = var.event_account_ids
  tags                 = var.tags

  # CloudWatch Logs tests the role when the destination is created.
  depends_on = [aws_iam_role_policy.destination]
}
