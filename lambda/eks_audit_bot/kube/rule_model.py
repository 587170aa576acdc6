"""One catalog rule: its match conditions, and reading it from JSON with clear errors.

Errors name where the rule came from (`CUSTOM_RULES[2]`), its id and the field at fault, so a
bad Terraform input fails the function's cold start with a message a person can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from fnmatch import fnmatchcase
from typing import NamedTuple

from eks_audit_bot.core.actor import Actor
from eks_audit_bot.core.alert import Outcome, RuleHit, severity_for
from eks_audit_bot.core.rule_schema import (
    RULE_ID,
    RuleError,
    severity_field,
    strings_field,
    text_field,
)
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube.audit import REVIEW_RESOURCES, AuditEvent
from eks_audit_bot.kube.bodies import name_of
from eks_audit_bot.kube.context import RuleContext
from eks_audit_bot.kube.predicates import (
    ANONYMOUS_PREDICATES,
    AUTOMATION_PREDICATES,
    PREDICATES,
)

_RULE_KEYS = frozenset({"id", "title", "severity", "explanation", "runbook", "match"})
_MATCH_KEYS = (
    "verbs",
    "resources",
    "subresources",
    "namespaces",
    "names",
    "api_groups",
    "predicates",
    "repeats",
)
_REPEATS_KEYS = ("events", "resources")


class Audience(StrEnum):
    """Who made a request, as far as rules go: most rules are about people."""

    PEOPLE = "people"
    ANONYMOUS = "anonymous"
    AUTOMATION = "automation"


class Repeats(NamedTuple):
    """A batch rule fires once per identity whose matching requests in one batch reach
    `events`, on at least `resources` different resources."""

    events: int
    resources: int = 1


class Match(NamedTuple):
    """Conditions that must all hold; an empty tuple means "any" (see `subresources`)."""

    verbs: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ("",)  # "" = the resource itself; "*" = any subresource
    namespaces: tuple[str, ...] = ()  # "" = cluster-scoped or across all namespaces
    names: tuple[str, ...] = ()
    api_groups: tuple[str, ...] = ()  # "" = the core group
    predicates: tuple[str, ...] = ()
    repeats: Repeats | None = None

    def accepts(self, event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
        return self.accepts_shape(event) and self.accepts_content(event, actor, context)

    def accepts_content(self, event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
        """The name and the predicates hold, for an event whose shape this rule accepts."""
        if self.names and not _any_glob(self.names, name_of(event)):
            return False
        return all(PREDICATES[name](event, actor, context) for name in self.predicates)

    def could_accept(
        self, event: AuditEvent, actor: Actor, context: RuleContext, known: frozenset[str]
    ) -> bool:
        """Whether an event of this accepted shape (verb, object reference, outcome, actor)
        could match, whatever its name, bodies, URI and addresses: names and the predicates
        not `known` from the shape are taken to hold."""
        return all(
            PREDICATES[name](event, actor, context) for name in self.predicates if name in known
        )

    def accepts_shape(self, event: AuditEvent) -> bool:
        """The verb and the object reference match (and a read is one this rule asks for)."""
        if event.is_read_only and not self.names_read(event):
            return False
        ref = event.object_ref
        fields = (
            (self.verbs, event.verb),
            (self.resources, ref.resource),
            (self.subresources, ref.subresource),
            (self.namespaces, ref.namespace),
            (self.api_groups, ref.api_group),
        )
        return all(_any_glob(globs, value) for globs, value in fields)

    def is_for(self, audience: Audience) -> bool:
        """Rules about anonymous requests or automation name their actor predicate; the rest
        are about people."""
        named = set(self.predicates)
        if audience is Audience.ANONYMOUS:
            return bool(named & ANONYMOUS_PREDICATES)
        if audience is Audience.AUTOMATION:
            return bool(named & AUTOMATION_PREDICATES)
        return True

    def names_read(self, event: AuditEvent) -> bool:
        """Whether this rule asks for a read-only request (it never matches one otherwise)."""
        if "*" in self.verbs:
            return True
        if event.object_ref.resource in REVIEW_RESOURCES:
            return event.object_ref.resource in self.resources
        return event.verb in self.verbs


class Rule(NamedTuple):
    """A rule of the catalog (`rules.json` or `CUSTOM_RULES`): what it matches, what it says."""

    id: str
    title: str
    severity: Severity
    match: Match
    explanation: str = ""
    runbook: str = ""

    @property
    def lowered_when_denied(self) -> bool:
        """Rules about the refusal itself name the `denied` predicate and keep their severity."""
        return "denied" not in self.match.predicates

    def severity_for(self, outcome: Outcome) -> Severity:
        return severity_for(self.severity, outcome, lowered_when_denied=self.lowered_when_denied)

    def hit(self) -> RuleHit:
        """What an alert of this rule carries of it."""
        return RuleHit(
            self.id,
            self.title,
            self.severity,
            self.explanation,
            self.runbook,
            lowered_when_denied=self.lowered_when_denied,
        )


def parse_rule(raw: object, where: str) -> Rule:
    """A `Rule` from its JSON form; raise `RuleError` naming `where`, the id and the field."""
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: expected a JSON object with id, title, severity and match")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.fullmatch(rule_id):
        raise RuleError(
            f"{where}: field 'id': {rule_id!r} is not a rule id "
            "(lower-case letters, digits and '-', at most 63 characters)"
        )
    where = f"{where} (id {rule_id!r})"
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise RuleError(f"{where}: unknown field {unknown[0]!r}; allowed: {_sorted(_RULE_KEYS)}")
    return Rule(
        id=rule_id,
        title=text_field(raw, "title", where, required=True),
        severity=severity_field(raw.get("severity"), where),
        match=_match(raw.get("match"), where),
        explanation=text_field(raw, "explanation", where),
        runbook=text_field(raw, "runbook", where),
    )


def _match(raw: object, where: str) -> Match:
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: field 'match': expected an object, e.g. {{\"verbs\": [...]}}")
    unknown = sorted(set(raw) - set(_MATCH_KEYS))
    if unknown:
        raise RuleError(
            f"{where}: field 'match.{unknown[0]}' is unknown; allowed: {', '.join(_MATCH_KEYS)}"
        )
    values = {
        key: strings_field(raw[key], f"{where}: field 'match.{key}'")
        for key in raw
        if key != "repeats"
    }
    for name in values.get("predicates", ()):
        if name not in PREDICATES:
            raise RuleError(
                f"{where}: field 'match.predicates': unknown predicate {name!r}; "
                f"known: {_sorted(PREDICATES)}"
            )
    repeats = _repeats(raw["repeats"], where) if raw.get("repeats") is not None else None
    return Match(**values, repeats=repeats)


def _repeats(raw: object, where: str) -> Repeats:
    field = f"{where}: field 'match.repeats'"
    if not isinstance(raw, Mapping) or set(raw) - set(_REPEATS_KEYS):
        raise RuleError(f'{field}: expected {{"events": N, "resources": M}}')
    counts = [raw.get(key, 1) for key in _REPEATS_KEYS]
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in counts):
        raise RuleError(f"{field}: events and resources must be whole numbers >= 1")
    return Repeats(*counts)


def _sorted(keys: Iterable[str]) -> str:
    return ", ".join(sorted(keys))


def _any_glob(globs: tuple[str, ...], value: str) -> bool:
    # Fast paths with fnmatchcase's answer: `*` matches anything, and a glob equal to the
    # value matches it unless a `[...]` class is involved (one that has no `[` cannot).
    if not globs or "*" in globs or (value in globs and "[" not in value):
        return True
    return any(fnmatchcase(value, glob) for glob in globs)
