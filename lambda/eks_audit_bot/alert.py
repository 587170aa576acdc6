"""What the pipeline hands to the formatters: one alert per action, or a digest of many."""

from __future__ import annotations

from dataclasses import dataclass

from eks_audit_bot.audit import AuditEvent
from eks_audit_bot.config import Settings, Severity
from eks_audit_bot.decode import cluster_name
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

    @classmethod
    def of(
        cls, log_group: str, settings: Settings, owner: str = "", cluster: str | None = None
    ) -> Location:
        """The place of a log group's events: its cluster, and the account from settings or
        the payload's owner."""
        return cls(
            cluster=cluster or cluster_name(log_group),
            log_group=log_group,
            account_id=settings.account_id or owner,
            account_name=settings.account_name,
            region=settings.region,
            partition=settings.partition,
        )


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
