"""`eks-audit-bot replay`: an audit log through the pattern and the Lambda's own pipeline.

Log events the pattern passes (and that come from an audit stream) are grouped as CloudWatch
would batch them for the Lambda: at most `chunk_size` from one log group and stream at a time,
so memory stays flat however long the log is. Within a chunk the Lambda's logic applies
unchanged: one alert per auditID (the stage that speaks for it), automation dropped, rules,
`min_severity`, then digests of repeats and the per-invocation cap. The messages are what SNS
would receive, printed or published. The tally counts every log event once, and keeps who was
left out and why, so that a quiet replay explains itself (see `summary`).

CloudTrail records (a log file, `lookup-events` output) and EventBridge events take the path
the function's EventBridge rules give them instead: no filter pattern, one invocation each.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from eks_audit_bot import flow
from eks_audit_bot.aws.alert import AwsAlert
from eks_audit_bot.cli.badlines import BadLines, bad_reason
from eks_audit_bot.cli.cloudtrail import as_event, aws_kind
from eks_audit_bot.cli.records import NO_ORIGIN, BadInput, Item, Origin, Record
from eks_audit_bot.cli.terminal import safe_json, safe_lines
from eks_audit_bot.core.alert import Location
from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.filter_pattern import CompiledPattern
from eks_audit_bot.output.links import Links, MemoryTable
from eks_audit_bot.output.sns import CONFIGURATION_ERRORS, Failure, Publisher, Report
from eks_audit_bot.settings import Settings

CHUNK_SIZE = 1000
UNKNOWN_CLUSTER = "unknown"
SEPARATOR = "\n" + "-" * 72 + "\n\n"


@dataclass(frozen=True, slots=True)
class Replay:
    settings: Settings
    catalogs: flow.Catalogs
    pattern: CompiledPattern | None
    cluster: str | None = None
    chunk_size: int = CHUNK_SIZE


@dataclass(slots=True)
class ReplayTally:
    """Every log event read lands in exactly one of `passed`, `filtered`, `other_streams` and
    `unreadable`; every one that passed in `unjudged` or `judged` = alerts + quiet."""

    read: int = 0  # log events and bad lines
    passed: int = 0  # through the pattern (all, without one)
    filtered: int = 0  # excluded by the pattern: CloudWatch would not deliver them
    other_streams: int = 0  # authenticator, scheduler... streams: the Lambda skips them
    unreadable: int = 0  # not UTF-8, not JSON, not an audit event: never reach the Lambda
    unjudged: int = 0  # passed, but the Lambda could not read them as audit events
    messages: int = 0
    aws_events: int = 0  # CloudTrail records and EventBridge events (no pattern applies)
    severities: Counter[str] = field(default_factory=Counter)  # of the messages
    alerts: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # rule, who, severity
    dropped: Counter[str] = field(default_factory=Counter)  # why the Lambda stayed quiet
    dropped_by: Counter[tuple[str, str]] = field(default_factory=Counter)  # why, who
    filtered_by: Counter[str] = field(default_factory=Counter)  # who the pattern left out
    unlinked: set[str] = field(default_factory=set)  # what links lacked: region, log group
    bad: BadLines = field(default_factory=BadLines)

    @property
    def judged(self) -> int:
        return self.alerted + self.quiet

    @property
    def alerted(self) -> int:
        return sum(self.alerts.values())

    @property
    def quiet(self) -> int:
        return sum(self.dropped.values())


def run(replay: Replay, items: Iterable[Item], sink: flow.Sink) -> ReplayTally:
    """Replay every log event; hand each chunk's messages to `sink` as soon as they exist."""
    tally = ReplayTally()
    # STS calls among the inputs name the person behind later generic sessions (in memory).
    links = Links(MemoryTable(), None)
    audit_items = _replayed_aws_events(items, replay, sink, tally, links)
    for chunk in chunks(delivered(audit_items, replay.pattern, tally), replay.chunk_size):
        location = _location(chunk[0].origin, replay)
        records = [(record.where, _decoded(record)) for record in chunk]
        args = (records, location, replay.settings, replay.catalogs.kube, sink)
        _count(flow.run(*args, people=links.resolver()), tally)
    return tally


def _replayed_aws_events(
    items: Iterable[Item],
    replay: Replay,
    sink: flow.Sink,
    tally: ReplayTally,
    links: Links | None = None,
) -> Iterator[Item]:
    """Replay each CloudTrail record or EventBridge event as the function's own invocation;
    yield everything else."""
    for item in items:
        parsed = item.parsed if isinstance(item, Record) else None
        if not isinstance(parsed, dict) or aws_kind(parsed) is None:
            yield item
            continue
        tally.read += 1
        tally.aws_events += 1
        event = as_event(parsed)
        args = (event, replay.settings, replay.catalogs.aws, sink, item.where)
        table, people = (links.table, links.resolver()) if links is not None else (None, None)
        _count(flow.run_event(*args, credentials=table, people=people), tally)


def _count(outcome: flow.BatchOutcome | flow.EventOutcome, tally: ReplayTally) -> None:
    result = outcome.result
    for skip in result.skips:
        tally.bad.add(skip.where, f"{skip.reason}: {skip.detail}")
    tally.unjudged += len(result.skips)
    tally.dropped.update(result.dropped)
    tally.dropped_by.update(result.dropped_by)
    for alert in result.alerts:
        tally.alerts[alert.rule.rule_id, alert.actor.label, str(alert.severity)] += 1
        if isinstance(alert, AwsAlert):
            continue  # linked to CloudTrail or the alarm, not to Logs Insights
        if not alert.location.region:
            tally.unlinked.add("region")
        if not alert.location.log_group:
            tally.unlinked.add("log group")
    tally.messages += len(outcome.messages)
    tally.severities.update(out.attributes.get("severity", "") for out in outcome.messages)


def delivered(
    items: Iterable[Item], pattern: CompiledPattern | None, tally: ReplayTally
) -> Iterator[Record]:
    """What reaches the Lambda: audit-stream events the pattern passes; bad lines counted."""
    matches = pattern.matches_parsed if pattern is not None else None
    for item in items:
        tally.read += 1
        if isinstance(item, BadInput):
            tally.unreadable += 1
            tally.bad.add(item.where, item.reason)
            continue
        origin = item.origin
        if origin is not NO_ORIGIN and not origin.is_audit_stream:
            tally.other_streams += 1
        elif (reason := bad_reason(item)) is not None:
            tally.unreadable += 1
            tally.bad.add(item.where, reason)
        elif matches is not None and not matches(item.message, item.parsed):
            tally.filtered += 1
            tally.filtered_by[who(item.parsed)] += 1
        else:
            tally.passed += 1
            yield item


def who(event: object) -> str:
    """The user of a raw audit event, cheaply: the session name (the person behind a shared
    `kubernetes-admin`) when there is one, else the Kubernetes username."""
    user = event.get("user") if isinstance(event, dict) else None
    if not isinstance(user, dict):
        return ""
    extra = user.get("extra")
    session = extra.get("sessionName") if isinstance(extra, dict) else None
    if isinstance(session, list) and session and isinstance(session[0], str) and session[0]:
        return session[0]
    username = user.get("username")
    return username if isinstance(username, str) else ""


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
                self.out.write(safe_json(bodies["default"]) + "\n")
            else:
                email = safe_lines(f"Subject: {outgoing.subject}\n\n{bodies['email']}")
                self.out.write(email + SEPARATOR)
        return Report(published=len(messages))


class PublishingStopped(Exception):
    """AWS configuration is missing (credentials, region): no later chunk can do better."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.detail)
        self.failure = failure


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
        for failure in report.failures:
            if failure.code in _CONFIGURATION_CODES:
                raise PublishingStopped(failure)
        return report


def _names(kind: type[Exception]) -> set[str]:
    names = {kind.__name__}
    for sub in kind.__subclasses__():
        names |= _names(sub)
    return names


# The codes the publisher gives configuration errors (their class names, subclasses included).
_CONFIGURATION_CODES = frozenset(name for error in CONFIGURATION_ERRORS for name in _names(error))
