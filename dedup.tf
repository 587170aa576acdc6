# The dedup table: one item per published alert's action, written by Powertools' idempotency
# persistence layer (partition key `id`, TTL attribute `expiration`). Items expire by TTL, so the
# table stays small; pay per request because alerts are rare and bursty.
locals {
  dedup_table_name = var.create_dedup_table ? coalesce(var.dedup_table_name, "${local.name}-dedup") : var.dedup_table_name
  dedup_table_arn = (
    var.create_dedup_table ? aws_dynamodb_table.dedup[0].arn :
    var.dedup_table_name == null ? null :
    "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${var.dedup_table_name}"
  )
}

resource "aws_dynamodb_table" "dedup" {
  #checkov:skip=CKV_AWS_28:The items are claims that expire within the TTL (a day by default); a restored table would hold nothing worth having, and losing them costs at most one repeated alert.
  #checkov:skip=CKV_AWS_119:The items hold a hash of each alerted action and its status, no audit content; the AWS managed key (aws/dynamodb) encrypts them and logs its use in CloudTrail.
  count = var.create_dedup_table ? 1 : 0

  name         = local.dedup_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  ttl {
    attribute_name = "expiration"
    enabled        = true
  }

  # With the AWS managed key (aws/dynamodb) rather than the AWS owned default, so that key use
  # shows in CloudTrail.
  server_side_encryption {
    enabled = true
  }

  tags = merge(var.tags, var.dedup_table_tags)
}

resource "aws_iam_role_policy" "dedup" {
  count = var.create_dedup_table || var.dedup_table_name != null ? 1 : 0

  name = "dedup-table"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "DedupTable"
      Effect = "Allow"
      # Claim (conditional put), confirm (update) and release (delete) one item per alert.
      Action   = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      Resource = local.dedup_table_arn
    }]
  })
}
