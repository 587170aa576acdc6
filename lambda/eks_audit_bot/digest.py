"""Renderings of a digest: many alike alerts (or the overflow of one batch) as one message."""

from __future__ import annotations

from typing import Any

from eks_audit_bot.alert import Alert
from eks_audit_bot.document import SCHEMA_VERSION, actor_document, where_document
from eks_audit_bot.format import action, alert_link, subject
from eks_audit_bot.noise import Digest, DigestKind

MEMBERS_IN_TEXT = 50
MEMBERS_IN_DOCUMENT = 500


def digest_subject(digest: Digest) -> str:
    return subject(f"[{digest.severity.upper()}] {digest.location.cluster}: {digest.summary}")


def render_digest_text(digest: Digest) -> str:
    lead = digest.lead
    lines = [f"{digest.severity.upper()}: {digest.summary}", ""]
    if digest.kind is DigestKind.OVERFLOW:
        lines.append(
            "This batch produced more alerts than MAX_ALERTS_PER_INVOCATION allows; the most "
            "severe went out one by one, these are the rest."
        )
    else:
        lines.append(f"Rule: {lead.rule.title}. {lead.rule.explanation}".strip())
        if lead.rule.runbook:
            lines.append(f"What to do: {lead.rule.runbook}")
    lines += ["", f"{digest.count} actions (time, who, what, outcome, auditID):"]
    lines += [f"  - {_member_line(alert)}" for alert in digest.alerts[:MEMBERS_IN_TEXT]]
    if digest.count > MEMBERS_IN_TEXT:
        lines.append(f"  … and {digest.count - MEMBERS_IN_TEXT} more (see the JSON document)")
    where = lead.location
    account = " ".join(part for part in (where.account_id, f"({where.account_name})") if part)
    lines += ["", f"Cluster: {where.cluster} | Account: {account} | Region: {where.region}"]
    lines += ["Find the first in CloudWatch Logs Insights:", alert_link(lead)]
    return "\n".join(lines) + "\n"


def digest_document(digest: Digest) -> dict[str, Any]:
    lead = digest.lead
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "digest",
        "digest_kind": str(digest.kind),
        "severity": str(digest.severity),
        "summary": digest.summary,
        "count": digest.count,
        "rule_ids": list(digest.rule_ids),
        "actor": actor_document(lead),
        "where": where_document(lead),
        "members": [_member(alert) for alert in digest.alerts[:MEMBERS_IN_DOCUMENT]],
        "links": {"logs_insights": alert_link(lead)},
    }


def _member_line(alert: Alert) -> str:
    event = alert.event
    return (
        f"{event.request_received or event.stage_timestamp} {alert.actor.label} "
        f"{action(event)} [{alert.outcome}, {alert.severity}] {event.audit_id}"
    )


def _member(alert: Alert) -> dict[str, Any]:
    event, ref = alert.event, alert.event.object_ref
    return {
        "audit_id": event.audit_id,
        "time": event.request_received or event.stage_timestamp,
        "actor": alert.actor.display_name,
        "verb": event.verb,
        "resource": event.resource_path,
        "namespace": ref.namespace,
        "name": ref.name,
        "outcome": alert.outcome,
        "severity": str(alert.severity),
        "rule": alert.rule.rule_id,
    }
