"""PagerDuty pages for AWS API call and alarm alerts, in the same CloudWatch alarm form.

As for audit-log alerts (`pagerduty`): alerts at or above PAGERDUTY_MIN_SEVERITY, one incident
per action, its key in `AlarmName` (`cloudtrail/<cluster>/<eventID>/<rule>`; the eventID is
AWS's, not the caller's). A health alert's incident is its alarm's: the page for `ALARM`
opens it and the recovery to `OK` resolves it (`NewStateValue: OK` with the same
`AlarmName`), whatever the recovery's own severity.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from eks_audit_bot.aws.alarm import OK, AlarmChange
from eks_audit_bot.aws.alert import AwsAlert
from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.aws.text import aws_headline, aws_link
from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.output.message import aws_attributes
from eks_audit_bot.output.pagerduty import (
    KEY_LIMIT,
    REASON_LIMIT,
    SEVERITIES,
    SUMMARY_LIMIT,
    _alarm_name,
    _alarm_time,
    _short,
    _shortened,
    alarm_subject,
)
from eks_audit_bot.output.safety import line, tree
from eks_audit_bot.settings import Settings


def pages(alerts: Iterable[AwsAlert], settings: Settings) -> list[Outgoing]:
    """The pages for an EventBridge invocation's alerts; none unless a page topic is set."""
    if not settings.pagerduty_topic_arn:
        return []
    floor = settings.pagerduty_min_severity.rank
    return [
        page(alert, settings)
        for alert in alerts
        if alert.severity.rank >= floor or _resolves(alert)
    ]


def page(alert: AwsAlert, settings: Settings) -> Outgoing:
    """One SNS message for PagerDuty's Amazon CloudWatch integration."""
    notification = alarm_notification(alert)
    state = notification["NewStateValue"]
    title = alarm_subject(notification["summary"], alert.location.region)
    return Outgoing(
        subject=title.replace("ALARM:", f"{state}:", 1),
        message=json.dumps({"default": json.dumps(notification, ensure_ascii=False)}),
        attributes=aws_attributes(alert),
        audit_id=alert.event.audit_id,
        topic_arn=settings.pagerduty_topic_arn,
    )


def incident_key(alert: AwsAlert) -> str:
    """`cloudtrail/<cluster>/<eventID>/<rule>`, or `health/<alarm name>` for an alarm."""
    event = alert.event
    if isinstance(event, AlarmChange):
        key = line(f"health/{event.alarm_name}")
    else:
        key = line(f"cloudtrail/{alert.location.cluster}/{event.event_id}/{alert.rule.rule_id}")
    return key if len(key) <= KEY_LIMIT else _short(key, KEY_LIMIT)


def alarm_notification(alert: AwsAlert) -> dict[str, Any]:
    """The SNS body: a CloudWatch alarm notification (ALARM, or OK for a recovery)."""
    summary = _short(line(f"[{alert.severity.upper()}] {aws_headline(alert)}"), SUMMARY_LIMIT)
    key = incident_key(alert)
    health = isinstance(alert.event, AlarmChange)
    state = OK if _resolves(alert) else "ALARM"
    where = alert.location
    rule = alert.rule
    description = " ".join(part for part in (f"{rule.title}:", rule.explanation) if part)
    return {
        # An alarm's incident keeps one name, so that OK resolves what ALARM opened.
        "AlarmName": key if health else _alarm_name(summary, key),
        "AlarmDescription": _short(line(description), SUMMARY_LIMIT),
        "AWSAccountId": line(where.account_id),
        "NewStateValue": state,
        "NewStateReason": _short(summary, REASON_LIMIT),
        "StateChangeTime": _alarm_time(alert.time),
        "Region": line(where.region),
        "OldStateValue": "ALARM" if state == OK else "OK",
        "summary": summary,
        "severity": SEVERITIES[alert.severity],
        "source": line(where.cluster or where.account_id),
        "component": line(alert.resource),
        "group": line(alert.source),
        "class": rule.rule_id,
        "dedup_key": key,
        "custom_details": _details(alert),
    }


def _resolves(alert: AwsAlert) -> bool:
    """A health alert for an alarm back to OK: it resolves the incident its ALARM opened."""
    return isinstance(alert.event, AlarmChange) and alert.event.state == OK


def _details(alert: AwsAlert) -> dict[str, Any]:
    event, actor, where = alert.event, alert.actor, alert.location
    details: dict[str, Any] = {
        "rule": {"id": alert.rule.rule_id, "title": alert.rule.title},
        "severity": str(alert.severity),
        "outcome": alert.outcome,
        "actor": actor.display_name,
        "iam_identity": actor.canonical_arn or actor.iam_arn,
        "session": actor.session_name,
        "client": alert.client,
        "action": alert.action,
        "target": alert.target,
        "changes": list(alert.changes),
        "cluster": where.cluster,
        "account": where.account_id,
        "region": where.region,
        "time": alert.time,
        "source_ips": list(alert.source_ips),
        "user_agent": alert.user_agent,
        "event_id": event.audit_id,
        "link": aws_link(alert)[1],
    }
    if isinstance(event, ApiCall):
        details["api_call"] = event.operation
        details["error"] = event.error_code
    return dict(_shortened(tree(details)))
