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
from typing import Protocol, TextIO

from eks_audit_bot import message, noise, pipeline
from eks_audit_bot.alert import Location
from eks_audit_bot.audit import AuditEvent, InvalidEvent, event_from_dict
from eks_audit_bot.badlines import BadLines, bad_reason
from eks_audit_bot.config import Settings
from eks_audit_bot.filter_pattern import CompiledPattern
from eks_audit_bot.message import Outgoing
from eks_audit_bot.publish import Failure, Publisher
from eks_audit_bot.records import NO_ORIGIN, BadInput, Item, Origin, Record
from eks_audit_bot.rules import RuleCatalog

CHUNK_SIZE = 1000
UNKNOWN_CLUSTER = "unknown"
SEPARATOR = "\n" + "-" * 72 + "\n\n"


class Sink(Protocol):
    def send(self, messages: list[Outgoing]) -> None: ...


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


def run(replay: Replay, items: Iterable[Item], sink: Sink) -> ReplayTally:
    """Replay every log event; hand each chunk's messages to `sink` as soon as they exist."""
    tally = ReplayTally()
    for chunk in chunks(delivered(items, replay.pattern, tally), replay.chunk_size):
        events = _events(chunk, tally)
        location = _location(chunk[0].origin, replay)
        result = pipeline.alerts_for(events, location, replay.settings, replay.catalog)
        tally.dropped.update(result.dropped)
        items_out = noise.fold(result.alerts, replay.settings)
        messages = [message.build(item, replay.settings) for item in items_out]
        tally.messages += len(messages)
        tally.severities.update(out.attributes.get("severity", "") for out in messages)
        sink.send(messages)
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


def _events(chunk: list[Record], tally: ReplayTally) -> list[AuditEvent]:
    """The chunk's records as audit events; one the model rejects is a bad line."""
    events = []
    for record in chunk:
        try:
            events.append(event_from_dict(record.parsed))
        except InvalidEvent as err:
            tally.bad.add(record.where, f"{err.reason}: {err.detail}")
    tally.events += len(events)
    return events


def _location(origin: Origin, replay: Replay) -> Location:
    """The cluster from `--cluster`, else from an EKS log group in the input, else `unknown`."""
    cluster = replay.cluster
    log_group = origin.log_group or (f"/aws/eks/{cluster}/cluster" if cluster else "")
    if not log_group:
        cluster = UNKNOWN_CLUSTER
    return Location.of(log_group, replay.settings, owner=origin.owner, cluster=cluster)


@dataclass(frozen=True, slots=True)
class PrintSink:
    """Messages as subscribers see them: email text (Subject + body) or the JSON document."""

    out: TextIO
    as_json: bool = False

    def send(self, messages: list[Outgoing]) -> None:
        for outgoing in messages:
            bodies = json.loads(outgoing.message)
            if self.as_json:
                self.out.write(bodies["sqs"] + "\n")
            else:
                self.out.write(f"Subject: {outgoing.subject}\n\n{bodies['default']}{SEPARATOR}")


@dataclass(slots=True)
class PublishSink:
    """Messages published to a real topic with the Lambda's own publisher."""

    publisher: Publisher
    published: int = 0
    failures: list[Failure] = field(default_factory=list)

    def send(self, messages: list[Outgoing]) -> None:
        if messages:
            report = self.publisher.publish(messages)
            self.published += report.published
            self.failures += report.failures
