"""Throughput of one function instance on the organization path (Kinesis), against the floor
of merely reading the same records.

    .venv/bin/python benchmarks/bench_kinesis.py                    # 1,000,000 audit lines
    .venv/bin/python benchmarks/bench_kinesis.py --events 200000    # a quick look

`eventgen.py` writes a realistic audit log; the default filter pattern picks what CloudWatch
Logs would deliver (about 1%: people changing things); those lines are packed as a Logs
destination writes them — gzip subscription payloads of `--per-record` events, from ten member
accounts — into Kinesis batches of `--batch-size` records, as the event source mapping hands
them over. Timed, best of `--repeat`, modes taking turns:

- parse:          base64, gunzip and `json.loads` of every payload and every event in it
                  (the least any consumer of the stream must do);
- subscription:   `lambda_handler` on each payload as a direct subscription delivers it
                  (the single-account path), SNS replaced by a sink that accepts everything;
- kinesis:        `lambda_handler` on each batch (Powertools batch processing, detection,
                  digests, rendering), with the same sink;
- kinesis+dedup:  the same with the dedup ledger on an in-memory Powertools persistence
                  layer: our claim/confirm work, without DynamoDB's network round trips.

Figures are per instance (one process, one core) and compared as ratios to `parse`.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import dataclasses
import gzip
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

import eventgen
from eks_audit_bot import handler
from eks_audit_bot.cli.main import default_pattern
from eks_audit_bot.filter_pattern import compile_pattern
from eks_audit_bot.output import dedup
from eks_audit_bot.output.sns import Report

REGION = "eu-west-1"
TOPIC = f"arn:aws:sns:{REGION}:999999999999:eks-alerts"
MEMBERS = [f"{index:012d}" for index in range(100000000001, 100000000011)]
STREAM = f"arn:aws:kinesis:{REGION}:999999999999:stream/eks-audit-bot"
MODES = ("parse", "subscription", "kinesis", "kinesis+dedup")


@dataclass(frozen=True)
class Context:
    function_name: str = "eks-audit-bot"
    function_version: str = "$LATEST"
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:999999999999:function:eks-audit-bot"
    memory_limit_in_mb: int = 256
    aws_request_id: str = "bench"
    log_group_name: str = "/aws/lambda/eks-audit-bot"
    log_stream_name: str = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


class AcceptAll:
    """SNS as if every PublishBatch entry were accepted: the network is not measured."""

    def publish(self, messages: list[Any]) -> Report:
        return Report(published=len(messages))


class MemoryStore(BasePersistenceLayer):
    """Powertools' persistence contract in a dict, with DynamoDB's conditional-put rules."""

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, DataRecord] = {}

    def _get_record(self, idempotency_key: str) -> DataRecord:
        if idempotency_key not in self.items:
            raise IdempotencyItemNotFoundError
        return self.items[idempotency_key]

    def _put_record(self, data_record: DataRecord) -> None:
        held = self.items.get(data_record.idempotency_key)
        if held is not None and not held.is_expired:
            raise IdempotencyItemAlreadyExistsError(old_data_record=held)
        self.items[data_record.idempotency_key] = data_record

    def _update_record(self, data_record: DataRecord) -> None:
        self.items[data_record.idempotency_key] = data_record

    def _delete_record(self, data_record: DataRecord) -> None:
        self.items.pop(data_record.idempotency_key, None)


# ---- the stream's content ----


def delivered(events: int) -> list[str]:
    """The lines of a generated audit log that the default pattern lets through."""
    matches = compile_pattern(default_pattern()).matches
    return [line for line in eventgen.lines(events) if matches(line)]


def records(lines: list[str], per_record: int) -> list[bytes]:
    """Gzip subscription payloads, one cluster per member account, as a destination writes."""
    out = []
    for start in range(0, len(lines), per_record):
        owner = MEMBERS[(start // per_record) % len(MEMBERS)]
        document = {
            "messageType": "DATA_MESSAGE",
            "owner": owner,
            "logGroup": f"/aws/eks/cluster-{owner[-2:]}/cluster",
            "logStream": "kube-apiserver-audit-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "subscriptionFilters": [f"eks-audit-bot-{REGION}"],
            "logEvents": [
                {"id": f"{start + offset:056d}", "timestamp": 1795183391512, "message": line}
                for offset, line in enumerate(lines[start : start + per_record])
            ],
        }
        out.append(gzip.compress(json.dumps(document).encode()))
    return out


def batches(payloads: list[bytes], size: int) -> list[dict[str, Any]]:
    return [
        {
            "Records": [
                {
                    "kinesis": {
                        "partitionKey": "p",
                        "sequenceNumber": f"{start + index:056d}",
                        "data": base64.b64encode(payload).decode(),
                        "kinesisSchemaVersion": "1.0",
                        "approximateArrivalTimestamp": 1795183391.5,
                    },
                    "eventSource": "aws:kinesis",
                    "eventID": f"shardId-000000000000:{start + index}",
                    "eventName": "aws:kinesis:record",
                    "eventVersion": "1.0",
                    "awsRegion": REGION,
                    "eventSourceARN": STREAM,
                    "invokeIdentityArn": "arn:aws:iam::999999999999:role/eks-audit-bot",
                }
                for index, payload in enumerate(payloads[start : start + size])
            ]
        }
        for start in range(0, len(payloads), size)
    ]


# ---- modes ----


def parse(events: list[dict[str, Any]]) -> int:
    count = 0
    for event in events:
        for record in event["Records"]:
            document = json.loads(gzip.decompress(base64.b64decode(record["kinesis"]["data"])))
            for log_event in document["logEvents"]:
                json.loads(log_event["message"])
                count += 1
    return count


def subscription(events: list[dict[str, Any]]) -> int:
    """The same payloads, each its own asynchronous invocation by a subscription filter."""
    payloads = [
        {"awslogs": {"data": record["kinesis"]["data"]}}
        for event in events
        for record in event["Records"]
    ]
    handler.runtime.cache_clear()
    env = dataclasses.replace(handler.runtime(), publisher=AcceptAll())
    with _quiet(), _runtime(env):
        for payload in payloads:
            handler.lambda_handler(payload, Context())
    return len(payloads)


def function(ledger: bool) -> Callable[[list[dict[str, Any]]], int]:
    def run(events: list[dict[str, Any]]) -> int:
        handler.runtime.cache_clear()
        real = handler.runtime()
        store = dedup.configure(MemoryStore(), 86400) if ledger else None
        env = dataclasses.replace(
            real,
            publisher=AcceptAll(),
            new_ledger=(lambda remaining: dedup.Ledger(store, remaining)) if store else None,
        )
        with _quiet(), _runtime(env):
            for event in events:
                result = handler.lambda_handler(event, Context())
                assert result == {"batchItemFailures": []}, result
        return sum(len(event["Records"]) for event in events)

    return run


@contextlib.contextmanager
def _runtime(env: Any) -> Iterator[None]:
    original = handler.runtime
    handler.runtime = lambda: env
    handler.runtime.cache_clear = original.cache_clear
    try:
        yield
    finally:
        handler.runtime = original


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Powertools' EMF metrics and logs go to stdout; keep them out of the report."""
    sink = io.StringIO()
    previous = handler.logger.registered_handler.setStream(sink)
    try:
        with contextlib.redirect_stdout(sink):
            yield
    finally:
        handler.logger.registered_handler.setStream(previous)


RUNNERS: dict[str, Callable[[list[dict[str, Any]]], int]] = {
    "parse": parse,
    "subscription": subscription,
    "kinesis": function(ledger=False),
    "kinesis+dedup": function(ledger=True),
}


def timed(events: list[dict[str, Any]], repeat: int) -> dict[str, float]:
    best = dict.fromkeys(MODES, float("inf"))
    for _ in range(repeat):
        for mode in MODES:
            started = time.perf_counter()
            RUNNERS[mode](events)
            best[mode] = min(best[mode], time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="audit lines generated")
    parser.add_argument("--per-record", type=int, default=10, help="log events per payload")
    parser.add_argument("--batch-size", type=int, default=100, help="records per invocation")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per mode (best kept)")
    args = parser.parse_args()
    os.environ.update(
        SNS_TOPIC_ARN=TOPIC, AWS_REGION=REGION, AWS_DEFAULT_REGION=REGION,
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
        ACCOUNT_NAMES=json.dumps({member: f"member-{member[-2:]}" for member in MEMBERS}),
    )  # fmt: skip
    lines = delivered(args.events)
    payloads = records(lines, args.per_record)
    events = batches(payloads, args.batch_size)
    size = sum(len(payload) for payload in payloads)
    print(
        f"{args.events:,} audit lines → {len(lines):,} delivered events "
        f"({len(lines) / args.events:.2%}) in {len(payloads):,} records "
        f"(gzip, {size / len(payloads):,.0f} bytes each) in {len(events):,} batches; "
        f"Python {sys.version.split()[0]}"
    )
    best = timed(events, args.repeat)
    print(f"\n{'mode':<14} {'seconds':>8} {'records/s':>10} {'events/s':>10} {'x parse':>8}")
    for mode, seconds in best.items():
        print(
            f"{mode:<14} {seconds:8.3f} {len(payloads) / seconds:10,.0f} "
            f"{len(lines) / seconds:10,.0f} {seconds / best['parse']:8.2f}"
        )


if __name__ == "__main__":
    main()
