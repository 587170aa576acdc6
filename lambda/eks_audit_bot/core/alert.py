"""What every alert shares, whatever its feed: the outcome of the request, the rule it hit with
its severity, and where it came from."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from eks_audit_bot.core.severity import Severity


class Outcome(StrEnum):
    """What became of a request: the `outcome` SNS attribute."""

    ALLOWED = "allowed"  # Kubernetes served it
    DENIED = "denied"  # 401/403 or an authorizer's `forbid`: refused
    FAILED = "failed"  # any other 4xx/5xx: it was allowed but nothing changed


def cluster_name(log_group: str) -> str:
    """`prod` for `/aws/eks/prod/cluster`; other log groups are named as they are."""
    parts = log_group.strip("/").split("/")
    if len(parts) == 4 and parts[:2] == ["aws", "eks"] and parts[3] == "cluster":
        return parts[2]
    return log_group


class RuleHit(NamedTuple):
    """The rule an event matched, with the severity the catalog gives it."""

    rule_id: str
    title: str
    severity: Severity
    explanation: str = ""
    runbook: str = ""
    # False for rules about the refusal itself (they name the `denied` predicate): a denied
    # request is what they look for, so it keeps the rule's severity.
    lowered_when_denied: bool = True

    def severity_for(self, outcome: Outcome) -> Severity:
        return severity_for(self.severity, outcome, lowered_when_denied=self.lowered_when_denied)


def severity_for(severity: Severity, outcome: Outcome, *, lowered_when_denied: bool) -> Severity:
    """A rule's severity, one step lower for a denied request unless the refusal is the point."""
    return severity.lowered() if outcome is Outcome.DENIED and lowered_when_denied else severity


class Location(NamedTuple):
    """Where the audit log came from."""

    cluster: str
    log_group: str
    account_id: str = ""
    account_name: str = ""
    region: str = ""
    partition: str = "aws"
