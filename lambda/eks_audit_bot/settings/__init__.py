"""Settings, read from the environment once at cold start by the table in `table` (one row
per setting). Only `SNS_TOPIC_ARN` is required."""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from eks_audit_bot.core.alert import Location, cluster_name
from eks_audit_bot.core.rule_schema import ConfigError
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.settings.kinds import HttpsFormat
from eks_audit_bot.settings.readers import Network, arn_part
from eks_audit_bot.settings.table import SETTINGS

__all__ = ["ConfigError", "HttpsFormat", "Network", "Settings"]

# Where the control plane's add-ons, their credentials and node heartbeats live.
DEFAULT_PROTECTED_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease")

# Powertools reads its own variables; these are the defaults when Terraform did not set them.
SERVICE_NAME = os.environ.get("POWERTOOLS_SERVICE_NAME", "eks-audit-bot")
METRICS_NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "EksAuditBot")


# How long an alert's action is remembered as published (Powertools' idempotency record TTL).
DEFAULT_DEDUP_TTL_SECONDS = 86400

_NONE: Mapping[str, Any] = MappingProxyType({})  # an empty mapping setting (read-only)


class Settings(NamedTuple):
    """Every setting of the function, read once from the environment at cold start
    (`from_env`); all but the topic have a default."""

    sns_topic_arn: str
    account_id: str = ""
    account_name: str = ""
    region: str = ""
    partition: str = "aws"
    min_severity: Severity = Severity.LOW
    alert_on_automation: bool = False
    automation_principals: tuple[str, ...] = ()
    automation_user_agents: tuple[str, ...] = ()
    digest_threshold: int = 5
    max_alerts_per_invocation: int = 50
    disabled_rules: frozenset[str] = frozenset()
    rule_severities: Mapping[str, Severity] = _NONE
    custom_rules: tuple[Mapping[str, Any], ...] = ()
    # Per-rule exceptions: {"rule", "principal", "namespace"} each (kube/exemptions.py).
    rule_exceptions: tuple[Mapping[str, Any], ...] = ()
    https_format: HttpsFormat = HttpsFormat.JSON
    protected_namespaces: tuple[str, ...] = DEFAULT_PROTECTED_NAMESPACES
    # Empty: the private ranges and AWS's ranges of the cluster's region (kube/networks.py).
    trusted_source_cidrs: tuple[Network, ...] = ()
    # PagerDuty: pages at or above the minimum go to their own topic (output/pagerduty.py).
    pagerduty_topic_arn: str = ""
    pagerduty_min_severity: Severity = Severity.HIGH
    # CloudTrail and alarms: the module's own resources are named `<bot_name>` and
    # `<bot_name>-*`; EKS API calls alert for `watched_clusters` (empty: every cluster).
    bot_name: str = "eks-audit-bot"
    watched_clusters: frozenset[str] = frozenset()
    cloudtrail_all_clusters: bool = False
    # KMS keys the module's topics and logs use: disabling one silences the pipeline.
    watched_kms_keys: tuple[str, ...] = ()
    # Whose EventBridge events are believed (the envelope's `account`): empty accepts any
    # account (a replay), else these (the function's own and the listed members); with an
    # organization the bus policy already admits only its accounts.
    event_account_ids: frozenset[str] = frozenset()
    organization_id: str = ""
    # Fleet: the DynamoDB table that remembers what was published, and account id -> name.
    dedup_table_name: str = ""
    dedup_ttl_seconds: int = DEFAULT_DEDUP_TTL_SECONDS
    account_names: Mapping[str, str] = _NONE
    # The person behind a generic role session: look the issuing STS call up with CloudTrail
    # LookupEvents when the state table has no link (kube/people.py, output/links.py).
    credential_lookup: bool = True
    # Operators' controls (output/controls.py): bursts grouped per window (0: off), findings
    # in Security Hub (through a role of that name in other accounts), mutes as code.
    group_window_minutes: int = 0
    security_hub_findings: bool = False
    security_hub_role_name: str = ""
    mutes: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Every setting of the table from its variable (unset: the field's default); the
        account, region and name fall back on the topic's ARN and the function's name."""
        env = os.environ if env is None else env
        defaults = {"sns_topic_arn": "", **cls._field_defaults}
        values = {row.field: row.read(env, row.env, defaults[row.field]) for row in SETTINGS}
        topic = values["sns_topic_arn"]
        if not topic:
            raise ConfigError("SNS_TOPIC_ARN is required: the ARN of the topic to alert on")
        values["account_id"] = values["account_id"] or arn_part(topic, 4)
        values["region"] = values["region"] or arn_part(topic, 3)
        values["partition"] = arn_part(topic, 1) or "aws"
        if not env.get("EKS_BOT_NAME", "").strip():
            values["bot_name"] = env.get("AWS_LAMBDA_FUNCTION_NAME", "") or values["bot_name"]
        return cls(**values)

    @property
    def topic_region(self) -> str:
        """The region of the SNS client: the topic's own (SNS publishes only to a topic in the
        client's region), which may differ from the function's."""
        return arn_part(self.sns_topic_arn, 3) or self.region

    @property
    def fifo_topic(self) -> bool:
        """Whether the alert topic is a FIFO topic: only then does a message carry a
        deduplication id (`Outgoing.dedup_id`), worked out from the action's identity."""
        return self.sns_topic_arn.endswith(".fifo")

    def watches_cluster(self, cluster: str) -> bool:
        """Whether EKS API calls on `cluster` alert (CloudTrail)."""
        if self.cloudtrail_all_clusters or not self.watched_clusters:
            return True
        return cluster in self.watched_clusters

    def location(
        self,
        log_group: str,
        owner: str = "",
        cluster: str | None = None,
        *,
        remote: bool = False,
        region: str = "",
    ) -> Location:
        """The place of a log group's events: its cluster, and its account — from these settings
        or the payload's owner; a `remote` payload (another account, through Kinesis) is always
        named by its owner, and by its region when the source knows it."""
        account = owner if remote and owner else self.account_id or owner
        return Location(
            cluster=cluster or cluster_name(log_group),
            log_group=log_group,
            account_id=account,
            account_name=self.account_name_of(account),
            region=region or self.region,
            partition=self.partition,
        )

    def account_name_of(self, account_id: str) -> str:
        """`ACCOUNT_NAMES` first; `ACCOUNT_NAME` names this function's own account only."""
        if account_id in self.account_names:
            return self.account_names[account_id]
        own = not self.account_id or account_id == self.account_id
        return self.account_name if own else ""
