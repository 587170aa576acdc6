# Plan and apply runs of the root module against a mocked AWS provider: the wiring users rely on.

mock_provider "aws" {
  source = "./tests/mocks/account"
}

variables {
  # The names of earlier releases: eks_bot_name set (tests/naming.tftest.hcl derives them).
  eks_bot_name             = "eks-audit-bot"
  sns_topic_arn            = "arn:aws:sns:eu-west-1:123456789012:eks-alerts"
  aws_cloudwatch_log_group = "/aws/eks/prod/cluster"
}

run "original_inputs_keep_their_meaning" {
  command = plan

  variables {
    eks_bot_name   = "prod-eks-bot"
    timeout        = 120
    memory_limit   = 512
    account_id     = "210987654321"
    account_name   = "production"
    filter_pattern = "{ $.verb = \"delete\" }"
  }

  assert {
    condition     = aws_lambda_function.this.function_name == "prod-eks-bot" && aws_lambda_function.this.timeout == 120 && aws_lambda_function.this.memory_size == 512
    error_message = "eks_bot_name, timeout and memory_limit must set the function's name, timeout and memory."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["ACCOUNT_ID"] == "210987654321" && aws_lambda_function.this.environment[0].variables["ACCOUNT_NAME"] == "production"
    error_message = "account_id and account_name must reach the function as ACCOUNT_ID and ACCOUNT_NAME."
  }
  assert {
    condition     = aws_cloudwatch_log_subscription_filter.this["prod"].filter_pattern == "{ $.verb = \"delete\" }" && output.filter_pattern == "{ $.verb = \"delete\" }"
    error_message = "A raw filter_pattern must override the generated one."
  }
  assert {
    condition     = aws_cloudwatch_log_subscription_filter.this["prod"].log_group_name == "/aws/eks/prod/cluster"
    error_message = "aws_cloudwatch_log_group must get the subscription filter, keyed by its cluster name."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/prod-eks-bot"
    error_message = "The function's log group must be /aws/lambda/<eks_bot_name>."
  }
}

run "defaults_and_several_clusters" {
  command = plan

  variables {
    aws_cloudwatch_log_groups = ["/aws/eks/staging/cluster", "/aws/eks/tools/cluster"]
  }

  assert {
    condition     = keys(aws_cloudwatch_log_subscription_filter.truncated) == ["prod", "staging", "tools"] && alltrue([for filter in aws_cloudwatch_log_subscription_filter.truncated : filter.filter_pattern == "\"[Truncated...]\"" && filter.name == "eks-audit-bot-truncated"])
    error_message = "By default every log group must get a second filter delivering the lines CloudWatch cut (no JSON pattern matches them)."
  }

  assert {
    condition     = keys(aws_cloudwatch_log_subscription_filter.this) == ["prod", "staging", "tools"] && keys(aws_lambda_permission.logs) == ["prod", "staging", "tools"]
    error_message = "Every cluster must get one subscription filter and one invoke permission, keyed by cluster name."
  }
  assert {
    condition     = alltrue([for cluster, permission in aws_lambda_permission.logs : permission.principal == "logs.eu-west-1.amazonaws.com" && permission.source_account == "123456789012" && permission.source_arn == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/${cluster}/cluster:*" && permission.action == "lambda:InvokeFunction"])
    error_message = "The invoke permission must be for the regional CloudWatch Logs principal, scoped to the cluster's log group ARN and account."
  }
  assert {
    condition     = aws_cloudwatch_log_subscription_filter.this["staging"].filter_pattern == file("${path.module}/lambda/eks_audit_bot/cli/default_filter_pattern.txt")
    error_message = "Without filter_pattern the generated default must be used, and equal lambda/eks_audit_bot/cli/default_filter_pattern.txt (run `make pattern`)."
  }
  assert {
    condition     = length(output.filter_pattern) <= 1024 - 60
    error_message = "The default pattern must leave room under the 1024-character limit (two trusted_source_cidrs prefixes)."
  }
  assert {
    condition     = aws_lambda_function.this.handler == "eks_audit_bot.handler.lambda_handler" && aws_lambda_function.this.runtime == "python3.13" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "Handler, default runtime python3.13 and architecture arm64 are the Lambda contract."
  }
  assert {
    condition     = aws_lambda_function.this.layers == tolist(["arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:27"])
    error_message = "The Powertools layer must be the AWS-managed one for the region, runtime and architecture."
  }
  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      SNS_TOPIC_ARN                = "arn:aws:sns:eu-west-1:123456789012:eks-alerts"
      ACCOUNT_ID                   = "123456789012"
      POWERTOOLS_SERVICE_NAME      = "eks-audit-bot"
      POWERTOOLS_METRICS_NAMESPACE = "EksAuditBot"
      POWERTOOLS_LOG_LEVEL         = "INFO"
      MIN_SEVERITY                 = "low"
      ALERT_ON_AUTOMATION          = "false"
      AUTOMATION_PRINCIPALS        = "[]"
      AUTOMATION_USER_AGENTS       = "[]"
      DIGEST_THRESHOLD             = "5"
      MAX_ALERTS_PER_INVOCATION    = "50"
      DISABLED_RULES               = "[]"
      RULE_SEVERITIES              = "{}"
      CUSTOM_RULES                 = "[]"
      RULE_EXCEPTIONS              = "[]"
      HTTPS_FORMAT                 = "json"
      PROTECTED_NAMESPACES         = "[\"kube-system\",\"kube-public\",\"kube-node-lease\"]"
      TRUSTED_SOURCE_CIDRS         = "[]"
      CREDENTIAL_LOOKUP            = "true"
      EKS_BOT_NAME                 = "eks-audit-bot"
      WATCHED_CLUSTERS             = "[\"prod\",\"staging\",\"tools\"]"
      CLOUDTRAIL_ALL_CLUSTERS      = "false"
      WATCHED_KMS_KEYS             = "[]"
      EVENT_ACCOUNT_IDS            = "[\"123456789012\"]"
    })
    error_message = "The default environment must carry the topic, the caller's account id and every setting's default."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 30 && aws_cloudwatch_log_group.this.kms_key_id == null
    error_message = "The function's log group defaults to 30 days retention, no KMS key."
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.this.maximum_retry_attempts == 2 && aws_lambda_function_event_invoke_config.this.maximum_event_age_in_seconds == 21600 && length(aws_lambda_function_event_invoke_config.this.destination_config) == 0
    error_message = "Async invoke defaults: 2 retries, 6 hours, no on-failure destination."
  }
  assert {
    condition     = length(aws_sqs_queue.on_failure) == 0 && output.on_failure_queue_arn == null
    error_message = "No on-failure queue unless asked for."
  }
}

run "policy_is_least_privilege" {
  command = apply

  variables {
    credential_lookup = false # its statement is checked below (credential_lookup_may_read_cloudtrail)
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.this.policy).Statement == [
      {
        Sid      = "OwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/eks-audit-bot:*"
      },
      {
        Sid      = "PublishAlerts"
        Effect   = "Allow"
        Action   = "sns:Publish"
        Resource = "arn:aws:sns:eu-west-1:123456789012:eks-alerts"
      },
    ]
    error_message = "Without KMS or on-failure destination the role may only write its own logs and publish to the one topic."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com"
    error_message = "Only Lambda may assume the role."
  }
  assert {
    condition     = output.function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:eks-audit-bot" && output.role_arn == "arn:aws:iam::123456789012:role/eks-audit-bot" && output.subscription_filters == { prod = { name = "eks-audit-bot", log_group_name = "/aws/eks/prod/cluster" } }
    error_message = "Outputs must expose the function, role and subscription filters."
  }
}

run "kms_topic_and_created_queue" {
  command = apply

  variables {
    sns_topic_kms_key_arn   = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    create_on_failure_queue = true
  }

  assert {
    condition = contains(jsondecode(aws_iam_role_policy.this.policy).Statement, {
      Sid       = "EncryptedTopic"
      Effect    = "Allow"
      Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
      Resource  = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      Condition = { StringEquals = { "kms:ViaService" = "sns.eu-west-1.amazonaws.com" } }
    })
    error_message = "An encrypted topic needs kms:GenerateDataKey* and kms:Decrypt on its key only, and only through SNS in the topic's region."
  }
  assert {
    condition = contains(jsondecode(aws_iam_role_policy.this.policy).Statement, {
      Sid      = "OnFailureDestination"
      Effect   = "Allow"
      Action   = "sqs:SendMessage"
      Resource = "arn:aws:sqs:eu-west-1:123456789012:eks-audit-bot-on-failure"
    })
    error_message = "The role must be able to send to the created on-failure queue, and only to it."
  }
  assert {
    condition     = aws_sqs_queue.on_failure[0].name == "eks-audit-bot-on-failure" && aws_sqs_queue.on_failure[0].sqs_managed_sse_enabled
    error_message = "The created on-failure queue is <eks_bot_name>-on-failure with SSE."
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.this.destination_config[0].on_failure[0].destination == output.on_failure_queue_arn && output.on_failure_destination_arn == output.on_failure_queue_arn
    error_message = "The created queue must be the on-failure destination."
  }
}

run "passed_on_failure_destination" {
  command = apply

  variables {
    on_failure_destination_arn = "arn:aws:sns:eu-west-1:123456789012:eks-bot-failures"
  }

  assert {
    condition     = length(aws_sqs_queue.on_failure) == 0 && output.on_failure_destination_arn == "arn:aws:sns:eu-west-1:123456789012:eks-bot-failures"
    error_message = "A passed destination must be used as is, without creating a queue."
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.this.destination_config[0].on_failure[0].destination == "arn:aws:sns:eu-west-1:123456789012:eks-bot-failures"
    error_message = "The passed destination must be configured on the async invoke config."
  }
  assert {
    condition = contains(jsondecode(aws_iam_role_policy.this.policy).Statement, {
      Sid      = "OnFailureDestination"
      Effect   = "Allow"
      Action   = "sns:Publish"
      Resource = "arn:aws:sns:eu-west-1:123456789012:eks-bot-failures"
    })
    error_message = "The role needs the destination service's action on that ARN only."
  }
  assert {
    condition     = length([for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : statement if statement.Sid == "EncryptedTopic"]) == 0
    error_message = "No KMS statement without sns_topic_kms_key_arn."
  }
}

run "tuning_reaches_the_function" {
  command = plan

  variables {
    runtime                           = "python3.12"
    architecture                      = "x86_64"
    log_level                         = "DEBUG"
    reserved_concurrent_executions    = 5
    cloudwatch_logs_retention_in_days = 365
    cloudwatch_logs_kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/abcd"
    maximum_retry_attempts            = 1
    maximum_event_age_in_seconds      = 3600
    min_severity                      = "high"
    alert_on_automation               = true
    automation_principals             = ["arn:aws:iam::*:role/ci-*"]
    automation_user_agents            = ["argocd-*"]
    digest_threshold                  = 10
    max_alerts_per_invocation         = 20
    disabled_rules                    = ["port-forward", "payments-secret-write"]
    rule_severities                   = { "configmap-kube-system-changed" = "critical" }
    https_format                      = "chatbot"
    custom_rules = [{
      id       = "payments-secret-write"
      title    = "Secret changed in payments"
      severity = "high"
      match    = { resources = ["secrets"], namespaces = ["payments"] }
    }]
    tags          = { team = "platform" }
    function_tags = { component = "alerts" }
  }

  assert {
    condition     = aws_lambda_function.this.layers == tolist(["arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:27"]) && aws_lambda_function.this.architectures == tolist(["x86_64"]) && aws_lambda_function.this.runtime == "python3.12"
    error_message = "runtime and architecture must select the matching Powertools layer."
  }
  assert {
    condition = tomap({ for name, value in aws_lambda_function.this.environment[0].variables : name => value if !contains(["SNS_TOPIC_ARN", "ACCOUNT_ID", "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "EKS_BOT_NAME", "WATCHED_CLUSTERS", "CLOUDTRAIL_ALL_CLUSTERS"], name) }) == tomap({
      POWERTOOLS_LOG_LEVEL      = "DEBUG"
      MIN_SEVERITY              = "high"
      ALERT_ON_AUTOMATION       = "true"
      AUTOMATION_PRINCIPALS     = "[\"arn:aws:iam::*:role/ci-*\"]"
      AUTOMATION_USER_AGENTS    = "[\"argocd-*\"]"
      DIGEST_THRESHOLD          = "10"
      MAX_ALERTS_PER_INVOCATION = "20"
      DISABLED_RULES            = "[\"port-forward\",\"payments-secret-write\"]"
      RULE_SEVERITIES           = "{\"configmap-kube-system-changed\":\"critical\"}"
      CUSTOM_RULES              = "[{\"explanation\":\"\",\"id\":\"payments-secret-write\",\"match\":{\"namespaces\":[\"payments\"],\"resources\":[\"secrets\"]},\"runbook\":\"\",\"severity\":\"high\",\"title\":\"Secret changed in payments\"}]"
      RULE_EXCEPTIONS           = "[]"
      HTTPS_FORMAT              = "chatbot"
      PROTECTED_NAMESPACES      = "[\"kube-system\",\"kube-public\",\"kube-node-lease\"]"
      TRUSTED_SOURCE_CIDRS      = "[]"
      WATCHED_KMS_KEYS          = "[\"arn:aws:kms:eu-west-1:123456789012:key/abcd\"]"
      EVENT_ACCOUNT_IDS         = "[\"123456789012\"]"
      CREDENTIAL_LOOKUP         = "true"
    })
    error_message = "Rule tuning variables must reach the function as the documented environment variables (unset match lists omitted)."
  }
  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 5 && aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/abcd"
    error_message = "Concurrency, retention and the log group's KMS key must be applied."
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.this.maximum_retry_attempts == 1 && aws_lambda_function_event_invoke_config.this.maximum_event_age_in_seconds == 3600
    error_message = "Retry attempts and event age must be applied."
  }
  assert {
    condition     = aws_lambda_function.this.tags == tomap({ team = "platform", component = "alerts" }) && aws_iam_role.this.tags == tomap({ team = "platform" })
    error_message = "tags go everywhere, function_tags only on the function."
  }
}

run "custom_watch_builds_the_pattern" {
  command = plan

  variables {
    watch = {
      user_names              = ["arn:aws:sts::123456789012:assumed-role/Admin/*"]
      all_writes              = false
      namespaces              = ["payments"]
      namespaced_resources    = ["deployments"]
      cluster_resources       = []
      api_groups              = []
      subresources            = ["exec"]
      any_user_subresources   = ["token"]
      any_user_resources      = []
      any_user_response_codes = []
    }
  }

  assert {
    # Secrets go to the function whoever reads them but nodes, and automation's writes where the
    # rules about dangerous actions by whoever look (issue 17; was: secrets for people only).
    condition     = output.filter_pattern == "{ $.stage != \"RequestReceived\" && $.user.username = \"arn:aws:sts::123456789012:assumed-role/Admin/*\" && (($.user.username != \"system:*\" && $.user.username != \"eks:*\" && ($.objectRef.subresource = \"exec\" || ($.verb != \"get\" && $.verb != \"list\" && $.verb != \"watch\" && ($.objectRef.namespace = \"payments\" || $.objectRef.resource = \"deployments\")))) || $.user.username = \"system:anonymous\" || $.objectRef.subresource = \"token\" || ($.objectRef.resource = \"secrets\" && $.user.username != \"system:node:*\") || ($.objectRef.subresource NOT EXISTS && $.verb != \"get\" && $.verb != \"list\" && $.verb != \"watch\" && ($.objectRef.apiGroup = \"rbac*\" || $.objectRef.apiGroup = \"admission*\" || $.objectRef.apiGroup = \"apps\" || $.objectRef.apiGroup = \"batch\" || $.objectRef.resource = \"pods\" || $.objectRef.resource = \"selfsubjectrules*\" || $.objectRef.name = \"aws-auth\"))) }"
    error_message = "The pattern must follow the watch input."
  }
}

run "automation_writes_can_be_left_out_of_the_pattern" {
  command = plan

  variables {
    watch = {
      automation_write_api_groups    = []
      automation_write_resources     = []
      automation_write_names         = []
      ignored_verbs_except_resources = []
    }
  }

  assert {
    condition     = output.filter_pattern == "{ $.stage != \"RequestReceived\" && (($.user.username != \"system:*\" && $.user.username != \"eks:*\" && $.verb != \"get\" && $.verb != \"list\" && $.verb != \"watch\") || $.user.username = \"system:anonymous\" || $.objectRef.subresource = %^exec$|^attach$|^portforward$|^ephemeral|^token$% || $.objectRef.resource = \"certificatesigning*\" || $.responseStatus.code = 403 || ($.user.username = \"system:*\" && ($.sourceIPs[1] = * || $.sourceIPs[0] != %^10\\.|^192\\.168\\.|^172\\.1[6-9]\\.|^172\\.2\\d\\.|^172\\.3[01]\\.|^100\\.6[4-9]\\.|^100\\.[7-9]\\d\\.|^100\\.1[01]\\d\\.|^100\\.12[0-7]\\.|^127\\.|^f[cd]%))) }"
    error_message = "Without automation_write_* and secrets, automation passes only for the out-of-character subresources, certificates, refusals and calls from outside the private ranges."
  }
}

# ---- Created topic, role, cross-region, names ----

run "created_topic_is_encrypted_and_subscribed" {
  command = apply

  variables {
    sns_topic_arn    = null
    create_sns_topic = true
    email_subscriptions = [
      { address = "team@example.com" },
      { address = "pager@example.com", filter_policy = { severity = ["critical", "high"] } },
    ]
    https_subscriptions = [
      { endpoint = "https://hooks.example.com/eks", filter_policy = { cluster = ["prod"], outcome = ["allowed"] } },
    ]
    sns_topic_tags = { data = "alerts" }
    tags           = { team = "platform" }
  }

  assert {
    condition     = aws_sns_topic.this[0].name == "eks-audit-bot-alerts" && aws_sns_topic.this[0].kms_master_key_id == aws_kms_key.sns[0].arn && aws_kms_key.sns[0].enable_key_rotation
    error_message = "The created topic is <eks_bot_name>-alerts, encrypted with a new key that rotates."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["SNS_TOPIC_ARN"] == "arn:aws:sns:eu-west-1:123456789012:eks-audit-bot-alerts" && output.sns_topic_arn == aws_sns_topic.this[0].arn && output.sns_topic_kms_key_arn == aws_kms_key.sns[0].arn && output.sns_topic_name == "eks-audit-bot-alerts"
    error_message = "The function must publish to the created topic, and the outputs must name it and its key."
  }
  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s if contains(["PublishAlerts", "EncryptedTopic"], s.Sid)] == [
      { Sid = "PublishAlerts", Effect = "Allow", Action = "sns:Publish", Resource = aws_sns_topic.this[0].arn },
      {
        Sid       = "EncryptedTopic"
        Effect    = "Allow"
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = aws_kms_key.sns[0].arn
        Condition = { StringEquals = { "kms:ViaService" = "sns.eu-west-1.amazonaws.com" } }
      },
    ]
    error_message = "The role may publish to the created topic and use its key through SNS only."
  }
  assert {
    condition = jsondecode(aws_kms_key.sns[0].policy).Statement == [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "FunctionPublishesThroughSns"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:role/eks-audit-bot" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:ViaService" = "sns.eu-west-1.amazonaws.com" } }
      },
      {
        Sid       = "SnsDeliversThisTopic"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = "123456789012" }
          ArnLike      = { "aws:SourceArn" = "arn:aws:sns:eu-west-1:123456789012:eks-audit-bot-alerts" }
        }
      },
    ]
    error_message = "The key policy lets the account administer the key, the function use it through SNS, and SNS use it for this topic only."
  }
  assert {
    condition     = aws_kms_alias.sns[0].name == "alias/eks-audit-bot-alerts" && aws_kms_key.sns[0].tags == tomap({ team = "platform", data = "alerts" }) && aws_sns_topic.this[0].tags == tomap({ team = "platform", data = "alerts" })
    error_message = "The key has an alias after the topic; topic and key carry tags and sns_topic_tags."
  }
  assert {
    condition     = keys(aws_sns_topic_subscription.this) == ["email:pager@example.com", "email:team@example.com", "https:https://hooks.example.com/eks"]
    error_message = "One subscription per address and endpoint, keyed by protocol and endpoint."
  }
  assert {
    condition     = aws_sns_topic_subscription.this["email:team@example.com"].protocol == "email" && aws_sns_topic_subscription.this["email:team@example.com"].filter_policy == null
    error_message = "An email subscription without a filter policy gets every alert."
  }
  assert {
    condition     = jsondecode(aws_sns_topic_subscription.this["email:pager@example.com"].filter_policy) == { severity = ["critical", "high"] } && aws_sns_topic_subscription.this["email:pager@example.com"].filter_policy_scope == "MessageAttributes"
    error_message = "A filter policy is applied to the message attributes."
  }
  assert {
    condition     = aws_sns_topic_subscription.this["https:https://hooks.example.com/eks"].protocol == "https" && jsondecode(aws_sns_topic_subscription.this["https:https://hooks.example.com/eks"].filter_policy) == { cluster = ["prod"], outcome = ["allowed"] }
    error_message = "HTTPS subscriptions get their endpoint and filter policy."
  }
}

run "created_topic_with_a_given_key" {
  command = plan

  variables {
    sns_topic_arn         = null
    create_sns_topic      = true
    sns_topic_name        = "platform-eks-alerts"
    sns_topic_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = length(aws_kms_key.sns) == 0 && length(aws_kms_alias.sns) == 0 && aws_sns_topic.this[0].kms_master_key_id == "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "With sns_topic_kms_key_arn the created topic uses that key and no key is created."
  }
  assert {
    condition     = aws_sns_topic.this[0].name == "platform-eks-alerts" && aws_lambda_function.this.environment[0].variables["SNS_TOPIC_ARN"] == "arn:aws:sns:eu-west-1:123456789012:platform-eks-alerts" && length(aws_sns_topic_subscription.this) == 0
    error_message = "sns_topic_name names the created topic; no subscriptions unless asked for."
  }
}

run "passed_topic_creates_nothing" {
  command = plan

  assert {
    condition     = length(aws_sns_topic.this) == 0 && length(aws_kms_key.sns) == 0 && output.sns_topic_arn == "arn:aws:sns:eu-west-1:123456789012:eks-alerts" && output.sns_topic_name == "eks-alerts" && output.sns_topic_kms_key_arn == null
    error_message = "With sns_topic_arn the module creates no topic or key and reports the one passed."
  }
}

run "role_path_and_permissions_boundary" {
  command = plan

  variables {
    role_path                 = "/service-role/"
    role_permissions_boundary = "arn:aws:iam::123456789012:policy/boundaries/workloads"
  }

  assert {
    condition     = aws_iam_role.this.path == "/service-role/" && aws_iam_role.this.permissions_boundary == "arn:aws:iam::123456789012:policy/boundaries/workloads"
    error_message = "role_path and role_permissions_boundary must reach the role."
  }
}

run "role_defaults_to_root_path_without_boundary" {
  command = plan

  assert {
    condition     = aws_iam_role.this.path == null && aws_iam_role.this.permissions_boundary == null
    error_message = "Without role_path and role_permissions_boundary neither is set (IAM's default path /, no boundary)."
  }
}

run "topic_in_another_region" {
  command = apply

  variables {
    sns_topic_arn         = "arn:aws:sns:us-east-1:123456789012:central-alerts"
    sns_topic_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["SNS_TOPIC_ARN"] == "arn:aws:sns:us-east-1:123456789012:central-alerts"
    error_message = "A topic in another region is passed to the function as is (it publishes through the topic's region)."
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Condition if s.Sid == "EncryptedTopic"] == [{ StringEquals = { "kms:ViaService" = "sns.us-east-1.amazonaws.com" } }]
    error_message = "The key may be used through SNS in the topic's region, not the function's."
  }
}

run "long_cluster_names_stay_unique_and_short" {
  command = plan

  variables {
    aws_cloudwatch_log_group = null
    aws_cloudwatch_log_groups = [
      "/aws/eks/${join("", [for i in range(96) : "a"])}0001/cluster",
      "/aws/eks/${join("", [for i in range(96) : "a"])}0002/cluster",
      "/aws/eks/prod/cluster",
    ]
  }

  assert {
    condition     = length(distinct([for p in aws_lambda_permission.logs : p.statement_id])) == 3 && alltrue([for p in aws_lambda_permission.logs : length(p.statement_id) <= 100 && can(regex("^[A-Za-z0-9_-]+$", p.statement_id))])
    error_message = "Statement ids must be distinct, at most 100 characters, letters, digits, - and _."
  }
  assert {
    condition     = aws_lambda_permission.logs["prod"].statement_id == "logs-prod"
    error_message = "A statement id that fits stays logs-<cluster>, so existing permissions are not replaced."
  }
  assert {
    condition     = length(distinct(values(local.cluster_name_ids))) == 3 && alltrue([for id in values(local.cluster_name_ids) : length(id) <= 40]) && local.cluster_name_ids["prod"] == "prod"
    error_message = "Short cluster ids for derived names must be distinct and at most 40 characters; short names stay as they are."
  }
}

run "custom_rule_predicates_and_match_reach_the_function" {
  command = plan

  variables {
    custom_rules = [{
      id       = "privileged-pod-in-payments"
      title    = "Privileged pod in payments"
      severity = "critical"
      match    = { resources = ["pods"], namespaces = ["payments"], predicates = ["privileged-workload", "human-actor"] }
      },
      {
        id       = "secret-sweep"
        title    = "Many secrets read"
        severity = "high"
        match    = { verbs = ["get"], resources = ["secrets"] }
        repeats  = { events = 10, resources = 5 }
    }]
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["CUSTOM_RULES"])[0].match == { namespaces = ["payments"], predicates = ["privileged-workload", "human-actor"], resources = ["pods"] }
    error_message = "Known predicates and match keys pass validation and reach the function unchanged."
  }
  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["CUSTOM_RULES"])[1] == { id = "secret-sweep", title = "Many secrets read", severity = "high", explanation = "", runbook = "", match = { verbs = ["get"], resources = ["secrets"], repeats = { events = 10, resources = 5 } } }
    error_message = "repeats, beside match in Terraform, reaches the function as match.repeats."
  }
}

run "trusted_source_cidrs_reach_the_function_and_the_pattern" {
  command = plan

  variables {
    trusted_source_cidrs = ["10.0.0.0/16", "10.1.16.0/20"]
    protected_namespaces = ["kube-system", "platform"]
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables.TRUSTED_SOURCE_CIDRS) == ["10.0.0.0/16", "10.1.16.0/20"] && jsondecode(aws_lambda_function.this.environment[0].variables.PROTECTED_NAMESPACES) == ["kube-system", "platform"]
    error_message = "trusted_source_cidrs and protected_namespaces must reach the function as JSON lists."
  }
  assert {
    condition     = strcontains(output.filter_pattern, "($.sourceIPs[1] = * || ($.sourceIPs[0] != \"127.*\" && $.sourceIPs[0] != \"10.0.*\"))") && !strcontains(output.filter_pattern, "10.1.")
    error_message = "Octet-aligned trusted CIDRs leave the pattern as prefixes; others are checked by the function only."
  }
}

run "protected_namespaces_default_to_the_system_ones" {
  command = plan

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables.PROTECTED_NAMESPACES) == ["kube-system", "kube-public", "kube-node-lease"] && jsondecode(aws_lambda_function.this.environment[0].variables.TRUSTED_SOURCE_CIDRS) == []
    error_message = "By default kube-system, kube-public and kube-node-lease are protected and source networks are not checked."
  }
}

run "truncated_lines_filter_can_be_left_out" {
  command = plan

  variables {
    watch_truncated_lines = false
  }

  assert {
    condition     = length(aws_cloudwatch_log_subscription_filter.truncated) == 0 && length(aws_cloudwatch_log_subscription_filter.this) == 1
    error_message = "watch_truncated_lines = false must leave only the main subscription filter (the second slot stays free)."
  }
}

run "credential_lookup_may_read_cloudtrail" {
  command = apply

  assert {
    condition = contains(jsondecode(aws_iam_role_policy.this.policy).Statement, {
      Sid      = "CredentialLookup"
      Effect   = "Allow"
      Action   = "cloudtrail:LookupEvents"
      Resource = "*"
    }) && aws_lambda_function.this.environment[0].variables.CREDENTIAL_LOOKUP == "true"
    error_message = "By default the function may look up the STS call behind a generic session (LookupEvents has no resource-level permissions), and does."
  }
}

run "credential_lookup_can_be_turned_off" {
  command = plan

  variables {
    credential_lookup = false
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.CREDENTIAL_LOOKUP == "false"
    error_message = "credential_lookup = false must reach the function."
  }
}

run "rule_exceptions_reach_the_function" {
  command = plan

  variables {
    rule_exceptions = [
      { rule = "privileged-workload", principal = "system:serviceaccount:monitoring:node-exporter-operator", namespace = "monitoring" },
      { rule = "secret-read-outside-namespace", principal = "system:serviceaccount:backup:*" },
    ]
  }

  assert {
    condition = jsondecode(aws_lambda_function.this.environment[0].variables.RULE_EXCEPTIONS) == [
      { rule = "privileged-workload", principal = "system:serviceaccount:monitoring:node-exporter-operator", namespace = "monitoring" },
      { rule = "secret-read-outside-namespace", principal = "system:serviceaccount:backup:*", namespace = "*" },
    ]
    error_message = "rule_exceptions must reach the function as RULE_EXCEPTIONS, the namespace defaulting to any."
  }
}
