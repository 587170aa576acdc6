"""The cheap decision: events dropped from their decoded JSON, before any model is built.

Most of an audit log is built-in automation reading (controllers watching, kubelets getting,
CoreDNS listing). They are dropped here from a handful of dictionary lookups, with the same
count (`automation`) the full path would give them. The test is deliberately narrow: anything
a rule or an out-of-character check could care about takes the full path.
"""

from __future__ import annotations

from typing import Any

from eks_audit_bot.settings import Settings

_READ_VERBS = frozenset({"get", "list", "watch"})
_AUTOMATION_PREFIXES = ("system:serviceaccount:", "system:node:", "system:kube-", "eks:")
_EKS_SERVICE_LINKED_ROLE = "/aws-service-role/eks.amazonaws.com/"
# Reads that can matter even by automation: credentials, tokens and certificates.
_SENSITIVE_RESOURCES = frozenset(
    {"secrets", "serviceaccounts", "tokenreviews", "certificatesigningrequests"}
)


def read_shortcut_enabled(settings: Settings) -> bool:
    """Whether plain automation reads may be dropped cheaply. Off when automation alerts
    anyway; a setting that judges automation by more than who it is (where it calls from)
    must turn it off too."""
    return not settings.alert_on_automation


def is_plain_automation_read(raw: dict[str, Any], *, enabled: bool) -> bool:
    """True for a completed, allowed `get`/`list`/`watch` of an ordinary resource (no
    subresource, no secrets, tokens or certificates, no impersonation, no `dryRun`) by a
    built-in automation identity: a service account, a node, a `system:kube-*` component,
    an `eks:*` identity or the EKS service-linked role. `raw` passed `invalid_reason`."""
    if not enabled or raw["stage"] != "ResponseComplete" or raw["verb"] not in _READ_VERBS:
        return False
    status = raw.get("responseStatus")
    code = status.get("code") if type(status) is dict else None
    if type(code) is not int or not 200 <= code < 300:
        return False
    uri = raw.get("requestURI")
    if "impersonatedUser" in raw or type(uri) is not str or "dryRun" in uri:
        return False
    if not _ordinary_object(raw.get("objectRef")) or not _allowed(raw.get("annotations")):
        return False
    return _builtin_automation(raw["user"])


def _ordinary_object(ref: object) -> bool:
    if ref is None:
        return True  # a non-resource URL (`/version`, `/apis`)
    if type(ref) is not dict or ref.get("subresource"):
        return False
    resource = ref.get("resource")
    return type(resource) is str and resource not in _SENSITIVE_RESOURCES


def _allowed(annotations: object) -> bool:
    if annotations is None:
        return True
    if type(annotations) is not dict:
        return False
    decision: object = annotations.get("authorization.k8s.io/decision", "allow")
    return decision == "allow"


def _builtin_automation(user: dict[str, Any]) -> bool:
    username: str = user["username"]
    if username.startswith(_AUTOMATION_PREFIXES):
        return True
    extra = user.get("extra")
    if type(extra) is not dict:
        return False
    canonical = extra.get("canonicalArn")
    return (
        type(canonical) is list
        and len(canonical) == 1
        and type(canonical[0]) is str
        and _EKS_SERVICE_LINKED_ROLE in canonical[0]
    )
