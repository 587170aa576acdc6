"""The fields of an audit-log alert that may be shortened to fit one SNS message, largest
first (`output.sizing`), and the steps that make a digest smaller: its members' fields within
a budget, then fewer members in its JSON document."""

from __future__ import annotations

from collections.abc import Iterator

from eks_audit_bot.core.setters import field_setter as put
from eks_audit_bot.kube.alert import Alert, Digest
from eks_audit_bot.output.sizing import BUDGETS, DOCUMENT_MEMBERS, Field, Value, slim

_REF = ("event", "object_ref")  # the object a request names


def _changes(alert: Alert, value: Value) -> Alert:
    return alert._replace(changes=(value,) if isinstance(value, str) else value)


def _client(alert: Alert, value: Value) -> Alert:
    return alert._replace(client=value if isinstance(value, str) else " ".join(value))


FIELDS: tuple[Field[Alert], ...] = (
    Field("source IPs", lambda a: a.event.source_ips, put("event", "source_ips")),
    Field("user agent", lambda a: a.event.user_agent, put("event", "user_agent")),
    Field("what changed", lambda a: a.changes, _changes),
    Field("request URI", lambda a: a.event.request_uri, put("event", "request_uri")),
    Field("name", lambda a: a.event.object_ref.name, put(*_REF, "name")),
    Field("namespace", lambda a: a.event.object_ref.namespace, put(*_REF, "namespace")),
    Field("resource", lambda a: a.event.object_ref.resource, put(*_REF, "resource")),
    Field("subresource", lambda a: a.event.object_ref.subresource, put(*_REF, "subresource")),
    Field("API group", lambda a: a.event.object_ref.api_group, put(*_REF, "api_group")),
    Field("API version", lambda a: a.event.object_ref.api_version, put(*_REF, "api_version")),
    Field("person", lambda a: a.actor.display_name, put("actor", "display_name")),
    Field("Kubernetes user", lambda a: a.actor.username, put("actor", "username")),
    Field("IAM identity", lambda a: a.actor.iam_arn, put("actor", "iam_arn")),
    Field("IAM role or user", lambda a: a.actor.canonical_arn, put("actor", "canonical_arn")),
    Field("session", lambda a: a.actor.session_name, put("actor", "session_name")),
    Field("groups", lambda a: a.actor.groups, put("actor", "groups")),
    Field(
        "impersonated user", lambda a: a.actor.impersonated_user, put("actor", "impersonated_user")
    ),
    Field(
        "impersonated groups",
        lambda a: a.actor.impersonated_groups,
        put("actor", "impersonated_groups"),
    ),
    Field("client", lambda a: a.client, _client),
)


def digest_steps(digest: Digest) -> Iterator[tuple[Digest, str]]:
    """Ever smaller versions of `digest`: its members' fields within a budget, then fewer
    members in the JSON document; each with that step's note."""
    total = digest.count
    for budget, members in zip(BUDGETS, DOCUMENT_MEMBERS, strict=True):
        slimmed = [slim(alert, FIELDS, budget) for alert in digest.alerts]
        labels = sorted({label for _, cut in slimmed for label in cut})
        shortened = tuple(alert for alert, _ in slimmed)
        digest = Digest(digest.kind, shortened, digest.limit, digest.shown)
        if labels:
            yield digest, f"members' {', '.join(labels)}: cut to {budget[0]} characters"
        if total > members:
            digest = Digest(digest.kind, digest.alerts, digest.limit, shown=members)
            yield digest, f"members: {total:,}, the first {members} in the JSON document"
