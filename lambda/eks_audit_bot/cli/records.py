"""What the CLI's input readers produce: log events (`Record`) and unreadable input (`BadInput`).

A JSON container found in the input (a subscription payload, a `filter-log-events` page, a
Logs Insights row or export array, a CloudTrail log file, `lookup-events` output) is opened up
here into the log events (or CloudTrail records) it holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from eks_audit_bot.core.invalid import PayloadError
from eks_audit_bot.core.jsonvalue import text
from eks_audit_bot.filter_pattern import NOT_JSON
from eks_audit_bot.kube.cloudwatch import AUDIT_STREAM_PREFIX, CONTROL_MESSAGE, decode_payload


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a log event was stored in CloudWatch Logs, when the input says so."""

    log_group: str = ""
    log_stream: str = ""
    owner: str = ""

    @property
    def is_audit_stream(self) -> bool:
        """False for the group's other streams (authenticator, scheduler...) when known."""
        return not self.log_stream or self.log_stream.startswith(AUDIT_STREAM_PREFIX)


NO_ORIGIN = Origin()


class Record(NamedTuple):
    """One log event: its message, `json.loads(message)` (or `NOT_JSON`), and where it was.

    A named tuple rather than a frozen dataclass: one is built per log line, and a frozen
    dataclass's `__init__` costs four times as much (~0.85 against ~0.27 µs), 15% of `json.loads`
    of a typical audit event.
    """

    source: str
    line: int
    message: str
    parsed: object
    origin: Origin = NO_ORIGIN
    detail: str = ""

    @property
    def where(self) -> str:
        """`audit.jsonl:17`, or `pages.json:1 events[3]` inside a document."""
        spot = f"{self.source}:{self.line}"
        return f"{spot} {self.detail}" if self.detail else spot


@dataclass(frozen=True, slots=True)
class BadInput:
    """Input that holds no readable log event (not UTF-8, an undecodable payload...)."""

    where: str
    reason: str


Item = Record | BadInput
_Expand = Callable[[str, int, dict[str, Any]], Iterator[Item]]


def loads(text: str) -> object:
    """`json.loads`, or `NOT_JSON` for anything that does not parse."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return NOT_JSON


def is_container(parsed: object) -> bool:
    """True for a JSON value that holds log events rather than being one (see `expand`)."""
    if type(parsed) is dict:
        return _opener(parsed) is not None
    return type(parsed) is list


def expand(source: str, line: int, text: str, parsed: object) -> Iterator[Item]:
    """The log events in one JSON value (or non-JSON line) read at `source:line`."""
    if type(parsed) is dict:
        opener = _opener(parsed)
        if opener is None:
            yield Record(source, line, text, parsed)
        else:
            yield from opener(source, line, parsed)
    elif type(parsed) is list and parsed and all(type(row) is dict for row in parsed):
        yield from _rows(source, line, parsed)
    else:
        yield Record(source, line, text, parsed)


def _opener(value: dict[str, Any]) -> _Expand | None:
    return next((opener for key, opener in _OPENERS if key in value), None)


def _payload(source: str, line: int, value: dict[str, Any]) -> Iterator[Item]:
    """`{"awslogs": {"data": base64(gzip(json))}}`, as the Lambda receives it."""
    try:
        batch = decode_payload(value)
    except PayloadError as err:
        yield BadInput(f"{source}:{line}", str(err))
        return
    if batch.message_type == CONTROL_MESSAGE:
        return
    origin = Origin(batch.log_group, batch.log_stream, batch.owner)
    for index, (_, text_or_none) in enumerate(batch.records):
        detail = f"logEvents[{index}]"
        message = text_or_none if text_or_none is not None else ""  # no text: a bad line
        yield Record(source, line, message, loads(message), origin, detail)


def _decoded_payload(source: str, line: int, value: dict[str, Any]) -> Iterator[Item]:
    """The decoded form `{"logGroup", "logStream", "logEvents": [...]}`."""
    if value.get("messageType") == CONTROL_MESSAGE:
        return
    origin = Origin(
        text(value.get("logGroup")), text(value.get("logStream")), text(value.get("owner"))
    )
    yield from _events(source, line, value.get("logEvents"), "logEvents", lambda _: origin)


def _page(source: str, line: int, value: dict[str, Any]) -> Iterator[Item]:
    """One page of `aws logs filter-log-events` output: `events[{logStreamName, message}]`."""
    streams: dict[str, Origin] = {}

    def origin_of(event: dict[str, Any]) -> Origin:
        stream = text(event.get("logStreamName"))
        return streams.setdefault(stream, Origin(log_stream=stream))

    yield from _events(source, line, value.get("events"), "events", origin_of)


def _events(
    source: str,
    line: int,
    events: object,
    key: str,
    origin_of: Callable[[dict[str, Any]], Origin],
) -> Iterator[Item]:
    if not isinstance(events, list):
        yield BadInput(f"{source}:{line}", f"{key!r} is not a list")
        return
    for index, event in enumerate(events):
        detail = f"{key}[{index}]"
        message = event.get("message") if isinstance(event, dict) else None
        if not isinstance(message, str):
            yield BadInput(f"{source}:{line} {detail}", "no message")
            continue
        yield Record(source, line, message, loads(message), origin_of(event), detail)


def _cloudtrail_file(source: str, line: int, value: dict[str, Any]) -> Iterator[Item]:
    """A CloudTrail log file as S3 holds it (gunzipped): `{"Records": [record, ...]}`."""
    records = value["Records"]
    if not isinstance(records, list):
        yield BadInput(f"{source}:{line}", "'Records' is not a list")
        return
    for index, record in enumerate(records):
        where = f"Records[{index}]"
        if not isinstance(record, dict):
            yield BadInput(f"{source}:{line} {where}", "not a CloudTrail record (not an object)")
            continue
        text = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
        yield Record(source, line, text, record, NO_ORIGIN, where)


def _lookup_events(source: str, line: int, value: dict[str, Any]) -> Iterator[Item]:
    """`aws cloudtrail lookup-events` output: the record is a string in `CloudTrailEvent`."""
    events = value["Events"]
    if not isinstance(events, list):
        yield BadInput(f"{source}:{line}", "'Events' is not a list")
        return
    for index, event in enumerate(events):
        where = f"Events[{index}]"
        record = event.get("CloudTrailEvent") if isinstance(event, dict) else None
        if not isinstance(record, str):
            yield BadInput(f"{source}:{line} {where}", "no CloudTrailEvent string")
            continue
        yield Record(source, line, record, loads(record), NO_ORIGIN, where)


def _insights_row(source: str, line: int, value: dict[str, Any]) -> Iterator[Item]:
    """A Logs Insights result row: `@message`, with `@log` (`account:group`) and `@logStream`."""
    message = value["@message"]
    if not isinstance(message, str):
        yield BadInput(f"{source}:{line}", "@message is not a string")
        return
    yield Record(source, line, message, loads(message), insights_origin(value))


def insights_origin(row: dict[str, Any]) -> Origin:
    owner, _, group = text(row.get("@log")).rpartition(":")
    return Origin(group, text(row.get("@logStream")), owner)


def _rows(source: str, line: int, rows: list[dict[str, Any]]) -> Iterator[Item]:
    """A JSON array of objects: a console/Insights export of rows, or of audit events."""
    for index, row in enumerate(rows):
        detail = f"[{index}]"
        if "@message" in row:
            for item in _insights_row(source, line, row):
                yield _with_detail(item, detail)
        else:
            text = json.dumps(row, separators=(",", ":"), ensure_ascii=False)
            yield Record(source, line, text, row, NO_ORIGIN, detail)


def _with_detail(item: Item, detail: str) -> Item:
    if isinstance(item, BadInput):
        return BadInput(f"{item.where} {detail}", item.reason)
    return Record(item.source, item.line, item.message, item.parsed, item.origin, detail)


# What a JSON object holding log events (or CloudTrail records) is, by the key it has.
_OPENERS: tuple[tuple[str, _Expand], ...] = (
    ("awslogs", _payload),
    ("logEvents", _decoded_payload),
    ("events", _page),
    ("@message", _insights_row),
    ("Records", _cloudtrail_file),
    ("Events", _lookup_events),
)
