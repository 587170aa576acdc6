"""Rules over a whole batch: one alert per identity whose requests repeat (probing).

A catalog rule with `match.repeats` (`{"events": N, "resources": M}`) fires once per identity
(Kubernetes username) with at least N of the batch's actions matching the rule's per-request
conditions, on at least M different resources. The shipped one, `automation-probing`, counts
refusals of a service account or node: a stolen token trying what it may do. One alert stands
for them all: the last such request that did not alert on its own, with the list of what was
tried.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from eks_audit_bot.core.actor import Actor
from eks_audit_bot.core.alert import Location
from eks_audit_bot.kube import classify
from eks_audit_bot.kube.alert import Alert
from eks_audit_bot.kube.audit import AuditEvent
from eks_audit_bot.kube.identity import actor_of
from eks_audit_bot.kube.rules import Rule, RuleCatalog, audience_of
from eks_audit_bot.settings import Settings

MAX_LISTED = 10


def alerts(
    actions: Iterable[AuditEvent],
    location: Location,
    settings: Settings,
    catalog: RuleCatalog,
    alerted: Iterable[Alert] = (),
) -> list[Alert]:
    """The batch rules' alerts for one batch's actions (one event per action)."""
    rules = catalog.batch_rules()
    if not rules:
        return []
    events = [(event, actor_of(event)) for event in actions]
    seen = {alert.event.audit_id for alert in alerted}
    found = [
        alert
        for rule in rules
        for alert in _fire(rule, events, _Batch(location, settings, catalog, seen))
    ]
    return [alert for alert in found if alert.severity.rank >= settings.min_severity.rank]


@dataclass(frozen=True, slots=True)
class _Batch:
    location: Location
    settings: Settings
    catalog: RuleCatalog
    seen: set[str]  # audit IDs that alerted on their own


def _fire(rule: Rule, events: list[tuple[AuditEvent, Actor]], batch: _Batch) -> list[Alert]:
    repeats = rule.match.repeats
    if repeats is None:
        return []
    groups: dict[str, list[tuple[AuditEvent, Actor]]] = {}
    for event, actor in events:
        if _counts(rule, event, actor, batch):
            groups.setdefault(actor.username, []).append((event, actor))
    fired = []
    for members in groups.values():
        targets = Counter(_target(event) for event, _ in members)
        if len(members) >= repeats.events and _resources(targets) >= repeats.resources:
            fired.append(_alert(rule, members, targets, batch))
    return fired


def _counts(rule: Rule, event: AuditEvent, actor: Actor, batch: _Batch) -> bool:
    audience = audience_of(event, actor, batch.settings)
    return rule.match.is_for(audience) and rule.match.accepts(event, actor, batch.catalog.context)


def _alert(
    rule: Rule,
    members: list[tuple[AuditEvent, Actor]],
    targets: Counter[tuple[str, str, str]],
    batch: _Batch,
) -> Alert:
    fresh = [member for member in members if member[0].audit_id not in batch.seen]
    event, actor = (fresh or members)[-1]
    lines = [f"{len(members)} requests in this batch, on {_resources(targets)} resources:"]
    for (verb, resource, namespace), count in targets.most_common(MAX_LISTED):
        where = f" in {namespace}" if namespace else ""
        lines.append(f"{verb} {resource}{where}" + (f" ({count} times)" if count > 1 else ""))
    if len(targets) > MAX_LISTED:
        lines.append(f"… and {len(targets) - MAX_LISTED} more")
    return Alert(
        event=event,
        actor=actor,
        rule=rule.hit(),
        location=batch.location,
        changes=tuple(lines),
        client=classify.client_of(event.user_agent),
    )


def _resources(targets: Counter[tuple[str, str, str]]) -> int:
    return len({resource for _, resource, _ in targets})


def _target(event: AuditEvent) -> tuple[str, str, str]:
    return (event.verb, event.resource_path, event.object_ref.namespace)
