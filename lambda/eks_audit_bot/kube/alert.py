"""What detection hands to rendering: one alert per action, or a digest of many.

Both implement the alert view (`core.view.AlertView`) with this feed's renderers (`text`,
`document`, `digest`, `pagerduty`, `fields`), loaded with the first alert that is rendered.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from eks_audit_bot.core.actor import Actor
from eks_audit_bot.core.alert import Location, Outcome, RuleHit
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.core.view import AUDIT_LOG, identity_key
from eks_audit_bot.kube.audit import AuditEvent
from eks_audit_bot.kube.bodies import name_of

if TYPE_CHECKING:
    from eks_audit_bot.core.view import Page


def outcome_of(event: AuditEvent) -> Outcome:
    """Denied before failed: a 403 is a refusal, a 409 or 500 a request that went nowhere."""
    if not event.allowed:
        return Outcome.DENIED
    code = event.response_code
    if code is not None and code >= 400:
        return Outcome.FAILED
    return Outcome.ALLOWED


class Alert:
    """One action a rule alerts on: the event, who did it, where, and what it changed."""

    __slots__ = ("actor", "changes", "client", "event", "location", "outcome", "rule", "severity")

    def __init__(
        self,
        event: AuditEvent,
        actor: Actor,
        rule: RuleHit,
        location: Location,
        changes: tuple[str, ...] = (),
        *,
        client: str = "",
    ) -> None:
        self.event = event
        self.actor = actor
        self.rule = rule
        self.location = location
        self.changes = changes
        self.client = client
        # Read once from the event and the rule: folding, sorting and rendering ask for them
        # often. The severity is the rule's, one step lower when Kubernetes denied the request.
        self.outcome = outcome_of(event)
        self.severity = rule.severity_for(self.outcome)

    def _replace(self, **fields: Any) -> Alert:
        """A copy with `fields` changed, as a named tuple's `_replace` (sizing shortens an
        alert's texts with it, `core.setters`)."""
        kept = {
            "event": self.event,
            "actor": self.actor,
            "rule": self.rule,
            "location": self.location,
            "changes": self.changes,
            "client": self.client,
        }
        return Alert(**(kept | fields))

    # ---- the alert view (`core.view.AlertView`) ----

    @property
    def audit_id(self) -> str:
        return self.event.audit_id

    @property
    def alerts(self) -> tuple[Alert, ...]:
        return (self,)

    @property
    def resolves(self) -> bool:
        return False

    def subject(self) -> str:
        from eks_audit_bot.kube.text import alert_subject  # noqa: PLC0415

        return alert_subject(self)

    def text(self) -> str:
        from eks_audit_bot.kube.text import render_text  # noqa: PLC0415

        return render_text(self)

    def document(self) -> dict[str, Any]:
        from eks_audit_bot.kube.document import alert_document  # noqa: PLC0415

        return alert_document(self)

    def chat(self) -> dict[str, Any]:
        from eks_audit_bot.kube.document import chat_notification  # noqa: PLC0415

        return chat_notification(self)

    def attribute_values(self) -> dict[str, str]:
        """A cluster-scoped resource has no `namespace` (the renderer leaves empty values out:
        match it with `{"namespace": [{"exists": false}]}`)."""
        event = self.event
        return {
            "severity": str(self.severity),
            "source": AUDIT_LOG,
            "cluster": self.location.cluster,
            "account": self.location.account_id,
            "namespace": event.object_ref.namespace,
            "verb": event.verb,
            "resource": event.resource_path,
            "actor": self.actor.display_name,
            "rule": self.rule.rule_id,
            "outcome": self.outcome,
        }

    def page(self) -> Page:
        from eks_audit_bot.kube.pagerduty import alert_page  # noqa: PLC0415

        return alert_page(self)

    def least_size(self) -> int:
        from eks_audit_bot.kube.fields import FIELDS  # noqa: PLC0415
        from eks_audit_bot.output.sizing import least_size  # noqa: PLC0415

        return least_size(self, FIELDS)

    def smaller(self) -> Iterator[tuple[Alert, str]]:
        from eks_audit_bot.kube.fields import FIELDS  # noqa: PLC0415
        from eks_audit_bot.output.sizing import steps  # noqa: PLC0415

        return steps(self, FIELDS)

    def identity(self) -> dict[str, str]:
        from eks_audit_bot.kube.action_identity import action_identity  # noqa: PLC0415

        return action_identity(self)


class DigestKind(StrEnum):
    REPEATED = "repeated"  # one actor doing the same thing many times
    OVERFLOW = "overflow"  # what is left after the per-invocation cap


class Digest:
    """Many alerts sent as one message. `alerts` keeps the members in batch order."""

    __slots__ = ("alerts", "kind", "lead", "limit", "shown")

    def __init__(
        self,
        kind: DigestKind,
        alerts: tuple[Alert, ...],
        limit: int = 0,
        shown: int | None = None,
    ) -> None:
        self.kind = kind
        self.alerts = alerts
        self.limit = limit  # the cap that made an overflow digest
        self.shown = shown  # members listed in its JSON document, when sizing cut them
        # The most severe member (the first of those): its rule and actor head the digest.
        # Found once: rendering asks for it (its severity, rule, actor, location) many times.
        self.lead = max(alerts, key=lambda alert: alert.severity.rank)

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

    # ---- the alert view (`core.view.AlertView`): the lead's, for many ----

    @property
    def audit_id(self) -> str:
        return self.lead.event.audit_id

    @property
    def resolves(self) -> bool:
        return False

    def subject(self) -> str:
        from eks_audit_bot.kube.digest import digest_subject  # noqa: PLC0415

        return digest_subject(self)

    def text(self) -> str:
        from eks_audit_bot.kube.digest import render_digest_text  # noqa: PLC0415

        return render_digest_text(self)

    def document(self) -> dict[str, Any]:
        from eks_audit_bot.kube.digest import digest_document  # noqa: PLC0415

        return digest_document(self)

    def chat(self) -> dict[str, Any]:
        from eks_audit_bot.kube.digest import digest_chat  # noqa: PLC0415

        return digest_chat(self)

    def attribute_values(self) -> dict[str, str]:
        """The lead's, with the digest's severity, outcome and kind."""
        values = self.lead.attribute_values()
        values["severity"] = str(self.severity)
        values["outcome"] = "denied" if self.denied == self.count else "allowed"
        values["digest"] = str(self.kind)
        return values

    def page(self) -> Page:
        from eks_audit_bot.kube.pagerduty import digest_page  # noqa: PLC0415

        return digest_page(self)

    def least_size(self) -> int:
        return 0  # a digest is rendered before it is made smaller

    def smaller(self) -> Iterator[tuple[Digest, str]]:
        from eks_audit_bot.kube.fields import digest_steps  # noqa: PLC0415

        return digest_steps(self)

    def identity(self) -> dict[str, str]:
        """Its members' identities (a digest is never claimed: its members are)."""
        members = [identity_key(alert.identity()) for alert in self.alerts]
        return {"digest": str(self.kind), "members": identity_key({"of": " ".join(members)})}


type Item = Alert | Digest
