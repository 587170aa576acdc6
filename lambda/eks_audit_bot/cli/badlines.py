"""Bad input lines for the CLI: counted, the first few kept with where and why, never fatal."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from eks_audit_bot.cli.cloudtrail import aws_kind
from eks_audit_bot.cli.records import Record
from eks_audit_bot.cli.terminal import safe
from eks_audit_bot.filter_pattern import NOT_JSON
from eks_audit_bot.kube.audit import TRUNCATION_MARKER

SHOWN = 20


@dataclass(slots=True)
class BadLines:
    count: int = 0
    shown: list[tuple[str, str]] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, where: str, reason: str) -> None:
        self.count += 1
        self.reasons[reason.split(" (", 1)[0]] += 1
        if len(self.shown) < SHOWN:
            self.shown.append((where, reason))

    def write(self, out: TextIO) -> None:
        """`Bad lines: 3`, then `  file:line: reason` for the first 20 and `and N more`."""
        if not self.count:
            return
        out.write(f"Bad lines: {self.count:,} (skipped, as the Lambda would)\n")
        for where, reason in self.shown:
            out.write(f"  {safe(where)}: {safe(reason)}\n")
        if self.count > len(self.shown):
            out.write(f"  ... and {self.count - len(self.shown):,} more\n")


def bad_reason(record: Record) -> str | None:
    """Why a log event is not an audit event, or None when it looks like one."""
    parsed = record.parsed
    if type(parsed) is dict:
        if ("auditID" in parsed and "verb" in parsed) or aws_kind(parsed):
            return None
        return "not an audit event (no auditID or verb)"
    if parsed is NOT_JSON:
        if record.message.rstrip().endswith(TRUNCATION_MARKER):
            return f"truncated by CloudWatch Logs ({len(record.message.encode()):,} bytes)"
        return "not JSON"
    return f"JSON {type(parsed).__name__}, not an object"
