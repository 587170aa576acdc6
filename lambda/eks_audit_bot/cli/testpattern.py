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
from eks_audit_bot.cli.terminal import cell, console, plural, print_table, safe, table
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
    audit_id: str = ""
    stage: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.verb, self.resource, self.user)

    @property
    def request(self) -> tuple[str, ...]:
        """One request's stages share it (the auditID alone can be chosen by the client)."""
        return (self.audit_id, self.time, self.user, self.verb, self.resource, self.target)


@dataclass(slots=True)
class Shown:
    """`--show-matches`: each matched request once, in the order first seen, with its stages."""

    requests: dict[tuple[str, ...], tuple[Match, list[str], str]] = field(default_factory=dict)

    def add(self, match: Match, where: str) -> None:
        key = match.request if match.audit_id else (where,)
        seen = self.requests.setdefault(key, (match, [], where))
        if match.stage and match.stage not in seen[1]:
            seen[1].append(match.stage)

    def write(self, out: TextIO) -> None:
        """One line per request: tab-separated in a pipe, two spaces apart on a terminal."""
        separator = "  " if out.isatty() else "\t"
        for match, stages, where in self.requests.values():
            out.write(match_line(match, "+".join(stages), where, separator))


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


def run(pattern: CompiledPattern, items: Iterable[Item], show: Shown | None) -> PatternTally:
    """Test every log event; with `show`, collect each match for `--show-matches`."""
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


def _count_match(record: Record, tally: PatternTally, show: Shown | None) -> None:
    tally.matched += 1
    match = describe(record)
    tally.actions[match.key] += 1
    if show is not None:
        show.add(match, record.where)


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
        audit_id=event.audit_id,
        stage=event.stage,
    )


def match_line(match: Match, stages: str, where: str, separator: str = "\t") -> str:
    """Time, stages, who, verb, resource, target and where: each field made safe on its own."""
    fields = (match.time, stages, match.user, match.verb, match.resource, match.target, where)
    return separator.join(safe(value) or "-" for value in fields) + "\n"


def write_report(tally: PatternTally, pattern_label: str, out: TextIO) -> None:
    """Totals, the top values per column, and the top verb/resource/user combinations."""
    not_matched = tally.read - tally.matched - tally.unreadable
    out.write(f"Pattern: {safe(pattern_label)}\n")
    unreadable = f", {tally.unreadable:,} could not be read" if tally.unreadable else ""
    out.write(
        f"Read {plural(tally.read, 'log event')}: {tally.matched:,} matched,"
        f" {not_matched:,} not matched{unreadable}; bad lines: {tally.bad.count:,}\n"
    )
    if tally.other_streams:
        out.write(f"({tally.other_streams:,} of them from non-audit log streams)\n")
    if tally.aws_events:
        kind = "CloudTrail records or EventBridge events"
        if tally.aws_events == 1:
            kind = "a CloudTrail record or EventBridge event"
        out.write(
            f"({tally.aws_events:,} of them {kind}, tested as JSON; the module's EventBridge"
            " rules, not this pattern, send those to the function: `replay` shows their alerts)\n"
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
        grid.add_row(f"{hidden:,}", f"… {plural(len(actions) - TABLE_ROWS, 'more row')}", "", "")
    print_table(console(out), grid)


def _clip(value: str) -> str:
    return value if len(value) <= _COLUMN_LIMIT else value[: _COLUMN_LIMIT - 1] + "…"
