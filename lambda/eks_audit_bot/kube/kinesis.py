"""Decode a Kinesis batch written by CloudWatch Logs destinations (organization deployments).

Each Kinesis record holds one CloudWatch Logs subscription payload — gzip JSON, the same
shape a subscription delivers to a function directly — from the member account that owns the
log group (`owner`). CloudWatch also writes a `CONTROL_MESSAGE` when a destination is set up.
The payload does not say which region the log group is in: the member module names its
subscription filters `<name>-<region>`, and `source_region` reads it back from there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from eks_audit_bot.core.jsonvalue import mapping
from eks_audit_bot.kube.cloudwatch import LogBatch, decode_data

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import (
        KinesisStreamRecord,
    )

EVENT_SOURCE = "aws:kinesis"
# A region at the end of a filter name: eu-west-1, us-gov-west-1, cn-north-1, us-isob-east-1.
# Text for `re.search` (compiled and cached on first use): only Kinesis batches need it.
_REGION_SUFFIX = r"-((?:[a-z]{2})(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2})$"


def is_kinesis_batch(event: Mapping[str, Any]) -> bool:
    """A Lambda event from a Kinesis event source mapping: `Records` from `aws:kinesis`."""
    records = event.get("Records")
    return (
        isinstance(records, list)
        and bool(records)
        and all(
            isinstance(record, Mapping) and record.get("eventSource") == EVENT_SOURCE
            for record in records
        )
    )


def decode_record(record: KinesisStreamRecord) -> LogBatch:
    """The subscription payload in one record; raises `PayloadError` when it is unreadable."""
    return decode_data(mapping(record.get("kinesis")).get("data"))


def source_region(batch: LogBatch) -> str:
    """The log group's region when a subscription filter name ends in one, else ""."""
    for name in batch.filters:
        found = re.search(_REGION_SUFFIX, name)
        if found:
            return found.group(1)
    return ""
