"""What the pipeline hands to the formatters: one alert per action, or a digest of many."""

from __future__ import annotations

from dataclasses import dataclass

from eks_audit_bot.audit import AuditEvent
from eks_audit_bot.config import Severity
from eks_audit_bot.identity import Actor


@dataclass(frozen=True, slots=True)
class RuleHit:
    """The rule an event matched, with the severity the catalog gives it."""

    rule_id: str
    title: str
    severity: Severity
    explanation: str = ""
    runbook: str = ""


@dataclass(frozen=True, slots=True)
class Location:
    """Where the audit log came from."""

    cluster: str
    log_group: str
    account_id: str = ""
    account_name: str = ""
    region: str = ""
    partition: str = "aws"


@dataclass(frozen=True, slots=True)
class Alert:
    event: AuditEvent
    actor: Actor
    rule: RuleHit
    location: Location
    changes: tuple[str, ...] = ()
    client: str = ""

    @property
    def outcome(self) -> str:
        return "allowed" if self.event.allowed else "denied"

    @property
    def severity(self) -> Severity:
        """The rule's severity, one step lower when Kubernetes denied the request."""
        return self.rule.severity if self.event.allowed else self.rule.severity.lowered()
