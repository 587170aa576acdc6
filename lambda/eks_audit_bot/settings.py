"""Settings, read from the environment once at cold start. Only `SNS_TOPIC_ARN` is required."""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from eks_audit_bot.core.alert import Location, cluster_name
from eks_audit_bot.core.rule_schema import ConfigError
from eks_audit_bot.core.severity import Severity

__all__ = ["ConfigError", "HttpsFormat", "Settings"]


class HttpsFormat(StrEnum):
    JSON = "json"
    CHATBOT = "chatbot"


type Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Where the control plane's add-ons, their credentials and node heartbeats live.
DEFAULT_PROTECTED_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease")

# Powertools reads its own variables; these are the defaults when Terraform did not set them.
SERVICE_NAME = os.environ.get("POWERTOOLS_SERVICE_NAME", "eks-audit-bot")
METRICS_NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "EksAuditBot")


# How long an alert's action is remembered as published (Powertools' idempotency record TTL).
DEFAULT_DEDUP_TTL_SECONDS = 86400


@dataclass(frozen=True, slots=True)
class Settings:
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
    rule_severities: Mapping[str, Severity] = field(default_factory=dict)
    custom_rules: tuple[Mapping[str, Any], ...] = ()
    https_format: HttpsFormat = HttpsFormat.JSON
    protected_namespaces: tuple[str, ...] = DEFAULT_PROTECTED_NAMESPACES
    # Empty: where service accounts and nodes call from is not checked.
    trusted_source_cidrs: tuple[Network, ...] = ()
    # PagerDuty: pages at or above the minimum go to their own topic (output/pagerduty.py).
    pagerduty_topic_arn: str = ""
    pagerduty_min_severity: Severity = Severity.HIGH
    # CloudTrail and alarms: the module's own resources are named `<bot_name>` and
    # `<bot_name>-*`; EKS API calls alert for `watched_clusters` (empty: every cluster).
    bot_name: str = "eks-audit-bot"
    watched_clusters: frozenset[str] = frozenset()
    cloudtrail_all_clusters: bool = False
    # KMS keys the module's topics, logs and stream use: disabling one silences the pipeline.
    watched_kms_keys: tuple[str, ...] = ()
    # Whose EventBridge events are believed (the envelope's `account`): empty accepts any
    # account (a replay), else these (the function's own and the listed members); with an
    # organization the bus policy already admits only its accounts.
    event_account_ids: frozenset[str] = frozenset()
    organization_id: str = ""
    # Fleet: the DynamoDB table that remembers what was published, and account id -> name.
    dedup_table_name: str = ""
    dedup_ttl_seconds: int = DEFAULT_DEDUP_TTL_SECONDS
    account_names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        topic = env.get("SNS_TOPIC_ARN", "").strip()
        if not topic:
            raise ConfigError("SNS_TOPIC_ARN is required: the ARN of the topic to alert on")
        return cls(
            sns_topic_arn=topic,
            account_id=env.get("ACCOUNT_ID", "") or _arn_part(topic, 4),
            account_name=env.get("ACCOUNT_NAME", ""),
            region=env.get("AWS_REGION", "") or _arn_part(topic, 3),
            partition=_arn_part(topic, 1) or "aws",
            min_severity=_enum(env, "MIN_SEVERITY", Severity, Severity.LOW),
            alert_on_automation=_bool(env, "ALERT_ON_AUTOMATION"),
            automation_principals=tuple(_json_strings(env, "AUTOMATION_PRINCIPALS")),
            automation_user_agents=tuple(_json_strings(env, "AUTOMATION_USER_AGENTS")),
            digest_threshold=_int(env, "DIGEST_THRESHOLD", 5),
            max_alerts_per_invocation=_int(env, "MAX_ALERTS_PER_INVOCATION", 50),
            disabled_rules=frozenset(_json_strings(env, "DISABLED_RULES")),
            rule_severities=_severity_map(env, "RULE_SEVERITIES"),
            custom_rules=tuple(_json_objects(env, "CUSTOM_RULES")),
            https_format=_enum(env, "HTTPS_FORMAT", HttpsFormat, HttpsFormat.JSON),
            protected_namespaces=_protected_namespaces(env),
            trusted_source_cidrs=_networks(env, "TRUSTED_SOURCE_CIDRS"),
            pagerduty_topic_arn=_pagerduty_topic(env),
            pagerduty_min_severity=_enum(env, "PAGERDUTY_MIN_SEVERITY", Severity, Severity.HIGH),
            bot_name=env.get("EKS_BOT_NAME", "")
            or env.get("AWS_LAMBDA_FUNCTION_NAME", "")
            or "eks-audit-bot",
            watched_clusters=frozenset(_json_strings(env, "WATCHED_CLUSTERS")),
            cloudtrail_all_clusters=_bool(env, "CLOUDTRAIL_ALL_CLUSTERS"),
            watched_kms_keys=tuple(_json_strings(env, "WATCHED_KMS_KEYS")),
            event_account_ids=frozenset(_json_strings(env, "EVENT_ACCOUNT_IDS")),
            organization_id=env.get("ORGANIZATION_ID", "").strip(),
            dedup_table_name=env.get("DEDUP_TABLE_NAME", "").strip(),
            dedup_ttl_seconds=_int(env, "DEDUP_TTL_SECONDS", DEFAULT_DEDUP_TTL_SECONDS),
            account_names=_account_names(env, "ACCOUNT_NAMES"),
        )

    @property
    def topic_region(self) -> str:
        """The region of the SNS client: the topic's own (SNS publishes only to a topic in the
        client's region), which may differ from the function's."""
        return _arn_part(self.sns_topic_arn, 3) or self.region

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


def _pagerduty_topic(env: Mapping[str, str]) -> str:
    """A standard SNS topic: PagerDuty subscribes over HTTPS, which FIFO topics do not offer."""
    arn = env.get("PAGERDUTY_TOPIC_ARN", "").strip()
    if arn and (_arn_part(arn, 2) != "sns" or arn.endswith(".fifo")):
        raise ConfigError(
            f"PAGERDUTY_TOPIC_ARN={arn!r}: expected the ARN of a standard (not FIFO) SNS topic"
        )
    return arn


def _arn_part(arn: str, index: int) -> str:
    parts = arn.split(":")
    return parts[index] if len(parts) > 5 and parts[0] == "arn" else ""


def _enum[E: StrEnum](env: Mapping[str, str], name: str, kind: type[E], default: E) -> E:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ConfigError(f"{name}={raw!r}: expected one of {allowed}") from None


def _bool(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise ConfigError(f"{name}={raw!r}: expected true or false")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name}={raw!r}: expected a positive whole number")
    return int(raw)


def _json(env: Mapping[str, str], name: str, kind: type, example: str) -> Any:
    raw = env.get(name, "").strip()
    if not raw:
        return kind()
    try:
        value = json.loads(raw)
    except ValueError as err:
        raise ConfigError(f"{name}: invalid JSON ({err}); expected e.g. {example}") from err
    if not isinstance(value, kind):
        raise ConfigError(f"{name}: expected a JSON {kind.__name__}, e.g. {example}")
    return value


def _json_strings(env: Mapping[str, str], name: str) -> list[str]:
    values = _json(env, name, list, '["argocd-*"]')
    if not all(isinstance(value, str) for value in values):
        raise ConfigError(f"{name}: every item must be a string")
    return list(values)


def _json_objects(env: Mapping[str, str], name: str) -> list[Mapping[str, Any]]:
    values = _json(env, name, list, '[{"id": "my-rule", ...}]')
    if not all(isinstance(value, dict) for value in values):
        raise ConfigError(f"{name}: every item must be a JSON object")
    return list(values)


def _protected_namespaces(env: Mapping[str, str]) -> tuple[str, ...]:
    """Unset: the defaults; `[]`: none (every namespace alike)."""
    if not env.get("PROTECTED_NAMESPACES", "").strip():
        return DEFAULT_PROTECTED_NAMESPACES
    names = _json_strings(env, "PROTECTED_NAMESPACES")
    if not all(names):
        raise ConfigError("PROTECTED_NAMESPACES: every item must be a non-empty namespace name")
    return tuple(names)


def _networks(env: Mapping[str, str], name: str) -> tuple[Network, ...]:
    networks = []
    for value in _json_strings(env, name):
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ConfigError(
                f'{name}: {value!r} is not a CIDR block, e.g. "10.0.0.0/16"'
            ) from None
    return tuple(networks)


def _severity_map(env: Mapping[str, str], name: str) -> dict[str, Severity]:
    values = _json(env, name, dict, '{"configmap-kube-system": "high"}')
    result = {}
    for rule_id, severity in values.items():
        try:
            result[str(rule_id)] = Severity(str(severity).lower())
        except ValueError:
            raise ConfigError(f"{name}: {rule_id}={severity!r} is not a severity") from None
    return result


def _account_names(env: Mapping[str, str], name: str) -> dict[str, str]:
    values = _json(env, name, dict, '{"111122223333": "prod"}')
    for account, label in values.items():
        if not (len(account) == 12 and account.isdigit()) or not isinstance(label, str):
            raise ConfigError(f"{name}: {account!r} must be a 12-digit account id with a name")
    return dict(values)
