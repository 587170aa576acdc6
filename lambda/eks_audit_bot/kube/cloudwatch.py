"""Decode a CloudWatch Logs subscription payload (base64 of gzipped JSON).

The payload is inflated as a stream with a ceiling, so a small payload that inflates to
gigabytes fails with a clear error instead of exhausting the function's memory. One malformed
log event (no message, a message that is not text) is handed on as it is: the pipeline counts
it as a skip, and the rest of the batch goes on.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

from eks_audit_bot.core.invalid import PayloadError
from eks_audit_bot.core.jsonvalue import strings

AUDIT_STREAM_PREFIX = "kube-apiserver-audit"
CONTROL_MESSAGE = "CONTROL_MESSAGE"
# A delivery holds at most ~1 MB of gzip; real audit logs inflate 10-30 times. Past this the
# payload is not a CloudWatch delivery but a decompression bomb (or a bug upstream).
MAX_INFLATED_BYTES = 48 * 1024 * 1024
_GZIP = 16 + zlib.MAX_WBITS


# One log event as the pipeline takes it, `(where, message)`: its id (or `#index`) and its
# text, None when it had none (the pipeline skips it). A plain tuple: a batch holds thousands.
type LogRecord = tuple[str, str | None]


class LogBatch:
    """One subscription payload."""

    __slots__ = ("filters", "log_group", "log_stream", "message_type", "owner", "records")

    def __init__(
        self,
        *,
        log_group: str,
        log_stream: str,
        owner: str,
        message_type: str,
        records: LogEvents,
        filters: tuple[str, ...] = (),
    ) -> None:
        self.log_group = log_group
        self.log_stream = log_stream
        self.owner = owner
        self.message_type = message_type
        self.records = records
        self.filters = filters  # the subscription filters that matched

    @property
    def skip_reason(self) -> str | None:
        """Why the whole batch carries no audit events, or None when it does."""
        if self.message_type == CONTROL_MESSAGE:
            return "control_message"
        if not self.log_stream.startswith(AUDIT_STREAM_PREFIX):
            return "not_audit_stream"
        return None


def decode_payload(event: Mapping[str, Any], limit: int = MAX_INFLATED_BYTES) -> LogBatch:
    awslogs = event.get("awslogs")
    if not isinstance(awslogs, Mapping) or not isinstance(awslogs.get("data"), str):
        raise PayloadError("expected a CloudWatch Logs subscription payload {'awslogs': {'data'}}")
    return decode_data(awslogs["data"], limit)


def decode_data(data: object, limit: int = MAX_INFLATED_BYTES) -> LogBatch:
    """A subscription payload's `data` (base64 of gzipped JSON), as Lambda receives it from
    CloudWatch Logs directly or from a Kinesis record a Logs destination wrote."""
    if not isinstance(data, str):
        raise PayloadError(f"undecodable awslogs.data: {type(data).__name__}, not base64 text")
    try:
        document = json.loads(inflate(base64.b64decode(data, validate=True), limit))
    except (binascii.Error, zlib.error, EOFError, ValueError, RecursionError) as err:
        if isinstance(err, PayloadError):
            raise
        raise PayloadError(f"undecodable awslogs.data: {type(err).__name__}: {err}") from err
    return batch_of(document)


def inflate(data: bytes, limit: int = MAX_INFLATED_BYTES) -> bytes:
    """Gunzip `data` (every member), failing with `PayloadError` once past `limit` bytes."""
    parts: list[bytes] = []
    size = 0
    while data:
        stream = zlib.decompressobj(_GZIP)
        # One call per member, its output capped just past what is left of the ceiling.
        part = stream.decompress(data, limit + 1 - size)
        size += len(part)
        if size > limit:
            raise PayloadError(
                f"awslogs.data inflates past {limit:,} bytes: not a CloudWatch Logs delivery"
            )
        if not stream.eof:
            raise PayloadError("awslogs.data: the gzip stream ends early")
        parts.append(part)
        data = stream.unused_data
    return b"".join(parts)


def batch_of(document: object) -> LogBatch:
    """The batch in a decoded payload; each log event is passed on whatever its shape."""
    if not isinstance(document, dict):
        raise PayloadError("awslogs.data is not a JSON object")
    fields = {key: document.get(key) for key in ("logGroup", "logStream", "messageType")}
    bad = [key for key, value in fields.items() if not isinstance(value, str)]
    events = document.get("logEvents", [])
    if bad or not isinstance(events, list):
        raise PayloadError(f"awslogs.data lacks {', '.join(bad) or 'a logEvents list'}")
    owner = document.get("owner")
    return LogBatch(
        log_group=document["logGroup"],
        log_stream=document["logStream"],
        owner=owner if isinstance(owner, str) else "",
        message_type=document["messageType"],
        records=LogEvents(events),
        filters=tuple(strings(document.get("subscriptionFilters"))),
    )


class LogEvents(Sequence[LogRecord]):
    """A payload's log events as records, each read when it is asked for: a batch holds
    thousands and the pipeline reads each once, so no copy of the batch is made."""

    __slots__ = ("_events",)

    def __init__(self, events: list[object]) -> None:
        self._events = events

    def __len__(self) -> int:
        return len(self._events)

    @overload
    def __getitem__(self, index: int) -> LogRecord: ...
    @overload
    def __getitem__(self, index: slice) -> list[LogRecord]: ...
    def __getitem__(self, index: int | slice) -> LogRecord | list[LogRecord]:
        if isinstance(index, slice):
            return [self[position] for position in range(len(self))[index]]
        position = range(len(self._events))[index]  # IndexError past either end
        return _record(position, self._events[position])

    def __iter__(self) -> Iterator[LogRecord]:
        for index, item in enumerate(self._events):
            if (
                type(item) is dict
                and type(where := item.get("id")) is str
                and type(message := item.get("message")) is str
            ):
                yield where[:64], message
            else:
                yield _record(index, item)


def _record(index: int, item: object) -> LogRecord:
    """A log event as a record (the common case, an object with a text `id` and `message`, is
    read inline in `LogEvents.__iter__`)."""
    if type(item) is not dict:
        return f"#{index}", None
    where, message = item.get("id"), item.get("message")
    return (
        where[:64] if type(where) is str else f"#{index}",
        message if type(message) is str else None,
    )


def encode_payload(document: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The inverse of `decode_payload` (tests, the demo and the CLI's replay)."""
    raw = gzip.compress(json.dumps(document).encode(), mtime=0)
    return {"awslogs": {"data": base64.b64encode(raw).decode()}}
