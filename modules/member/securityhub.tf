# Security Hub findings in this account (docs/operator-controls.md): BatchImportFindings takes
# findings only for the caller's own account, so the central function imports this account's
# findings through this role. IAM is global: create it in one region's instance only.
data "aws_caller_identity" "current" {}

resource "aws_iam_role" "security_hub" {
  count = var.security_hub_central_role_arn == null ? 0 : 1

  name        = var.security_hub_role_name
  description = "Lets the central eks-audit-bot function import this account's alerts into Security Hub"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.security_hub_central_role_arn }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "security_hub" {
  count = var.security_hub_central_role_arn == null ? 0 : 1

  name = "import-findings"
  role = aws_iam_role.security_hub[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = "securityhub:BatchImportFindings"
      # This account's default product, in whichever region the central function imports.
      Resource = "arn:${data.aws_partition.current.partition}:securityhub:*:${data.aws_caller_identity.current.account_id}:product/${data.aws_caller_identity.current.account_id}/default"
    }]
  })
}
