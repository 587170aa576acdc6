"""One composition from log records to delivered messages, for the handler and `replay`.

detect (parse, one stage per action, who, automation, rules, what changed) → fold noise →
render one message per alert or digest (and a PagerDuty page for those severe enough, when a
page topic is set) → hand them to a sink (SNS, or the CLI's printer). `run_event` does the
same for one EventBridge event (an AWS API call or an alarm state change).
Imports every stage; nothing below imports it. What a given invocation does not need loads
when first needed: folding, rendering and delivery with the first batch that alerts, the
CloudTrail and alarm stages with the first EventBridge event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from eks_audit_bot.detection import pipeline
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.model.alert import Location
from eks_audit_bot.settings import Settings

if TYPE_CHECKING:
    from eks_audit_bot.delivery.sns import Report
    from eks_audit_bot.detection.cloudtrail import EventResult
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


@dataclass(frozen=True, slots=True)
class EventOutcome:
    result: EventResult
    messages: list[Outgoing]
    report: Report


def run_event(
    event: Mapping[str, Any],
    settings: Settings,
    catalog: RuleCatalog,
    sink: Sink,
    where: str = "",
) -> EventOutcome:
    """One EventBridge event in: an unknown or unreadable one is a counted skip, an API call or
    alarm state change becomes at most one alert (and a page), handed to `sink`. `where` names
    the event in skips (replay: its file and line)."""
    # An EventBridge event's stages load with the first one (see the module docstring).
    from eks_audit_bot.delivery.sns import Report  # noqa: PLC0415
    from eks_audit_bot.detection import alarms, cloudtrail  # noqa: PLC0415
    from eks_audit_bot.model.alarm import AlarmChange  # noqa: PLC0415
    from eks_audit_bot.model.audit import InvalidEvent  # noqa: PLC0415
    from eks_audit_bot.rendering import aws_pagerduty, message  # noqa: PLC0415
    from eks_audit_bot.sources import eventbridge  # noqa: PLC0415

    result = cloudtrail.EventResult(received=1)
    try:
        decoded = eventbridge.decode_event(event)
    except InvalidEvent as err:
        where = where or (f"event {err.audit_id}" if err.audit_id else "event")
        result.skips.append(pipeline.Skip(where, err.reason, err.detail, err.audit_id))
    else:
        if isinstance(decoded, AlarmChange):
            alarms.alert_for_alarm(decoded, settings, catalog, result)
        else:
            cloudtrail.alert_for_call(decoded, settings, catalog, result)
    messages = [message.build(alert, settings) for alert in result.alerts]
    messages += aws_pagerduty.pages(result.alerts, settings)
    return EventOutcome(result, messages, sink.publish(messages) if messages else Report())
