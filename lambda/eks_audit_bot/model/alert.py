"""What detection hands to rendering: one alert per action, or a digest of many."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from eks_audit_bot.model.audit import AuditEvent
from eks_audit_bot.model.bodies import name_of
from eks_audit_bot.model.identity import Actor
from eks_audit_bot.model.severity import Severity


class Outcome(StrEnum):
    """What became of a request: the `outcome` SNS attribute."""

    ALLOWED = "allowed"  # Kubernetes served it
    DENIED = "denied"  # 401/403 or an authorizer's `forbid`: refused
    FAILED = "failed"  # any other 4xx/5xx: it was allowed but nothing changed


def outcome_of(event: AuditEvent) -> Outcome:
    """Denied before failed: a 403 is a refusal, a 409 or 500 a request that went nowhere."""
    if not event.allowed:
        return Outcome.DENIED
    code = event.response_code
    if code is not None and code >= 400:
        return Outcome.FAILED
    return Outcome.ALLOWED


def cluster_name(log_group: str) -> str:
    """`prod` for `/aws/eks/prod/cluster`; other log groups are named as they are."""
    parts = log_group.strip("/").split("/")
    if len(parts) == 4 and parts[:2] == ["aws", "eks"] and parts[3] == "cluster":
        return parts[2]
    return log_group


@dataclass(frozen=True, slots=True)
class RuleHit:
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
    """One action a rule alerts on: the event, who did it, where, and what it changed."""

    event: AuditEvent
    actor: Actor
    rule: RuleHit
    location: Location
    changes: tuple[str, ...] = ()
    client: str = ""

    @property
    def outcome(self) -> Outcome:
        return outcome_of(self.event)

    @property
    def severity(self) -> Severity:
        """The rule's severity, one step lower when Kubernetes denied the request."""
        return self.rule.severity_for(self.outcome)


class DigestKind(StrEnum):
    REPEATED = "repeated"  # one actor doing the same thing many times
    OVERFLOW = "overflow"  # what is left after the per-invocation cap


@dataclass(frozen=True, slots=True)
class Digest:
    """Many alerts sent as one message. `alerts` keeps the members in batch order."""

    kind: DigestKind
    alerts: tuple[Alert, ...]
    limit: int = 0  # the cap that made an overflow digest
    # The most severe member (the first of those): its rule and actor head the digest. Found
    # once: rendering asks for it (its severity, rule, actor, location) many times.
    lead: Alert = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lead", max(self.alerts, key=lambda alert: alert.severity.rank))

    @property
    def severity(self) -> Severity:
        return self.lead.severity

    @property
    def rule(self) -> RuleHit:
        return self.lead.rule

    @property
    def actor(self) -> Actor:
        return self.lead.actor

    @property
    def location(self) -> Location:
        return self.lead.location

    @property
    def count(self) -> int:
        return len(self.alerts)

    @property
    def denied(self) -> int:
        return sum(1 for alert in self.alerts if not alert.event.allowed)

    @property
    def names(self) -> tuple[str, ...]:
        """Distinct object names of the members, in batch order."""
        return tuple(dict.fromkeys(name_of(alert.event) or "(unnamed)" for alert in self.alerts))

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(alert.rule.rule_id for alert in self.alerts))


type Item = Alert | Digest
