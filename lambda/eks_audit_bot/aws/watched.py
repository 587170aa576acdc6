"""What the module creates or depends on, and whether an API call touched it: `watched.json`.

One list, read by Terraform (the EventBridge rules and the member accounts' forwarding rules)
and here: each watch names a CloudTrail event source, the operations that change, stop or
delete what the module created (with the phrase an alert uses), the request parameters that
name the target, and how the function decides the target is ours (`owner`):

- `cluster`: a watched EKS cluster (`WATCHED_CLUSTERS`, every cluster when unset);
- `log-group`: a watched EKS control-plane log group, or the function's own log group;
- `function`: the function itself, by name, ARN, partial ARN or `name:qualifier`;
- `named`: the module's naming, `<bot_name>` or `<bot_name>-*` (rules, alarms, roles, the
  stream, the Logs destination and account policy, the bus, the queue, the state table); a
  queue URL or an ARN is judged by its last path segment;
- `topic`: the alert or page topic (`SNS_TOPIC_ARN`, `PAGERDUTY_TOPIC_ARN`) or a topic of the
  module's naming, also through a subscription ARN;
- `table`: the state table (`DEDUP_TABLE_NAME`, whatever its name) or one of the naming;
- `key`: one of `WATCHED_KMS_KEYS` (by key id, whatever form the caller used);
- `any`: everything (the trails: any stopped trail may be the one EventBridge depends on).

Pure: no AWS calls and no logging. Every value is caller-controlled and compared exactly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.core.alert import cluster_name
from eks_audit_bot.core.jsonvalue import mapping, strings, text
from eks_audit_bot.settings import Settings


@dataclass(frozen=True, slots=True)
class Phrase:
    """How an alert names an operation: the resource kind, the request parameter naming the
    target, and a past-tense phrase (`deleted Kinesis stream {target}`)."""

    resource: str
    target: str
    phrase: str


@dataclass(frozen=True, slots=True)
class Watch:
    kind: str
    event_source: str
    eventbridge_source: str  # `aws.cloudwatch` for `monitoring.amazonaws.com`
    rule: str  # the root module's EventBridge rule that delivers it
    targets: tuple[str, ...]
    owner: str
    resource_types: tuple[str, ...]
    operations: Mapping[str, Phrase]
    alerts: bool = True  # False: recorded only (STS calls naming a credential's person)


@cache
def watches() -> tuple[Watch, ...]:
    """The watches of `watched.json`, in file order."""
    raw = resources.files("eks_audit_bot.aws").joinpath("watched.json").read_text("utf-8")
    return tuple(_watch(kind, body) for kind, body in json.loads(raw)["watches"].items())


def _watch(kind: str, body: Mapping[str, Any]) -> Watch:
    return Watch(
        kind=kind,
        event_source=body["event_source"],
        eventbridge_source=body["eventbridge_source"],
        rule=body["rule"],
        targets=tuple(body["target"]),
        owner=body["owner"],
        resource_types=tuple(body["resource_types"]),
        operations={name: Phrase(**entry) for name, entry in body["operations"].items()},
        alerts=body.get("alerts", True),
    )


def watch_of(call: ApiCall) -> Watch | None:
    """The watch whose event source and operations hold the call, if any."""
    return next(
        (
            watch
            for watch in watches()
            if watch.event_source == call.event_source and call.event_name in watch.operations
        ),
        None,
    )


def eventbridge_source(event_source: str) -> str:
    """The `source` EventBridge gives a service's CloudTrail events: `aws.eks` for
    `eks.amazonaws.com` (the service's own name where it differs, `aws.cloudwatch`)."""
    known = {watch.event_source: watch.eventbridge_source for watch in watches()}
    service, _, domain = event_source.partition(".")
    if event_source in known:
        return known[event_source]
    return f"aws.{service}" if service and domain == "amazonaws.com" else ""


def phrase_of(call: ApiCall) -> Phrase | None:
    watch = watch_of(call)
    return watch.operations[call.event_name] if watch else None


def concerns_us(call: ApiCall, settings: Settings) -> bool:
    """Something the module created or depends on: judged by the watch of the operation, or,
    for an operation no watch lists (a read, a new API), by every watch of its service (the
    rules then say it is a read or needs no alert)."""
    watch = watch_of(call)
    candidates = (
        (watch,)
        if watch
        else tuple(known for known in watches() if known.event_source == call.event_source)
    )
    return any(_owns(known, call, settings) for known in candidates)


def _owns(watch: Watch, call: ApiCall, settings: Settings) -> bool:
    if watch.owner == "any":
        return True
    values = [target_value(call, key) for key in watch.targets]
    return any(OWNERS[watch.owner](value, settings) for value in values if value)


def target_value(call: ApiCall, key: str) -> str:
    """The string (a list joined by commas) at a dotted path of the request, or of the
    response for `responseElements.…`."""
    source: object = call.request
    path = key.split(".")
    if path[0] == "responseElements":
        source, path = call.response, path[1:]
    for part in path:
        source = mapping(source).get(part)
    if isinstance(source, list):
        return ",".join(strings(source))
    return text(source)


def _cluster(value: str, settings: Settings) -> bool:
    return settings.watches_cluster(value)


def _log_group(value: str, settings: Settings) -> bool:
    if value == f"/aws/lambda/{settings.bot_name}":
        return True
    cluster = cluster_name(value)
    if cluster == value:
        return False
    return not settings.watched_clusters or cluster in settings.watched_clusters


def function_name(value: str) -> str:
    """`eks-audit-bot` for its name, ARN, partial ARN or `name:qualifier`."""
    parts = value.split(":")
    if "function" in parts[:-1]:
        return parts[parts.index("function") + 1]
    return parts[0]


def _function(value: str, settings: Settings) -> bool:
    return function_name(value) == settings.bot_name


def is_ours(name: str, settings: Settings) -> bool:
    """`<bot_name>` or `<bot_name>-*`, exactly."""
    return name == settings.bot_name or name.startswith(settings.bot_name + "-")


def _named(value: str, settings: Settings) -> bool:
    """Any of the comma-separated names (alarms) ours; URLs and ARNs by their last segment."""
    for name in value.split(","):
        last = name.strip().rstrip("/").rsplit("/", 1)[-1]
        if is_ours(last.rsplit(":", 1)[-1] if last.startswith("arn:") else last, settings):
            return True
    return False


def _table(value: str, settings: Settings) -> bool:
    table = value.rsplit("/", 1)[-1]  # a name or `arn:…:table/<name>`
    return (bool(table) and table == settings.dedup_table_name) or _named(value, settings)


def _topic(value: str, settings: Settings) -> bool:
    topics = {settings.sns_topic_arn, settings.pagerduty_topic_arn} - {""}
    parts = value.split(":")
    if len(parts) == 7:  # a subscription ARN: the topic's ARN and the subscription's id
        parts = parts[:6]
    topic = ":".join(parts)
    return topic in topics or (len(parts) == 6 and is_ours(parts[5], settings))


def key_id(value: str) -> str:
    """`1234abcd-…` for a key id or `arn:…:key/1234abcd-…`; aliases stay as they are."""
    return value.rsplit(":key/", 1)[-1] if value.startswith("arn:") else value


def _key(value: str, settings: Settings) -> bool:
    return key_id(value) in {key_id(key) for key in settings.watched_kms_keys}


OWNERS = {
    "cluster": _cluster,
    "log-group": _log_group,
    "function": _function,
    "named": _named,
    "table": _table,
    "topic": _topic,
    "key": _key,
}
