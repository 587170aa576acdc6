"""Machine renderings of an AWS API call or alarm alert: the JSON document and chat.

The document has the audit-log alert's fields (schema 2.x; `alert_source` says where it came
from) plus `api_call` or `alarm`, every string made safe (`safety.tree`); the chat
notification is the same envelope as for audit alerts, with caller data in code spans
(`safety.chat_code`) or inert text (`safety.chat_text`): it can neither format, link nor
mention anyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eks_audit_bot.aws.text import aws_headline, aws_link, aws_subject, plain
from eks_audit_bot.output.chat import Thread, chat_message
from eks_audit_bot.output.form import (
    SCHEMA_VERSION,
    account_label,
    actor_document,
    rule_document,
    where_document,
)
from eks_audit_bot.output.safety import chat_code, chat_text, tree

if TYPE_CHECKING:
    from eks_audit_bot.aws.alert import AwsAlert


def aws_document(alert: AwsAlert) -> dict[str, Any]:
    """The JSON document: the audit-log alert's fields, plus `api_call` or `alarm`."""
    event, rule = alert.event, alert.rule
    url = aws_link(alert)[1]
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": "alert",
        "alert_source": alert.source,
        "severity": str(alert.severity),
        "outcome": alert.outcome or None,
        "summary": aws_headline(alert),
        "rule": rule_document(rule),
        "changes": list(alert.changes),
        "actor": actor_document(alert.actor, alert.client),
        "request": _request(alert),
        "where": where_document(alert.location),
        "time": alert.time,
        "source": {"ips": list(alert.source_ips), "user_agent": alert.user_agent},
        "audit_id": event.audit_id,
    }
    link, name, part = event.document_part()
    document["links"] = {link: url} if url else {}
    document[name] = part
    return dict(tree(document))


def aws_chat(alert: AwsAlert) -> dict[str, Any]:
    """Amazon Q Developer in chat applications' custom notification, as for audit alerts."""
    state = ", ".join(filter(None, (str(alert.severity), alert.outcome)))
    lines = [f"*{chat_text(alert.rule.title)}* ({state})", chat_text(aws_headline(alert))]
    if alert.rule.explanation:
        lines.append(f"_Why it matters:_ {chat_text(alert.rule.explanation)}")
    if alert.changes:
        changed = [f"• {chat_code(plain(change))}" for change in alert.changes]
        lines += ["*What changed*", *changed]
    if alert.event.has_caller:
        actor = alert.actor
        who = [actor.display_name, actor.role_name and f"role {actor.role_name}", alert.client]
        lines.append(f"*Who:* {' · '.join(chat_code(part) for part in who if part)}")
    where = alert.location
    place = [where.cluster and f"cluster {where.cluster}", account_label(where), where.region]
    lines.append(f"*Where:* {' · '.join(chat_code(part) for part in place if part)}")
    if alert.source_ips:
        lines.append(f"*From:* {', '.join(chat_code(ip) for ip in alert.source_ips)}")
    lines.append(f"*Event ID:* {chat_code(alert.event.audit_id)}")
    about = Thread.of(alert)
    message = chat_message(
        about,
        title=aws_subject(alert),
        text="\n".join(lines),
        next_steps=[step for step in (alert.rule.runbook, aws_link(alert)[1]) if step],
        resources=[alert.target] if alert.target else [],
    )
    # An alarm has no outcome and a pipeline-wide alert no cluster: no empty keywords.
    content = message["content"]
    content["keywords"] = [word for word in content["keywords"] if word]
    return message


def _request(alert: AwsAlert) -> dict[str, Any]:
    event = alert.event
    return {
        "verb": alert.verb,
        "resource": alert.resource,
        "subresource": "",
        "namespace": "",
        "name": alert.target,
        "api_group": event.api_group,
        "api_version": "",
        "response_code": None,
        "dry_run": False,
    }
