"""Manual or automation: decided in the Lambda, whatever the filter pattern let through."""

from __future__ import annotations

from eks_audit_bot.audit import AuditEvent
from eks_audit_bot.config import Settings
from eks_audit_bot.identity import Actor, ActorKind

AUTOMATION_KINDS = frozenset(
    {ActorKind.SERVICE_ACCOUNT, ActorKind.NODE, ActorKind.CONTROL_PLANE, ActorKind.EKS}
)


def is_automation(event: AuditEvent, actor: Actor, settings: Settings) -> bool:
    """True for Kubernetes components, nodes, service accounts and EKS itself."""
    del event, settings
    return actor.kind in AUTOMATION_KINDS
