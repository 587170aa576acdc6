"""Lambda entry point: read the payload, run the flow, account for it in logs and metrics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config

from eks_audit_bot import flow
from eks_audit_bot.delivery.route import Router
from eks_audit_bot.delivery.sns import Publisher, PublishError, Report
from eks_audit_bot.detection import pipeline
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.model.alert import Location
from eks_audit_bot.model.jsonvalue import mapping
from eks_audit_bot.settings import METRICS_NAMESPACE, SERVICE_NAME, Settings
from eks_audit_bot.sources.cloudwatch import LogBatch, PayloadError, decode_payload
from eks_audit_bot.sources.kinesis import decode_record, is_kinesis_batch, source_region

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import (
        KinesisStreamRecord,
    )
    from mypy_boto3_sns.client import SNSClient

    from eks_audit_bot.delivery.dedup import Ledger

logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)


type LedgerFactory = Callable[[Callable[[], int]], Ledger]


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    catalog: RuleCatalog
    publisher: Publisher | Router
    new_ledger: LedgerFactory | None = None  # with DEDUP_TABLE_NAME: a ledger per invocation

    def ledger(self, context: LambdaContext) -> Ledger | None:
        if self.new_ledger is None:
            return None
        return self.new_ledger(context.get_remaining_time_in_millis)


class StillInProgress(RuntimeError):
    """Another invocation is publishing some of these alerts: fail, so the retry learns how
    that ended (published: dropped; released: published then) instead of losing them."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} alert(s) being published by another invocation: retry later")


@cache
def runtime() -> Runtime:
    """Built once per cold start: settings, the rule catalog, the SNS and DynamoDB clients."""
    settings = Settings.from_env()
    publisher = Publisher(_sns(settings.topic_region), settings.sns_topic_arn)
    pages = settings.pagerduty_topic_arn
    # SNS publishes only to topics in the client's region: the page topic gets its own client.
    pagers = (
        {pages: Publisher(_sns(pages.split(":")[3] or settings.region), pages)} if pages else {}
    )
    router = Router(publisher, pagers)
    return Runtime(settings, RuleCatalog.load(settings), router, _ledger_factory(settings))


def _sns(region: str) -> SNSClient:
    return boto3.client(
        "sns",
        region_name=region or None,
        config=Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5),
    )


def _ledger_factory(settings: Settings) -> LedgerFactory | None:
    if not settings.dedup_table_name:
        return None
    from eks_audit_bot.delivery import dedup  # noqa: PLC0415 - only with a dedup table

    store = dedup.dynamodb_store(
        settings.dedup_table_name, settings.dedup_ttl_seconds, settings.region
    )
    return partial(dedup.Ledger, store)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: Mapping[str, Any], context: LambdaContext) -> Mapping[str, object]:
    """Routes by shape: a subscription payload, or a Kinesis batch from Logs destinations."""
    env = runtime()
    if "awslogs" in event:
        return handle(event, env, env.ledger(context))
    if is_kinesis_batch(event):
        return handle_kinesis(event, env, context)
    raise PayloadError(
        "expected a CloudWatch Logs subscription payload {'awslogs': {'data'}} "
        "or a Kinesis batch {'Records': [{'eventSource': 'aws:kinesis'}]}"
    )


def handle(event: Mapping[str, Any], env: Runtime, ledger: Ledger | None = None) -> dict[str, Any]:
    """Process one subscription payload; raise if an alert could not be delivered."""
    batch = decode_payload(event)
    location = env.settings.location(batch.log_group, owner=batch.owner)
    return deliver(batch, location, env, ledger)


def handle_kinesis(
    event: Mapping[str, Any], env: Runtime, context: LambdaContext
) -> PartialItemFailureResponse:
    """Each record on its own: an unreadable one is a counted skip (a retry cannot mend it);
    one whose alerts were not delivered is a batch item failure, retried with what follows."""
    ledger = env.ledger(context)

    def record_handler(record: KinesisStreamRecord) -> dict[str, Any]:
        logger.append_keys(sequence_number=mapping(record.get("kinesis")).get("sequenceNumber"))
        try:
            batch = decode_record(record)
        except PayloadError as err:
            logger.warning(
                "kinesis record skipped", extra={"reason": "unreadable", "detail": str(err)[:300]}
            )
            _count("BatchesSkipped", 1, reason="unreadable")
            return {"received": 0, "alerts": 0, "skipped": 0}
        location = env.settings.location(
            batch.log_group, owner=batch.owner, remote=True, region=source_region(batch)
        )
        return deliver(batch, location, env, ledger)

    # Only the Kinesis path needs the batch utilities: kept out of other cold starts.
    from aws_lambda_powertools.utilities.batch import (  # noqa: PLC0415
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    processor = BatchProcessor(event_type=EventType.KinesisDataStreams)
    return process_partial_response(
        event=dict(event), record_handler=record_handler, processor=processor, context=context
    )


def deliver(
    batch: LogBatch, location: Location, env: Runtime, ledger: Ledger | None
) -> dict[str, Any]:
    """Run the flow over one payload, account for it; raise when something was not delivered."""
    logger.append_keys(
        log_group=batch.log_group, log_stream=batch.log_stream, account=location.account_id
    )
    if batch.skip_reason:
        logger.info("batch skipped", extra={"reason": batch.skip_reason})
        _count("BatchesSkipped", 1, reason=batch.skip_reason)
        metrics.add_metric(name="EventsReceived", unit=MetricUnit.Count, value=0)
        return {"received": 0, "alerts": 0, "skipped": 0}
    records = ((record.id, record.message) for record in batch.records)
    outcome = flow.run(records, location, env.settings, env.catalog, env.publisher, ledger=ledger)
    result, report = outcome.result, outcome.report
    _account_for(result)
    _account_for_delivery(report)
    _account_for_ledger(outcome)
    if report.failures:
        raise PublishError(report.failures)
    if outcome.claim is not None and outcome.claim.in_progress:
        raise StillInProgress(len(outcome.claim.in_progress))
    return {"received": result.received, "alerts": report.published, "skipped": len(result.skips)}


def _account_for(result: pipeline.Result) -> None:
    metrics.add_metric(name="EventsReceived", unit=MetricUnit.Count, value=result.received)
    for skip in result.skips:
        # The reason and auditID only: audit events may hold secrets, so never the line itself.
        logger.warning(
            "log event skipped",
            extra={
                "reason": skip.reason,
                "detail": skip.detail,
                "auditID": skip.audit_id,
                "log_event_id": skip.where,
            },
        )
    for reason, count in sorted(Counter(skip.reason for skip in result.skips).items()):
        _count("EventsSkipped", count, reason=reason)
    for reason, count in sorted(result.dropped.items()):
        _count("EventsDropped", count, reason=reason)


def _account_for_delivery(report: Report) -> None:
    metrics.add_metric(name="AlertsPublished", unit=MetricUnit.Count, value=report.published)
    metrics.add_metric(name="PublishFailures", unit=MetricUnit.Count, value=len(report.failures))
    for failure in report.failures:
        logger.error(
            "alert not published",
            extra={
                "code": failure.code,
                "detail": failure.detail[:500],
                "auditID": failure.message.audit_id,
            },
        )


def _account_for_ledger(outcome: flow.Outcome) -> None:
    claim = outcome.claim
    if claim is None:
        return
    metrics.add_metric(name="AlertsDeduplicated", unit=MetricUnit.Count, value=len(claim.published))
    if claim.in_progress:
        logger.warning(
            "alerts held back: another invocation is publishing them",
            extra={"count": len(claim.in_progress)},
        )
    for error in [*claim.errors, *outcome.settle_errors]:
        # A claim that failed means the alert went out unrecorded: a duplicate is possible.
        logger.error(
            "dedup table unavailable",
            extra={
                "operation": error.operation,
                "code": error.detail,
                "auditID": error.alert.event.audit_id,
            },
        )
        _count("DedupErrors", 1, reason=error.operation)


def _count(name: str, value: int, *, reason: str) -> None:
    with single_metric(
        name=name, unit=MetricUnit.Count, value=value, namespace=METRICS_NAMESPACE
    ) as metric:
        metric.add_dimension(name="reason", value=reason)
