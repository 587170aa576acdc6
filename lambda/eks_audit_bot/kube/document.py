"""Machine renderings of an alert: the stable JSON document and the chat notification.

Every string of the document goes through `safety.tree`; in chat, audit data is shown as
code spans (`safety.chat_code`) or escaped text (`safety.chat_text`), never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eks_audit_bot.core.view import AUDIT_LOG
from eks_audit_bot.kube.gitops import gitops_of
from eks_audit_bot.kube.text import (
    STREAMING_PHRASES,
    alert_link,
    alert_subject,
    headline,
    past_tense,
    target,
)
from eks_audit_bot.output.chat import Thread, chat_message
from eks_audit_bot.output.form import SCHEMA_VERSION, actor_document, rule_document, where_document
from eks_audit_bot.output.safety import chat_code, chat_text, tree

if TYPE_CHECKING:
    from eks_audit_bot.kube.alert import Alert


def alert_document(alert: Alert) -> dict[str, Any]:
    """The JSON document for queues, functions and webhooks (`sqs`, `lambda`, `http(s)`)."""
    event, rule = alert.event, alert.rule
    ref = event.object_ref
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": "alert",
        "alert_source": AUDIT_LOG,
        "severity": str(alert.severity),
        "outcome": alert.outcome,
        "summary": headline(alert),
        "rule": rule_document(rule),
        "changes": list(alert.changes),
        "actor": actor_document(alert.actor, alert.client),
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
        "where": where_document(alert.location),
        "time": event.request_received or event.stage_timestamp,
        "source": {"ips": list(event.source_ips), "user_agent": event.user_agent},
        "audit_id": event.audit_id,
        "links": links(alert),
    }
    if event.truncated:
        document["truncated"] = True  # CloudWatch Logs cut the line: bodies were not seen
    if (gitops := gitops_of(event)) is not None:
        document["gitops"] = gitops.document()
    return dict(tree(document))


def links(alert: Alert) -> dict[str, str]:
    """Console links; none when the alert's region, log group or time is unknown (replay)."""
    url = alert_link(alert)
    return {"logs_insights": url} if url else {}


def chat_notification(alert: Alert) -> dict[str, Any]:
    """Amazon Q Developer in chat applications' custom notification (Slack, Teams)."""
    return chat_message(
        Thread.of(alert),
        title=alert_subject(alert),
        text=chat_markdown(alert),
        next_steps=[step for step in (alert.rule.runbook, alert_link(alert)) if step],
        resources=[alert.event.resource_path],
    )


def chat_markdown(alert: Alert) -> str:
    """A compact markdown body for chat: the headline, why, what changed, who and where."""
    event, actor, where = alert.event, alert.actor, alert.location
    lines = [
        f"*{chat_text(alert.rule.title)}* ({alert.severity}, {alert.outcome})",
        chat_headline(alert),
    ]
    if alert.rule.explanation:
        lines.append(f"_Why it matters:_ {chat_text(alert.rule.explanation)}")
    if alert.changes:
        lines += ["*What changed*", *(f"• {chat_code(change)}" for change in alert.changes)]
    if (gitops := gitops_of(event)) is not None:
        lines.append(f"*GitOps:* {chat_text(gitops.sentence())}")
    identity = [
        chat_code(actor.display_name),
        actor.role_name and f"role {chat_code(actor.role_name)}",
        actor.session_name and f"session {chat_code(actor.session_name)}",
        chat_code(alert.client),
    ]
    lines.append(f"*Who:* {' · '.join(filter(None, identity))}")
    account = chat_code(where.account_id)
    if where.account_name:
        account += f" ({chat_code(where.account_name)})"
    place = f"cluster {chat_code(where.cluster)} · account {account} · {chat_code(where.region)}"
    lines.append(f"*Where:* {place}")
    if event.source_ips:
        lines.append(f"*From:* {', '.join(chat_code(ip) for ip in event.source_ips)}")
    if event.truncated:
        lines.append("_The log line was cut by CloudWatch Logs: bodies not seen._")
    lines.append(f"*Audit ID:* {chat_code(event.audit_id)}")
    return "\n".join(lines)


def chat_headline(alert: Alert) -> str:
    """The headline with every piece of audit data in a code span."""
    event, ref = alert.event, alert.event.object_ref
    who, where = chat_code(alert.actor.label), chat_code(alert.location.cluster)
    what = chat_code(target(event))
    if not event.allowed:
        return f"{who} was denied: {chat_text(event.verb)} {what} in {where}"
    if event.is_streaming:
        return f"{who} {STREAMING_PHRASES[ref.subresource]} {what} in {where}"
    verb = chat_text(past_tense(event.verb))
    sub = f" ({chat_text(ref.subresource)})" if ref.subresource else ""
    return f"{who} {verb} {what}{sub} in {where}"
