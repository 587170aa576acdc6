"""What operators see of an invocation besides alerts: Powertools logs and EMF metrics.

Skips are logged with their reason and auditID, never the line (audit events may hold
secrets); deliveries, dedup claims and their errors are counted.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from eks_audit_bot.settings import METRICS_NAMESPACE, SERVICE_NAME

if TYPE_CHECKING:
    from eks_audit_bot import flow
    from eks_audit_bot.aws import calls as cloudtrail
    from eks_audit_bot.kube import pipeline
    from eks_audit_bot.output import controls
    from eks_audit_bot.output.sns import Report

logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)


def account_for(result: pipeline.Result | cloudtrail.EventResult) -> None:
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
        count_metric("EventsSkipped", count, reason=reason)
    for reason, count in sorted(result.dropped.items()):
        count_metric("EventsDropped", count, reason=reason)


def account_for_delivery(report: Report) -> None:
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


def account_for_ledger(outcome: flow.BatchOutcome | flow.EventOutcome) -> None:
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
                "auditID": error.alert.audit_id,
            },
        )
        count_metric("DedupErrors", 1, reason=error.operation)


def count_metric(name: str, value: int, *, reason: str) -> None:
    with single_metric(
        name=name, unit=MetricUnit.Count, value=value, namespace=METRICS_NAMESPACE
    ) as metric:
        metric.add_dimension(name="reason", value=reason)


def account_for_controls(record: controls.Record) -> None:
    """Mutes, grouping and Security Hub: a muted alert is logged (rule, mute, auditID) and
    counted by rule; held alerts, notices, findings and control errors are counted."""
    for message, mute in record.muted:
        logger.info(
            "alert muted",
            extra={"rule": mute.rule, "mute_id": mute.mute_id, "auditID": message.audit_id},
        )
    by_rule = Counter(mute.rule for _, mute in record.muted)
    for rule, count in sorted(by_rule.items()):
        with single_metric(
            name="AlertsMuted", unit=MetricUnit.Count, value=count, namespace=METRICS_NAMESPACE
        ) as metric:
            metric.add_dimension(name="rule", value=rule)
    metrics.add_metric(name="AlertsGrouped", unit=MetricUnit.Count, value=len(record.held))
    metrics.add_metric(name="NoticesPublished", unit=MetricUnit.Count, value=len(record.notices))
    if record.findings or record.finding_failures:
        metrics.add_metric(name="FindingsImported", unit=MetricUnit.Count, value=record.findings)
    for code in record.finding_failures:
        logger.error("finding not imported", extra={"code": code})
        count_metric("FindingsFailed", 1, reason=code)
    for operation, code in record.errors:
        # Nothing is lost: a failed mute read alerts, a failed window write publishes at once.
        logger.error(
            "state table or Security Hub unavailable", extra={"operation": operation, "code": code}
        )
        count_metric("ControlErrors", 1, reason=operation)


def account_for_people(failures: Counter[str]) -> None:
    """Lookups of the person behind a generic session that failed (the alert named the person
    unknown and went out): logged and counted by reason, never with the access key."""
    for reason, count in sorted(failures.items()):
        logger.warning("person lookup failed", extra={"reason": reason, "count": count})
        count_metric("PersonLookupFailures", count, reason=reason)
