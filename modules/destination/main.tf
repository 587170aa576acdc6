# A CloudWatch Logs destination in one region: member accounts' subscription filters in that
# region deliver to it, and it writes to the central Kinesis stream, which may be in another
# region. A destination must be in the same region as the log groups that subscribe to it, so
# an organization needs one per region with clusters: the provider passed in picks the region
# (hashicorp/aws 5.x binds a provider configuration to one region).
data "aws_region" "current" {}

locals {
  organization = var.organization_id != null
  # Subscribing is PutSubscriptionFilter; an account-level subscription filter policy that
  # targets the destination is PutAccountPolicy.
  subscribe = ["logs:PutSubscriptionFilter", "logs:PutAccountPolicy"]
}

resource "aws_cloudwatch_log_destination" "this" {
  name       = var.eks_bot_name
  role_arn   = var.destination_role_arn
  target_arn = var.stream_arn
  tags       = var.tags
}

resource "aws_cloudwatch_log_destination_policy" "this" {
  destination_name = aws_cloudwatch_log_destination.this.name
  access_policy = local.organization ? jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Organization"
      Effect    = "Allow"
      Principal = "*"
      Action    = local.subscribe
      Resource  = aws_cloudwatch_log_destination.this.arn
      Condition = { StringEquals = { "aws:PrincipalOrgID" = var.organization_id } }
    }]
    }) : jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "MemberAccounts"
      Effect    = "Allow"
      Principal = { AWS = var.event_account_ids }
      Action    = local.subscribe
      Resource  = aws_cloudwatch_log_destination.this.arn
    }]
  })
}
