"""PagerDuty pages for audit-log alerts and digests (`output.pagerduty` sends them): a
CloudWatch alarm notification for an "alarm" that exists once per action, its incident key in
`AlarmName`, plus PD-CEF fields for Event Orchestration rules."""

from __future__ import annotations

import hashlib
from typing import Any

from eks_audit_bot.core.severity import Severity
from eks_audit_bot.core.view import Page
from eks_audit_bot.kube.alert import Alert, Digest, DigestKind
from eks_audit_bot.kube.digest import digest_summary
from eks_audit_bot.kube.text import alert_link, headline
from eks_audit_bot.output.pagerduty import (
    KEY_LIMIT,
    REASON_LIMIT,
    SEVERITIES,
    SUMMARY_LIMIT,
    VALUE_LIMIT,
    alarm_name,
    alarm_time,
    short,
    shortened,
)
from eks_audit_bot.output.safety import line, tree

IPS_SHOWN = 20


def alert_page(alert: Alert) -> Page:
    """The page of an alert."""
    summary = f"[{alert.severity.upper()}] {headline(alert)}"
    return _page(alert, alert.severity, summary, incident_key(alert), {})


def digest_page(digest: Digest) -> Page:
    """The page of a digest: its lead's, at the digest's severity, in an incident of its own."""
    lead = digest.lead
    summary = f"[{digest.severity.upper()}] {lead.location.cluster}: {digest_summary(digest)}"
    about: dict[str, Any] = {"kind": str(digest.kind), "count": digest.count}
    if digest.kind is DigestKind.OVERFLOW:
        about["rules"] = list(digest.rule_ids)
    key = incident_key(lead, f"/digest-{digest.kind}")
    return _page(lead, digest.severity, summary, key, {"digest": about})


def _page(lead: Alert, severity: Severity, summary: str, key: str, extra: dict[str, Any]) -> Page:
    values = lead.attribute_values()
    values["severity"] = str(severity)
    alarm = alarm_notification(lead, severity, short(line(summary), SUMMARY_LIMIT), key, extra)
    return Page(alarm, values, lead.location.region)


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


def alarm_notification(
    lead: Alert, severity: Severity, summary: str, key: str, extra: dict[str, Any]
) -> dict[str, Any]:
    """The SNS body: a CloudWatch alarm notification in ALARM, plus PD-CEF fields."""
    where = lead.location
    return {
        "AlarmName": alarm_name(summary, key),
        "AlarmDescription": short(_description(lead), SUMMARY_LIMIT),
        "AWSAccountId": line(where.account_id),
        "NewStateValue": "ALARM",
        "NewStateReason": short(summary, REASON_LIMIT),
        "StateChangeTime": alarm_time(lead.event.request_received or lead.event.stage_timestamp),
        "Region": line(where.region),
        "OldStateValue": "OK",
        "summary": summary,
        "severity": SEVERITIES[severity],
        "source": line(where.cluster),
        "component": short(line(lead.event.resource_path), VALUE_LIMIT),
        "group": line(lead.event.object_ref.namespace) or "(cluster-scoped)",
        "class": lead.rule.rule_id,
        "dedup_key": key,
        "custom_details": _details(lead, severity, extra),
    }


def _description(lead: Alert) -> str:
    """`<rule title>: <why it matters> What to do: <runbook>`."""
    rule = lead.rule
    parts = [f"{rule.title}:", rule.explanation, rule.runbook and f"What to do: {rule.runbook}"]
    return line(" ".join(part for part in parts if part))


def _details(lead: Alert, severity: Severity, extra: dict[str, Any]) -> dict[str, Any]:
    """What the responder needs in PagerDuty's alert details: who, what, where, where from."""
    event, actor, where = lead.event, lead.actor, lead.location
    ips = list(event.source_ips[:IPS_SHOWN])
    if len(event.source_ips) > IPS_SHOWN:
        ips.append(f"… and {len(event.source_ips) - IPS_SHOWN} more")
    details: dict[str, Any] = {
        "rule": {"id": lead.rule.rule_id, "title": lead.rule.title},
        "severity": str(severity),
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
    details.update(extra)
    return dict(shortened(tree(details)))
