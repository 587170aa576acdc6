"""From an AWS API call (a CloudTrail record) to an alert: does it concern us, who, which rule.

A call concerns us when it is a subscribed operation (`watched.json`) on something the module
created or depends on (`watched.concerns_us`): a watched cluster or EKS log group, the
function, its role, rules, alarms, stream, Logs destination, topics, queue, table, keys, or a
trail. The EventBridge rules already select these calls; the function decides again and
never trusts the pattern (a replayed CloudTrail log
file holds everything). As for Kubernetes requests, a call AWS refused (`denied`) alerts one
severity step lower and a call that failed otherwise changed nothing: it is counted, not
alerted. `automation_principals` applies to the person behind the call; user agents, which
the caller chooses, never make a call automation.

Pure: no AWS calls and no logging.
"""

from __future__ import annotations

from eks_audit_bot.aws import changes as api_changes
from eks_audit_bot.aws.alert import AwsAlert
from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.aws.caller import actor_of_caller
from eks_audit_bot.aws.phrases import cluster_of, summarize, target_of
from eks_audit_bot.aws.rules import AwsCatalog
from eks_audit_bot.aws.watched import concerns_us
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

_SERVICES = {"cloudformation": "CloudFormation", "servicecatalog": "Service Catalog"}


class EventResult(Tally[AwsAlert]):
    """What became of the events of one EventBridge invocation (or one replayed record)."""

    __slots__ = ()


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
        client=client_of(call),
    )
    if alert.severity.rank < settings.min_severity.rank:
        result.drop("below_min_severity", actor.label)
        return None
    result.alerts.append(alert)
    return alert


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


def client_of(call: ApiCall) -> str:
    """What the caller used; `via CloudFormation` when a person acted through a service."""
    service = call.identity.invoked_by
    if service and call.identity.type != "AWSService":
        return f"via {service_name(service)}"
    return api_client(call.user_agent)


def service_name(principal: str) -> str:
    """`CloudFormation` for `cloudformation.amazonaws.com`; other principals as they are."""
    name = principal.removesuffix(".amazonaws.com")
    return _SERVICES.get(name, principal[:60])


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
