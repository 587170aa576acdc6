"""One composition from log records to delivered messages, for the handler and `replay`.

detect (parse, one stage per action, who, automation, rules, what changed) → drop what was
already published (optional ledger) → fold noise → render one message per alert or digest
(and a PagerDuty page for those severe enough, when a page topic is set) → hand them to a sink
(SNS, or the CLI's printer) → tell the ledger what went out.
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
from eks_audit_bot.rendering import message, pagerduty
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
    claim = ledger.claim(result.alerts) if ledger is not None else None
    try:
        items = noise.fold(claim.fresh if claim is not None else result.alerts, settings)
        sent = [(item, [message.build(item, settings), *pagerduty.pages([item], settings)])
                for item in items]  # fmt: skip
        # The alerts, then the pages.
        messages = [out for _, outs in sent for out in outs if not out.topic_arn]
        messages += [out for _, outs in sent for out in outs if out.topic_arn]
        report = sink.publish(messages) if messages else Report()
    except BaseException:
        if ledger is not None and claim is not None:
            ledger.release(claim.claimed)
        raise
    if ledger is None or claim is None:
        return Outcome(result, messages, report)
    published, failed = _split(sent, report, claim.claimed)
    return Outcome(result, messages, report, claim, ledger.settle(published, failed))


def _split(
    sent: Sequence[tuple[Item, list[Outgoing]]], report: Report, claimed: Sequence[Alert]
) -> tuple[list[Alert], list[Alert]]:
    """The claimed alerts all of whose messages SNS took (alert and page), and the others:
    a page that failed is sent again with its alert (PagerDuty folds it into the incident)."""
    undelivered = {id(failure.message) for failure in report.failures}
    mine = {id(alert) for alert in claimed}
    published: list[Alert] = []
    failed: list[Alert] = []
    for item, outs in sent:
        members = item.alerts if isinstance(item, Digest) else (item,)
        side = failed if any(id(out) in undelivered for out in outs) else published
        side.extend(alert for alert in members if id(alert) in mine)
    return published, failed
