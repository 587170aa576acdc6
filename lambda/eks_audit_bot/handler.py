"""Lambda entry point: read the payload, run the flow, account for it in logs and metrics.

Imported at cold start: what every batch needs (Powertools, boto3, decoding and detection).
Rendering and delivery load with the first batch that has something to publish, and the SNS
client is made then too; the Kinesis batch utilities with the first Kinesis batch, and the
dedup ledger only in deployments with a table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache, partial
from typing import TYPE_CHECKING, Any, NamedTuple

import boto3
from aws_lambda_powertools.metrics import MetricUnit

from eks_audit_bot import flow
from eks_audit_bot.accounting import (
    account_for,
    account_for_controls,
    account_for_delivery,
    account_for_ledger,
    account_for_people,
    count_metric,
    logger,
    metrics,
)
from eks_audit_bot.aws.eventbridge import is_eventbridge_event
from eks_audit_bot.core.alert import Location
from eks_audit_bot.core.invalid import PayloadError
from eks_audit_bot.core.jsonvalue import mapping
from eks_audit_bot.kube.cloudwatch import LogBatch, decode_payload
from eks_audit_bot.kube.kinesis import decode_record, is_kinesis_batch, source_region
from eks_audit_bot.settings import Settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import (
        KinesisStreamRecord,
    )
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from mypy_boto3_sns.client import SNSClient

    from eks_audit_bot.core.outgoing import Outgoing
    from eks_audit_bot.output.controls import Controls, Record
    from eks_audit_bot.output.dedup import Ledger
    from eks_audit_bot.output.links import Links, Resolver
    from eks_audit_bot.output.route import Router
    from eks_audit_bot.output.sns import Report


# The module's EventBridge schedule: flush burst windows, announce mutes that began or ended.
SCHEDULED_EVENT = "Scheduled Event"

type LedgerFactory = Callable[[Callable[[], int]], Ledger]


class Runtime(NamedTuple):
    """What a cold start builds once for every invocation: settings, catalog, sink, ledger."""

    settings: Settings
    catalogs: flow.Catalogs
    publisher: flow.Sink
    new_ledger: LedgerFactory | None = None  # with DEDUP_TABLE_NAME: a ledger per invocation
    links: Links | None = None  # the person behind generic sessions (state table, lookups)
    controls: Controls | None = None  # mutes, grouping, Security Hub (output/controls.py)

    def sink(self) -> tuple[flow.Sink, Record | None]:
        """This invocation's sink, through the operators' controls when there are any, and
        the record of what they did."""
        if self.controls is None:
            return self.publisher, None
        sink = self.controls.sink(self.publisher)
        return sink, sink.record

    def people(self) -> Resolver | None:
        """This invocation's resolver of the person behind generic sessions (its own lookup
        budget), when there are links to resolve with."""
        return self.links.resolver() if self.links is not None else None

    def ledger(self, context: LambdaContext) -> Ledger | None:
        if self.new_ledger is None:
            return None
        return self.new_ledger(context.get_remaining_time_in_millis)


class StillInProgress(RuntimeError):
    """Another invocation is publishing some of these alerts: fail, so the retry learns how
    that ended (published: dropped; released: published then) instead of losing them."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} alert(s) being published by another invocation: retry later")


class SnsSink:
    """The SNS publishers (alert topic, page topic), made with their clients when the first
    message is ready."""

    __slots__ = ("made", "settings")

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.made: list[Router] = []

    def publish(self, messages: Sequence[Outgoing]) -> Report:
        if not self.made:
            self.made.append(sns_router(self.settings))
        return self.made[0].publish(messages)


def sns_router(settings: Settings) -> Router:
    from eks_audit_bot.output.route import Router  # noqa: PLC0415 - with the first alert
    from eks_audit_bot.output.sns import Publisher  # noqa: PLC0415

    publisher = Publisher(_sns(settings.topic_region), settings.sns_topic_arn)
    pages = settings.pagerduty_topic_arn
    # SNS publishes only to topics in the client's region: the page topic gets its own client.
    pagers = (
        {pages: Publisher(_sns(pages.split(":")[3] or settings.region), pages)} if pages else {}
    )
    return Router(publisher, pagers)


def _sns(region: str) -> SNSClient:
    from botocore.config import Config  # noqa: PLC0415

    return boto3.client(
        "sns",
        region_name=region or None,
        config=Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5),
    )


@cache
def runtime() -> Runtime:
    """Built once per cold start: settings, the rule catalog, the SNS sink, the ledger."""
    settings = Settings.from_env()
    sink = SnsSink(settings)
    catalogs = flow.Catalogs(settings)
    controls = None
    if settings.dedup_table_name or settings.security_hub_findings:
        from eks_audit_bot.output import wiring  # noqa: PLC0415 - only with controls

        controls = wiring.build(settings)
    links = flow.links_for(settings)
    return Runtime(settings, catalogs, sink, _ledger_factory(settings), links, controls)


def _ledger_factory(settings: Settings) -> LedgerFactory | None:
    if not settings.dedup_table_name:
        return None
    from eks_audit_bot.output import dedup  # noqa: PLC0415 - only with a dedup table

    store = dedup.dynamodb_store(
        settings.dedup_table_name, settings.dedup_ttl_seconds, settings.region
    )
    return partial(dedup.Ledger, store)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: Mapping[str, Any], context: LambdaContext) -> Mapping[str, object]:
    """Routes by shape: a subscription payload, an EventBridge event, or a Kinesis batch."""
    env = runtime()
    if env.controls is not None and event.get("detail-type") == SCHEDULED_EVENT:
        return _account_controls(*env.controls.tick(env.publisher))
    if is_kinesis_batch(event):
        return handle_kinesis(event, env, context)
    return handle(event, env, env.ledger(context))


def handle(event: Mapping[str, Any], env: Runtime, ledger: Ledger | None = None) -> dict[str, Any]:
    """Process one subscription payload or EventBridge event; raise if an alert could not be
    delivered."""
    if is_eventbridge_event(event):
        return handle_event(event, env, ledger)
    if "awslogs" not in event:
        raise PayloadError(
            "expected a CloudWatch Logs subscription payload {'awslogs': {'data'}}, an "
            "EventBridge event {'detail-type'} or a Kinesis batch {'Records': [{'eventSource': "
            "'aws:kinesis'}]}"
        )
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
            count_metric("BatchesSkipped", 1, reason="unreadable")
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
        count_metric("BatchesSkipped", 1, reason=batch.skip_reason)
        metrics.add_metric(name="EventsReceived", unit=MetricUnit.Count, value=0)
        return {"received": 0, "alerts": 0, "skipped": 0}
    people = env.people()
    sink, record = env.sink()
    args = (batch.records, location, env.settings, env.catalogs.kube, sink)
    return _finish(flow.run(*args, ledger=ledger, people=people), record, people)


def handle_event(
    event: Mapping[str, Any], env: Runtime, ledger: Ledger | None = None
) -> dict[str, Any]:
    """Process one EventBridge event (an AWS API call or an alarm state change)."""
    logger.append_keys(event_id=str(event.get("id", ""))[:100])
    logger.append_keys(detail_type=str(event.get("detail-type", ""))[:100])
    table = env.links.table if env.links is not None else None
    people = env.people()
    sink, record = env.sink()
    args = (event, env.settings, env.catalogs.aws, sink)
    outcome = flow.run_event(*args, ledger=ledger, credentials=table, people=people)
    return _finish(outcome, record, people)


def _account_controls(report: Report, record: Record) -> dict[str, Any]:
    """Account for the scheduled tick: announcements, summaries, and what failed (retried by
    the next tick, so the tick itself does not fail)."""
    account_for_delivery(report)
    account_for_controls(record)
    return {"alerts": report.published, "notices": len(record.notices)}


def _finish(
    outcome: flow.BatchOutcome | flow.EventOutcome,
    record: Record | None = None,
    people: Resolver | None = None,
) -> dict[str, Any]:
    """Account for an outcome (and for the lookups of the person behind generic sessions);
    raise when something was not delivered (so it is retried)."""
    result, report = outcome.result, outcome.report
    if people is not None:
        account_for_people(people.failures)
    if record is not None:
        account_for_controls(record)
    account_for(result)
    account_for_delivery(report)
    account_for_ledger(outcome)
    if report.failures:
        from eks_audit_bot.output.sns import PublishError  # noqa: PLC0415

        raise PublishError(report.failures)
    if outcome.claim is not None and outcome.claim.in_progress:
        raise StillInProgress(len(outcome.claim.in_progress))
    return {"received": result.received, "alerts": report.published, "skipped": len(result.skips)}
