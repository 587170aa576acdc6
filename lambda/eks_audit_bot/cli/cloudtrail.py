"""CloudTrail records and EventBridge events in the CLI's inputs.

`records` opens a CloudTrail log file (`{"Records": [...]}`) and `aws cloudtrail lookup-events`
output (`{"Events": [{"CloudTrailEvent": "..."}]}`) into one record per API call; an
EventBridge event (a line or document with `detail-type`) is a record as it is. Here: telling
them apart from audit events, and turning a record into the event the function receives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_audit_bot.aws.alarm import AlarmChange
from eks_audit_bot.aws.caller import caller_name
from eks_audit_bot.aws.eventbridge import decode_event, envelope
from eks_audit_bot.core.jsonvalue import mapping

EVENTBRIDGE = "eventbridge"
CLOUDTRAIL = "cloudtrail"


def aws_kind(parsed: object) -> str | None:
    """`eventbridge`, `cloudtrail` (a bare CloudTrail record), or None for anything else."""
    if type(parsed) is not dict:
        return None
    if "detail-type" in parsed:
        return EVENTBRIDGE
    source = parsed.get("eventSource")
    if "eventVersion" in parsed and isinstance(source, str) and source.endswith(".amazonaws.com"):
        return CLOUDTRAIL
    return None


def as_event(parsed: Mapping[str, Any]) -> Mapping[str, Any]:
    """What the function receives for it: the event, or the record as EventBridge sends it."""
    return parsed if aws_kind(parsed) == EVENTBRIDGE else envelope(parsed)


def describe(parsed: Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    """Time, who, what (eventName or alarm state), resource (event source) and target."""
    try:
        event = decode_event(as_event(parsed))
    except ValueError:  # InvalidEvent, PayloadError: not an event the function reads
        return ("", "(unreadable CloudTrail or EventBridge event)", "", "", "")
    if isinstance(event, AlarmChange):
        return (event.time, "CloudWatch", event.state, "alarm", event.alarm_name)
    target = mapping(event.request).get("name") or mapping(event.request).get("logGroupName")
    return (
        event.event_time,
        caller_name(event.identity),
        event.event_name,
        event.event_source,
        target if isinstance(target, str) else "",
    )
