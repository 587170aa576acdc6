"""Machine renderings of an AWS API call or alarm alert: the JSON document and chat.

The document has the audit-log alert's fields (schema 2.x; `alert_source` says where it came
from) plus `api_call` or `alarm`; the chat notification is the same envelope as for audit
alerts. In chat, caller-controlled text can neither format, link nor mention: markdown is
escaped, URLs defanged, `<...>` links and `@here`-style broadcasts neutralized.
"""

from __future__ import annotations

import re
from typing import Any

from eks_audit_bot.model.alarm import AlarmChange
from eks_audit_bot.model.aws_alert import AwsAlert
from eks_audit_bot.model.cloudtrail import ApiCall
from eks_audit_bot.rendering.aws import (
    ERROR_MESSAGE_LIMIT,
    SCHEME,
    aws_headline,
    aws_link,
    aws_subject,
    where_fields,
)
from eks_audit_bot.rendering.document import (
    SCHEMA_VERSION,
    _md,
    actor_document,
    chat_message,
    where_document,
)

_BROADCAST = re.compile(r"@(here|channel|everyone|all)\b", re.IGNORECASE)


def aws_document(alert: AwsAlert) -> dict[str, Any]:
    """The JSON document: the audit-log alert's fields, plus `api_call` or `alarm`."""
    event, rule = alert.event, alert.rule
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": "alert",
        "alert_source": alert.source,
        "severity": str(alert.severity),
        "outcome": alert.outcome or None,
        "summary": aws_headline(alert),
        "rule": {
            "id": rule.rule_id,
            "title": rule.title,
            "severity": str(rule.severity),
            "explanation": rule.explanation,
            "runbook": rule.runbook,
        },
        "changes": list(alert.changes),
        "actor": actor_document(alert),
        "request": _request(alert),
        "where": where_document(alert),
        "time": alert.time,
        "source": {"ips": list(alert.source_ips), "user_agent": alert.user_agent},
        "audit_id": event.audit_id,
    }
    if isinstance(event, ApiCall):
        document["links"] = {"cloudtrail": aws_link(alert)[1]}
        document["api_call"] = _api_call(event)
    else:
        document["links"] = {"alarm": aws_link(alert)[1]}
        document["alarm"] = _alarm(event)
    return document


def aws_chat(alert: AwsAlert) -> dict[str, Any]:
    """Amazon Q Developer in chat applications' custom notification, as for audit alerts."""
    lines = [f"*{_chat(alert.rule.title)}* ({', '.join(filter(None, _chat_state(alert)))})"]
    lines.append(_chat(aws_headline(alert)))
    if alert.rule.explanation:
        lines.append(f"_Why it matters:_ {_chat(alert.rule.explanation)}")
    if alert.changes:
        lines += ["*What changed*", *(f"• {_chat(change)}" for change in alert.changes)]
    if isinstance(alert.event, ApiCall):
        who = [alert.actor.display_name, alert.actor.role_name, alert.client]
        lines.append(f"*Who:* {_chat(' · '.join(filter(None, who)))}")
    where = [dict(where_fields(alert)).get(key, "") for key in ("Cluster", "Account", "Region")]
    lines.append(f"*Where:* {_chat(' · '.join(filter(None, where)))}")
    if alert.source_ips:
        lines.append(f"*From:* {_chat(', '.join(alert.source_ips))}")
    lines.append(f"*Event ID:* `{_chat(alert.event.audit_id)}`")
    message = chat_message(
        alert,
        title=_unlinked(aws_subject(alert)),
        text="\n".join(lines),
        next_steps=[step for step in (alert.rule.runbook, aws_link(alert)[1]) if step],
        resources=[alert.target] if alert.target else [],
    )
    # An alarm has no outcome and a pipeline-wide alert no cluster: no empty keywords.
    content = message["content"]
    content["keywords"] = [word for word in content["keywords"] if word]
    return message


def _unlinked(text: str) -> str:
    """No `<url|x>` link, `<!channel>` or `@here` mention: angle brackets become look-alikes."""
    escaped = text.replace("<", "\u2039").replace(">", "\u203a")
    return _BROADCAST.sub(lambda found: "@\u200b" + found.group(1), escaped)


def _chat(text: str) -> str:
    """Chat markdown that can neither format, link nor mention: `_md`, brackets escaped, URLs
    defanged, `<...>` and broadcasts neutralized."""
    escaped = _md(SCHEME.sub(r"\1[:]//", text))
    for char in "[]()":
        escaped = escaped.replace(char, "\\" + char)
    return _unlinked(escaped)


def _chat_state(alert: AwsAlert) -> tuple[str, str]:
    return str(alert.severity), alert.outcome


def _request(alert: AwsAlert) -> dict[str, Any]:
    event = alert.event
    return {
        "verb": alert.verb,
        "resource": alert.resource,
        "subresource": "",
        "namespace": "",
        "name": alert.target,
        "api_group": event.event_source if isinstance(event, ApiCall) else "",
        "api_version": "",
        "response_code": None,
        "dry_run": False,
    }


def _api_call(call: ApiCall) -> dict[str, Any]:
    return {
        "event_source": call.event_source,
        "event_name": call.event_name,
        "error_code": call.error_code,
        "error_message": call.error_message[:ERROR_MESSAGE_LIMIT],
        "identity_type": call.identity.type,
        "invoked_by": call.identity.invoked_by,
    }


def _alarm(change: AlarmChange) -> dict[str, Any]:
    metric = change.metric
    return {
        "name": change.alarm_name,
        "arn": change.alarm_arn,
        "state": change.state,
        "previous_state": change.previous_state,
        "reason": change.reason,
        "metric": {
            "namespace": metric.namespace if metric else "",
            "name": metric.name if metric else "",
            "dimensions": dict(metric.dimensions) if metric else {},
        },
    }
