"""Decode an EventBridge event: an AWS API call via CloudTrail, or an alarm state change.

The detail-types the function reads are one table, `HANDLED`: each names its decoder (the model
module that reads its `detail`) and the envelope `source` only AWS can give it (`envelope.check`
holds every event to it). A new detail-type is one entry there plus its model module.

Any other detail-type, or a detail that cannot be read, is an `InvalidEvent` the handler logs
and counts, never a crash; an event without a `detail-type` is not an EventBridge event at all
(`PayloadError`). The handler asks every input `is_eventbridge_event`: the models load with the
first event decoded, not at cold start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from eks_audit_bot.core.invalid import InvalidEvent, PayloadError, SkipReason
from eks_audit_bot.core.jsonvalue import text

if TYPE_CHECKING:
    from eks_audit_bot.aws.alarm import AlarmChange
    from eks_audit_bot.aws.api_call import ApiCall

type DecodedAwsEvent = ApiCall | AlarmChange
type Decoder = Callable[[Mapping[str, Any]], DecodedAwsEvent]

API_CALL = "AWS API Call via CloudTrail"
ALARM_STATE_CHANGE = "CloudWatch Alarm State Change"
CALLED_SERVICE = ""  # an API call's envelope source: the service it names (`aws.eks`)


class DetailType:
    """How the function reads one detail-type: its decoder (given the whole event, its `detail`
    a JSON object) and the envelope `source` AWS gives it, or `CALLED_SERVICE`."""

    __slots__ = ("decode", "source")

    def __init__(self, decode: Decoder, source: str) -> None:
        self.decode = decode
        self.source = source


def _api_call(event: Mapping[str, Any]) -> ApiCall:
    from eks_audit_bot.aws.api_call import api_call_from_dict  # noqa: PLC0415 - see the doc

    return api_call_from_dict(dict(event["detail"]))


def _alarm_change(event: Mapping[str, Any]) -> AlarmChange:
    from eks_audit_bot.aws.alarm import alarm_change_from_event  # noqa: PLC0415 - see the doc

    return alarm_change_from_event(event)


HANDLED: Mapping[str, DetailType] = MappingProxyType(
    {
        API_CALL: DetailType(_api_call, CALLED_SERVICE),
        ALARM_STATE_CHANGE: DetailType(_alarm_change, "aws.cloudwatch"),
    }
)
DETAIL_TYPES = tuple(HANDLED)


def is_eventbridge_event(event: Mapping[str, Any]) -> bool:
    return "detail-type" in event


def detail_type_of(event: Mapping[str, Any]) -> DetailType:
    """How to read an EventBridge event, once its detail-type is handled and its detail an
    object.

    Raises `PayloadError` for something that is not an EventBridge event, `InvalidEvent` (a
    counted skip) for a detail-type we do not handle or a detail that is not an object.
    """
    detail_type = event.get("detail-type")
    if not isinstance(detail_type, str):
        raise PayloadError("expected an EventBridge event with a string 'detail-type'")
    event_id = text(event.get("id")) or None
    handled = HANDLED.get(detail_type)
    if handled is None:
        raise InvalidEvent(
            SkipReason.UNKNOWN_DETAIL_TYPE,
            f"detail-type {detail_type[:100]!r}; handled: {', '.join(HANDLED)}",
            event_id,
        )
    if not isinstance(event.get("detail"), Mapping):
        raise InvalidEvent(SkipReason.MALFORMED_EVENT, "detail is not a JSON object", event_id)
    return handled


def decode_event(event: Mapping[str, Any]) -> DecodedAwsEvent:
    """The API call or alarm state change an EventBridge event carries (see `detail_type_of`
    for what it raises; the decoder raises `InvalidEvent` for a detail it cannot read)."""
    return detail_type_of(event).decode(event)


def envelope(record: Mapping[str, Any]) -> dict[str, Any]:
    """A CloudTrail record as EventBridge delivers it (CLI replay of log files, tests)."""
    from eks_audit_bot.aws.watched import eventbridge_source  # noqa: PLC0415

    source = eventbridge_source(text(record.get("eventSource")))
    return {
        "version": "0",
        "id": text(record.get("eventID")),
        "detail-type": API_CALL,
        "source": source or "aws.unknown",
        "account": text(record.get("recipientAccountId")),
        "time": text(record.get("eventTime")),
        "region": text(record.get("awsRegion")),
        "resources": [],
        "detail": dict(record),
    }
