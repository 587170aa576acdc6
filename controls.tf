# Operators' controls (lambda/eks_audit_bot/output/controls.py): mutes and burst windows in the
# state table, a schedule that flushes windows and announces mutes that began or ended, and
# Security Hub findings.
locals {
  state_table = var.create_dedup_table || var.dedup_table_name != null
  controls_environment = { for name, value in {
    GROUP_WINDOW_MINUTES   = var.group_window_minutes == 0 ? null : tostring(var.group_window_minutes)
    SECURITY_HUB_FINDINGS  = var.security_hub_findings ? "true" : null
    SECURITY_HUB_ROLE_NAME = var.security_hub_findings ? var.security_hub_role_name : null
    # Each with who applied it (the caller of this plan): announced as the one who set it.
    MUTES = length(var.mutes) == 0 ? null : jsonencode([for mute in var.mutes : {
      rule   = mute.rule, actor = mute.actor, cluster = mute.cluster, namespace = mute.namespace,
      reason = mute.reason, expires = mute.expires, include_critical = mute.include_critical,
      set_by = data.aws_caller_identity.current.arn
    }])
  } : name => value if value != null }
}

# Every minute while there is a state table: a mute's end is announced by the first tick after
# it, and a burst window's summary goes out within a minute of its closing.
resource "aws_cloudwatch_event_rule" "tick" {
  count = local.state_table ? 1 : 0

  name                = "${local.name}-tick"
  description         = "Flushes burst windows and announces mutes for the ${local.name} function"
  schedule_expression = "rate(1 minute)"
  tags                = merge(var.tags, var.event_rule_tags)
}

resource "aws_lambda_permission" "tick" {
  count = local.state_table ? 1 : 0

  statement_id   = "events-tick"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "events.amazonaws.com"
  source_arn     = aws_cloudwatch_event_rule.tick[0].arn
  source_account = local.account_id
}

resource "aws_cloudwatch_event_target" "tick" {
  count = local.state_table ? 1 : 0

  rule      = aws_cloudwatch_event_rule.tick[0].name
  target_id = "function"
  arn       = aws_lambda_function.this.arn

  depends_on = [aws_lambda_permission.tick]
}

resource "aws_iam_role_policy" "controls" {
  count = local.state_table || var.security_hub_findings ? 1 : 0

  name = "operator-controls"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      local.state_table ? [{
        Sid    = "StateTableReads"
        Effect = "Allow"
        # Mutes: the index item and the mutes it lists; windows: the tick's scan for closed ones.
        Action   = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Scan"]
        Resource = local.dedup_table_arn
      }] : [],
      var.security_hub_findings ? [{
        Sid      = "ImportFindings"
        Effect   = "Allow"
        Action   = "securityhub:BatchImportFindings"
        Resource = "arn:${local.partition}:securityhub:${local.region}:${local.account_id}:product/${local.account_id}/default"
      }] : [],
      var.security_hub_findings && var.security_hub_role_name != null ? [{
        Sid      = "ImportFindingsInMemberAccounts"
        Effect   = "Allow"
        Action   = "sts:AssumeRole"
        Resource = "arn:${local.partition}:iam::*:role/${var.security_hub_role_name}"
      }] : [],
    )
  })
}
