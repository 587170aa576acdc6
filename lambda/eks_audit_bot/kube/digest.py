"""Renderings of a digest: many alike alerts (or the overflow of one batch) as one message."""

from __future__ import annotations

from collections import Counter
from typing import Any

from eks_audit_bot.core.view import AUDIT_LOG
from eks_audit_bot.kube.alert import Alert, Digest, DigestKind
from eks_audit_bot.kube.document import links
from eks_audit_bot.kube.text import STREAMING_PHRASES, action, alert_link, past_tense
from eks_audit_bot.output import safety
from eks_audit_bot.output.chat import Thread, chat_message
from eks_audit_bot.output.form import (
    SCHEMA_VERSION,
    account_label,
    actor_document,
    safe_lines,
    subject,
    where_document,
)

MEMBERS_IN_TEXT = 50
MEMBERS_IN_DOCUMENT = 500
NAMES_IN_SUMMARY = 3


def digest_subject(digest: Digest) -> str:
    return subject(
        f"[{digest.severity.upper()}] {digest.location.cluster}: {digest_summary(digest)}"
    )


def render_digest_text(digest: Digest) -> str:
    return safe_lines([*_digest_lines(digest), *_link_lines(digest)])


def digest_chat(digest: Digest) -> dict[str, Any]:
    """The chat notification: the digest's text as a code block, under its lead's thread."""
    return chat_message(
        Thread.of(digest.lead),
        title=digest_subject(digest),
        text=digest_chat_text(digest),
        next_steps=[],
        resources=[],
    )


def digest_chat_text(digest: Digest) -> str:
    """The digest text as a chat code block (monospaced; nothing in it can mention, link or
    close the block), then the Logs Insights link, ours, outside the block to be clickable."""
    lines = safe_lines(_digest_lines(digest)).splitlines()
    fenced = ["```", *(safety.chat_block(text) for text in lines), "```"]
    return "\n".join(fenced + [safety.line(text) for text in _link_lines(digest)])


def _digest_lines(digest: Digest) -> list[str]:
    lead = digest.lead
    lines = [f"{digest.severity.upper()}: {digest_summary(digest)}", ""]
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
    places = [("Cluster", where.cluster), ("Account", account_label(where))]
    places.append(("Region", where.region))
    lines += ["", " | ".join(f"{name}: {value}" for name, value in places if value)]
    return lines


def _link_lines(digest: Digest) -> list[str]:
    url = alert_link(digest.lead)
    return ["Find the first in CloudWatch Logs Insights:", url] if url else []


def digest_document(digest: Digest) -> dict[str, Any]:
    """The JSON document of a digest, every string made safe (`safety.tree`)."""
    lead = digest.lead
    shown = min(MEMBERS_IN_DOCUMENT, digest.shown or MEMBERS_IN_DOCUMENT)
    document = {
        "schema_version": SCHEMA_VERSION,
        "kind": "digest",
        "alert_source": AUDIT_LOG,
        "digest_kind": str(digest.kind),
        "severity": str(digest.severity),
        "summary": digest_summary(digest),
        "count": digest.count,
        "rule_ids": list(digest.rule_ids),
        "actor": actor_document(lead.actor, lead.client),
        "where": where_document(lead.location),
        "members": [_member(alert) for alert in digest.alerts[:shown]],
        "links": links(lead),
    }
    return dict(safety.tree(document))


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


def digest_summary(digest: Digest) -> str:
    """One line for a digest's subject or chat title."""
    if digest.kind is DigestKind.OVERFLOW:
        return _overflow_summary(digest)
    return _repeated_summary(digest)


def _repeated_summary(digest: Digest) -> str:
    event = digest.lead.event
    ref = event.object_ref
    if event.is_streaming:
        verb, resource = STREAMING_PHRASES[ref.subresource], ref.resource
    else:
        verb, resource = past_tense(event.verb), event.resource_path
    names = digest.names
    what = f"{digest.count} {resource}"
    if len(names) < digest.count:
        what = f"{resource} {digest.count} times"
    where = f"in {ref.namespace}" if ref.namespace else "cluster-wide"
    shown = ", ".join(names[:NAMES_IN_SUMMARY])
    if len(names) > NAMES_IN_SUMMARY:
        shown += f", … and {len(names) - NAMES_IN_SUMMARY} more"
    denied = f" ({digest.denied} denied)" if digest.denied else ""
    return f"{digest.actor.label} {verb} {what} {where}{denied}: {shown}"


def _overflow_summary(digest: Digest) -> str:
    counts = Counter(alert.severity for alert in digest.alerts)
    by_severity = ", ".join(
        f"{counts[severity]} {severity}"
        for severity in sorted(counts, key=lambda severity: -severity.rank)
    )
    return (
        f"{digest.count} more alerts in this batch ({by_severity}) "
        f"over the limit of {digest.limit} messages per invocation"
    )
