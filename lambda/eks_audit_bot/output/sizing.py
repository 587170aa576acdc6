"""Making an alert or digest small enough for one SNS request, largest fields first.

SNS takes at most 256 KiB per request: the Subject, every protocol body of the message and
the attributes together. An alert is never dropped for its size. When its message is too big,
the largest field (15,000 forwarded IPs, a padded user agent or name, a long change list...)
is cut to a budget, then the next largest, until the message fits; if every field is within
the budget, the budget shrinks. Each cut comes back as a note for the alert to show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from eks_audit_bot.aws.alert import AwsAlert
from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.kube.alert import Alert, Digest

SNS_REQUEST_LIMIT = 256 * 1024
# (characters per text, items per list) at each step; a digest's JSON document also lists
# fewer members.
BUDGETS = ((1024, 20), (256, 5), (64, 1))
DOCUMENT_MEMBERS = (100, 20, 5)
ELLIPSIS = "…"

type Value = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Field[T]:
    """A field of an alert that can be shortened: where it is, and how to put it back."""

    label: str
    get: Callable[[T], Value]
    put: Callable[[T, Value], T]


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


def least_size[T](item: T, fields: tuple[Field[T], ...]) -> int:
    """A lower bound of the message's size: every field is in the JSON document at least
    once. Above the limit, cutting needs no rendering to know it is needed."""
    return sum(size_of(field.get(item)) for field in fields)


def size_of(value: Value) -> int:
    if isinstance(value, str):
        return len(value)
    return sum(len(item) + 4 for item in value)


def shortened(value: Value, budget: tuple[int, int]) -> tuple[Value, str]:
    """`value` within the budget, and a note saying what was cut (empty when nothing was)."""
    chars, items = budget
    if isinstance(value, str):
        if len(value) <= chars:
            return value, ""
        return value[: chars - 1] + ELLIPSIS, f"{len(value):,} characters, the first {chars} kept"
    kept = tuple(item if len(item) <= chars else item[: chars - 1] + ELLIPSIS for item in value)
    note = f"{len(value):,} items, the first {items} kept" if len(value) > items else ""
    if kept[:items] != value[:items]:
        note = note or f"items over {chars} characters cut"
    return kept[:items], note


def steps[T](item: T, fields: tuple[Field[T], ...]) -> Iterator[tuple[T, str]]:
    """Ever smaller versions of `item`, each with the note for what its step cut: the largest
    field over the budget first; then the next budget."""
    for budget in BUDGETS:
        while True:
            over = [
                (size_of(field.get(item)), index)
                for index, field in enumerate(fields)
                if shortened(field.get(item), budget)[1]
            ]
            if not over:
                break
            largest = fields[max(over)[1]]
            value, note = shortened(largest.get(item), budget)
            item = largest.put(item, value)
            yield item, f"{largest.label}: {note}"


def slim(alert: Alert, budget: tuple[int, int]) -> tuple[Alert, list[str]]:
    """Every field of `alert` within `budget`, and the labels of those that were cut."""
    cut = []
    for field in FIELDS:
        value, note = shortened(field.get(alert), budget)
        if note:
            alert = field.put(alert, value)
            cut.append(field.label)
    return alert, cut


def digest_steps(digest: Digest) -> Iterator[tuple[Digest, int | None, str]]:
    """Ever smaller versions of `digest`: its members' fields within a budget, then fewer
    members in the JSON document; each with that step's member limit and note."""
    total, limit = digest.count, None
    for budget, members in zip(BUDGETS, DOCUMENT_MEMBERS, strict=True):
        slimmed = [slim(alert, budget) for alert in digest.alerts]
        labels = sorted({label for _, cut in slimmed for label in cut})
        digest = replace(digest, alerts=tuple(alert for alert, _ in slimmed))
        if labels:
            yield digest, limit, f"members' {', '.join(labels)}: cut to {budget[0]} characters"
        if total > members:
            limit = members
            yield digest, limit, f"members: {total:,}, the first {members} in the JSON document"


def _on_call(alert: AwsAlert, **changes: Any) -> AwsAlert:
    """An AWS API call's own field replaced (an alarm has none of these)."""
    if not isinstance(alert.event, ApiCall):
        return alert
    return replace(alert, event=replace(alert.event, **changes))


def _on_aws(alert: AwsAlert, **changes: Any) -> AwsAlert:
    return replace(alert, **changes)


def _on_aws_actor(alert: AwsAlert, **changes: Any) -> AwsAlert:
    return replace(alert, actor=replace(alert.actor, **changes))


def _aws(name: str) -> Callable[[AwsAlert, Value], AwsAlert]:
    return lambda alert, value: _on_aws(alert, **{name: value})


def _aws_actor(name: str) -> Callable[[AwsAlert, Value], AwsAlert]:
    return lambda alert, value: _on_aws_actor(alert, **{name: value})


def _call(name: str) -> Callable[[AwsAlert, Value], AwsAlert]:
    return lambda alert, value: _on_call(alert, **{name: value})


def _call_text(name: str) -> Callable[[AwsAlert], Value]:
    return lambda alert: getattr(alert.event, name) if isinstance(alert.event, ApiCall) else ""


AWS_FIELDS: tuple[Field[AwsAlert], ...] = (
    Field("what changed", lambda a: a.changes, _aws("changes")),
    Field("target", lambda a: a.target, _aws("target")),
    Field("action", lambda a: a.action, _aws("action")),
    Field("client", lambda a: a.client, _aws("client")),
    Field("user agent", _call_text("user_agent"), _call("user_agent")),
    Field("error message", _call_text("error_message"), _call("error_message")),
    Field("person", lambda a: a.actor.display_name, _aws_actor("display_name")),
    Field("user", lambda a: a.actor.username, _aws_actor("username")),
    Field("IAM identity", lambda a: a.actor.iam_arn, _aws_actor("iam_arn")),
    Field("IAM role or user", lambda a: a.actor.canonical_arn, _aws_actor("canonical_arn")),
    Field("session", lambda a: a.actor.session_name, _aws_actor("session_name")),
)
