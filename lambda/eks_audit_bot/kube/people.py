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

from eks_audit_bot.core.credential import CredentialResolver, named, needs_a_name
from eks_audit_bot.kube.alert import Alert


def name_people(alerts: Sequence[Alert], resolver: CredentialResolver) -> list[Alert]:
    """The alerts, each whose actor is a generic role session with the person filled in (or
    marked unknown)."""
    return [_named(alert, resolver) if needs_a_name(alert.actor) else alert for alert in alerts]


def _named(alert: Alert, resolver: CredentialResolver) -> Alert:
    event = alert.event
    key = event.user.extra_value("accessKeyId") or ""
    untraceable = "the audit event carries no access key id to trace"
    actor = named(alert.actor, resolver, key, event.request_received, untraceable)
    return alert._replace(actor=actor)
