"""Severity for an event: a manual change alerts as `low` unless a rule says more."""

from __future__ import annotations

from dataclasses import dataclass

from eks_audit_bot.alert import RuleHit
from eks_audit_bot.audit import AuditEvent
from eks_audit_bot.config import Settings, Severity
from eks_audit_bot.identity import Actor, ActorKind

MANUAL_CHANGE = RuleHit(
    rule_id="manual-change",
    title="Manual change",
    severity=Severity.LOW,
    explanation="A person changed the cluster by hand.",
    runbook="Confirm the change was intended and is tracked in source control.",
)
ANONYMOUS_REQUEST = RuleHit(
    rule_id="anonymous-request-allowed",
    title="Anonymous request allowed",
    severity=Severity.CRITICAL,
    explanation="The API server served an unauthenticated request.",
    runbook="Check anonymous auth and bindings to system:anonymous/system:unauthenticated.",
)


@dataclass(frozen=True, slots=True)
class RuleCatalog:
    settings: Settings

    @classmethod
    def load(cls, settings: Settings) -> RuleCatalog:
        return cls(settings)

    def match(self, event: AuditEvent, actor: Actor) -> RuleHit | None:
        """The rule to alert with, or None when the event needs no alert (a plain read)."""
        if actor.kind is ActorKind.ANONYMOUS and event.allowed:
            return ANONYMOUS_REQUEST
        if event.is_read_only:
            return None
        return MANUAL_CHANGE
