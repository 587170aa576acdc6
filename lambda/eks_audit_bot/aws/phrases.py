"""What an AWS API call did, in words: the resource kind, the one it touched, a short phrase.

`alice@example.com granted AmazonEKSClusterAdminPolicy to role/contractor` is built from
the action phrase here; the headline adds who and where. Every value comes from
`requestParameters` (caller-controlled): renderers escape them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from eks_audit_bot.aws import predicates as checks
from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.core.jsonvalue import mapping, strings, text

VALUE_LIMIT = 200

# eventName -> (resource kind, request parameter naming the target, past-tense phrase).
# `{target}` is the target, shortened when it is an ARN; `{policy}` the access policy's name.
_PHRASES: dict[str, tuple[str, str, str]] = {
    "CreateAccessEntry": ("access-entry", "principalArn", "created an access entry for {target}"),
    "UpdateAccessEntry": ("access-entry", "principalArn", "changed the access entry of {target}"),
    "DeleteAccessEntry": ("access-entry", "principalArn", "deleted the access entry of {target}"),
    "AssociateAccessPolicy": ("access-policy", "principalArn", "granted {policy} to {target}"),
    "DisassociateAccessPolicy": ("access-policy", "principalArn", "revoked {policy} from {target}"),
    "UpdateClusterVersion": ("cluster", "name", "started an upgrade to Kubernetes {version}"),
    "DeleteCluster": ("cluster", "name", "deleted the cluster"),
    "AssociateEncryptionConfig": ("cluster", "name", "configured secrets encryption"),
    "CreatePodIdentityAssociation": (
        "pod-identity-association",
        "serviceAccount",
        "gave an IAM role to service account {target}",
    ),
    "UpdatePodIdentityAssociation": (
        "pod-identity-association",
        "associationId",
        "changed pod identity association {target}",
    ),
    "DeletePodIdentityAssociation": (
        "pod-identity-association",
        "associationId",
        "deleted pod identity association {target}",
    ),
    "AssociateIdentityProviderConfig": (
        "identity-provider",
        "oidc.identityProviderConfigName",
        "associated OIDC identity provider {target}",
    ),
    "DisassociateIdentityProviderConfig": (
        "identity-provider",
        "identityProviderConfig.name",
        "disassociated OIDC identity provider {target}",
    ),
    "CreateAddon": ("addon", "addonName", "created add-on {target}"),
    "UpdateAddon": ("addon", "addonName", "changed add-on {target}"),
    "DeleteAddon": ("addon", "addonName", "deleted add-on {target}"),
    "CreateNodegroup": ("nodegroup", "nodegroupName", "created node group {target}"),
    "UpdateNodegroupConfig": ("nodegroup", "nodegroupName", "changed node group {target}"),
    "UpdateNodegroupVersion": ("nodegroup", "nodegroupName", "upgraded node group {target}"),
    "DeleteNodegroup": ("nodegroup", "nodegroupName", "deleted node group {target}"),
    "CreateFargateProfile": (
        "fargate-profile",
        "fargateProfileName",
        "created Fargate profile {target}",
    ),
    "DeleteFargateProfile": (
        "fargate-profile",
        "fargateProfileName",
        "deleted Fargate profile {target}",
    ),
    "DeleteSubscriptionFilter": (
        "subscription-filter",
        "logGroupName",
        "deleted subscription filter {filter} of {target}",
    ),
    "PutSubscriptionFilter": (
        "subscription-filter",
        "logGroupName",
        "put subscription filter {filter} on {target}",
    ),
    "DeleteLogGroup": ("log-group", "logGroupName", "deleted log group {target}"),
    "PutRetentionPolicy": ("log-group", "logGroupName", "set the retention of {target} to {days}"),
    "DeleteRetentionPolicy": (
        "log-group",
        "logGroupName",
        "removed the retention policy of {target}",
    ),
    "UpdateFunctionCode": ("function", "functionName", "replaced the code of function {target}"),
    "UpdateFunctionConfiguration": (
        "function",
        "functionName",
        "changed the configuration of function {target}",
    ),
    "DeleteFunction": ("function", "functionName", "deleted function {target}"),
    "PutFunctionConcurrency": (
        "function",
        "functionName",
        "set the reserved concurrency of function {target} to {concurrency}",
    ),
    "AddPermission": (
        "function",
        "functionName",
        "added an invoke permission to function {target}",
    ),
    "RemovePermission": (
        "function",
        "functionName",
        "removed an invoke permission of function {target}",
    ),
    "PutFunctionEventInvokeConfig": (
        "function",
        "functionName",
        "changed the asynchronous invocation settings of function {target}",
    ),
    "UpdateFunctionEventInvokeConfig": (
        "function",
        "functionName",
        "changed the asynchronous invocation settings of function {target}",
    ),
    "DeleteFunctionEventInvokeConfig": (
        "function",
        "functionName",
        "deleted the asynchronous invocation settings of function {target}",
    ),
    "DisableRule": ("event-rule", "name", "disabled EventBridge rule {target}"),
    "DeleteRule": ("event-rule", "name", "deleted EventBridge rule {target}"),
    "PutRule": ("event-rule", "name", "changed EventBridge rule {target}"),
    "RemoveTargets": ("event-rule", "rule", "removed targets of EventBridge rule {target}"),
    "PutTargets": ("event-rule", "rule", "changed targets of EventBridge rule {target}"),
    "DeleteAlarms": ("alarm", "alarmNames", "deleted alarms {target}"),
    "DisableAlarmActions": ("alarm", "alarmNames", "disabled the actions of alarms {target}"),
    "PutMetricAlarm": ("alarm", "alarmName", "changed alarm {target}"),
}


# The request parameter that usually names the target, for calls without a phrase above.
_TARGET_KEYS = {
    "eks": "name",
    "logs": "logGroupName",
    "lambda": "functionName",
    "events": "name",
    "monitoring": "alarmNames",
}


@dataclass(frozen=True, slots=True)
class CallSummary:
    resource: str
    target: str
    action: str


def summarize(call: ApiCall) -> CallSummary:
    """The resource kind, its target and a past-tense phrase for an API call."""
    if call.event_name == "UpdateClusterConfig":
        return CallSummary("cluster", cluster_of(call), cluster_config_phrase(call))
    resource, key, phrase = _PHRASES.get(call.event_name, ("", "", ""))
    target = target_of(call, key or _TARGET_KEYS.get(call.service, ""))
    if resource == "function" or (not key and call.service == "lambda"):
        target = function_name(target)
    if not phrase:
        where = f" on {short(target)}" if target else ""
        return CallSummary(call.service, target, f"called {call.operation}{where}")
    if call.event_name == "PutRule" and checks.disables_rule(call):
        phrase = "disabled EventBridge rule {target}"
    days = scalar(call.parameter("retentionInDays")) or "?"
    values = {
        "target": short(target) or "(not named in the request)",
        "policy": checks.policy_name(call) or "an access policy",
        "version": clip(text(call.parameter("version"))) or "a new version",
        "filter": clip(text(call.parameter("filterName"))),
        "days": f"{days} day" if days == "1" else f"{days} days",
        "concurrency": scalar(call.parameter("reservedConcurrentExecutions")) or "?",
    }
    return CallSummary(resource or call.service, target, phrase.format_map(values))


def target_of(call: ApiCall, key: str) -> str:
    """The request parameter at a dotted `key`, a list joined, ARNs URL-decoded."""
    if key == "serviceAccount":
        namespace = text(call.parameter("namespace"))
        return clip(f"{namespace}/{text(call.parameter('serviceAccount'))}")
    value = call.parameter(*key.split(".")) if key else None
    if isinstance(value, list):
        return clip(", ".join(strings(value)))
    found = text(value)
    # Path parameters (principalArn of the access policy calls) arrive URL-encoded.
    return clip(unquote(found) if found.startswith("arn%3A") else found)


def function_name(value: str) -> str:
    """`eks-audit-bot` for its name, ARN, partial ARN or `name:qualifier`."""
    parts = value.split(":")
    if "function" in parts[:-1]:
        return parts[parts.index("function") + 1]
    return parts[0]


def cluster_of(call: ApiCall) -> str:
    """The EKS cluster an `eks.amazonaws.com` call names (`requestParameters.name`)."""
    return clip(text(call.parameter("name"))) if call.service == "eks" else ""


def cluster_config_phrase(call: ApiCall) -> str:
    """`turned off audit logging and opened the public API endpoint`, from what is in it."""
    parts = []
    if "logging" in call.request:
        audit_off = checks.disables_audit_log(call)
        parts.append("turned off audit logging" if audit_off else "changed logging")
    if "resourcesVpcConfig" in call.request:
        opened = checks.opens_public_endpoint(call)
        parts.append("opened the public API endpoint" if opened else "changed endpoint access")
    mode = text(mapping(call.parameter("accessConfig")).get("authenticationMode"))
    if mode:
        parts.append(f"set the authentication mode to {clip(mode)}")
    protection = call.parameter("deletionProtection")
    if isinstance(protection, bool):
        parts.append(f"turned deletion protection {'on' if protection else 'off'}")
    return " and ".join(parts) or "changed the cluster configuration"


def short(value: str) -> str:
    """`role/contractor` for an IAM ARN; other values as they are."""
    if value.startswith("arn:") and value.count(":") >= 5:
        return value.split(":", 5)[5] or value
    return value


def scalar(value: object) -> str:
    """A string or a whole number as text (clipped); anything else empty."""
    if isinstance(value, bool):
        return ""
    return clip(str(value)) if isinstance(value, str | int) else ""


def clip(value: str) -> str:
    return value if len(value) <= VALUE_LIMIT else value[: VALUE_LIMIT - 1] + "…"
