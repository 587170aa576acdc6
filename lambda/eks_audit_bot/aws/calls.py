"""From an AWS API call (a CloudTrail record) to an alert: does it concern us, who, which rule.

A call concerns us when it touches a watched cluster (`eks.amazonaws.com`, `name`), a watched
EKS log group (`logs.amazonaws.com`), or the module's own function, EventBridge rules or
alarms (named `<bot_name>` and `<bot_name>-*`). The EventBridge rules already select these
calls; the function decides again and never trusts the pattern (a replayed CloudTrail log
file holds everything). As for Kubernetes requests, a call AWS refused (`denied`) alerts one
severity step lower and a call that failed otherwise changed nothing: it is counted, not
alerted. `automation_principals` applies to the person behind the call; user agents, which
the caller chooses, never make a call automation.

Pure: no AWS calls and no logging.
"""

from __future__ import annotations

from dataclasses import dataclass

from eks_audit_bot.aws import changes as api_changes
from eks_audit_bot.aws.alert import AwsAlert
from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.aws.caller import actor_of_caller
from eks_audit_bot.aws.phrases import cluster_of, function_name, summarize, target_of
from eks_audit_bot.aws.rules import AwsCatalog
from eks_audit_bot.core.actor import AUTOMATION_KINDS, Actor, matches_principal
from eks_audit_bot.core.alert import Location, Outcome, cluster_name
from eks_audit_bot.core.tally import Tally
from eks_audit_bot.settings import Settings

_CLI = "aws-cli/"
_CLIENTS = (
    (_CLI, "AWS CLI"),
    ("eksctl", "eksctl"),
    ("terraform", "Terraform"),
    ("pulumi", "Pulumi"),
    ("boto3/", "boto3"),
    ("aws-sdk-", "an AWS SDK"),
    ("cloudformation", "CloudFormation"),
)


@dataclass(slots=True)
class EventResult(Tally[AwsAlert]):
    """What became of the events of one EventBridge invocation (or one replayed record)."""


def alert_for_call(
    call: ApiCall, settings: Settings, catalog: AwsCatalog, result: EventResult
) -> AwsAlert | None:
    """The alert for an API call, or None with the reason counted in `result.dropped`."""
    actor = actor_of_caller(call.identity)
    if not concerns_us(call, settings):
        result.drop("not_watched", actor.label)
        return None
    if call.outcome is Outcome.FAILED:
        result.drop("failed", actor.label)
        return None
    if not settings.alert_on_automation and is_automation(actor, settings):
        result.drop("automation", actor.label)
        return None
    rule = catalog.match(call)
    if rule is None:
        result.drop("read_only" if call.read_only else "no_rule", actor.label)
        return None
    summary = summarize(call)
    alert = AwsAlert(
        event=call,
        actor=actor,
        rule=rule,
        location=location_of(call, settings),
        resource=summary.resource,
        target=summary.target,
        action=summary.action,
        changes=api_changes.describe(call),
        client=api_client(call.user_agent),
    )
    if alert.severity.rank < settings.min_severity.rank:
        result.drop("below_min_severity", actor.label)
        return None
    result.alerts.append(alert)
    return alert


def concerns_us(call: ApiCall, settings: Settings) -> bool:
    """A watched cluster or EKS log group, or one of the module's own resources."""
    own = settings.bot_name + "-"
    match call.service:
        case "eks":
            cluster = cluster_of(call)
            return bool(cluster) and settings.watches_cluster(cluster)
        case "logs":
            return is_watched_log_group(target_of(call, "logGroupName"), settings)
        case "lambda":
            return function_name(target_of(call, "functionName")) == settings.bot_name
        case "events":
            name = target_of(call, "rule" if "rule" in call.request else "name")
            return name.startswith(own)
        case "monitoring":
            names = target_of(call, "alarmNames" if "alarmNames" in call.request else "alarmName")
            return any(name.strip().startswith(own) for name in names.split(","))
    return False


def is_watched_log_group(log_group: str, settings: Settings) -> bool:
    """One of the watched clusters' log groups (any EKS control-plane group when unset)."""
    cluster = cluster_name(log_group)
    if cluster == log_group:
        return False
    return not settings.watched_clusters or cluster in settings.watched_clusters


def is_automation(actor: Actor, settings: Settings) -> bool:
    if actor.kind in AUTOMATION_KINDS:
        return True
    return matches_principal(actor, settings.automation_principals)


def location_of(call: ApiCall, settings: Settings) -> Location:
    """The cluster (EKS calls, EKS log groups), the account and the region of the call."""
    log_group = target_of(call, "logGroupName") if call.service == "logs" else ""
    cluster = cluster_of(call) or (cluster_name(log_group) if log_group else "")
    if cluster == log_group:
        cluster = ""
    account = call.account_id or call.identity.account_id or settings.account_id
    return Location(
        cluster=cluster,
        log_group=log_group,
        account_id=account,
        account_name=settings.account_name_of(account),
        region=call.region or settings.region,
        partition=settings.partition,
    )


def api_client(user_agent: str) -> str:
    """What the caller used: `AWS CLI 2.17.4`, `AWS console`, `Terraform`, ..."""
    agent = user_agent.strip()
    lowered = agent.lower()
    if not agent:
        return ""
    if lowered.startswith(("aws internal", "aws-internal")):
        return "AWS internal"
    if "console.amazonaws.com" in lowered or lowered.startswith("mozilla/"):
        return "AWS console"
    for product, name in _CLIENTS:
        if product in lowered:
            if product == _CLI:
                version = agent[lowered.index(_CLI) + len(_CLI) :].split(" ", 1)[0]
                return f"{name} {version[:20]}"
            return name
    return agent.split(" ", 1)[0].split("/", 1)[0][:60]
