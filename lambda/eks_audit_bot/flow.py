"""One composition from log records to delivered messages, for the handler and `replay`.

detect (parse, one stage per action, who, automation, rules, what changed) → drop what was
already published (optional ledger) → fold noise → render one message per alert or digest →
hand them to a sink (SNS, or the CLI's printer) → tell the ledger what went out.
Imports every stage; nothing below imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from eks_audit_bot.delivery.sns import Report
from eks_audit_bot.detection import noise, pipeline
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.model.alert import Alert, Digest, Item, Location
from eks_audit_bot.model.outgoing import Outgoing
from eks_audit_bot.rendering import message
from eks_audit_bot.settings import Settings

if TYPE_CHECKING:
    # Only deployments with a dedup table import it (Powertools idempotency, a DynamoDB client).
    from eks_audit_bot.delivery.dedup import Claim, Ledger, StoreError


class Sink(Protocol):
    def publish(self, messages: list[Outgoing]) -> Report: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    result: pipeline.Result
    messages: list[Outgoing]
    report: Report
    claim: Claim | None = None  # None without a ledger
    settle_errors: list[StoreError] = field(default_factory=list)


def run(
    records: Iterable[pipeline.RawRecord],
    location: Location,
    settings: Settings,
    catalog: RuleCatalog,
    sink: Sink,
    *,
    ledger: Ledger | None = None,
) -> Outcome:
    """Records of one batch (one log group and stream) in, messages handed to `sink` out."""
    result = pipeline.process(records, location, settings, catalog)
    if ledger is None:
        items = noise.fold(result.alerts, settings)
        messages = [message.build(item, settings) for item in items]
        return Outcome(result, messages, sink.publish(messages) if messages else Report())
    claim = ledger.claim(result.alerts)
    try:
        items = noise.fold(claim.fresh, settings)
        messages = [message.build(item, settings) for item in items]
        report = sink.publish(messages) if messages else Report()
    except BaseException:
        ledger.release(claim.claimed)
        raise
    published, failed = _split(items, messages, report, claim.claimed)
    return Outcome(result, messages, report, claim, ledger.settle(published, failed))


def _split(
    items: Sequence[Item], messages: Sequence[Outgoing], report: Report, claimed: Sequence[Alert]
) -> tuple[list[Alert], list[Alert]]:
    """The claimed alerts whose message SNS took, and those whose message it did not."""
    undelivered = {id(failure.message) for failure in report.failures}
    mine = {id(alert) for alert in claimed}
    published: list[Alert] = []
    failed: list[Alert] = []
    for item, outgoing in zip(items, messages, strict=True):
        members = item.alerts if isinstance(item, Digest) else (item,)
        side = failed if id(outgoing) in undelivered else published
        side.extend(alert for alert in members if id(alert) in mine)
    return published, failed
