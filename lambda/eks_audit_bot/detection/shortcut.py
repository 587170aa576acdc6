"""The cheap decision: events dropped from their decoded JSON, before any model is built.

Most of an audit log is built-in automation reading (controllers watching, kubelets getting,
CoreDNS listing). They are dropped here from a handful of dictionary lookups, with the same
count (`automation`) the full path would give them. The test is deliberately narrow: anything
a rule or an out-of-character check could care about takes the full path.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from eks_audit_bot.detection.rule_model import Audience, Match
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.settings import Settings

_READ_VERBS = frozenset({"get", "list", "watch"})
_AUTOMATION_PREFIXES = ("system:serviceaccount:", "system:node:", "system:kube-", "eks:")
_EKS_SERVICE_LINKED_ROLE = "/aws-service-role/eks.amazonaws.com/"
# Predicates no allowed plain read by built-in automation satisfies. (`outside-trusted-
# networks` needs `trusted_source_cidrs`, which turns the shortcut off.)
_NEVER_ON_PLAIN_READS = frozenset(
    {
        "denied",
        "anonymous-actor",
        "human-actor",
        "outside-trusted-networks",
        "token-for-another-identity",
        "exec-copies-files",
        "exec-reads-credentials",
    }
)
# Reads that can matter even by automation: credentials, tokens and certificates.
_SENSITIVE_RESOURCES = frozenset(
    {"secrets", "serviceaccounts", "tokenreviews", "certificatesigningrequests"}
)


def read_shortcut_enabled(settings: Settings, catalog: RuleCatalog) -> bool:
    """Whether plain automation reads may be dropped cheaply: not when automation alerts
    anyway, nor when it is judged by where it calls from (`trusted_source_cidrs`), nor when
    a rule about automation could fire on such a read (a custom rule, say)."""
    if settings.alert_on_automation or settings.trusted_source_cidrs:
        return False
    return not any(_may_fire_on_plain_reads(rule.match) for rule in catalog.rules)


def _may_fire_on_plain_reads(match: Match) -> bool:
    """A rule for automation whose verbs and subresources admit a plain read, unless a
    predicate of it never holds for one (a refusal, a person, a token...)."""
    if not match.is_for(Audience.AUTOMATION) or _NEVER_ON_PLAIN_READS & set(match.predicates):
        return False
    reads = any(fnmatchcase(verb, glob) for verb in _READ_VERBS for glob in match.verbs)
    return reads and any(fnmatchcase("", glob) for glob in match.subresources)


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
