"""The fields of an audit-log alert that may be shortened to fit one SNS message, largest
first (`output.sizing`), and the steps that make a digest smaller: its members' fields within
a budget, then fewer members in its JSON document."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from eks_audit_bot.kube.alert import Alert, Digest
from eks_audit_bot.output.sizing import BUDGETS, DOCUMENT_MEMBERS, Field, Value, slim


def _on_event(alert: Alert, **changes: Any) -> Alert:
    return replace(alert, event=alert.event._replace(**changes))


def _on_ref(alert: Alert, **changes: Any) -> Alert:
    return _on_event(alert, object_ref=alert.event.object_ref._replace(**changes))


def _on_actor(alert: Alert, **changes: Any) -> Alert:
    return replace(alert, actor=replace(alert.actor, **changes))


def _event(name: str) -> Callable[[Alert, Value], Alert]:
    return lambda alert, value: _on_event(alert, **{name: value})


def _ref(name: str) -> Callable[[Alert, Value], Alert]:
    return lambda alert, value: _on_ref(alert, **{name: value})


def _actor(name: str) -> Callable[[Alert, Value], Alert]:
    return lambda alert, value: _on_actor(alert, **{name: value})


def _changes(alert: Alert, value: Value) -> Alert:
    return replace(alert, changes=(value,) if isinstance(value, str) else value)


def _client(alert: Alert, value: Value) -> Alert:
    return replace(alert, client=value if isinstance(value, str) else " ".join(value))


FIELDS: tuple[Field[Alert], ...] = (
    Field("source IPs", lambda a: a.event.source_ips, _event("source_ips")),
    Field("user agent", lambda a: a.event.user_agent, _event("user_agent")),
    Field("what changed", lambda a: a.changes, _changes),
    Field("request URI", lambda a: a.event.request_uri, _event("request_uri")),
    Field("name", lambda a: a.event.object_ref.name, _ref("name")),
    Field("namespace", lambda a: a.event.object_ref.namespace, _ref("namespace")),
    Field("resource", lambda a: a.event.object_ref.resource, _ref("resource")),
    Field("subresource", lambda a: a.event.object_ref.subresource, _ref("subresource")),
    Field("API group", lambda a: a.event.object_ref.api_group, _ref("api_group")),
    Field("API version", lambda a: a.event.object_ref.api_version, _ref("api_version")),
    Field("person", lambda a: a.actor.display_name, _actor("display_name")),
    Field("Kubernetes user", lambda a: a.actor.username, _actor("username")),
    Field("IAM identity", lambda a: a.actor.iam_arn, _actor("iam_arn")),
    Field("IAM role or user", lambda a: a.actor.canonical_arn, _actor("canonical_arn")),
    Field("session", lambda a: a.actor.session_name, _actor("session_name")),
    Field("groups", lambda a: a.actor.groups, _actor("groups")),
    Field("impersonated user", lambda a: a.actor.impersonated_user, _actor("impersonated_user")),
    Field(
        "impersonated groups",
        lambda a: a.actor.impersonated_groups,
        _actor("impersonated_groups"),
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
        digest = replace(digest, alerts=tuple(alert for alert, _ in slimmed))
        if labels:
            yield digest, f"members' {', '.join(labels)}: cut to {budget[0]} characters"
        if total > members:
            digest = replace(digest, shown=members)
            yield digest, f"members: {total:,}, the first {members} in the JSON document"
