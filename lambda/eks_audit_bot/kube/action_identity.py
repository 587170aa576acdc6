"""What makes an audit-log action this action and no other: the dedup ledger's key and the FIFO
topic's deduplication id (`core.view.AlertView.identity`).

Everything that makes two actions different is in it, never only what a client chooses (the
`Audit-ID` header is the client's): where (account, cluster), the rule, who and what (user,
verb, the full object reference, the request URI), when the API server received it, and a
digest of the rest of the request as read (groups and extras, impersonation, source IPs,
user agent, request body). A line CloudWatch Logs cut keeps what survived, so two different cut
lines differ wherever what survived differs. Nothing of the stage is in it (stage, stage time,
response, annotations), so the two stages of an `exec` and a re-delivered line are one action.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eks_audit_bot.kube.alert import Alert
    from eks_audit_bot.kube.audit import AuditEvent


def action_identity(alert: Alert) -> dict[str, str]:
    """The identity of an alert's action, as strings (a digest stands for what is long)."""
    event, ref = alert.event, alert.event.object_ref
    return {
        "account": alert.location.account_id,
        "cluster": alert.location.cluster,
        "audit_id": event.audit_id,
        "rule": alert.rule.rule_id,
        "user": event.user.username,
        "verb": event.verb,
        "uri": event.request_uri,
        "received": event.request_received,
        "resource": ref.resource,
        "subresource": ref.subresource,
        "namespace": ref.namespace,
        "name": ref.name,
        "api_group": ref.api_group,
        "api_version": ref.api_version,
        "request": request_digest(event),
    }


def request_digest(event: AuditEvent) -> str:
    """sha256 of what a request's stages share beyond the fields named in the identity."""
    impersonated = event.impersonated_user
    shared = {
        "groups": list(event.user.groups),
        "extra": event.user.extra,
        "impersonated": list(impersonated) if impersonated is not None else None,
        "source_ips": list(event.source_ips),
        "user_agent": event.user_agent,
        "request_object": event.request_object,
    }
    text = json.dumps(shared, sort_keys=True, default=_opaque, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _opaque(value: object) -> object:
    """Mappings and sequences the JSON encoder does not know (read-only views of the line)."""
    if isinstance(value, Mapping):
        return dict(value)
    return repr(value)
