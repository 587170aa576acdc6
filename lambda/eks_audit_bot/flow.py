"""One composition from log records to delivered messages, for the handler and `replay`.

detect (parse, one stage per action, who, automation, rules, what changed) → fold noise →
render one message per alert or digest (and a PagerDuty page for those severe enough, when a
page topic is set) → hand them to a sink (SNS, or the CLI's printer).
Imports every stage; nothing below imports it. Folding, rendering and delivery load with the
first batch that alerts: a cold start that only drops automation never pays for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from eks_audit_bot.detection import pipeline
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.model.alert import Location
from eks_audit_bot.settings import Settings

if TYPE_CHECKING:
    from eks_audit_bot.delivery.sns import Report
    from eks_audit_bot.model.outgoing import Outgoing


class Sink(Protocol):
    def publish(self, messages: list[Outgoing]) -> Report: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    result: pipeline.Result
    messages: list[Outgoing]
    report: Report


def run(
    records: Iterable[pipeline.RawRecord],
    location: Location,
    settings: Settings,
    catalog: RuleCatalog,
    sink: Sink,
) -> Outcome:
    """Records of one batch (one log group and stream) in, messages handed to `sink` out."""
    result = pipeline.process(records, location, settings, catalog)
    if not result.alerts:
        from eks_audit_bot.delivery.sns import Report  # noqa: PLC0415 - see the module doc

        return Outcome(result, [], Report())
    from eks_audit_bot.detection import noise  # noqa: PLC0415
    from eks_audit_bot.rendering import message, pagerduty  # noqa: PLC0415

    items = noise.fold(result.alerts, settings)
    messages = [message.build(item, settings) for item in items]
    messages += pagerduty.pages(items, settings)
    return Outcome(result, messages, sink.publish(messages))
