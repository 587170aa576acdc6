"""The end of `replay`, on stderr: counts that add up, the alerts by rule, person and severity,
and why everything else stayed quiet, with the identities behind each reason, in plain words.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from rich.console import Console

from eks_audit_bot.cli.replay import ReplayTally
from eks_audit_bot.cli.terminal import cell, console, plural, print_table, safe, table
from eks_audit_bot.core.severity import Severity

TABLE_ROWS = 15
NAMES_PER_REASON = 3
PATTERN = "pattern"
OTHER_STREAMS = "other_streams"
# Why the Lambda's logic (pipeline.Result.dropped) or the replay left an event out.
REASONS = {
    PATTERN: "left out by the filter pattern (never delivered)",
    OTHER_STREAMS: "other log streams (authenticator, scheduler)",
    "automation": "automation (service accounts, nodes, system:*, eks:*, yours)",
    "read_only": "reads no rule names (get, list, watch)",
    "failed": "requests that failed, so changed nothing (404, 409, 422, 5xx; failed API calls)",
    "duplicate_stage": "another stage of a request already judged",
    "dry_run": "dry runs (nothing changed)",
    "below_min_severity": "below --min-severity",
    "not_watched": "API calls on clusters or resources the module does not watch",
    "no_rule": "API calls no rule names",
    "not_a_recovery": "alarms going to OK that were not in ALARM (new alarms)",
    "insufficient_data": "alarms without enough data",
}
_STAGE_PREFIX = "stage_"


def write(tally: ReplayTally, stream: TextIO, *, with_pattern: bool) -> None:
    """Totals, the alerts table, why quiet, hints, then the bad lines."""
    out = console(stream)
    out.print(_counts(tally, with_pattern))
    if tally.alerts:
        out.print()
        _alerts_table(tally, out)
    quiet = _quiet_rows(tally)
    if quiet:
        out.print()
        title = "Why the rest stayed quiet" if tally.alerts else "Why there are no alerts"
        _quiet_table(title, quiet, out)
    for hint in _hints(tally, with_pattern):
        out.print(f"hint: {hint}")
    if tally.bad.count:
        out.print()
        stream.flush()
        tally.bad.write(stream)


def _counts(tally: ReplayTally, with_pattern: bool) -> str:
    parts = []
    if not tally.aws_events or tally.passed or tally.filtered:  # audit events were read
        if with_pattern:
            parts = [f"{tally.passed:,} passed the filter pattern", f"{tally.filtered:,} did not"]
        else:
            parts = [f"{tally.passed:,} reached the Lambda's logic (--no-pattern)"]
    if tally.other_streams:
        parts.append(f"{tally.other_streams:,} from other log streams")
    if tally.unreadable:
        parts.append(f"{tally.unreadable:,} bad")
    if tally.aws_events:
        events = plural(tally.aws_events, "CloudTrail or EventBridge event")
        parts.append(f"{events} (no pattern applies)")
    lines = [f"Read {plural(tally.read, 'log event')}: {', '.join(parts)}."]
    if not tally.passed and not tally.aws_events:
        return lines[0] + "\nNothing reached the Lambda's logic."
    judged = f"The Lambda judged {tally.judged:,}: {plural(tally.alerted, 'alert')}"
    judged += f", {tally.quiet:,} quiet"
    if tally.unjudged:
        judged += f"; {plural(tally.unjudged, 'event')} it could not read as an audit event"
    lines.append(judged + ".")
    if tally.alerted:
        lines.append(f"Sent as {plural(tally.messages, 'message')}{_by_severity(tally)}.")
    return "\n".join(lines)


def _by_severity(tally: ReplayTally) -> str:
    counts = [
        f"{tally.severities[severity]:,} {severity}"
        for severity in _SEVERITIES
        if tally.severities[severity]
    ]
    return f" ({', '.join(counts)})" if counts else ""


def _alerts_table(tally: ReplayTally, out: Console) -> None:
    grid = table("rule", "who", "severity", "count")
    grid.title, grid.title_justify = "Alerts by rule, person and severity", "left"
    rows = sorted(tally.alerts.items(), key=lambda row: (-_rank(row[0][2]), -row[1], row[0]))
    for (rule, who, severity), count in rows[:TABLE_ROWS]:
        grid.add_row(cell(rule), cell(who), cell(severity), f"{count:,}")
    if len(rows) > TABLE_ROWS:
        rest = sum(count for _, count in rows[TABLE_ROWS:])
        grid.add_row(f"… {plural(len(rows) - TABLE_ROWS, 'more row')}", "", "", f"{rest:,}")
    print_table(out, grid)


def _quiet_rows(tally: ReplayTally) -> list[tuple[str, int, Counter[str]]]:
    """(reason, events, who) for everything that did not alert, the largest first (ties by
    reason: the order in which the pipeline counted them is no order)."""
    rows: list[tuple[str, int, Counter[str]]] = []
    if tally.filtered:
        rows.append((PATTERN, tally.filtered, tally.filtered_by))
    if tally.other_streams:
        rows.append((OTHER_STREAMS, tally.other_streams, Counter()))
    for reason, count in tally.dropped.items():
        names = Counter({who: n for (why, who), n in tally.dropped_by.items() if why == reason})
        rows.append((reason, count, names))
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def _quiet_table(title: str, rows: list[tuple[str, int, Counter[str]]], out: Console) -> None:
    grid = table("why", "count", "who (the most frequent)")
    grid.title, grid.title_justify = title, "left"
    for reason, count, names in rows:
        grid.add_row(describe(reason), f"{count:,}", cell(_top(names)))
    print_table(out, grid)


def describe(reason: str) -> str:
    """A drop reason in plain words (`stage_RequestReceived` → the request's first stage)."""
    if reason in REASONS:
        return REASONS[reason]
    if reason.startswith(_STAGE_PREFIX):
        stage = safe(reason.removeprefix(_STAGE_PREFIX))
        return f"stage {stage} (a request is judged once, when complete)"
    return safe(reason.replace("_", " "))


def _top(names: Counter[str]) -> str:
    shown = [f"{name or '(no user)'} {count:,}" for name, count in names.most_common(3)]
    rest = len(names) - NAMES_PER_REASON
    return ", ".join(shown) + (f" (+{rest:,} more)" if rest > 0 else "")


def _hints(tally: ReplayTally, with_pattern: bool) -> list[str]:
    hints = []
    if not tally.alerted and with_pattern and tally.filtered:
        hints.append("--no-pattern shows what the Lambda alone decides for every event")
    if not tally.alerted and tally.dropped["automation"]:
        hints.append(
            "if a person is among the automation identities, --alert-on-automation shows what "
            "they did (system:*, eks:*, service accounts and nodes count as automation)"
        )
    if tally.dropped["below_min_severity"]:
        hints.append("a lower --min-severity lets the alerts below it through")
    if "region" in tally.unlinked:
        hints.append("no Logs Insights links without the cluster's region: give --region")
    elif tally.unlinked:
        hints.append(
            "no Logs Insights links without a log group: give --cluster, or replay an input "
            "that names its log group (a subscription payload or a Logs Insights export)"
        )
    return hints


_SEVERITIES = [severity.value for severity in sorted(Severity, key=lambda s: -s.rank)]


def _rank(severity: str) -> int:
    try:
        return Severity(severity).rank
    except ValueError:
        return -1
