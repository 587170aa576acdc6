"""What changed, in readable lines, from what EKS actually logs.

EKS logs RBAC, pods, workloads, services and aws-auth writes at RequestResponse (bodies
present) and secrets and configmaps at Metadata (no bodies). For secrets and configmaps only
names and keys are ever shown, never values, even when a custom audit policy logs the body.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from eks_audit_bot.core.jsonvalue import mapping, mappings, strings, text
from eks_audit_bot.kube.audit import AuditEvent
from eks_audit_bot.kube.bodies import name_of, object_of
from eks_audit_bot.kube.readers import awsauth, credentials, exposure, rbac, workloads

MAX_LINES = 12
_MAX_COMMAND = 300
_DATA_KEYS = ("data", "stringData", "binaryData")


def describe(event: AuditEvent) -> tuple[str, ...]:
    """Lines saying what the request changed or opened; empty when the event does not say."""
    describer = _describer(event)
    lines = describer(event) if describer else []
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], f"… and {len(lines) - MAX_LINES + 1} more"]
    return tuple(lines)


def _describer(event: AuditEvent) -> Callable[[AuditEvent], list[str]] | None:
    ref = event.object_ref
    if ref.subresource in ("exec", "attach"):
        return _exec
    if ref.subresource == "portforward":
        return _port_forward
    if ref.resource == "configmaps" and ref.namespace == "kube-system" and _is_aws_auth(event):
        return _aws_auth
    return _BY_RESOURCE.get(ref.resource)


def _is_aws_auth(event: AuditEvent) -> bool:
    return name_of(event) == "aws-auth"


def _exec(event: AuditEvent) -> list[str]:
    query = parse_qs(urlsplit(event.request_uri).query)
    lines = []
    command = credentials.exec_command(event)
    if command:
        joined = shlex.join(command)
        if len(joined) > _MAX_COMMAND:
            joined = joined[:_MAX_COMMAND] + "…"
        lines.append(f"command: {joined}")
    if credentials.copies_files(command):
        lines.append("copies files with tar (kubectl cp)")
    places = credentials.credential_places(command)
    if places:
        lines.append(f"reaches credentials: {', '.join(places)}")
    if query.get("container"):
        lines.append(f"container: {query['container'][0]}")
    streams = [name for name in ("stdin", "tty") if query.get(name, [""])[0] == "true"]
    if streams:
        lines.append(f"interactive ({', '.join(streams)})")
    return lines


def _port_forward(event: AuditEvent) -> list[str]:
    ports = parse_qs(urlsplit(event.request_uri).query).get("ports", [])
    return [f"ports: {', '.join(ports)}"] if ports else []


def _binding(event: AuditEvent) -> list[str]:
    binding = object_of(event)
    lines = []
    role = rbac.role_ref(binding)
    if role:
        lines.append(f"role: {role}")
    subjects = rbac.subjects(binding)
    if subjects:
        lines.append(f"subjects: {', '.join(subjects)}")
    return lines


def _role(event: AuditEvent) -> list[str]:
    rules = rbac.role_rules(object_of(event))
    dangerous, plain = [], []
    for rule in rules:
        parts = rbac.dangerous_parts(rule)
        writes = rbac.workload_writes(rule)
        if parts:
            dangerous.append(f"allows {rbac.describe_rule(rule)}: DANGEROUS: {', '.join(parts)}")
        elif writes:
            dangerous.append(
                f"allows {rbac.describe_rule(rule)}: runs workloads ({', '.join(writes)})"
            )
        else:
            plain.append(f"allows {rbac.describe_rule(rule)}")
    return dangerous + plain


def _workload(event: AuditEvent) -> list[str]:
    ref = event.object_ref
    obj = object_of(event)
    if ref.subresource == "scale":
        replicas = mapping(obj.get("spec")).get("replicas")
        return [f"replicas: {replicas}"] if isinstance(replicas, int) else []
    spec = workloads.pod_spec(ref.resource, obj)
    if ref.subresource == "ephemeralcontainers":
        return _ephemeral(spec)
    lines = [f"image {line}" for line in workloads.images(spec)]
    schedule = text(mapping(obj.get("spec")).get("schedule")) if ref.resource == "cronjobs" else ""
    if schedule:
        lines.append(f"schedule: {schedule}")
    lines += [f"DANGEROUS: {risk}" for risk in workloads.risky_settings(spec)]
    return lines + [f"WEAKENED: {weak}" for weak in workloads.weakened_settings(spec)]


def _ephemeral(spec: Mapping[str, Any]) -> list[str]:
    lines = []
    for item in mappings(spec.get("ephemeralContainers")):
        line = f"debug container {text(item.get('name'))}: {text(item.get('image'))}"
        target = text(item.get("targetContainerName"))
        lines.append(f"{line}, sharing container {target}" if target else line)
    risks = workloads.risky_settings({"ephemeralContainers": spec.get("ephemeralContainers")})
    return lines + [f"DANGEROUS: {risk}" for risk in risks]


def _keys_only(event: AuditEvent) -> list[str]:
    """Names of the keys a secret or configmap holds; the values are never shown."""
    obj = object_of(event)
    lines = []
    kind_type = text(obj.get("type"))
    if kind_type:
        lines.append(f"type: {kind_type}")
    keys = sorted({key for field in _DATA_KEYS for key in mapping(obj.get(field))})
    if keys:
        lines.append(f"keys: {', '.join(keys)}")
    if event.object_ref.resource == "configmaps":
        hints = credentials.configmap_hints(obj, name_of(event))
        lines += [f"looks like credentials: {hint}" for hint in hints]
    return lines


def _exposure(event: AuditEvent) -> list[str]:
    return exposure.exposure(event.object_ref.resource, object_of(event))


def _aws_auth(event: AuditEvent) -> list[str]:
    if event.verb in ("delete", "deletecollection"):
        return ["aws-auth deleted: every IAM role and user it mapped, nodes included, loses access"]
    data = mapping(object_of(event).get("data"))
    lines = []
    changed = awsauth.changed_keys(event.request_object)
    if changed and event.verb == "patch":
        lines.append(f"patched keys: {', '.join(changed)}")
    for key, kind in (("mapRoles", "role"), ("mapUsers", "user")):
        lines += [entry.describe(kind) for entry in awsauth.entries(text(data.get(key)))]
    accounts = awsauth.accounts(text(data.get("mapAccounts")))
    if accounts:
        lines.append(f"maps every IAM identity of accounts {', '.join(accounts)}")
    if lines:
        lines.append("(the audit log holds only the new content: these are the mappings now)")
    return lines


def _token(event: AuditEvent) -> list[str]:
    """Audience, lifetime and binding of a TokenRequest; the minted token is never read."""
    if event.object_ref.subresource != "token":
        return []
    spec = mapping(object_of(event).get("spec"))
    lines = []
    audiences = strings(spec.get("audiences"))
    if audiences:
        lines.append(f"audiences: {', '.join(audiences)}")
    seconds = spec.get("expirationSeconds")
    if isinstance(seconds, int):
        lines.append(f"valid for: {seconds} seconds")
    bound = mapping(spec.get("boundObjectRef"))
    if bound:
        lines.append(f"bound to: {text(bound.get('kind'))} {text(bound.get('name'))}")
    return lines


def _csr(event: AuditEvent) -> list[str]:
    obj = object_of(event)
    spec = mapping(obj.get("spec"))
    lines = [
        f"{label}: {value}"
        for label, value in (
            ("signer", text(spec.get("signerName"))),
            ("requested by", text(spec.get("username"))),
            ("usages", ", ".join(strings(spec.get("usages")))),
        )
        if value
    ]
    conditions = [
        text(c.get("type")) for c in mappings(mapping(obj.get("status")).get("conditions"))
    ]
    if event.object_ref.subresource == "approval" and conditions:
        lines.append(f"conditions: {', '.join(conditions)}")
    return lines


def _webhooks(event: AuditEvent) -> list[str]:
    return [_webhook(hook) for hook in mappings(object_of(event).get("webhooks"))]


def _webhook(hook: Mapping[str, Any]) -> str:
    client = mapping(hook.get("clientConfig"))
    service = mapping(client.get("service"))
    target = text(client.get("url")).split("?", 1)[0]
    if service:
        target = f"service {text(service.get('namespace'))}/{text(service.get('name'))}"
    policy = text(hook.get("failurePolicy")) or "Fail"
    return f"webhook {text(hook.get('name'))} calls {target or '(unknown)'}, failurePolicy {policy}"


_BY_RESOURCE: Mapping[str, Callable[[AuditEvent], list[str]]] = {
    "rolebindings": _binding,
    "clusterrolebindings": _binding,
    "roles": _role,
    "clusterroles": _role,
    "secrets": _keys_only,
    "configmaps": _keys_only,
    "services": _exposure,
    "ingresses": _exposure,
    "serviceaccounts": _token,
    "certificatesigningrequests": _csr,
    "mutatingwebhookconfigurations": _webhooks,
    "validatingwebhookconfigurations": _webhooks,
    **dict.fromkeys(workloads.POD_SPEC_PATHS, _workload),
}
