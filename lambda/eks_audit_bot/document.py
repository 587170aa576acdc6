"""Machine renderings of an alert: the stable JSON document and the chat notification."""

from __future__ import annotations

from typing import Any

from eks_audit_bot.alert import Alert
from eks_audit_bot.format import alert_subject, headline, logs_insights_url, render_text

# Bump the major part on any change that could break a consumer; see schema/alert.schema.json.
SCHEMA_VERSION = "1.0"
CHAT_DESCRIPTION_LIMIT = 3500
_SEVERITY_EMOJI = {
    "critical": ":rotating_light:",
    "high": ":warning:",
    "medium": ":large_orange_diamond:",
    "low": ":information_source:",
}


def alert_document(alert: Alert) -> dict[str, Any]:
    """The JSON document for queues, functions and webhooks (`sqs`, `lambda`, `http(s)`)."""
    event, actor, rule, where = alert.event, alert.actor, alert.rule, alert.location
    ref = event.object_ref
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "alert",
        "severity": str(alert.severity),
        "outcome": alert.outcome,
        "summary": headline(alert),
        "rule": {
            "id": rule.rule_id,
            "title": rule.title,
            "severity": str(rule.severity),
            "explanation": rule.explanation,
            "runbook": rule.runbook,
        },
        "changes": list(alert.changes),
        "actor": {
            "display_name": actor.display_name,
            "username": actor.username,
            "kind": str(actor.kind),
            "iam_arn": actor.iam_arn,
            "canonical_arn": actor.canonical_arn,
            "role_name": actor.role_name,
            "session_name": actor.session_name,
            "groups": list(actor.groups),
            "impersonated_user": actor.impersonated_user,
            "impersonated_groups": list(actor.impersonated_groups),
            "client": alert.client,
        },
        "request": {
            "verb": event.verb,
            "resource": ref.resource,
            "subresource": ref.subresource,
            "namespace": ref.namespace,
            "name": ref.name,
            "api_group": ref.api_group,
            "api_version": ref.api_version,
            "response_code": event.response_code,
            "dry_run": event.is_dry_run,
        },
        "where": {
            "cluster": where.cluster,
            "account_id": where.account_id,
            "account_name": where.account_name,
            "region": where.region,
            "log_group": where.log_group,
        },
        "time": event.request_received or event.stage_timestamp,
        "source": {"ips": list(event.source_ips), "user_agent": event.user_agent},
        "audit_id": event.audit_id,
        "links": {"logs_insights": _link(alert)},
    }


def chat_notification(alert: Alert) -> dict[str, Any]:
    """Amazon Q Developer in chat applications' custom notification (Slack, Teams)."""
    emoji = _SEVERITY_EMOJI.get(str(alert.severity), "")
    description = render_text(alert)
    if len(description) > CHAT_DESCRIPTION_LIMIT:
        description = description[: CHAT_DESCRIPTION_LIMIT - 20].rstrip() + "\n… (truncated)"
    return {
        "version": "1.0",
        "source": "custom",
        "id": alert.event.audit_id,
        "content": {
            "textType": "client-markdown",
            "title": f"{emoji} {alert_subject(alert)}".strip(),
            "description": f"```\n{description}```",
            "nextSteps": [step for step in (alert.rule.runbook, _link(alert)) if step],
            "keywords": [
                str(alert.severity),
                alert.location.cluster,
                alert.rule.rule_id,
                alert.outcome,
            ],
        },
        "metadata": {
            "threadId": f"{alert.location.cluster}/{alert.actor.display_name}",
            "summary": alert_subject(alert),
            "eventType": alert.rule.rule_id,
            "relatedResources": [alert.event.resource_path],
            "additionalContext": {"auditID": alert.event.audit_id},
        },
    }


def _link(alert: Alert) -> str:
    event = alert.event
    return logs_insights_url(alert.location, event.audit_id, event.request_received)
