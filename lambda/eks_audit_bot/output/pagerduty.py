"""PagerDuty pages: alerts at or above PAGERDUTY_MIN_SEVERITY, once more, on their own topic.

PagerDuty takes Amazon SNS notifications through its **Amazon CloudWatch** integration: an
HTTPS subscription to `https://events.pagerduty.com/integration/<key>/enqueue`, which
PagerDuty confirms by itself. That integration reads each notification as a CloudWatch alarm
notification: the Subject starts with the alarm's new state (`ALARM: `), which must equal
the body's `NewStateValue` or the event is dropped, and the body is the alarm's JSON
(`AlarmName`, `NewStateValue`, ...); other fields in the body are kept as the alert's details.
PagerDuty's Events API v2 itself cannot subscribe to SNS (it never confirms a subscription).

So a page is a CloudWatch alarm notification for an "alarm" that exists once per action:
`AlarmName` carries the incident key (cluster, auditID, rule and a fingerprint of the
request), so a retried batch lands in the same incident while every other action, even one
that reuses an auditID, opens its own. The body also carries Events API v2 (PD-CEF) fields,
`severity` mapped to PagerDuty's scale, `summary`, `source`, `dedup_key`, for Event
Orchestration rules. A page has its own Subject, which the alert topic's other subscribers
(email, chat) must not get, hence its own topic rather than another `https` body.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.core.view import AlertView
from eks_audit_bot.output.form import subject
from eks_audit_bot.output.message import attributes
from eks_audit_bot.output.safety import line
from eks_audit_bot.settings import Settings

# PD-CEF severities (Events API v2): critical, error, warning, info.
SEVERITIES = {
    Severity.CRITICAL: "critical",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "info",
}
SUBJECT_LIMIT = 100  # SNS
ALARM_NAME_LIMIT = 255  # CloudWatch alarm names
KEY_LIMIT = 255  # PagerDuty dedup_key
SUMMARY_LIMIT = 1024  # PagerDuty summary; CloudWatch AlarmDescription
REASON_LIMIT = 1023  # CloudWatch StateReason
VALUE_LIMIT = 1024  # any one detail


def pages(items: Iterable[AlertView], settings: Settings) -> list[Outgoing]:
    """The pages for a batch's alerts and digests at or above PAGERDUTY_MIN_SEVERITY, and the
    recoveries that resolve an incident; none unless a page topic is set."""
    if not settings.pagerduty_topic_arn:
        return []
    floor = settings.pagerduty_min_severity.rank
    return [page(item, settings) for item in items if item.severity.rank >= floor or item.resolves]


def page(item: AlertView, settings: Settings) -> Outgoing:
    """One SNS message for PagerDuty's Amazon CloudWatch integration."""
    content = item.page()
    alarm = content.alarm
    title = alarm_subject(alarm["summary"], content.region)
    return Outgoing(
        subject=title.replace("ALARM:", f"{alarm['NewStateValue']}:", 1),
        message=json.dumps({"default": json.dumps(alarm, ensure_ascii=False)}),
        attributes=attributes(content.attributes),
        audit_id=item.audit_id,
        topic_arn=settings.pagerduty_topic_arn,  # standard, never FIFO: no deduplication id
    )


def alarm_subject(summary: str, region: str) -> str:
    """`ALARM: "<summary>" in <region>`, as CloudWatch writes it (with the alarm's name there),
    within SNS's 100 printable ASCII characters."""
    tail = f'" in {subject(region)}' if region else '"'
    room = SUBJECT_LIMIT - len('ALARM: "') - len(tail)
    name = subject(summary)
    if len(name) > room:
        name = name[: room - 3].rstrip() + "..."
    return f'ALARM: "{name}{tail}'


def alarm_name(summary: str, key: str) -> str:
    """The readable summary, cut to fit, then the incident key, which always survives."""
    tail = f" | {key}"
    room = ALARM_NAME_LIMIT - len(tail)
    if room < 2:
        return key  # at most KEY_LIMIT: no room left for the summary
    return (summary if len(summary) <= room else summary[: room - 1] + "…") + tail


def shortened(value: Any) -> Any:
    """Every string of a JSON-like value within VALUE_LIMIT characters."""
    if isinstance(value, str):
        return short(value, VALUE_LIMIT)
    if isinstance(value, dict):
        return {key: shortened(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shortened(item) for item in value]
    return value


def short(text: str, limit: int) -> str:
    """`text` within `limit` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def alarm_time(when: str) -> str:
    """CloudWatch's `2026-11-20T14:03:11.512+0000`; the event's own text when unreadable."""
    try:
        moment = datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        return short(line(when), 64)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"
