"""What the default filter pattern lets through, and what the Lambda costs per million events.

    .venv/bin/python benchmarks/bench_cost.py                    # 200,000 events, ~10 minutes
    .venv/bin/python benchmarks/bench_cost.py --events 1000000   # closer to a busy day

On one generated log (`eventgen.py`, the realistic mix): the share of events the default
pattern passes (the pattern `eks-audit-bot test-pattern` uses), then the handler's own time on
exactly those events, delivered as subscription payloads of `--batch` events (CloudWatch Logs
groups a stream's events per delivery; 1 is the worst case: one invocation per event), with a
stand-in SNS client that accepts every message. Time is the CPU time of this process, best of
`--repeat`. Cost per million audit events = invocations x (request price + billed duration x
memory x GB-second price), with the prices and memory stated in the output (Lambda, arm64,
us-east-1 list prices, the module's default 256 MB). The same is shown for "no pattern"
(everything reaches the function), an upper bound for any pattern.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import io
import json
import math
import time
from collections.abc import Callable
from typing import Any

import eventgen
from eks_audit_bot import flow
from eks_audit_bot.cli.main import default_pattern
from eks_audit_bot.filter_pattern import compile_pattern
from eks_audit_bot.handler import Runtime, handle
from eks_audit_bot.output.sns import Publisher
from eks_audit_bot.settings import Settings

TOPIC = f"arn:aws:sns:us-east-1:{eventgen.ACCOUNT}:eks-alerts"
REQUEST_PRICE = 0.20 / 1_000_000  # USD per invocation
GB_SECOND_PRICE_ARM64 = 0.0000133334  # USD, first pricing tier
MEMORY_GB = 256 / 1024


class AcceptingSns:
    """Stands in for the SNS client: every entry of every PublishBatch succeeds."""

    def publish_batch(self, **request: Any) -> dict[str, Any]:
        entries = request["PublishBatchRequestEntries"]
        return {"Successful": [{"Id": e["Id"], "MessageId": e["Id"]} for e in entries]}


def payload(lines: list[str]) -> dict[str, Any]:
    document = {
        "messageType": "DATA_MESSAGE",
        "owner": eventgen.ACCOUNT,
        "logGroup": "/aws/eks/prod/cluster",
        "logStream": "kube-apiserver-audit-0123456789abcdef0123456789abcdef",
        "subscriptionFilters": ["eks-audit-bot"],
        "logEvents": [
            {"id": str(index), "timestamp": 1795183391512 + index, "message": line}
            for index, line in enumerate(lines)
        ],
    }
    data = base64.b64encode(gzip.compress(json.dumps(document).encode())).decode()
    return {"awslogs": {"data": data}}


def cpu_seconds(work: Callable[[], None], repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def cost(passed: int, total: int, seconds: float, batch: int) -> tuple[float, float]:
    """(invocations, USD) per million audit events, from the measured handler time."""
    invocations = math.ceil(passed / batch)
    per_invocation_ms = math.ceil(seconds / invocations * 1000)  # billed per started ms
    scale = 1_000_000 / total
    duration_usd = per_invocation_ms / 1000 * MEMORY_GB * GB_SECOND_PRICE_ARM64
    usd = invocations * (REQUEST_PRICE + duration_usd)
    return invocations * scale, usd * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, action="append", help="events per invocation")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lines = list(eventgen.lines(args.events))
    matches = compile_pattern(default_pattern()).matches
    passed = [line for line in lines if matches(line)]
    settings = Settings(TOPIC, region="us-east-1")
    env = Runtime(settings, flow.Catalogs(settings), Publisher(AcceptingSns(), TOPIC))
    share = len(passed) / len(lines)
    print(f"{len(lines):,} events; the default pattern passes {len(passed):,} ({share:.2%})")
    print(
        f"prices: ${REQUEST_PRICE * 1e6:.2f} per million requests, "
        f"${GB_SECOND_PRICE_ARM64} per GB-second (arm64), {MEMORY_GB * 1024:.0f} MB"
    )
    header = ("input", "batch", "invocations/M", "ms/invocation", "USD/M events")
    print(f"{header[0]:12} {header[1]:>6} {header[2]:>14} {header[3]:>14} {header[4]:>13}")
    for name, chosen in (("default", passed), ("no pattern", lines)):
        for batch in args.batch or [1, 100]:
            payloads = [payload(chosen[i : i + batch]) for i in range(0, len(chosen), batch)]

            def run(payloads: list[dict[str, Any]] = payloads) -> None:
                # Powertools writes its metrics (EMF) to stdout, as in Lambda; keep ours clean.
                with contextlib.redirect_stdout(io.StringIO()):
                    for event in payloads:
                        handle(event, env)

            seconds = cpu_seconds(run, args.repeat)
            invocations, usd = cost(len(chosen), len(lines), seconds, batch)
            per_ms = seconds / len(payloads) * 1000
            print(f"{name:12} {batch:>6} {invocations:>14,.0f} {per_ms:>14.2f} {usd:>13.6f}")


if __name__ == "__main__":
    main()
