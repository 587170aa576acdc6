"""Decode a CloudWatch Logs subscription payload (base64 of gzipped JSON)."""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.data_classes import CloudWatchLogsEvent

from eks_audit_bot.model.jsonvalue import strings

AUDIT_STREAM_PREFIX = "kube-apiserver-audit"
CONTROL_MESSAGE = "CONTROL_MESSAGE"


class PayloadError(ValueError):
    """The invocation payload is not a CloudWatch Logs subscription payload."""


@dataclass(frozen=True, slots=True)
class LogRecord:
    id: str
    timestamp: int
    message: str


@dataclass(frozen=True, slots=True)
class LogBatch:
    log_group: str
    log_stream: str
    owner: str
    message_type: str
    records: tuple[LogRecord, ...]
    filters: tuple[str, ...] = ()  # the subscription filters that matched

    @property
    def skip_reason(self) -> str | None:
        """Why the whole batch carries no audit events, or None when it does."""
        if self.message_type == CONTROL_MESSAGE:
            return "control_message"
        if not self.log_stream.startswith(AUDIT_STREAM_PREFIX):
            return "not_audit_stream"
        return None


def decode_payload(event: Mapping[str, Any]) -> LogBatch:
    if not isinstance(event.get("awslogs"), Mapping) or "data" not in event["awslogs"]:
        raise PayloadError("expected a CloudWatch Logs subscription payload {'awslogs': {'data'}}")
    return decode_data(event["awslogs"]["data"])


def decode_data(data: object) -> LogBatch:
    """A subscription payload's `data` (base64 of gzipped JSON), as Lambda receives it from
    CloudWatch Logs directly or from a Kinesis record a Logs destination wrote."""
    try:
        if not isinstance(data, str):
            raise TypeError(f"data is {type(data).__name__}, not base64 text")
        parsed = CloudWatchLogsEvent({"awslogs": {"data": data}}).parse_logs_data()
        records = tuple(
            LogRecord(id=str(item.get_id), timestamp=int(item.timestamp), message=item.message)
            for item in parsed.log_events
        )
        return LogBatch(
            log_group=parsed.log_group,
            log_stream=parsed.log_stream,
            owner=parsed.owner,
            message_type=parsed.message_type,
            records=records,
            filters=tuple(strings(parsed.get("subscriptionFilters"))),
        )
    except (binascii.Error, OSError, EOFError, zlib.error, ValueError, KeyError, TypeError) as err:
        raise PayloadError(f"undecodable awslogs.data: {err}") from err


def encode_payload(document: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The inverse of `decode_payload` (tests, the demo and the CLI's replay)."""
    raw = gzip.compress(json.dumps(document).encode(), mtime=0)
    return {"awslogs": {"data": base64.b64encode(raw).decode()}}
