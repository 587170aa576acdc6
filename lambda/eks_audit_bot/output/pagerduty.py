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

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube.alert import Alert, Digest, DigestKind
from eks_audit_bot.kube.digest import digest_summary
from eks_audit_bot.kube.text import alert_link, headline, subject
from eks_audit_bot.output.message import attributes
from eks_audit_bot.output.safety import line, tree
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
IPS_SHOWN = 20


def pages(items: Iterable[Alert | Digest], settings: Settings) -> list[Outgoing]:
    """The pages for a batch's alerts and digests; none unless a page topic is set."""
    if not settings.pagerduty_topic_arn:
        return []
    floor = settings.pagerduty_min_severity.rank
    return [page(item, settings) for item in items if item.severity.rank >= floor]


def page(item: Alert | Digest, settings: Settings) -> Outgoing:
    """One SNS message for PagerDuty's Amazon CloudWatch integration."""
    lead = item.lead if isinstance(item, Digest) else item
    alarm = alarm_notification(item)
    values = attributes(lead)
    values["severity"] = str(item.severity)
    return Outgoing(
        subject=alarm_subject(alarm["summary"], lead.location.region),
        message=json.dumps({"default": json.dumps(alarm, ensure_ascii=False)}),
        attributes=values,
        audit_id=lead.event.audit_id,
        topic_arn=settings.pagerduty_topic_arn,
    )


def incident_key(alert: Alert, suffix: str = "") -> str:
    """`<cluster>/<auditID>/<rule>/<fingerprint>`: one per action, the same for a retry.

    The fingerprint (what was requested, on what, when) separates two requests that share a
    client-chosen auditID. Too long for PagerDuty (255), the whole key is hashed instead."""
    event, ref = alert.event, alert.event.object_ref
    request = "\0".join(
        (event.verb, event.resource_path, ref.namespace, ref.name, event.request_received)
    )
    fingerprint = hashlib.sha256(request.encode(errors="replace")).hexdigest()[:12]
    parts = (alert.location.cluster, event.audit_id, alert.rule.rule_id, fingerprint + suffix)
    key = line("/".join(parts))
    if len(key) <= KEY_LIMIT:
        return key
    return "eks-audit-bot/" + hashlib.sha256(key.encode(errors="replace")).hexdigest()


def alarm_notification(item: Alert | Digest) -> dict[str, Any]:
    """The SNS body: a CloudWatch alarm notification in ALARM, plus PD-CEF fields."""
    lead = item.lead if isinstance(item, Digest) else item
    if isinstance(item, Digest):
        summary = f"[{item.severity.upper()}] {lead.location.cluster}: {digest_summary(item)}"
        key = incident_key(lead, f"/digest-{item.kind}")
    else:
        summary = f"[{item.severity.upper()}] {headline(item)}"
        key = incident_key(item)
    summary = _short(line(summary), SUMMARY_LIMIT)
    where = lead.location
    return {
        "AlarmName": _alarm_name(summary, key),
        "AlarmDescription": _short(_description(item), SUMMARY_LIMIT),
        "AWSAccountId": line(where.account_id),
        "NewStateValue": "ALARM",
        "NewStateReason": _short(summary, REASON_LIMIT),
        "StateChangeTime": _alarm_time(lead.event.request_received or lead.event.stage_timestamp),
        "Region": line(where.region),
        "OldStateValue": "OK",
        "summary": summary,
        "severity": SEVERITIES[item.severity],
        "source": line(where.cluster),
        "component": _short(line(lead.event.resource_path), VALUE_LIMIT),
        "group": line(lead.event.object_ref.namespace) or "(cluster-scoped)",
        "class": lead.rule.rule_id,
        "dedup_key": key,
        "custom_details": _details(item),
    }


def alarm_subject(summary: str, region: str) -> str:
    """`ALARM: "<summary>" in <region>`, as CloudWatch writes it (with the alarm's name there),
    within SNS's 100 printable ASCII characters."""
    tail = f'" in {subject(region)}' if region else '"'
    room = SUBJECT_LIMIT - len('ALARM: "') - len(tail)
    name = subject(summary)
    if len(name) > room:
        name = name[: room - 3].rstrip() + "..."
    return f'ALARM: "{name}{tail}'


def _alarm_name(summary: str, key: str) -> str:
    """The readable summary, cut to fit, then the incident key, which always survives."""
    tail = f" | {key}"
    room = ALARM_NAME_LIMIT - len(tail)
    if room < 2:
        return key  # at most KEY_LIMIT: no room left for the summary
    return (summary if len(summary) <= room else summary[: room - 1] + "…") + tail


def _description(item: Alert | Digest) -> str:
    """`<rule title>: <why it matters> What to do: <runbook>`."""
    rule = item.rule
    parts = [f"{rule.title}:", rule.explanation, rule.runbook and f"What to do: {rule.runbook}"]
    return line(" ".join(part for part in parts if part))


def _details(item: Alert | Digest) -> dict[str, Any]:
    """What the responder needs in PagerDuty's alert details: who, what, where, where from."""
    lead = item.lead if isinstance(item, Digest) else item
    event, actor, where = lead.event, lead.actor, lead.location
    ips = list(event.source_ips[:IPS_SHOWN])
    if len(event.source_ips) > IPS_SHOWN:
        ips.append(f"… and {len(event.source_ips) - IPS_SHOWN} more")
    details: dict[str, Any] = {
        "rule": {"id": lead.rule.rule_id, "title": lead.rule.title},
        "severity": str(item.severity),
        "outcome": lead.outcome,
        "actor": actor.display_name,
        "kubernetes_user": actor.username,
        "iam_identity": actor.canonical_arn or actor.iam_arn,
        "session": actor.session_name,
        "client": lead.client,
        "verb": event.verb,
        "resource": event.resource_path,
        "namespace": event.object_ref.namespace,
        "name": event.object_ref.name,
        "changes": list(lead.changes),
        "cluster": where.cluster,
        "account": where.account_id,
        "account_name": where.account_name,
        "region": where.region,
        "time": event.request_received or event.stage_timestamp,
        "source_ips": ips,
        "user_agent": event.user_agent,
        "audit_id": event.audit_id,
        "logs_insights": alert_link(lead),
    }
    if isinstance(item, Digest):
        details["digest"] = {"kind": str(item.kind), "count": item.count}
        if item.kind is DigestKind.OVERFLOW:
            details["digest"]["rules"] = list(item.rule_ids)
    return dict(_shortened(tree(details)))


def _shortened(value: Any) -> Any:
    if isinstance(value, str):
        return _short(value, VALUE_LIMIT)
    if isinstance(value, dict):
        return {key: _shortened(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shortened(item) for item in value]
    return value


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _alarm_time(when: str) -> str:
    """CloudWatch's `2026-11-20T14:03:11.512+0000`; the event's own text when unreadable."""
    try:
        moment = datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        return _short(line(when), 64)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"
