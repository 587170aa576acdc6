"""RBAC content: what a binding grants to whom, and which parts of a role are dangerous."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_audit_bot.core.jsonvalue import mapping, mappings, strings, text

PRIVILEGED_ROLES = frozenset({"cluster-admin", "admin"})
PRIVILEGED_GROUPS = frozenset({"system:masters"})
ANONYMOUS_SUBJECTS = frozenset({("User", "system:anonymous"), ("Group", "system:unauthenticated")})
ESCALATING_VERBS = ("escalate", "bind", "impersonate")
WRITE_VERBS = frozenset({"create", "update", "patch", "delete", "deletecollection", "*"})
RBAC_GROUP = "rbac.authorization.k8s.io"
RBAC_RESOURCES = ("roles", "rolebindings", "clusterroles", "clusterrolebindings")
# What runs code: writing any of these lets the holder run a container with a namespace's
# service accounts and secrets.
WORKLOAD_RESOURCES = (
    "pods",
    "deployments",
    "daemonsets",
    "statefulsets",
    "replicasets",
    "replicationcontrollers",
    "jobs",
    "cronjobs",
)
# (resources, verbs that make it dangerous or () for any, what it lets the holder do)
_SENSITIVE = (
    (("secrets",), ("get", "list", "watch"), "reads secrets"),
    (("pods/exec", "pods/attach"), ("create", "get"), "execs into pods (pods/exec)"),
    (("serviceaccounts/token",), ("create",), "mints tokens (serviceaccounts/token)"),
    (("nodes/proxy",), (), "reaches kubelets (nodes/proxy)"),
)


def role_ref(binding: Mapping[str, Any]) -> str:
    """`ClusterRole cluster-admin`, or empty when the body has no roleRef."""
    ref = mapping(binding.get("roleRef"))
    name = text(ref.get("name"))
    return f"{text(ref.get('kind')) or 'Role'} {name}" if name else ""


def subjects(binding: Mapping[str, Any]) -> list[str]:
    """`User alice`, `Group system:masters`, `ServiceAccount ns/name`."""
    result = []
    for subject in mappings(binding.get("subjects")):
        kind, name = text(subject.get("kind")), text(subject.get("name"))
        namespace = text(subject.get("namespace"))
        if kind == "ServiceAccount" and namespace:
            name = f"{namespace}/{name}"
        result.append(f"{kind} {name}".strip())
    return result


def binds_privileged(binding: Mapping[str, Any]) -> bool:
    """Binds cluster-admin/admin, or makes someone a member of system:masters."""
    if text(mapping(binding.get("roleRef")).get("name")) in PRIVILEGED_ROLES:
        return True
    return any(
        text(subject.get("kind")) == "Group" and text(subject.get("name")) in PRIVILEGED_GROUPS
        for subject in mappings(binding.get("subjects"))
    )


def grants_anonymous(binding: Mapping[str, Any]) -> bool:
    """Binds anything to system:anonymous or system:unauthenticated."""
    return any(
        (text(subject.get("kind")), text(subject.get("name"))) in ANONYMOUS_SUBJECTS
        for subject in mappings(binding.get("subjects"))
    )


def role_rules(role: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return mappings(role.get("rules"))


def dangerous_parts(rule: Mapping[str, Any]) -> list[str]:
    """What makes one PolicyRule dangerous, in words; empty when nothing does."""
    verbs, resources = strings(rule.get("verbs")), strings(rule.get("resources"))
    parts = [
        f"all {label} (*)"
        for label, values in (
            ("verbs", verbs),
            ("resources", resources),
            ("API groups", strings(rule.get("apiGroups"))),
            ("non-resource URLs", strings(rule.get("nonResourceURLs"))),
        )
        if "*" in values
    ]
    parts += [verb for verb in ESCALATING_VERBS if verb in verbs]
    rbac = _written(rule, RBAC_RESOURCES, (RBAC_GROUP, "*"))
    if rbac:
        parts.append(f"writes RBAC ({', '.join(rbac)})")
    for names, risky_verbs, meaning in _SENSITIVE:
        named = any(_names_resource(resources, name) for name in names)
        if named and (not risky_verbs or "*" in verbs or set(risky_verbs) & set(verbs)):
            parts.append(meaning)
    return parts


def workload_writes(rule: Mapping[str, Any]) -> list[str]:
    """The workload resources a PolicyRule lets the holder create, change or delete."""
    return _written(rule, WORKLOAD_RESOURCES, ())


def _written(rule: Mapping[str, Any], names: tuple[str, ...], groups: tuple[str, ...]) -> list[str]:
    """Which of `names` the rule grants a write verb on (not via `*`, reported apart);
    `groups` (when given) are the API groups that must be named for it to count."""
    if not WRITE_VERBS & set(strings(rule.get("verbs"))):
        return []
    named_groups = strings(rule.get("apiGroups"))
    if groups and named_groups and not set(groups) & set(named_groups):
        return []
    resources = strings(rule.get("resources"))
    return [name for name in names if name in resources]


def describe_rule(rule: Mapping[str, Any]) -> str:
    """`get, list on secrets, configmaps` with the API groups and resource names when set."""
    verbs = ", ".join(strings(rule.get("verbs"))) or "(no verbs)"
    urls = strings(rule.get("nonResourceURLs"))
    targets = ", ".join(strings(rule.get("resources")) or urls) or "(no resources)"
    line = f"{verbs} on {targets}"
    groups = [group or "core" for group in strings(rule.get("apiGroups"))]
    if groups and not urls:
        line += f" (API groups: {', '.join(groups)})"
    names = strings(rule.get("resourceNames"))
    if names:
        line += f" named {', '.join(names)}"
    return line


def _names_resource(resources: list[str], name: str) -> bool:
    base, _, sub = name.partition("/")
    return name in resources or (bool(sub) and f"{base}/*" in resources)
