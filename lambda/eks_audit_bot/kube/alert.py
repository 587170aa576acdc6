"""What detection hands to rendering: one alert per action, or a digest of many."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from eks_audit_bot.core.actor import Actor
from eks_audit_bot.core.alert import Location, Outcome, RuleHit
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube.audit import AuditEvent
from eks_audit_bot.kube.bodies import name_of


def outcome_of(event: AuditEvent) -> Outcome:
    """Denied before failed: a 403 is a refusal, a 409 or 500 a request that went nowhere."""
    if not event.allowed:
        return Outcome.DENIED
    code = event.response_code
    if code is not None and code >= 400:
        return Outcome.FAILED
    return Outcome.ALLOWED


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
