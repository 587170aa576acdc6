"""`eks-audit-bot test-pattern`: which log events a filter pattern lets through, and whose.

Each line is parsed once and tested with `matches_parsed`, so a JSON pattern costs only its
own evaluation on top of `json.loads`. Only matched events are read as audit events (for the
who/verb/resource counts), which keeps the common "mostly not matched" case cheap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from eks_audit_bot.cli import cloudtrail
from eks_audit_bot.cli.badlines import BadLines, bad_reason
from eks_audit_bot.cli.records import NO_ORIGIN, BadInput, Item, Record
from eks_audit_bot.cli.terminal import cell, console, safe, table
from eks_audit_bot.filter_pattern import CompiledPattern
from eks_audit_bot.kube.audit import InvalidEvent, event_from_dict
from eks_audit_bot.kube.identity import actor_of

TABLE_ROWS = 20
TOP_VALUES = 6
_COLUMN_LIMIT = 60
NOT_AUDIT = "(not an audit event)"


@dataclass(frozen=True, slots=True)
class Match:
    """What `--show-matches` prints and the table counts: no bodies, ever."""

    time: str
    user: str
    verb: str
    resource: str
    target: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.verb, self.resource, self.user)


@dataclass(slots=True)
class PatternTally:
    """`read` = `matched` + not matched + `unreadable` (a line that is not even text)."""

    read: int = 0
    matched: int = 0
    unreadable: int = 0  # not UTF-8, a damaged document or gzip stream: not tested
    other_streams: int = 0  # authenticator, scheduler... lines: tested, never "bad"
    aws_events: int = 0  # CloudTrail records, EventBridge events: tested as JSON, never "bad"
    actions: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    bad: BadLines = field(default_factory=BadLines)


def run(pattern: CompiledPattern, items: Iterable[Item], show: TextIO | None) -> PatternTally:
    """Test every log event; with `show`, print each match on one line as it is found."""
    tally = PatternTally()
    matches = pattern.matches_parsed
    read = 0
    for item in items:
        read += 1
        if isinstance(item, BadInput):
            tally.unreadable += 1
            tally.bad.add(item.where, item.reason)
            continue
        parsed = item.parsed
        # The hot path (a plain audit-log line) stays inline; anything else is looked at closely.
        if not (
            item.origin is NO_ORIGIN
            and type(parsed) is dict
            and "auditID" in parsed
            and "verb" in parsed
        ):
            _check(item, tally)
        if matches(item.message, parsed):
            _count_match(item, tally, show)
    tally.read = read
    return tally


def _check(record: Record, tally: PatternTally) -> None:
    if cloudtrail.aws_kind(record.parsed):
        tally.aws_events += 1
    elif not record.origin.is_audit_stream:
        tally.other_streams += 1
    elif (reason := bad_reason(record)) is not None:
        tally.bad.add(record.where, reason)


def _count_match(record: Record, tally: PatternTally, show: TextIO | None) -> None:
    tally.matched += 1
    match = describe(record)
    tally.actions[match.key] += 1
    if show is not None:
        show.write(match_line(match, record.where))


def describe(record: Record) -> Match:
    """Time, who (the person behind a shared user), verb, resource and namespace/name."""
    if isinstance(record.parsed, dict) and cloudtrail.aws_kind(record.parsed):
        return Match(*cloudtrail.describe(record.parsed))
    try:
        event = event_from_dict(record.parsed)
    except InvalidEvent:
        return Match("", NOT_AUDIT, "", "", "")
    ref = event.object_ref
    return Match(
        time=event.request_received or event.stage_timestamp,
        user=actor_of(event).label,
        verb=event.verb,
        resource=event.resource_path,
        target="/".join(part for part in (ref.namespace, ref.name) if part),
    )


def match_line(match: Match, where: str) -> str:
    fields = (match.time or "-", match.user, match.verb, match.resource, match.target or "-")
    return safe("  ".join(fields) + f"  ({where})") + "\n"


def write_report(tally: PatternTally, pattern_label: str, out: TextIO) -> None:
    """Totals, the top values per column, and the top verb/resource/user combinations."""
    not_matched = tally.read - tally.matched - tally.unreadable
    out.write(f"Pattern: {safe(pattern_label)}\n")
    unreadable = f", {tally.unreadable:,} could not be read" if tally.unreadable else ""
    out.write(
        f"Read {tally.read:,} log events: {tally.matched:,} matched, {not_matched:,} not matched"
        f"{unreadable}; bad lines: {tally.bad.count:,}\n"
    )
    if tally.other_streams:
        out.write(f"({tally.other_streams:,} of them from non-audit log streams)\n")
    if tally.aws_events:
        out.write(
            f"({tally.aws_events:,} of them CloudTrail records or EventBridge events, tested as"
            " JSON; the module's EventBridge rules, not this pattern, send those to the function:"
            " `replay` shows their alerts)\n"
        )
    if tally.matched:
        out.write("\n")
        for title, column in (("verb", 0), ("resource", 1), ("user", 2)):
            out.write(f"Matched by {title + ':':<10}{safe(_top(tally.actions, column))}\n")
        out.write("\n")
        out.flush()
        _table(tally.actions, out)
    if tally.bad.count:
        out.write("\n")
        tally.bad.write(out)


def _top(actions: Counter[tuple[str, str, str]], column: int) -> str:
    counts: Counter[str] = Counter()
    for key, count in actions.items():
        counts[key[column] or "-"] += count
    shown = [f"{value} {count:,}" for value, count in counts.most_common(TOP_VALUES)]
    rest = len(counts) - TOP_VALUES
    return ", ".join(shown) + (f" (+{rest} more)" if rest > 0 else "")


def _table(actions: Counter[tuple[str, str, str]], out: TextIO) -> None:
    """The most frequent verb/resource/user combinations, as a table."""
    grid = table("count", "verb", "resource", "user")
    for (verb, resource, user), count in actions.most_common(TABLE_ROWS):
        grid.add_row(f"{count:,}", cell(verb), cell(resource), cell(_clip(user)))
    if len(actions) > TABLE_ROWS:
        shown = sum(count for _, count in actions.most_common(TABLE_ROWS))
        hidden = sum(actions.values()) - shown
        grid.add_row(f"{hidden:,}", f"… {len(actions) - TABLE_ROWS:,} more rows", "", "")
    console(out).print(grid)


def _clip(value: str) -> str:
    return value if len(value) <= _COLUMN_LIMIT else value[: _COLUMN_LIMIT - 1] + "…"
