"""Machine renderings of an alert: the stable JSON document and the chat notification."""

from __future__ import annotations

from typing import Any

from eks_audit_bot.model.alert import Alert
from eks_audit_bot.rendering.text import alert_link, alert_subject, headline, printable

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
    event, rule = alert.event, alert.rule
    ref = event.object_ref
    document: dict[str, Any] = {
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
        "actor": actor_document(alert),
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
        "where": where_document(alert),
        "time": event.request_received or event.stage_timestamp,
        "source": {"ips": list(event.source_ips), "user_agent": event.user_agent},
        "audit_id": event.audit_id,
        "links": {"logs_insights": alert_link(alert)},
    }
    if event.truncated:
        document["truncated"] = True  # CloudWatch Logs cut the line: bodies were not seen
    return document


def actor_document(alert: Alert) -> dict[str, Any]:
    actor = alert.actor
    return {
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
    }


def where_document(alert: Alert) -> dict[str, str]:
    where = alert.location
    return {
        "cluster": where.cluster,
        "account_id": where.account_id,
        "account_name": where.account_name,
        "region": where.region,
        "log_group": where.log_group,
    }


def chat_notification(alert: Alert) -> dict[str, Any]:
    """Amazon Q Developer in chat applications' custom notification (Slack, Teams)."""
    return chat_message(
        alert,
        title=alert_subject(alert),
        text=chat_markdown(alert),
        next_steps=[step for step in (alert.rule.runbook, alert_link(alert)) if step],
        resources=[alert.event.resource_path],
    )


def chat_markdown(alert: Alert) -> str:
    """A compact markdown body for chat: the headline, why, what changed, who and where."""
    event, actor, where = alert.event, alert.actor, alert.location
    lines = [
        f"*{_md(alert.rule.title)}* ({alert.severity}, {alert.outcome})",
        _md(headline(alert)),
    ]
    if alert.rule.explanation:
        lines.append(f"_Why it matters:_ {_md(alert.rule.explanation)}")
    if alert.changes:
        lines += ["*What changed*", *(f"• {_md(change)}" for change in alert.changes)]
    identity = [
        actor.role_name and f"role {actor.role_name}",
        actor.session_name and f"session {actor.session_name}",
        alert.client,
    ]
    lines.append(f"*Who:* {_md(' · '.join([actor.display_name, *filter(None, identity)]))}")
    account = (
        f"{where.account_id} ({where.account_name})" if where.account_name else where.account_id
    )
    lines.append(f"*Where:* {_md(f'cluster {where.cluster} · account {account} · {where.region}')}")
    if event.source_ips:
        lines.append(f"*From:* {_md(', '.join(event.source_ips))}")
    if event.truncated:
        lines.append("_The log line was cut by CloudWatch Logs: bodies not seen._")
    lines.append(f"*Audit ID:* `{event.audit_id}`")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Plain text that cannot open markdown formatting or fake lines in chat."""
    escaped = printable(text).replace("`", "'")
    for char in "*_~":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def chat_message(
    lead: Alert, *, title: str, text: str, next_steps: list[str], resources: list[str]
) -> dict[str, Any]:
    """The custom-notification envelope, threaded per cluster and person."""
    emoji = _SEVERITY_EMOJI.get(str(lead.severity), "")
    if len(text) > CHAT_DESCRIPTION_LIMIT:
        text = text[: CHAT_DESCRIPTION_LIMIT - 20].rstrip() + "\n… (truncated)"
    return {
        "version": "1.0",
        "source": "custom",
        "id": lead.event.audit_id,
        "content": {
            "textType": "client-markdown",
            "title": f"{emoji} {title}".strip(),
            "description": text,
            "nextSteps": next_steps,
            "keywords": [
                str(lead.severity),
                lead.location.cluster,
                lead.rule.rule_id,
                lead.outcome,
            ],
        },
        "metadata": {
            "threadId": f"{lead.location.cluster}/{lead.actor.display_name}",
            "summary": title,
            "eventType": lead.rule.rule_id,
            "relatedResources": resources,
            "additionalContext": {"auditID": lead.event.audit_id},
        },
    }
