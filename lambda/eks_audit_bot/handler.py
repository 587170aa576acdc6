"""Lambda entry point: read the payload, run the flow, account for it in logs and metrics.

Imported at cold start: what every batch needs (Powertools, boto3, decoding and detection).
Rendering and delivery load with the first batch that has something to publish, and the SNS
client is made then too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from eks_audit_bot import flow
from eks_audit_bot.detection import pipeline
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.settings import METRICS_NAMESPACE, SERVICE_NAME, Settings
from eks_audit_bot.sources.cloudwatch import decode_payload
from eks_audit_bot.sources.eventbridge import is_eventbridge_event

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from mypy_boto3_sns.client import SNSClient

    from eks_audit_bot.delivery.route import Router
    from eks_audit_bot.delivery.sns import Report
    from eks_audit_bot.detection.cloudtrail import EventResult
    from eks_audit_bot.model.outgoing import Outgoing

logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    catalog: RuleCatalog
    publisher: flow.Sink


@dataclass(slots=True)
class SnsSink:
    """The SNS publishers (alert topic, page topic), made with their clients when the first
    message is ready."""

    settings: Settings
    made: list[Router] = field(default_factory=list)

    def publish(self, messages: Sequence[Outgoing]) -> Report:
        if not self.made:
            self.made.append(sns_router(self.settings))
        return self.made[0].publish(messages)


def sns_router(settings: Settings) -> Router:
    from eks_audit_bot.delivery.route import Router  # noqa: PLC0415 - with the first alert
    from eks_audit_bot.delivery.sns import Publisher  # noqa: PLC0415

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
    """Built once per cold start: settings, the rule catalog, and the SNS sink."""
    settings = Settings.from_env()
    return Runtime(settings, RuleCatalog.load(settings), SnsSink(settings))


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: Mapping[str, Any], context: LambdaContext) -> dict[str, int]:
    del context
    return handle(event, runtime())


def handle(event: Mapping[str, Any], env: Runtime) -> dict[str, int]:
    """Process one subscription payload; raise if an alert could not be delivered."""
    if is_eventbridge_event(event):
        return handle_event(event, env)
    batch = decode_payload(event)
    logger.append_keys(log_group=batch.log_group, log_stream=batch.log_stream)
    if batch.skip_reason:
        logger.info("batch skipped", extra={"reason": batch.skip_reason})
        _count("BatchesSkipped", 1, reason=batch.skip_reason)
        metrics.add_metric(name="EventsReceived", unit=MetricUnit.Count, value=0)
        return {"received": 0, "alerts": 0, "skipped": 0}
    outcome = flow.run(
        batch.records,
        env.settings.location(batch.log_group, owner=batch.owner),
        env.settings,
        env.catalog,
        env.publisher,
    )
    result, report = outcome.result, outcome.report
    _account_for(result)
    _account_for_delivery(report)
    if report.failures:
        from eks_audit_bot.delivery.sns import PublishError  # noqa: PLC0415

        raise PublishError(report.failures)
    return {"received": result.received, "alerts": report.published, "skipped": len(result.skips)}


def handle_event(event: Mapping[str, Any], env: Runtime) -> dict[str, int]:
    """Process one EventBridge event (an AWS API call or an alarm state change)."""
    logger.append_keys(event_id=str(event.get("id", ""))[:100])
    logger.append_keys(detail_type=str(event.get("detail-type", ""))[:100])
    outcome = flow.run_event(event, env.settings, env.catalog, env.publisher)
    result, report = outcome.result, outcome.report
    _account_for(result)
    _account_for_delivery(report)
    if report.failures:
        from eks_audit_bot.delivery.sns import PublishError  # noqa: PLC0415

        raise PublishError(report.failures)
    return {"received": result.received, "alerts": report.published, "skipped": len(result.skips)}


def _account_for(result: pipeline.Result | EventResult) -> None:
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


def _count(name: str, value: int, *, reason: str) -> None:
    with single_metric(
        name=name, unit=MetricUnit.Count, value=value, namespace=METRICS_NAMESPACE
    ) as metric:
        metric.add_dimension(name="reason", value=reason)
