"""Decode an EventBridge event: an AWS API call via CloudTrail, or an alarm state change.

The module's rules send two detail-types: "AWS API Call via CloudTrail" (the CloudTrail record
is the `detail`) and "CloudWatch Alarm State Change". Any other detail-type, or a detail that
cannot be read, is an `InvalidEvent` the handler logs and counts, never a crash; an event
without a `detail-type` is not an EventBridge event at all (`PayloadError`).
The handler asks every input `is_eventbridge_event`: the CloudTrail and alarm models load with
the first event decoded, not at cold start.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from eks_audit_bot.core.invalid import InvalidEvent, PayloadError, SkipReason
from eks_audit_bot.core.jsonvalue import text

if TYPE_CHECKING:
    from eks_audit_bot.aws.alarm import AlarmChange
    from eks_audit_bot.aws.api_call import ApiCall

API_CALL = "AWS API Call via CloudTrail"
ALARM_STATE_CHANGE = "CloudWatch Alarm State Change"
DETAIL_TYPES = (API_CALL, ALARM_STATE_CHANGE)


def is_eventbridge_event(event: Mapping[str, Any]) -> bool:
    return "detail-type" in event


def decode_event(event: Mapping[str, Any]) -> ApiCall | AlarmChange:
    """The API call or alarm state change an EventBridge event carries.

    Raises `PayloadError` for something that is not an EventBridge event, `InvalidEvent` (a
    counted skip) for a detail-type we do not handle or a detail we cannot read.
    """
    detail_type = event.get("detail-type")
    if not isinstance(detail_type, str):
        raise PayloadError("expected an EventBridge event with a string 'detail-type'")
    event_id = text(event.get("id")) or None
    if detail_type not in DETAIL_TYPES:
        raise InvalidEvent(
            SkipReason.UNKNOWN_DETAIL_TYPE,
            f"detail-type {detail_type[:100]!r}; handled: {', '.join(DETAIL_TYPES)}",
            event_id,
        )
    if not isinstance(event.get("detail"), Mapping):
        raise InvalidEvent(SkipReason.MALFORMED_EVENT, "detail is not a JSON object", event_id)
    if detail_type == ALARM_STATE_CHANGE:
        from eks_audit_bot.aws.alarm import alarm_change_from_event  # noqa: PLC0415

        return alarm_change_from_event(event)
    from eks_audit_bot.aws.api_call import api_call_from_dict  # noqa: PLC0415

    return api_call_from_dict(dict(event["detail"]))


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
