"""What an AWS API call changed, as short lines for the alert ("What changed").

Only settings that decide access or the audit pipeline are shown, by name and value. Never
shown: Lambda environment variables (only that the environment changed), function code, tags,
or anything else of a request body; keys of unknown settings are named, never their values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from eks_audit_bot.aws import predicates as checks
from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.aws.phrases import clip, scalar, target_of
from eks_audit_bot.core.jsonvalue import mapping, mappings, strings, text

# Settings shown with their values, by request parameter: label.
_SHOWN = {
    "principalArn": "principal",
    "type": "type",
    "kubernetesGroups": "Kubernetes groups",
    "username": "Kubernetes username",
    "namespace": "namespace",
    "serviceAccount": "service account",
    "roleArn": "role",
    "version": "version",
    "addonVersion": "add-on version",
    "serviceAccountRoleArn": "service account role",
    "nodeRole": "node role",
    "podExecutionRoleArn": "pod execution role",
    "logGroupName": "log group",
    "filterName": "filter",
    "filterPattern": "filter pattern",
    "destinationArn": "destination",
    "retentionInDays": "retention in days",
    "reservedConcurrentExecutions": "reserved concurrency",
    "statementId": "permission statement",
    "principal": "invoking principal",
    "sourceArn": "invoking source",
    "state": "state",
    "eventPattern": "event pattern",
    "ids": "target ids",
    "alarmName": "alarm",
    "alarmNames": "alarms",
}


def describe(call: ApiCall) -> tuple[str, ...]:
    """Lines like `policy: AmazonEKSClusterAdminPolicy`, `scope: cluster-wide`."""
    special = _SPECIAL.get(call.event_name)
    lines = list(special(call)) if special else []
    for key, label in _SHOWN.items():
        if key in call.request:
            value = target_of(call, key) if key == "principalArn" else _value(call, key)
            if value:
                lines.append(f"{label}: {value}")
    return tuple(lines)


def _value(call: ApiCall, key: str) -> str:
    value = call.parameter(key)
    if isinstance(value, list):
        return clip(", ".join(strings(value)) or "(none)")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return scalar(value)


def _access_policy(call: ApiCall) -> Iterator[str]:
    yield f"policy: {clip(checks.policy_name(call)) or '(unknown)'}"
    scope = mapping(call.parameter("accessScope"))
    namespaces = strings(scope.get("namespaces"))
    if text(scope.get("type")) == "namespace":
        yield f"scope: namespaces {clip(', '.join(namespaces)) or '(none)'}"
    elif scope:
        yield "scope: cluster-wide"


def _cluster_config(call: ApiCall) -> Iterator[str]:
    for setup in mappings(mapping(call.parameter("logging")).get("clusterLogging")):
        enabled = setup.get("enabled")
        state = ("on" if enabled else "off") if isinstance(enabled, bool) else "?"
        yield f"log types turned {state}: {clip(', '.join(strings(setup.get('types'))))}"
    vpc = mapping(call.parameter("resourcesVpcConfig"))
    for key, label in (("endpointPublicAccess", "public"), ("endpointPrivateAccess", "private")):
        if isinstance(vpc.get(key), bool):
            yield f"{label} endpoint: {'on' if vpc[key] else 'off'}"
    if "publicAccessCidrs" in vpc:
        yield f"public access CIDRs: {clip(', '.join(strings(vpc['publicAccessCidrs'])))}"
    mode = text(mapping(call.parameter("accessConfig")).get("authenticationMode"))
    if mode:
        yield f"authentication mode: {clip(mode)}"
    if isinstance(call.parameter("deletionProtection"), bool):
        yield f"deletion protection: {'on' if call.parameter('deletionProtection') else 'off'}"
    known = {"name", "clientRequestToken", "logging", "resourcesVpcConfig", "accessConfig"}
    others = sorted(set(call.request) - known - {"deletionProtection"})
    if others:
        yield f"other settings: {clip(', '.join(others))}"


def _identity_provider(call: ApiCall) -> Iterator[str]:
    oidc = mapping(call.parameter("oidc"))
    for key, label in (("issuerUrl", "issuer"), ("clientId", "client id")):
        if text(oidc.get(key)):
            yield f"{label}: {clip(text(oidc.get(key)))}"
    for key in ("usernameClaim", "groupsClaim"):
        if text(oidc.get(key)):
            yield f"{key}: {clip(text(oidc.get(key)))}"


def _encryption(call: ApiCall) -> Iterator[str]:
    for config in mappings(call.parameter("encryptionConfig")):
        key = text(mapping(config.get("provider")).get("keyArn"))
        yield f"KMS key: {clip(key) or '(unknown)'}"


def _function_configuration(call: ApiCall) -> Iterator[str]:
    changed = sorted(set(call.request) - {"functionName"})
    yield f"settings: {clip(', '.join(changed)) or '(none)'}"
    if "environment" in call.request:
        yield "environment variables changed (values not shown)"
    if text(call.parameter("role")):
        yield f"role: {clip(text(call.parameter('role')))}"


def _function_code(call: ApiCall) -> Iterator[str]:
    bucket, key = text(call.parameter("s3Bucket")), text(call.parameter("s3Key"))
    image = text(call.parameter("imageUri"))
    if bucket:
        yield f"code from: s3://{clip(bucket)}/{clip(key)}"
    elif image:
        yield f"image: {clip(image)}"
    else:
        yield "code from: a zip upload"


_SPECIAL: dict[str, Callable[[ApiCall], Iterator[str]]] = {
    "AssociateAccessPolicy": _access_policy,
    "DisassociateAccessPolicy": _access_policy,
    "UpdateClusterConfig": _cluster_config,
    "AssociateIdentityProviderConfig": _identity_provider,
    "AssociateEncryptionConfig": _encryption,
    "UpdateFunctionConfiguration": _function_configuration,
    "UpdateFunctionCode": _function_code,
}
