"""The person behind a generic session: each alert's actor, named from its credential.

When a person's request came through a role session whose name names nobody
(`core.credential.is_generic_session`: `EKSGetTokenAuth`, an SDK's default, a number, none),
the audit log's `user.extra.accessKeyId` leads to the STS call that issued the credential
(`CredentialResolver`), and the alert names the person it found and says how. When nothing is
known the alert says the person is unknown, and goes out all the same, at once.

IAM users need nothing (their name is the person), nor does anyone whose session names them.
The access key id is passed to the resolver only; it never reaches the alert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from eks_audit_bot.core.actor import Actor, ActorKind
from eks_audit_bot.core.credential import CredentialResolver, is_generic_session
from eks_audit_bot.kube.alert import Alert

UNKNOWN = "unknown person"


def name_people(alerts: Sequence[Alert], resolver: CredentialResolver) -> list[Alert]:
    """The alerts, each whose actor is a generic role session with the person filled in (or
    marked unknown)."""
    return [_named(alert, resolver) if needs_a_name(alert.actor) else alert for alert in alerts]


def needs_a_name(actor: Actor) -> bool:
    """A person acting through an assumed role whose session names nobody."""
    return (
        actor.kind is ActorKind.HUMAN
        and ":assumed-role/" in actor.iam_arn
        and is_generic_session(actor.session_name)
    )


def _named(alert: Alert, resolver: CredentialResolver) -> Alert:
    actor, event = alert.actor, alert.event
    session = actor.session_name or "(none)"
    key = event.user.extra_value("accessKeyId") or ""
    link = resolver.resolve(key, actor.canonical_arn, event.request_received) if key else None
    if link is None:
        why = (
            "no record of the STS call that issued this credential (see "
            "docs/automation-and-identity.md)"
            if key
            else "the audit event carries no access key id to trace"
        )
        named = replace(
            actor,
            display_name=f"{UNKNOWN} (role {actor.role_name or '?'}, session {session})",
            person_source=f"unknown: session {session} names nobody, and {why}",
        )
    else:
        named = replace(actor, display_name=link.person, person_source=link.describe())
    return replace(alert, actor=named)
