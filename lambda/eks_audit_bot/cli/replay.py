"""`eks-audit-bot replay`: an audit log through the pattern and the Lambda's own pipeline.

Log events the pattern passes (and that come from an audit stream) are grouped as CloudWatch
would batch them for the Lambda: at most `chunk_size` from one log group and stream at a time,
so memory stays flat however long the log is. Within a chunk the Lambda's logic applies
unchanged: one alert per auditID (the stage that speaks for it), automation dropped, rules,
`min_severity`, then digests of repeats and the per-invocation cap. The messages are what SNS
would receive, printed or published.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from eks_audit_bot import flow
from eks_audit_bot.cli.badlines import BadLines, bad_reason
from eks_audit_bot.cli.records import NO_ORIGIN, BadInput, Item, Origin, Record
from eks_audit_bot.delivery.sns import Failure, Publisher, Report
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.filter_pattern import CompiledPattern
from eks_audit_bot.model.alert import Location
from eks_audit_bot.model.outgoing import Outgoing
from eks_audit_bot.settings import Settings

CHUNK_SIZE = 1000
UNKNOWN_CLUSTER = "unknown"
SEPARATOR = "\n" + "-" * 72 + "\n\n"


@dataclass(frozen=True, slots=True)
class Replay:
    settings: Settings
    catalog: RuleCatalog
    pattern: CompiledPattern | None
    cluster: str | None = None
    chunk_size: int = CHUNK_SIZE


@dataclass(slots=True)
class ReplayTally:
    read: int = 0
    passed: int = 0  # through the pattern (all, without one)
    filtered: int = 0  # excluded by the pattern: CloudWatch would not deliver them
    other_streams: int = 0  # authenticator, scheduler... streams: the Lambda skips them
    events: int = 0  # audit events that reached the Lambda's logic
    messages: int = 0
    severities: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    bad: BadLines = field(default_factory=BadLines)


def run(replay: Replay, items: Iterable[Item], sink: flow.Sink) -> ReplayTally:
    """Replay every log event; hand each chunk's messages to `sink` as soon as they exist."""
    tally = ReplayTally()
    for chunk in chunks(delivered(items, replay.pattern, tally), replay.chunk_size):
        location = _location(chunk[0].origin, replay)
        records = [(record.where, _decoded(record)) for record in chunk]
        outcome = flow.run(records, location, replay.settings, replay.catalog, sink)
        for skip in outcome.result.skips:
            tally.bad.add(skip.where, f"{skip.reason}: {skip.detail}")
        tally.events += outcome.result.received - len(outcome.result.skips)
        tally.dropped.update(outcome.result.dropped)
        tally.messages += len(outcome.messages)
        tally.severities.update(out.attributes.get("severity", "") for out in outcome.messages)
    return tally


def delivered(
    items: Iterable[Item], pattern: CompiledPattern | None, tally: ReplayTally
) -> Iterator[Record]:
    """What reaches the Lambda: audit-stream events the pattern passes; bad lines counted."""
    matches = pattern.matches_parsed if pattern is not None else None
    for item in items:
        if isinstance(item, BadInput):
            tally.bad.add(item.where, item.reason)
            continue
        tally.read += 1
        origin = item.origin
        if origin is not NO_ORIGIN and not origin.is_audit_stream:
            tally.other_streams += 1
        elif (reason := bad_reason(item)) is not None:
            tally.bad.add(item.where, reason)
        elif matches is not None and not matches(item.message, item.parsed):
            tally.filtered += 1
        else:
            tally.passed += 1
            yield item


def chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    """Runs of at most `size` records from one log group and stream, like Lambda batches."""
    chunk: list[Record] = []
    origin = NO_ORIGIN
    for record in records:
        moved = record.origin is not origin and record.origin != origin
        if chunk and (moved or len(chunk) >= size):
            yield chunk
            chunk = []
        origin = record.origin
        chunk.append(record)
    if chunk:
        yield chunk


def _decoded(record: Record) -> str | dict[str, Any]:
    """The JSON object the reader already decoded, else the line (the model says why it fails)."""
    return record.parsed if isinstance(record.parsed, dict) else record.message


def _location(origin: Origin, replay: Replay) -> Location:
    """The cluster from `--cluster`, else from an EKS log group in the input, else `unknown`."""
    cluster = replay.cluster
    log_group = origin.log_group or (f"/aws/eks/{cluster}/cluster" if cluster else "")
    if not log_group:
        cluster = UNKNOWN_CLUSTER
    return replay.settings.location(log_group, owner=origin.owner, cluster=cluster)


@dataclass(frozen=True, slots=True)
class PrintSink:
    """Messages as subscribers see them: the email text (Subject + body), or with `as_json`
    the JSON document every other protocol gets (the `default` body)."""

    out: TextIO
    as_json: bool = False

    def publish(self, messages: list[Outgoing]) -> Report:
        for outgoing in messages:
            bodies = json.loads(outgoing.message)
            if self.as_json:
                self.out.write(bodies["default"] + "\n")
            else:
                self.out.write(f"Subject: {outgoing.subject}\n\n{bodies['email']}{SEPARATOR}")
        return Report(published=len(messages))


@dataclass(slots=True)
class PublishSink:
    """Messages published to a real topic with the Lambda's own publisher."""

    publisher: Publisher
    published: int = 0
    failures: list[Failure] = field(default_factory=list)

    def publish(self, messages: list[Outgoing]) -> Report:
        report = self.publisher.publish(messages)
        self.published += report.published
        self.failures += report.failures
        return report
