"""docs/organization.md's sizing table: what an organization deployment needs and costs a month.

    .venv/bin/python benchmarks/sizing.py                        # the docs/organization.md table
    .venv/bin/python benchmarks/sizing.py --events-per-cluster 200 --instance-events 2400

Every input is an assumption stated in docs/organization.md (audit volume per cluster, the
share the default pattern passes, alerts per day) or a measurement (`--instance-events`:
events/s one function instance handles, from `bench_kinesis.py`), and list prices in us-east-1.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

MONTH_S = 30 * 24 * 3600
HOURS = 30 * 24

# List prices, us-east-1 (USD).
KINESIS_ON_DEMAND_STREAM_HOUR = 0.04
KINESIS_ON_DEMAND_IN_GB = 0.08  # each record rounded up to 1 KB
KINESIS_ON_DEMAND_OUT_GB = 0.04
KINESIS_SHARD_HOUR = 0.015
KINESIS_PUT_UNITS_MILLION = 0.014  # 25 KB units
LAMBDA_GB_S_ARM = 0.0000133334
LAMBDA_REQUESTS_MILLION = 0.20
DYNAMODB_WRITE_MILLION = 0.625  # on-demand write request units
LOGS_INGEST_GB = 0.50  # CloudWatch Logs standard ingestion
GUARDDUTY_TIERS = ((100e6, 1.60), (100e6, 0.80), (math.inf, 0.20))  # per million audit events

ON_DEMAND_SHARDS = 4  # an on-demand stream starts with 4 MB/s write capacity
SHARD_RECORDS_S = 1000
MEMORY_GB = 0.25
INVOCATION_OVERHEAD_S = 0.010
WAIT_PER_ALERT_S = 0.012  # two DynamoDB writes and a share of a PublishBatch call


@dataclass(frozen=True)
class Assumptions:
    events_per_cluster: float = 50.0  # audit events/s of one cluster
    pass_rate: float = 0.019  # share the default pattern passes (benchmark mix)
    records_per_cluster: float = 1.0  # Kinesis records/s of one cluster (CloudWatch batches)
    alerts_per_cluster_day: float = 1000.0
    instance_events: float = 467.0  # events/s one instance handles (bench_kinesis.py)
    event_bytes: float = 850.0  # an audit event as CloudWatch ingests it (eventgen mix)
    batch_size: int = 100
    window_s: float = 5.0


@dataclass(frozen=True)
class Row:
    clusters: int
    audit_events_s: float
    delivered_s: float
    records_s: float
    shards: int
    concurrency: float
    kinesis: float
    kinesis_provisioned: float
    lambda_: float
    dynamodb: float
    logs: float
    guardduty: float


def row(clusters: int, a: Assumptions) -> Row:
    audit = clusters * a.events_per_cluster
    delivered = audit * a.pass_rate
    records = clusters * a.records_per_cluster
    gb = records * MONTH_S / 1024**2  # 1 KB per record, as on-demand bills it
    kinesis = KINESIS_ON_DEMAND_STREAM_HOUR * HOURS + gb * (
        KINESIS_ON_DEMAND_IN_GB + KINESIS_ON_DEMAND_OUT_GB
    )
    shards = max(1, math.ceil(records * 1.5 / SHARD_RECORDS_S))  # 50% headroom
    provisioned = shards * KINESIS_SHARD_HOUR * HOURS + (
        records * MONTH_S / 1e6 * KINESIS_PUT_UNITS_MILLION
    )
    per_shard = records / ON_DEMAND_SHARDS
    invocations_s = ON_DEMAND_SHARDS / min(a.window_s, a.batch_size / per_shard)
    alerts_s = clusters * a.alerts_per_cluster_day / 86400
    busy_s = (
        delivered / a.instance_events
        + invocations_s * INVOCATION_OVERHEAD_S
        + alerts_s * WAIT_PER_ALERT_S
    )
    lambda_ = MONTH_S * (
        busy_s * MEMORY_GB * LAMBDA_GB_S_ARM + invocations_s * LAMBDA_REQUESTS_MILLION / 1e6
    )
    dynamodb = alerts_s * 2 * MONTH_S / 1e6 * DYNAMODB_WRITE_MILLION
    return Row(
        clusters,
        audit,
        delivered,
        records,
        shards,
        busy_s,
        kinesis,
        provisioned,
        lambda_,
        dynamodb,
        audit * a.event_bytes * MONTH_S / 1024**3 * LOGS_INGEST_GB,
        guardduty(audit * MONTH_S),
    )


def guardduty(events: float) -> float:
    cost, left = 0.0, events
    for size, price in GUARDDUTY_TIERS:
        used = min(left, size)
        cost += used / 1e6 * price
        left -= used
    return cost


def table(a: Assumptions) -> str:
    lines = [
        "| Clusters | Audit events/s | Delivered events/s | Records/s | Shards (provisioned) "
        "| Concurrency (avg, max 4) | Kinesis on demand (provisioned) | Lambda | DynamoDB "
        "| **Total** | Audit log into CloudWatch Logs (prerequisite) | GuardDuty EKS audit logs |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for clusters in (10, 100, 1000):
        r = row(clusters, a)
        total = r.kinesis + r.lambda_ + r.dynamodb
        lines.append(
            f"| {r.clusters:,} | {r.audit_events_s:,.0f} | {r.delivered_s:,.1f} "
            f"| {r.records_s:,.0f} | {r.shards} | {r.concurrency:.2f} "
            f"| ${r.kinesis:,.0f} (${r.kinesis_provisioned:,.0f}) | ${r.lambda_:,.0f} "
            f"| ${r.dynamodb:,.0f} | **${total:,.0f}** | ${r.logs:,.0f} | ${r.guardduty:,.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Assumptions()
    for name, value in vars(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args()
    print(table(Assumptions(**vars(args))))


if __name__ == "__main__":
    main()
