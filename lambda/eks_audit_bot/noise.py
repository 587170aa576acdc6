"""Noise control within one invocation: fold repeats into digests, cap what one batch sends.

Alerts by the same actor with the same verb on the same resource in the same namespace (and
cluster) fold into one digest when there are more than `DIGEST_THRESHOLD` of them ("alice
deleted 25 secrets in payments: a, b, c, … and 22 more"). After folding, at most
`MAX_ALERTS_PER_INVOCATION` messages go out: the most severe ones, and one summary of the rest.
A digest is as severe as its most severe member, so folding never hides a critical alert.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from eks_audit_bot.alert import Alert, Location, RuleHit
from eks_audit_bot.bodies import name_of
from eks_audit_bot.config import Settings, Severity
from eks_audit_bot.format import STREAMING_PHRASES, past_tense
from eks_audit_bot.identity import Actor

NAMES_IN_SUMMARY = 3
type Item = Alert | Digest


class DigestKind(StrEnum):
    REPEATED = "repeated"  # one actor doing the same thing many times
    OVERFLOW = "overflow"  # what is left after the per-invocation cap


@dataclass(frozen=True, slots=True)
class Digest:
    """Many alerts sent as one message. `alerts` keeps the members in batch order."""

    kind: DigestKind
    alerts: tuple[Alert, ...]
    limit: int = 0  # the cap that made an overflow digest

    @property
    def lead(self) -> Alert:
        """The most severe member (the first of those): its rule and actor head the digest."""
        return max(self.alerts, key=lambda alert: alert.severity.rank)

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

    @property
    def summary(self) -> str:
        """One line for a subject or a chat title."""
        if self.kind is DigestKind.OVERFLOW:
            return _overflow_summary(self)
        return _repeated_summary(self)


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
    return item.alerts if isinstance(item, Digest) else (item,)


def _repeated_summary(digest: Digest) -> str:
    event = digest.lead.event
    ref = event.object_ref
    if event.is_streaming:
        verb, resource = STREAMING_PHRASES[ref.subresource], ref.resource
    else:
        verb, resource = past_tense(event.verb), event.resource_path
    names = digest.names
    what = f"{digest.count} {resource}"
    if len(names) < digest.count:
        what = f"{resource} {digest.count} times"
    where = f"in {ref.namespace}" if ref.namespace else "cluster-wide"
    shown = ", ".join(names[:NAMES_IN_SUMMARY])
    if len(names) > NAMES_IN_SUMMARY:
        shown += f", … and {len(names) - NAMES_IN_SUMMARY} more"
    denied = f" ({digest.denied} denied)" if digest.denied else ""
    return f"{digest.actor.label} {verb} {what} {where}{denied}: {shown}"


def _overflow_summary(digest: Digest) -> str:
    counts = Counter(alert.severity for alert in digest.alerts)
    by_severity = ", ".join(
        f"{counts[severity]} {severity}"
        for severity in sorted(counts, key=lambda severity: -severity.rank)
    )
    return (
        f"{digest.count} more alerts in this batch ({by_severity}) "
        f"over the limit of {digest.limit} messages per invocation"
    )
