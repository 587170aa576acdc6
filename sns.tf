# The alert topic: passed in (`sns_topic_arn`) or created here, always encrypted with KMS when
# created, with optional email and HTTPS subscriptions filtered on the message attributes.
locals {
  sns_topic_name = coalesce(var.sns_topic_name, "${local.name}-alerts")

  # An SNS topic ARN is fully determined by partition, region, account and name, so the ARN of
  # a topic created here is known at plan: the environment size check, the cross-region check
  # and `terraform plan` output all see the real value.
  created_sns_topic_arn = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.sns_topic_name}"
  sns_topic_arn         = var.create_sns_topic ? local.created_sns_topic_arn : var.sns_topic_arn
  sns_topic_region      = split(":", local.sns_topic_arn)[3]
  sns_topic_partition   = split(":", local.sns_topic_arn)[1]

  create_sns_kms_key    = var.create_sns_topic && var.sns_topic_kms_key_arn == null
  sns_topic_kms_key_arn = local.create_sns_kms_key ? aws_kms_key.sns[0].arn : var.sns_topic_kms_key_arn

  # KMS calls the function makes through SNS carry this kms:ViaService value; the topic's own
  # region, which may differ from the function's.
  sns_via_service = "sns.${local.sns_topic_region}.${data.aws_partition.current.dns_suffix}"

  # The SNS message attributes every alert carries (the contract in DESIGN.md and the README;
  # digests add `digest`), and the values of those that are enumerations.
  # RFC 5321 in the common form SNS delivers to: dot-separated atoms, a domain of dot-separated
  # labels (no empty label: no consecutive, leading or trailing dot) and a top-level domain.
  email_address_pattern = "^[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$"
  message_attributes    = ["severity", "source", "cluster", "account", "namespace", "verb", "resource", "actor", "rule", "outcome", "digest"]
  message_attribute_values = {
    severity = ["critical", "high", "medium", "low"]
    source   = ["audit-log", "cloudtrail", "health"]
    outcome  = ["allowed", "denied", "failed"]
  }

  # Subscriptions keyed by their endpoint: adding or removing one never replaces the others.
  sns_subscriptions = merge(
    { for sub in var.email_subscriptions : "email:${sub.address}" => {
      protocol = "email", endpoint = sub.address, filter_policy = sub.filter_policy
    } },
    { for sub in var.https_subscriptions : "https:${sub.endpoint}" => {
      protocol = "https", endpoint = sub.endpoint, filter_policy = sub.filter_policy
    } },
  )
}

resource "aws_kms_key" "sns" {
  count = local.create_sns_kms_key ? 1 : 0

  description         = "Encrypts the ${local.sns_topic_name} SNS topic of ${local.name} (EKS audit alerts)"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Without this statement nobody, not even the account's administrators, could manage
        # or delete the key; IAM policies in the account then decide who may.
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "FunctionPublishesThroughSns"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.this.arn }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:ViaService" = local.sns_via_service } }
      },
      {
        # SNS decrypts stored messages to deliver them to the topic's subscribers.
        Sid       = "SnsDeliversThisTopic"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = local.created_sns_topic_arn }
        }
      },
    ]
  })
  tags = merge(var.tags, var.sns_topic_tags)
}

resource "aws_kms_alias" "sns" {
  count = local.create_sns_kms_key ? 1 : 0

  name          = "alias/${local.sns_topic_name}"
  target_key_id = aws_kms_key.sns[0].key_id
}

resource "aws_sns_topic" "this" {
  count = var.create_sns_topic ? 1 : 0

  name              = local.sns_topic_name
  display_name      = "EKS audit alerts"
  kms_master_key_id = local.sns_topic_kms_key_arn
  tags              = merge(var.tags, var.sns_topic_tags)
}

resource "aws_sns_topic_subscription" "this" {
  for_each = var.create_sns_topic ? local.sns_subscriptions : {}

  topic_arn           = aws_sns_topic.this[0].arn
  protocol            = each.value.protocol
  endpoint            = each.value.endpoint
  filter_policy_scope = length(each.value.filter_policy) == 0 ? null : "MessageAttributes"
  filter_policy       = length(each.value.filter_policy) == 0 ? null : jsonencode(each.value.filter_policy)
}
