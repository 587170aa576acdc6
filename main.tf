data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # `id` is the region's name in AWS provider 5 and 6; `name` is deprecated in 6 and `region`
  # does not exist in 5.
  region = data.aws_region.current.id

  # Cluster name => its control-plane log group; one subscription filter (and permission) each.
  log_group_names = concat(compact([var.aws_cloudwatch_log_group]), var.aws_cloudwatch_log_groups)
  clusters        = { for name in local.log_group_names : regex("^/aws/eks/([^/]+)/cluster$", name)[0] => name }

  # Every name starts with `name`: eks_bot_name when set (the names of earlier releases), else
  # one derived from the first watched cluster, so that one instance per cluster (or group of
  # clusters) needs no naming at all. At most 40 characters: the longest suffix within a
  # 64-character limit is the EventBridge rule's `-eks-api`, and the name recurs a dozen times in
  # the tamper rule's pattern (2048 characters). A longer cluster name keeps a prefix and
  # 8 hex characters of its SHA-256, so two clusters never share a name.
  name_cluster = length(local.log_group_names) == 0 ? "" : regex("^/aws/eks/([^/]+)/cluster$", local.log_group_names[0])[0]
  derived_name = local.name_cluster == "" ? "eks-audit-bot" : (
    length(local.name_cluster) <= 26 ? "eks-audit-bot-${local.name_cluster}" :
    "eks-audit-bot-${substr(local.name_cluster, 0, 17)}-${substr(sha256(local.name_cluster), 0, 8)}"
  )
  name = coalesce(var.eks_bot_name, local.derived_name)

  # Names derived from a cluster name must stay unique and within AWS limits (cluster names run
  # to 100 characters): `cluster_name_ids` gives at most 40 characters, the name itself when it
  # fits, else a prefix and 8 hex characters of its SHA-256. Use it for names with tight limits
  # (alarm, rule, statement names), `local.clusters` keys for map keys.
  cluster_name_ids = {
    for cluster in keys(local.clusters) : cluster =>
    length(cluster) <= 40 ? cluster : "${substr(cluster, 0, 31)}-${substr(sha256(cluster), 0, 8)}"
  }
  # Lambda permission statement ids: at most 100 characters. Unchanged for names that fit, so
  # existing permissions are not replaced.
  logs_statement_ids = {
    for cluster in keys(local.clusters) : cluster =>
    length("logs-${cluster}") <= 100 ? "logs-${cluster}" : "logs-${local.cluster_name_ids[cluster]}"
  }

  # The zip is built by lambda/build.py and committed, byte for byte reproducible: the Terraform
  # runner needs no Python, pip or archive provider, and the path stays valid with split
  # plan/apply, Terraform Cloud and Terragrunt's module cache. `make test` fails if it is stale.
  function_zip = "${path.module}/lambda/eks-audit-bot.zip"

  # Powertools comes from the AWS-managed public layer; its publisher account differs by
  # partition and it is not published everywhere (set powertools_layer_arn there).
  powertools_layer_version = 27
  powertools_layer_accounts = {
    aws      = "017000801446"
    "aws-cn" = "498634801083"
  }
  powertools_layer_arn = coalesce(var.powertools_layer_arn, format(
    "arn:%s:lambda:%s:%s:layer:AWSLambdaPowertoolsPythonV3-%s-%s:%d",
    local.partition, local.region, lookup(local.powertools_layer_accounts, local.partition, "unknown"),
    replace(var.runtime, ".", ""), var.architecture, local.powertools_layer_version,
  ))

  # Rule ids users may disable or re-rate: the shipped catalogs (also in the function zip) and
  # their own custom rules.
  kube_rule_ids = concat(
    [for rule in jsondecode(file("${path.module}/lambda/eks_audit_bot/kube/rules.json")).rules : rule.id],
    [for rule in var.custom_rules : rule.id],
  )
  rule_ids = concat(
    local.kube_rule_ids,
    [for rule in jsondecode(file("${path.module}/lambda/eks_audit_bot/aws/rules.json")).rules : rule.id],
  )
  # What the function accepts in a rule's `match` (kube/rule_model.py); the predicate
  # names come from the file a test keeps equal to the function's registry.
  custom_rule_match_keys = ["verbs", "resources", "subresources", "namespaces", "names", "api_groups", "predicates"]
  predicate_names        = jsondecode(file("${path.module}/lambda/eks_audit_bot/kube/predicates.json")).predicates

  on_failure_destination_arn = var.create_on_failure_queue ? aws_sqs_queue.on_failure[0].arn : var.on_failure_destination_arn

  environment = merge({ for name, value in {
    SNS_TOPIC_ARN                = local.sns_topic_arn
    ACCOUNT_ID                   = coalesce(var.account_id, local.account_id)
    ACCOUNT_NAME                 = var.account_name
    POWERTOOLS_SERVICE_NAME      = "eks-audit-bot"
    POWERTOOLS_METRICS_NAMESPACE = "EksAuditBot"
    POWERTOOLS_LOG_LEVEL         = var.log_level
    MIN_SEVERITY                 = var.min_severity
    ALERT_ON_AUTOMATION          = tostring(var.alert_on_automation)
    AUTOMATION_PRINCIPALS        = jsonencode(var.automation_principals)
    AUTOMATION_USER_AGENTS       = jsonencode(var.automation_user_agents)
    DIGEST_THRESHOLD             = tostring(var.digest_threshold)
    MAX_ALERTS_PER_INVOCATION    = tostring(var.max_alerts_per_invocation)
    DISABLED_RULES               = jsonencode(var.disabled_rules)
    RULE_SEVERITIES              = jsonencode(var.rule_severities)
    CUSTOM_RULES = jsonencode([for rule in var.custom_rules : {
      id          = rule.id
      title       = rule.title
      severity    = rule.severity
      explanation = rule.explanation
      runbook     = rule.runbook
      match = merge(
        { for key, values in rule.match : key => values if values != null },
        { for repeats in compact([rule.repeats == null ? "" : "set"]) : "repeats" => rule.repeats },
      )
    }])
    RULE_EXCEPTIONS      = jsonencode(var.rule_exceptions)
    HTTPS_FORMAT         = var.https_format
    PROTECTED_NAMESPACES = jsonencode(var.protected_namespaces)
    TRUSTED_SOURCE_CIDRS = jsonencode(var.trusted_source_cidrs)
    CREDENTIAL_LOOKUP    = tostring(var.credential_lookup)
    # CloudTrail and alarms: which clusters' EKS API calls alert, and the name the module's own
    # function, rules and alarms start with.
    EKS_BOT_NAME            = local.name
    WATCHED_CLUSTERS        = jsonencode(keys(local.clusters))
    CLOUDTRAIL_ALL_CLUSTERS = tostring(var.cloudtrail_all_clusters)
    # What else the function watches beyond `<eks_bot_name>-*` (aws/watched.json): the keys
    # that encrypt the topics and logs, and whose EventBridge events it believes.
    WATCHED_KMS_KEYS  = jsonencode(compact([local.sns_topic_kms_key_arn, var.cloudwatch_logs_kms_key_arn, var.pagerduty_topic_kms_key_arn]))
    EVENT_ACCOUNT_IDS = jsonencode(distinct(concat([local.account_id], var.event_account_ids)))
    ORGANIZATION_ID   = var.organization_id
    DEDUP_TABLE_NAME  = local.dedup_table_name
    DEDUP_TTL_SECONDS = local.dedup_table_name == null ? null : tostring(var.dedup_ttl_in_seconds)
    ACCOUNT_NAMES     = length(var.account_names) == 0 ? null : jsonencode(var.account_names)
  } : name => value if value != null }, local.pagerduty_environment, local.controls_environment)

  # Lambda refuses an environment over 4 KB (keys and values together); counted in UTF-8 bytes
  # (from the base64 length, Terraform has no byte count) so it fails at plan, not at apply.
  # A page topic created here has no ARN until apply; its ARN is predictable, so count that.
  environment_at_plan = merge(local.environment, local.create_pagerduty_topic ? {
    PAGERDUTY_TOPIC_ARN = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.name}-pagerduty"
  } : {})
  environment_bytes = { for name, value in local.environment_at_plan : name => length(name) + (
    length(base64encode(value)) / 4 * 3 - (endswith(base64encode(value), "==") ? 2 : endswith(base64encode(value), "=") ? 1 : 0)
  ) }
  environment_size = sum(concat([0], values(local.environment_bytes)))
  environment_largest = slice(reverse(sort([
    for name, bytes in local.environment_bytes : format("%06d %s", bytes, name)
  ])), 0, min(3, length(local.environment_bytes)))
}

# A warning, not an error: existing configurations keep applying. User agents used to make a
# request automation on their own; anyone can send any user agent, so now they only narrow
# automation_principals and, alone, silence nobody.
check "automation_user_agents_narrow_principals" {
  assert {
    condition     = length(var.automation_user_agents) == 0 || length(var.automation_principals) > 0
    error_message = "automation_user_agents only narrow automation_principals (a principal counts as automation with one of these user agents); without automation_principals they silence nobody. Name the CI or GitOps identity in automation_principals."
  }
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:The function's own logs are operational (skip reasons, delivery errors), 30 days by default to keep cost down; the audit record is the EKS log group and CloudTrail. cloudwatch_logs_retention_in_days keeps them longer.
  name              = "/aws/lambda/${local.name}"
  retention_in_days = var.cloudwatch_logs_retention_in_days
  kms_key_id        = var.cloudwatch_logs_kms_key_arn
  tags              = merge(var.tags, var.log_group_tags)
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Failed asynchronous invocations go to the on-failure destination (create_on_failure_queue / on_failure_destination_arn), which supersedes a dead-letter queue and keeps the whole invocation record.
  #checkov:skip=CKV_AWS_117:The function calls only public AWS APIs (SNS, KMS through SNS, CloudWatch Logs) and nothing in a VPC; a VPC would need NAT or endpoints and add nothing.
  #checkov:skip=CKV_AWS_272:The code is a committed, byte-for-byte reproducible zip pinned by filebase64sha256; make test fails when it differs from a fresh build of the reviewed sources.
  #checkov:skip=CKV_AWS_173:The environment holds settings only (topic ARN, rule tuning), never secrets; Lambda encrypts it at rest with its AWS-managed key.
  #checkov:skip=CKV_AWS_50:One SNS call per batch, covered by structured logs and EMF metrics; X-Ray would add cost and a permission for no insight.
  function_name                  = local.name
  description                    = "Alerts on manual actions in EKS clusters (audit log to SNS)"
  role                           = aws_iam_role.this.arn
  handler                        = "eks_audit_bot.handler.lambda_handler"
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  filename                       = local.function_zip
  source_code_hash               = filebase64sha256(local.function_zip)
  timeout                        = var.timeout
  memory_size                    = var.memory_limit
  reserved_concurrent_executions = var.reserved_concurrent_executions
  layers                         = [local.powertools_layer_arn]
  tags                           = merge(var.tags, var.function_tags)

  environment {
    variables = local.environment
  }

  lifecycle {
    precondition {
      condition     = var.powertools_layer_arn != null || contains(keys(local.powertools_layer_accounts), local.partition)
      error_message = "No AWS-managed Powertools layer is known for partition ${local.partition}: set powertools_layer_arn."
    }
    precondition {
      condition     = local.environment_size <= 4096
      error_message = "The function's environment variables take ${local.environment_size} bytes; Lambda allows 4096 (keys and values together). Largest: ${join(", ", [for entry in local.environment_largest : "${split(" ", entry)[1]} (${tonumber(split(" ", entry)[0])} bytes)"])}. Shorten the inputs behind them (custom_rules, automation_principals, ...)."
    }
    precondition {
      condition     = local.sns_topic_partition == local.partition
      error_message = "sns_topic_arn is in partition ${local.sns_topic_partition}, the function in ${local.partition}: SNS cannot publish across partitions."
    }
  }

  # The log group must exist first, or Lambda creates it without retention and encryption.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this, aws_iam_role_policy.pagerduty, aws_iam_role_policy.dedup]
}

resource "aws_lambda_permission" "logs" {
  for_each = local.clusters

  statement_id   = local.logs_statement_ids[each.key]
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "logs.${local.region}.${data.aws_partition.current.dns_suffix}"
  source_arn     = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${each.value}:*"
  source_account = local.account_id
}

resource "aws_cloudwatch_log_subscription_filter" "this" {
  for_each = local.clusters

  name            = local.name
  log_group_name  = each.value
  filter_pattern  = local.filter_pattern
  destination_arn = aws_lambda_function.this.arn

  lifecycle {
    precondition {
      condition     = length(local.filter_pattern) <= 1024
      error_message = "The filter pattern generated from watch must be at most 1024 characters (the CloudWatch Logs limit); it has ${length(local.filter_pattern)}, ${length(local.filter_pattern) - 1024} too many. Watch fewer values, or use prefix/suffix wildcards."
    }
  }

  # CloudWatch Logs test-invokes the function when the filter is created.
  depends_on = [aws_lambda_permission.logs]
}

# A line CloudWatch Logs cut at 256 KB is no longer JSON, so no JSON pattern can match it:
# padding a request (a huge annotation, a long X-Forwarded-For) would hide it from the pattern
# above. This second filter delivers cut lines; the function judges them from their start.
resource "aws_cloudwatch_log_subscription_filter" "truncated" {
  for_each = var.watch_truncated_lines ? local.clusters : {}

  name            = "${local.name}-truncated"
  log_group_name  = each.value
  filter_pattern  = "\"[Truncated...]\""
  destination_arn = aws_lambda_function.this.arn

  depends_on = [aws_lambda_permission.logs]
}

resource "aws_sqs_queue" "on_failure" {
  count = var.create_on_failure_queue ? 1 : 0

  name = "${local.name}-on-failure"
  # The maximum: failed batches are kept for two weeks so they can be inspected and replayed.
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = merge(var.tags, var.on_failure_queue_tags)
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.maximum_retry_attempts
  maximum_event_age_in_seconds = var.maximum_event_age_in_seconds

  dynamic "destination_config" {
    for_each = local.on_failure_destination_arn == null ? [] : [local.on_failure_destination_arn]

    content {
      on_failure {
        destination = destination_config.value
      }
    }
  }

  # Lambda checks that the role may use the destination when the config is written.
  depends_on = [aws_iam_role_policy.this]
}
