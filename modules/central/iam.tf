# What the central function needs beyond the root module's role: reading the stream.
resource "aws_iam_role_policy" "stream" {
  name = "read-stream"
  role = module.function.role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid    = "ReadStream"
          Effect = "Allow"
          Action = [
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
            "kinesis:SubscribeToShard",
          ]
          Resource = aws_kinesis_stream.this.arn
        },
        {
          Sid      = "ListStreams"
          Effect   = "Allow"
          Action   = "kinesis:ListStreams"
          Resource = "*"
        },
      ],
      local.stream_cmk_arn == null ? [] : [{
        Sid      = "DecryptRecords"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = local.stream_cmk_arn
      }],
    )
  })
}
