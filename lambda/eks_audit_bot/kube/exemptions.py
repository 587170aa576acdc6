"""Whose job it is: the identities a rule about a dangerous action spares.

Dangerous actions (cluster-admin bindings, privileged workloads, admission webhooks, secret
reads beyond one's namespace, aws-auth edits, tokens for others, permission enumeration) alert
whoever does them, except the identities whose job it is. Each exemption names rules, the
identities (globs on the Kubernetes username, IAM ARN, canonical ARN or role name, as
`automation_principals`) and, optionally, the namespaces and resources it covers: a controller
is spared only what its job needs, never everything.

Built in (`whose_job.json`): the Kubernetes controllers (a pod the ReplicaSet controller
creates is the echo of a template: the template change is judged, not the echo), EKS's own
identities and the well-known operators and GitOps tools by their standard identities. The
user adds `RULE_EXCEPTIONS` (rule x principal x namespace). `ALERT_ON_AUTOMATION=true` drops
the built-in ones. Anonymous requests are never exempt.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from importlib import resources
from typing import Any, NamedTuple

from eks_audit_bot.core.actor import Actor, ActorKind, matches_principal
from eks_audit_bot.core.rule_schema import ConfigError

USER_SETTING = "RULE_EXCEPTIONS"
_USER_KEYS = frozenset({"rule", "principal", "namespace"})
_MAX_IDENTITIES = 10_000


class Exemption(NamedTuple):
    """`principals` may do what `rules` alert on, in `namespaces` and on `resources` (empty:
    any); `who` names it for people (the built-in entry, or `RULE_EXCEPTIONS[2]`)."""

    who: str
    rules: tuple[str, ...]
    principals: tuple[str, ...]
    namespaces: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()

    def spares(self, actor: Actor) -> bool:
        return matches_principal(actor, self.principals)

    def covers(self, rule_id: str, namespace: str, resource: str) -> bool:
        return (
            _any(self.rules, rule_id)
            and (not self.namespaces or _any(self.namespaces, namespace))
            and (not self.resources or _any(self.resources, resource))
        )


class Exemptions:
    """Every exemption in force: the built-in ones (unless alerting on automation) and the
    user's."""

    __slots__ = ("_spared", "entries")

    def __init__(self, entries: tuple[Exemption, ...] = ()) -> None:
        self.entries = entries
        # Who is spared by which entries, by identity (a memo: identities repeat in every batch).
        self._spared: dict[tuple[str, ...], tuple[int, ...]] = {}

    def of(self, actor: Actor) -> tuple[int, ...]:
        """The exemptions that spare `actor` (by index): what the screen keys its answers on."""
        if actor.kind is ActorKind.ANONYMOUS or not self.entries:
            return ()
        key = (actor.username, actor.iam_arn, actor.canonical_arn)
        found = self._spared.get(key)
        if found is None:
            found = tuple(index for index, entry in enumerate(self.entries) if entry.spares(actor))
            if len(self._spared) < _MAX_IDENTITIES:
                self._spared[key] = found
        return found

    def exempt(self, rule_id: str, actor: Actor, namespace: str, resource: str) -> bool:
        """Whether `actor` may do what `rule_id` alerts on, in `namespace` on `resource`."""
        return self.exempt_by(self.of(actor), rule_id, namespace, resource)

    def exempt_by(
        self, spared: tuple[int, ...], rule_id: str, namespace: str, resource: str
    ) -> bool:
        return any(self.entries[index].covers(rule_id, namespace, resource) for index in spared)


def builtin_exemptions() -> tuple[Exemption, ...]:
    """The identities whose job it is (`whose_job.json`)."""
    text = resources.files("eks_audit_bot.kube").joinpath("whose_job.json").read_text("utf-8")
    return tuple(
        Exemption(
            who=raw["who"],
            rules=tuple(raw["rules"]),
            principals=tuple(raw["principals"]),
            namespaces=tuple(raw.get("namespaces", ())),
            resources=tuple(raw.get("resources", ())),
        )
        for raw in json.loads(text)["identities"]
    )


def user_exemptions(raws: Iterable[Mapping[str, Any]], rule_ids: set[str]) -> tuple[Exemption, ...]:
    """`RULE_EXCEPTIONS`: `{"rule": id or glob, "principal": glob, "namespace": glob}` each;
    raise `ConfigError` naming the entry and field at fault."""
    return tuple(_user_exemption(raw, index, rule_ids) for index, raw in enumerate(raws))


def _user_exemption(raw: Mapping[str, Any], index: int, rule_ids: set[str]) -> Exemption:
    where = f"{USER_SETTING}[{index}]"
    unknown = sorted(set(raw) - _USER_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown field {unknown[0]!r}; allowed: namespace, principal, rule"
        )
    values = {}
    for key in ("rule", "principal", "namespace"):
        value = raw.get(key, "*" if key == "namespace" else None)
        # A namespace may be "": cluster-scoped objects and requests across all namespaces.
        if not isinstance(value, str) or (key != "namespace" and not value.strip()):
            raise ConfigError(f"{where}: field {key!r}: expected a non-empty string (a glob)")
        values[key] = value.strip()
    if not any(fnmatchcase(rule_id, values["rule"]) for rule_id in rule_ids):
        raise ConfigError(f"{where}: field 'rule': {values['rule']!r} names no rule of the catalog")
    if values["principal"] == "*":
        raise ConfigError(
            f"{where}: field 'principal': '*' would spare everyone; disable the rule instead"
        )
    return Exemption(
        who=where,
        rules=(values["rule"],),
        principals=(values["principal"],),
        namespaces=(values["namespace"],),
    )


def _any(globs: tuple[str, ...], value: str) -> bool:
    return value in globs or any(fnmatchcase(value, glob) for glob in globs)
