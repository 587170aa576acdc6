"""Renderings of an AWS API call or alarm alert, in the same forms as audit-log alerts.

The same Subject rules, the same text layout (headline, why, what changed, who, what, where,
when, id, link, rule line), the same JSON document (schema 2.x, `alert_source` says where it
came from) and the same chat envelope. Every value that came from CloudTrail is escaped like
audit data: `requestParameters` are caller-controlled, even in a denied call. Their URLs are
defanged (`https[:]//`) so no mail or chat client turns them into links; in chat, markdown,
`<...>` links and broadcast mentions are neutralized too. Our own links are built only from a
validated region and the percent-encoded event id or alarm name.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from eks_audit_bot.model.alarm import AlarmChange
from eks_audit_bot.model.aws_alert import AwsAlert
from eks_audit_bot.model.cloudtrail import ApiCall
from eks_audit_bot.rendering.document import (
    SCHEMA_VERSION,
    _md,
    actor_document,
    chat_message,
    where_document,
)
from eks_audit_bot.rendering.text import _CONSOLE_HOSTS, _section, printable, subject

_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
_BROADCAST = re.compile(r"@(here|channel|everyone|all)\b", re.IGNORECASE)
_SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
ERROR_MESSAGE_LIMIT = 300
_NOTES = {"denied": " (AWS refused the call)", "failed": " (the call failed: nothing changed)"}


def aws_headline(alert: AwsAlert) -> str:
    """`alice@example.com granted AmazonEKSClusterAdminPolicy to role/x in prod`."""
    where = f" in {alert.location.cluster}" if alert.location.cluster else ""
    event = alert.event
    if isinstance(event, AlarmChange):
        return _plain(f"{alert.rule.title}{where}: {alert.action}")
    who = alert.actor.label
    if event.outcome == "denied":
        return _plain(f"{who} was denied {event.operation}{_on(alert)}{where}")
    if event.outcome == "failed":
        return _plain(f"{who}: {event.operation}{_on(alert)} failed{where}")
    return _plain(f"{who} {alert.action}{where}")


def aws_subject(alert: AwsAlert) -> str:
    return subject(f"[{alert.severity.upper()}] {aws_headline(alert)}")


def aws_link(alert: AwsAlert) -> tuple[str, str]:
    """What the link shows and its URL: the CloudTrail event, or the alarm."""
    where = alert.location
    region = where.region if _REGION.fullmatch(where.region) else "us-east-1"
    host = _CONSOLE_HOSTS.get(where.partition, _CONSOLE_HOSTS["aws"])
    base = f"https://{region}.{host}"
    if isinstance(alert.event, AlarmChange):
        name = quote(alert.event.alarm_name, safe="")
        return "See the alarm in CloudWatch:", (
            f"{base}/cloudwatch/home?region={region}#alarmsV2:alarm/{name}"
        )
    event_id = quote(alert.event.event_id, safe="")
    return "Find it in CloudTrail event history:", (
        f"{base}/cloudtrailv2/home?region={region}#/events/{event_id}"
    )


def render_aws_text(alert: AwsAlert) -> str:
    """The email/plain-text body, laid out like an audit-log alert's."""
    rule = alert.rule
    lines = [f"{alert.severity.upper()}: {rule.title}", aws_headline(alert), ""]
    lines[1] += _NOTES.get(alert.outcome, "")
    if rule.explanation:
        lines.append(f"Why it matters: {rule.explanation}")
    if rule.runbook:
        lines.append(f"What to do: {rule.runbook}")
    if alert.changes:
        lines += ["", "What changed:", *(f"  - {_plain(line)}" for line in alert.changes)]
    if isinstance(alert.event, ApiCall):
        lines += ["", *_block("Who", _who(alert))]
    lines += ["", *_block("What", _what(alert)), "", *_block("Where", _where(alert))]
    lines += ["", *_block("When and from where", _when(alert))]
    label, url = aws_link(alert)
    lines += ["", f"Event ID: {printable(alert.event.audit_id)}", label, url, ""]
    outcome = f" | Outcome: {alert.outcome}" if alert.outcome else ""
    lines.append(f"Rule: {rule.rule_id} | Severity: {alert.severity}{outcome}")
    return "\n".join(lines) + "\n"


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
    where = [dict(_where(alert)).get(key, "") for key in ("Cluster", "Account", "Region")]
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


def _plain(text: str) -> str:
    """One printable line with caller-controlled URLs defanged."""
    return printable(_SCHEME.sub(r"\1[:]//", text))


def _block(title: str, fields: list[tuple[str, str]]) -> list[str]:
    return _section(title, [(name, _SCHEME.sub(r"\1[:]//", value)) for name, value in fields])


def _unlinked(text: str) -> str:
    """No `<url|x>` link, `<!channel>` or `@here` mention: angle brackets become look-alikes."""
    escaped = text.replace("<", "\u2039").replace(">", "\u203a")
    return _BROADCAST.sub(lambda found: "@\u200b" + found.group(1), escaped)


def _chat(text: str) -> str:
    """Chat markdown that can neither format, link nor mention: `_md`, brackets escaped, URLs
    defanged, `<...>` and broadcasts neutralized."""
    escaped = _md(_SCHEME.sub(r"\1[:]//", text))
    for char in "[]()":
        escaped = escaped.replace(char, "\\" + char)
    return _unlinked(escaped)


def _chat_state(alert: AwsAlert) -> tuple[str, str]:
    return str(alert.severity), alert.outcome


def _on(alert: AwsAlert) -> str:
    target = alert.target
    if target == alert.location.cluster:
        return ""
    if target.startswith("arn:") and target.count(":") >= 5:
        target = target.split(":", 5)[5]
    return f" on {target}" if target else ""


def _who(alert: AwsAlert) -> list[tuple[str, str]]:
    actor, event = alert.actor, alert.event
    identity = event.identity if isinstance(event, ApiCall) else None
    return [
        ("Person", actor.display_name),
        ("IAM identity", actor.iam_arn),
        ("IAM role or user", actor.canonical_arn if actor.canonical_arn != actor.iam_arn else ""),
        ("Session", actor.session_name if actor.session_name != actor.display_name else ""),
        ("Identity type", identity.type if identity else ""),
        ("Invoked by", identity.invoked_by if identity else ""),
        ("Client", alert.client),
    ]


def _what(alert: AwsAlert) -> list[tuple[str, str]]:
    event = alert.event
    if isinstance(event, AlarmChange):
        return [
            ("Alarm", event.alarm_name),
            ("State", f"{event.state} (was {event.previous_state or 'unknown'})"),
            ("Alarm ARN", event.alarm_arn),
        ]
    result = "succeeded"
    if event.error_code:
        message = event.error_message[:ERROR_MESSAGE_LIMIT]
        result = f"{alert.outcome}: {event.error_code}" + (f": {message}" if message else "")
    return [
        ("API call", event.operation),
        ("Resource", alert.resource),
        ("Target", alert.target),
        ("Result", result),
    ]


def _where(alert: AwsAlert) -> list[tuple[str, str]]:
    where = alert.location
    account = where.account_id
    if where.account_name:
        account = f"{account} ({where.account_name})" if account else where.account_name
    return [
        ("Cluster", where.cluster),
        ("Account", account),
        ("Region", where.region),
        ("Log group", where.log_group),
    ]


def _when(alert: AwsAlert) -> list[tuple[str, str]]:
    return [
        ("Time", alert.time),
        ("Source IP", ", ".join(alert.source_ips)),
        ("User agent", alert.user_agent),
    ]


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
