"""PagerDuty pages for AWS API call and alarm alerts, in the same CloudWatch alarm form.

As for audit-log alerts (`output.pagerduty` sends them): alerts at or above
PAGERDUTY_MIN_SEVERITY, one incident per action, its key in `AlarmName`
(`cloudtrail/<cluster>/<eventID>/<rule>`; the eventID is AWS's, not the caller's). A health
alert's incident is its alarm's: the page for `ALARM` opens it and the recovery to `OK`
resolves it (`NewStateValue: OK` with the same `AlarmName`), whatever the recovery's own
severity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eks_audit_bot.aws.alarm import OK
from eks_audit_bot.aws.text import aws_headline, aws_link
from eks_audit_bot.core.view import Page
from eks_audit_bot.output.pagerduty import (
    KEY_LIMIT,
    REASON_LIMIT,
    SEVERITIES,
    SUMMARY_LIMIT,
    alarm_name,
    alarm_time,
    short,
    shortened,
)
from eks_audit_bot.output.safety import line, tree

if TYPE_CHECKING:
    from eks_audit_bot.aws.alert import AwsAlert


def page_of(alert: AwsAlert) -> Page:
    """The page of an AWS alert, with the alert's own attributes."""
    return Page(alarm_notification(alert), alert.attribute_values(), alert.location.region)


def incident_key(alert: AwsAlert) -> str:
    """`cloudtrail/<cluster>/<eventID>/<rule>`, or `health/<alarm name>` for an alarm."""
    key = line(alert.event.incident_key(alert.location.cluster, alert.rule.rule_id))
    return key if len(key) <= KEY_LIMIT else short(key, KEY_LIMIT)


def alarm_notification(alert: AwsAlert) -> dict[str, Any]:
    """The SNS body: a CloudWatch alarm notification (ALARM, or OK for a recovery)."""
    summary = short(line(f"[{alert.severity.upper()}] {aws_headline(alert)}"), SUMMARY_LIMIT)
    key = incident_key(alert)
    state = OK if alert.resolves else "ALARM"
    where = alert.location
    rule = alert.rule
    description = " ".join(part for part in (f"{rule.title}:", rule.explanation) if part)
    return {
        # An alarm's incident keeps one name, so that OK resolves what ALARM opened; a call's
        # name starts with its readable summary.
        "AlarmName": alarm_name(summary, key) if alert.event.has_caller else key,
        "AlarmDescription": short(line(description), SUMMARY_LIMIT),
        "AWSAccountId": line(where.account_id),
        "NewStateValue": state,
        "NewStateReason": short(summary, REASON_LIMIT),
        "StateChangeTime": alarm_time(alert.time),
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
        **event.page_details(),
    }
    return dict(shortened(tree(details)))
