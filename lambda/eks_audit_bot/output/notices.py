"""Notices: what the bot says about its own controls — a mute taking effect or ending, and the
summary of a burst grouped across invocations. Each is a message like an alert's (a JSON
document of kind `notice`, an email text, one SMS line, a chat notification) with the SNS
attributes subscribers filter on. Every value that came from outside (a reason, a name, an
alert's summary) goes through `safety` before it is shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.output.form import SCHEMA_VERSION
from eks_audit_bot.output.mutes import Mute
from eks_audit_bot.output.safety import ascii_line, chat_code, chat_text, line, tree

CONTROL_SOURCE = "control"
_SEVERITY_ORDER = ("low", "medium", "high", "critical")
SUBJECT_LIMIT = 100
ATTRIBUTE_LIMIT = 256


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def mute_notice(mute: Mute, which: str, *, chat: bool, table: str = "TABLE") -> Outgoing:
    """`which` is `start` or `end`; `table` is the state table (for the unmute command)."""
    started = which == "start"
    scope = mute.scope()
    ended = iso(mute.end_time)
    if started:
        summary = f"Alerts of rule {scope['rule']} muted until {iso(mute.until)} by {mute.set_by}"
    else:
        how = f"by {mute.ended_by}" if mute.ended else "(expired)"
        summary = f"Mute of rule {scope['rule']} ended at {ended} {how}"
    rows = [
        ("Who set it", mute.set_by),
        ("Scope", ", ".join(f"{key} {value}" for key, value in scope.items())),
        ("Critical", "muted too" if mute.include_critical else "not muted (still alert)"),
        ("Until", iso(mute.until)),
        ("Why", mute.reason or "(no reason given)"),
        ("Mute id", mute.mute_id),
    ]
    if not started:
        how = f"{ended} by {mute.ended_by}" if mute.ended else f"{ended} (expired)"
        rows[4:4] = [("Ended", how), ("Muted", f"{mute.muted} alert(s) kept back while it lasted")]
    tail = (
        "While it lasts, matching alerts are not sent: they are logged and counted "
        f"(metric AlertsMuted by rule). End it early: eks-audit-bot unmute --table {table} "
        + mute.mute_id
        if started
        else "Matching alerts are sent again."
    )
    notice = "mute-started" if started else "mute-ended"
    values = {
        "severity": "high",
        "source": CONTROL_SOURCE,
        "rule": mute.rule,
        "actor": mute.set_by if started else (mute.ended_by or mute.set_by),
        "cluster": mute.cluster,
        "namespace": mute.namespace,
        "notice": notice,
    }
    title = (
        f"Mute set: {mute.rule} until {iso(mute.until)}" if started else f"Mute ended: {mute.rule}"
    )
    document = _mute_document(mute, notice, summary)
    return _outgoing(title, document, rows, tail, values, chat=chat, lead=summary)


def _mute_document(mute: Mute, notice: str, summary: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "notice",
        "notice": notice,
        "severity": "high",
        "summary": summary,
        "mute": {
            "id": mute.mute_id,
            **mute.scope(),
            "include_critical": mute.include_critical,
            "set_by": mute.set_by,
            "reason": mute.reason,
            "until": iso(mute.until),
            "origin": mute.origin,
            "ended_by": mute.ended_by,
            "muted": mute.muted,
        },
    }


def burst_notice(
    first: Mapping[str, Any], members: Sequence[Mapping[str, Any]], total: int, *, chat: bool
) -> Outgoing:
    """The summary of a burst: what `first` (its SNS attributes, `opened`, `closes`) opened and
    the `total` alerts folded into it, the stored `members` among them."""
    attrs: Mapping[str, str] = first["attributes"]
    actor, cluster = attrs.get("actor", "?"), attrs.get("cluster", "?")
    severity = max((str(m.get("severity", "low")) for m in members), key=_rank, default="low")
    span = f"{iso(int(first['opened']))} to {iso(int(first['closes']))}"
    summary = f"{actor} made {total} more change(s) on {cluster} from {span} (grouped)"
    document = {
        "schema_version": SCHEMA_VERSION,
        "kind": "notice",
        "notice": "burst-summary",
        "severity": severity,
        "summary": summary,
        "burst": {
            "actor": actor,
            "cluster": cluster,
            "account": attrs.get("account", ""),
            "opened": iso(int(first["opened"])),
            "closes": iso(int(first["closes"])),
            "count": total,
            "members": list(members),
        },
    }
    rows = [(str(m.get("time", "")), _member_line(m)) for m in members]
    if total > len(members):
        rows.append(("", f"... and {total - len(members)} more: see the audit log"))
    tail = "The first alert of this burst was sent on its own when it began."
    values = {**attrs, "severity": severity, "digest": "burst"}
    title = f"{actor} made {total} more change(s) on {cluster} (grouped)"
    return _outgoing(title, document, rows, tail, values, chat=chat, lead=summary)


def _member_line(member: Mapping[str, Any]) -> str:
    count = int(member.get("count") or 1)
    text = f"{member.get('severity', '')} {member.get('rule', '')}: {member.get('summary', '')}"
    return text + (f" (x{count})" if count > 1 else "")


def _rank(severity: str) -> int:
    return _SEVERITY_ORDER.index(severity) if severity in _SEVERITY_ORDER else 0


def _outgoing(
    headline: str,
    document: dict[str, Any],
    rows: Sequence[tuple[str, str]],
    tail: str,
    values: Mapping[str, str],
    *,
    chat: bool,
    lead: str = "",
) -> Outgoing:
    """`headline` is the Subject (and the email's first line unless `lead` is given)."""
    severity = str(document["severity"])
    subject = ascii_line(f"[{severity.upper()}] {headline}")[:SUBJECT_LIMIT]
    width = max((len(label) for label, _ in rows), default=0)
    text = "\n".join(
        [line(lead or headline), "", *(f"{label:<{width}}  {line(value)}" for label, value in rows)]
    )
    bodies = {
        "default": json.dumps(tree(document), ensure_ascii=False, sort_keys=True),
        "email": f"{text}\n\n{tail}\n",
        "sms": subject,
    }
    if chat:
        bodies["https"] = json.dumps(_chat(headline, rows, tail), ensure_ascii=False)
    attributes = {name: line(value)[:ATTRIBUTE_LIMIT] for name, value in values.items() if value}
    audit_id = str(document.get("mute", {}).get("id", "")) or "burst"
    return Outgoing(subject, json.dumps(bodies, ensure_ascii=False), attributes, audit_id)


def _chat(headline: str, rows: Sequence[tuple[str, str]], tail: str) -> dict[str, Any]:
    lines = [f"*{chat_text(headline)}*"]
    lines += [f"{chat_text(label)}: {chat_code(value)}" for label, value in rows]
    return {
        "version": "1.0",
        "source": "custom",
        "content": {"description": "\n".join([*lines, chat_text(tail)])[:3500]},
    }
