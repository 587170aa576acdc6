"""From a CloudWatch alarm state change to an alert: silence, function errors, backlog.

Only the module's own alarms (`<bot_name>-*`) alert. An alarm going to `ALARM` alerts with its
rule; going back to `OK` from `ALARM` is a recovery (low). Other transitions — `OK` after
`INSUFFICIENT_DATA` when an alarm is created, anything to `INSUFFICIENT_DATA` — are counted,
not alerted. The cluster comes from the alarm metric's `LogGroupName` dimension.

Pure: no AWS calls and no logging.
"""

from __future__ import annotations

from eks_audit_bot.aws.alarm import ALARM, INSUFFICIENT_DATA, OK, AlarmChange
from eks_audit_bot.aws.alert import AwsAlert
from eks_audit_bot.aws.calls import EventResult
from eks_audit_bot.aws.rules import AwsCatalog
from eks_audit_bot.core.actor import Actor, ActorKind
from eks_audit_bot.core.alert import Location, cluster_name
from eks_audit_bot.settings import Settings

CLOUDWATCH = Actor(
    username="cloudwatch.amazonaws.com", display_name="CloudWatch", kind=ActorKind.AWS_SERVICE
)


def alert_for_alarm(
    change: AlarmChange, settings: Settings, catalog: AwsCatalog, result: EventResult
) -> AwsAlert | None:
    """The alert for an alarm state change, or None with the reason counted."""
    if not change.alarm_name.startswith(settings.bot_name + "-"):
        result.drop("not_watched", change.alarm_name)
        return None
    if change.state not in (ALARM, OK) or (change.state == OK and change.previous_state != ALARM):
        reason = "insufficient_data" if change.state == INSUFFICIENT_DATA else "not_a_recovery"
        result.drop(reason, change.alarm_name)
        return None
    rule = catalog.match(change)
    if rule is None:
        result.drop("no_rule", change.alarm_name)
        return None
    alert = AwsAlert(
        event=change,
        actor=CLOUDWATCH,
        rule=rule,
        location=_location(change, settings),
        resource="alarm",
        target=change.alarm_name,
        action=_action(change),
        changes=_changes(change),
    )
    if alert.severity.rank < settings.min_severity.rank:
        result.drop("below_min_severity", change.alarm_name)
        return None
    result.alerts.append(alert)
    return alert


def _action(change: AlarmChange) -> str:
    """`alarm eks-audit-bot-silence-prod went to ALARM` / `... is back to OK`."""
    if change.state == OK:
        return f"alarm {change.alarm_name} is back to OK"
    return f"alarm {change.alarm_name} went to ALARM"


def _changes(change: AlarmChange) -> tuple[str, ...]:
    lines = [f"state: {change.previous_state or '?'} -> {change.state}"]
    if change.metric:
        lines.append(f"metric: {change.metric}")
    if change.reason:
        lines.append(f"reason: {change.reason[:500]}")
    return tuple(lines)


def _location(change: AlarmChange, settings: Settings) -> Location:
    log_group = change.dimension("LogGroupName")
    cluster = cluster_name(log_group) if log_group else ""
    account = change.account_id or settings.account_id
    return Location(
        cluster="" if cluster == log_group else cluster,
        log_group=log_group,
        account_id=account,
        account_name=settings.account_name_of(account),
        region=change.region or settings.region,
        partition=settings.partition,
    )
