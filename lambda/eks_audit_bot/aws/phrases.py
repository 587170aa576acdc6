"""What an AWS API call did, in words: the resource kind, the one it touched, a short phrase.

`alice@example.com granted AmazonEKSClusterAdminPolicy to role/contractor` is built from
the operation's phrase in `watched.json` (one entry per subscribed operation, beside the
list the EventBridge rules subscribe to); the headline adds who and where. Every value comes
from `requestParameters` (caller-controlled): renderers escape them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from eks_audit_bot.aws import predicates as checks
from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.aws.watched import function_name, phrase_of
from eks_audit_bot.core.jsonvalue import mapping, strings, text

VALUE_LIMIT = 200

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
    found = phrase_of(call)
    resource, key, phrase = (found.resource, found.target, found.phrase) if found else ("", "", "")
    target = target_of(call, key or _TARGET_KEYS.get(call.service, ""))
    if resource == "function" or (not key and call.service == "lambda"):
        target = function_name(target)
    if not phrase:
        where = f" on {short(target)}" if target else ""
        return CallSummary(call.service, target, f"called {call.operation}{where}")
    if call.event_name == "PutRule" and checks.disables_rule(call):
        phrase = "disabled EventBridge rule {target}"
    if call.event_name == "UpdateEventSourceMapping" and checks.disables_event_source_mapping(call):
        phrase = "disabled the event source mapping {target} of the function"
    days = scalar(call.parameter("retentionInDays")) or "?"
    values = {
        "target": short(target) or "(not named in the request)",
        "policy": checks.policy_name(call) or "an access policy",
        "version": clip(text(call.parameter("version"))) or "a new version",
        "filter": clip(text(call.parameter("filterName"))),
        "days": f"{days} day" if days == "1" else f"{days} days",
        "concurrency": scalar(call.parameter("reservedConcurrentExecutions")) or "?",
        "policy_name": clip(text(call.parameter("policyName"))) or "?",
        "attribute": clip(text(call.parameter("attributeName"))) or "?",
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
