"""What `make demo` prints: a table of the alerts, then one email and one JSON document."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from eks_audit_bot.cli.terminal import cell, console, print_table, safe_json, safe_lines, table
from eks_audit_bot.core.severity import Severity

EVENTS_FILE = "lambda/eks_audit_bot/cli/demo_events.jsonl"
RULE = "-" * 72


@dataclass(frozen=True, slots=True)
class Delivered:
    """What the handler returned and what the topic's two subscribers received."""

    summary: dict[str, Any]
    emails: list[tuple[str, str]]  # (subject, body), in publishing order
    documents: list[dict[str, Any]]  # what the SQS subscriber got, without SNS's envelope


def show(delivered: Delivered, *, show_all: bool, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    documents = sorted(delivered.documents, key=lambda doc: -_rank(doc.get("severity", "")))
    received, alerts = delivered.summary.get("received", 0), len(documents)
    out.write(
        f"The handler read {received} audit log events and published {alerts} alerts"
        f" (the other events stayed quiet; why: see the last line).\n\n"
    )
    out.flush()
    grid = table("severity", "rule", "what")
    for doc in documents:
        rule = doc.get("rule", {}).get("id", ", ".join(doc.get("rule_ids", [])))
        grid.add_row(cell(doc.get("severity", "")), cell(rule), cell(doc.get("summary", "")))
    print_table(console(out), grid)
    shown = documents if show_all else documents[:1]
    for doc in shown:
        subject, body = _email_for(doc, delivered.emails)
        out.write(f"\n{RULE}\nEmail to the team's address, as it arrives:\n{RULE}\n")
        out.write(safe_lines(f"Subject: {subject}\n\n{body}"))
        out.write(f"\n{RULE}\nJSON document an SQS queue (or a function) receives:\n{RULE}\n")
        out.write(safe_json(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n")
    if not show_all and len(documents) > 1:
        out.write(
            f"\nThe other {len(documents) - 1} emails and documents: make demo DEMO_ARGS=--all\n"
        )
    out.write(
        "Why each other event stayed quiet: "
        f".venv/bin/eks-audit-bot replay --no-pattern {EVENTS_FILE}\n"
    )


def _email_for(document: dict[str, Any], emails: list[tuple[str, str]]) -> tuple[str, str]:
    """The email of the same alert (the text names its audit ID), else the first one."""
    marker = f"Audit ID: {document.get('audit_id')}"
    return next((email for email in emails if marker in email[1]), emails[0])


def _rank(severity: str) -> int:
    try:
        return Severity(severity).rank
    except ValueError:
        return -1
