"""Noise control within one invocation: fold repeats into digests, cap what one batch sends.

Alerts by the same actor with the same verb on the same resource in the same namespace (and
cluster) fold into one digest when there are more than `DIGEST_THRESHOLD` of them ("alice
deleted 25 secrets in payments: a, b, c, … and 22 more"). After folding, at most
`MAX_ALERTS_PER_INVOCATION` messages go out: the most severe ones, and one summary of the rest.
A digest is as severe as its most severe member, so folding never hides a critical alert.
"""

from __future__ import annotations

from collections.abc import Iterable

from eks_audit_bot.kube.alert import Alert, Digest, DigestKind, Item
from eks_audit_bot.settings import Settings


def fold(alerts: Iterable[Alert], settings: Settings) -> list[Item]:
    """Repeats folded into digests, then capped: what one invocation publishes, in order."""
    return cap(fold_repeats(alerts, settings.digest_threshold), settings.max_alerts_per_invocation)


def fold_repeats(alerts: Iterable[Alert], threshold: int) -> list[Item]:
    """Groups of more than `threshold` alike alerts become one digest at the first one's place."""
    groups: dict[tuple[str, ...], list[tuple[int, Alert]]] = {}
    for index, alert in enumerate(alerts):
        groups.setdefault(_key(alert), []).append((index, alert))
    placed: list[tuple[int, Item]] = []
    for members in groups.values():
        if len(members) > threshold:
            digest = Digest(DigestKind.REPEATED, tuple(alert for _, alert in members))
            placed.append((members[0][0], digest))
        else:
            placed.extend(members)
    return [item for _, item in sorted(placed, key=lambda pair: pair[0])]


def cap(items: list[Item], limit: int) -> list[Item]:
    """At most `limit` items: the most severe `limit - 1` and one digest of the rest."""
    if len(items) <= limit:
        return items
    ranked = sorted(range(len(items)), key=lambda index: -items[index].severity.rank)
    kept = sorted(ranked[: limit - 1])
    rest = sorted(ranked[limit - 1 :])
    members = tuple(alert for index in rest for alert in _members(items[index]))
    return [items[index] for index in kept] + [Digest(DigestKind.OVERFLOW, members, limit)]


def _key(alert: Alert) -> tuple[str, ...]:
    actor, event = alert.actor, alert.event
    return (
        alert.location.cluster,
        actor.username,
        actor.iam_arn,
        actor.impersonated_user,
        event.verb,
        event.resource_path,
        event.object_ref.namespace,
    )


def _members(item: Item) -> tuple[Alert, ...]:
    return item.alerts
