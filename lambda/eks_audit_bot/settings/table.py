"""Every setting of the function, declared once: the `Settings` field it fills, its environment
variable, how it is read, the root module's Terraform variable that sets it and the `replay`
option that stands for it (empty where there is none), and one line of doc. Its type and
default are the field's (`Settings`). `Settings.from_env` reads the environment by this table;
the CLI maps its errors back to its options by it; tests hold `variables.tf`, the function's
environment in Terraform, the CLI's options and the README's inputs against it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from eks_audit_bot.core.severity import Severity
from eks_audit_bot.settings import readers
from eks_audit_bot.settings.kinds import HttpsFormat


class Setting(NamedTuple):
    field: str
    env: str
    read: Callable[[Mapping[str, str], str, Any], Any]
    terraform: str
    cli: str
    doc: str


# fmt: off
SETTINGS: tuple[Setting, ...] = (
    Setting("sns_topic_arn", "SNS_TOPIC_ARN", readers.text, "sns_topic_arn", "--sns-topic-arn",
            "The topic alerts are published to (required; the module can create it)."),
    Setting("account_id", "ACCOUNT_ID", readers.text, "account_id", "--account-id",
            "The account id shown in alerts (default: the topic's, or the payload's owner)."),
    Setting("account_name", "ACCOUNT_NAME", readers.text, "account_name", "--account-name",
            "The account name shown in alerts."),
    Setting("region", "AWS_REGION", readers.text, "", "--region",
            "The region shown in alerts (Lambda sets it; default: the topic's)."),
    Setting("min_severity", "MIN_SEVERITY", readers.enum(Severity), "min_severity",
            "--min-severity", "Send only alerts at or above this severity."),
    Setting("alert_on_automation", "ALERT_ON_AUTOMATION", readers.boolean,
            "alert_on_automation", "--alert-on-automation",
            "Alert on service accounts, nodes, controllers and EKS as on people."),
    Setting("automation_principals", "AUTOMATION_PRINCIPALS", readers.strings,
            "automation_principals", "--automation-principal",
            "Users, IAM ARNs or role names (globs) that count as automation."),
    Setting("automation_user_agents", "AUTOMATION_USER_AGENTS", readers.strings,
            "automation_user_agents", "--automation-user-agent",
            "User agents (globs) that narrow the automation principals."),
    Setting("digest_threshold", "DIGEST_THRESHOLD", readers.positive, "digest_threshold",
            "--digest-threshold", "Fold more than N alike alerts of one batch into a digest."),
    Setting("max_alerts_per_invocation", "MAX_ALERTS_PER_INVOCATION", readers.positive,
            "max_alerts_per_invocation", "--max-alerts-per-invocation",
            "At most N messages per batch; the rest go out as one summary."),
    Setting("disabled_rules", "DISABLED_RULES", readers.string_set, "disabled_rules",
            "--disable-rule", "Rule ids (of any feed) turned off."),
    Setting("rule_severities", "RULE_SEVERITIES", readers.severity_map, "rule_severities",
            "--rule-severity", "Severity overrides by rule id."),
    Setting("custom_rules", "CUSTOM_RULES", readers.objects, "custom_rules", "--custom-rules",
            "The user's own audit-log rules, as rules.json's."),
    Setting("rule_exceptions", "RULE_EXCEPTIONS", readers.objects, "rule_exceptions",
            "--rule-exceptions", "Whose job a rule's action is: rule x principal x namespace."),
    Setting("https_format", "HTTPS_FORMAT", readers.enum(HttpsFormat), "https_format",
            "--https-format", "Body for https subscribers: the JSON document or chat."),
    Setting("protected_namespaces", "PROTECTED_NAMESPACES", readers.namespaces,
            "protected_namespaces", "--protected-namespace",
            "Namespaces where any change by a person alerts high."),
    Setting("trusted_source_cidrs", "TRUSTED_SOURCE_CIDRS", readers.networks,
            "trusted_source_cidrs", "--trusted-source-cidr",
            "Where service accounts and nodes may call from (default: private and the "
            "region's AWS ranges)."),
    Setting("pagerduty_topic_arn", "PAGERDUTY_TOPIC_ARN", readers.standard_topic,
            "pagerduty_topic_arn", "",
            "The standard topic pages go to (the module creates it for an integration URL)."),
    Setting("pagerduty_min_severity", "PAGERDUTY_MIN_SEVERITY", readers.enum(Severity),
            "pagerduty_min_severity", "", "Page at or above this severity."),
    Setting("bot_name", "EKS_BOT_NAME", readers.text, "eks_bot_name", "",
            "The name the module's own function, rules and alarms start with."),
    Setting("watched_clusters", "WATCHED_CLUSTERS", readers.string_set,
            "aws_cloudwatch_log_groups", "",
            "Clusters whose EKS API calls alert (the module's log groups' clusters)."),
    Setting("cloudtrail_all_clusters", "CLOUDTRAIL_ALL_CLUSTERS", readers.boolean,
            "cloudtrail_all_clusters", "", "EKS API calls on every cluster alert."),
    Setting("watched_kms_keys", "WATCHED_KMS_KEYS", readers.strings, "sns_topic_kms_key_arn",
            "", "KMS keys of the topics and logs whose disabling alerts (with the logs' key)."),
    Setting("event_account_ids", "EVENT_ACCOUNT_IDS", readers.string_set, "event_account_ids",
            "", "Accounts whose EventBridge events are believed (with the function's own)."),
    Setting("organization_id", "ORGANIZATION_ID", readers.text, "organization_id", "",
            "The organization whose accounts may send EventBridge events."),
    Setting("dedup_table_name", "DEDUP_TABLE_NAME", readers.text, "dedup_table_name", "",
            "The state table (dedup claims and every other state); empty: none."),
    Setting("dedup_ttl_seconds", "DEDUP_TTL_SECONDS", readers.positive,
            "dedup_ttl_in_seconds", "", "How long a published action is remembered."),
    Setting("account_names", "ACCOUNT_NAMES", readers.account_names, "account_names", "",
            "Account id -> name, for alerts from other accounts."),
    Setting("credential_lookup", "CREDENTIAL_LOOKUP", readers.boolean, "credential_lookup", "",
            "Find the person behind a generic role session with CloudTrail LookupEvents."),
    Setting("group_window_minutes", "GROUP_WINDOW_MINUTES", readers.non_negative,
            "group_window_minutes", "",
            "Fold an actor's burst on a cluster into one summary per window (0: off)."),
    Setting("security_hub_findings", "SECURITY_HUB_FINDINGS", readers.boolean,
            "security_hub_findings", "", "Import each alert into Security Hub as a finding."),
    Setting("security_hub_role_name", "SECURITY_HUB_ROLE_NAME", readers.text,
            "security_hub_role_name", "",
            "A role in member accounts to import their findings there."),
    Setting("mutes", "MUTES", readers.mutes, "mutes", "",
            "Mutes as code (rule, scope, reason, expires), announced like the CLI's."),
)
# fmt: on
