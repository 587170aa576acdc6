"""The rule catalog: data (`rules.json` plus the user's CUSTOM_RULES), not code.

An event takes the highest-severity rule it matches, counting the step down for a denied
request (ties go to the earlier rule). Read-only requests match only rules that name their
verb (or `*`), or name the review resource, so a plain `get` alerts only when a rule asks for
it. Failed requests (a 4xx/5xx other than 401/403) changed nothing and match no rule. Rules
are about people unless they name an actor predicate (see `predicates`): automation meets only
the out-of-character rules, anonymous requests only the anonymous ones. Rules with `repeats`
look at a whole batch (`probing`). The catch-all `manual-change` rule stays last: every other
change by a person alerts as `low`.

`DISABLED_RULES` and `RULE_SEVERITIES` name rules of any feed: `flow.Catalogs` checks them
against every feed's ids; this catalog applies those of its own rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from eks_audit_bot.core.actor import Actor, ActorKind
from eks_audit_bot.core.alert import Outcome, RuleHit
from eks_audit_bot.core.rule_schema import RuleError, tuned
from eks_audit_bot.kube import classify
from eks_audit_bot.kube.alert import outcome_of
from eks_audit_bot.kube.audit import READ_VERBS, REVIEW_RESOURCES, AuditEvent
from eks_audit_bot.kube.context import RuleContext
from eks_audit_bot.kube.exemptions import Exemptions, builtin_exemptions, user_exemptions
from eks_audit_bot.kube.predicates import shape_predicates
from eks_audit_bot.kube.rule_model import Audience, Match, Rule, parse_rule
from eks_audit_bot.settings import Settings

CATCH_ALL_ID = "manual-change"
# Shapes (audience, verb, object reference) remembered per catalog: a cluster has far fewer.
MAX_SHAPES = 8192
__all__ = [
    "CATCH_ALL_ID",
    "Audience",
    "Match",
    "Rule",
    "RuleCatalog",
    "RuleError",
    "audience_of",
    "builtin_rules",
]


class RuleCatalog:
    """The audit-log rules, tuned by the settings."""

    __slots__ = (
        "_regional",
        "batch_outcomes",
        "by_shape",
        "candidates",
        "context",
        "known_from_shape",
        "rules",
    )

    def __init__(self, rules: tuple[Rule, ...], context: RuleContext | None = None) -> None:
        self.rules = rules
        self.context = RuleContext() if context is None else context
        # The per-request rules for each audience, and for a plain read of each verb only
        # those that name it (`Match.names_read`): thousands of events a batch, forty-odd rules.
        self.candidates: dict[tuple[Audience, str], tuple[Rule, ...]] = {}
        for audience in Audience:
            kept = [r for r in rules if r.match.repeats is None and r.match.is_for(audience)]
            self.candidates[audience, ""] = tuple(kept)
            for verb in READ_VERBS:
                named = tuple(rule for rule in kept if {"*", verb} & set(rule.match.verbs))
                self.candidates[audience, verb] = named
        # The candidates whose verbs and object globs accept a shape and whose shape
        # predicates hold for its actor's kind, most severe first for its outcome, as each
        # comes up.
        self.by_shape: dict[tuple[object, ...], tuple[Rule, ...]] = {}
        # The predicates an event's shape decides under these settings (`screen`).
        self.known_from_shape = shape_predicates(self.context)
        # The outcomes of the requests that batch rules count (`probing`): none, refusals or
        # all.
        batch = self.batch_rules()
        refusals = all("denied" in rule.match.predicates for rule in batch)
        outcomes = {Outcome.DENIED} if refusals else set(Outcome)
        self.batch_outcomes = frozenset(outcomes if batch else ())
        # The catalog for each other region a batch came from (`for_region`).
        self._regional: dict[str, RuleCatalog] = {}

    @classmethod
    def load(cls, settings: Settings) -> RuleCatalog:
        """Built-in rules with the user's custom rules, severities and disabled rules applied.

        Raises `RuleError` (a `ConfigError`) naming the setting, rule and field at fault.
        """
        rules = _merge(builtin_rules(), _custom_rules(settings.custom_rules))
        builtin = () if settings.alert_on_automation else builtin_exemptions()
        user = user_exemptions(settings.rule_exceptions, {rule.id for rule in rules})
        return cls(
            tuned(rules, settings.rule_severities, settings.disabled_rules),
            RuleContext.from_settings(settings, Exemptions(builtin + user)),
        )

    def match(
        self, event: AuditEvent, actor: Actor, audience: Audience = Audience.PEOPLE
    ) -> RuleHit | None:
        """The rule to alert with, or None when the event needs no alert (a plain read)."""
        if outcome_of(event) is Outcome.FAILED:
            return None
        # The candidates come most severe first (for this outcome), the catalog's order among
        # equals: the first that accepts the event is the one to alert with, unless it is the
        # actor's job.
        for rule in self._candidates(event, actor, audience):
            if rule.match.accepts_content(event, actor, self.context) and not self._exempt(
                rule, event, actor
            ):
                return rule.hit()
        return None

    def for_region(self, region: str) -> RuleCatalog:
        """This catalog for a cluster in `region`: AWS's ranges there are trusted networks."""
        if region == self.context.region:
            return self
        found = self._regional.get(region)
        if found is None:
            found = RuleCatalog(self.rules, self.context.in_region(region))
            self._regional[region] = found
        return found

    def _exempt(self, rule: Rule, event: AuditEvent, actor: Actor) -> bool:
        """Whose job it is: the actor may do what `rule` alerts on, here (`exemptions`)."""
        ref = event.object_ref
        return self.context.exemptions.exempt(rule.id, actor, ref.namespace, ref.resource)

    def could_match(
        self, event: AuditEvent, actor: Actor, audience: Audience, *, trusted: bool = False
    ) -> bool:
        """Whether any rule could match an event of this shape (`Match.could_accept`): when
        none can, `decide` gives every event of the shape the same drop reason. `trusted`:
        as if every source address were in a trusted network (else they may be anywhere)."""
        if outcome_of(event) is Outcome.FAILED:
            return False
        known = self.known_from_shape
        if trusted:
            known |= {"outside-trusted-networks"}
            event = event._replace(source_ips=())
        return any(
            rule.match.could_accept(event, actor, self.context, known)
            and not self._exempt(rule, event, actor)
            for rule in self._candidates(event, actor, audience)
        )

    def _candidates(self, event: AuditEvent, actor: Actor, audience: Audience) -> tuple[Rule, ...]:
        """The rules for `audience` that accept the event's verb and object reference and
        whose predicates known from the shape hold (`known_from_shape`: they read the actor's
        kind and whom it impersonates, the object reference and the outcome), most severe
        first for the event's outcome (a stable sort: the catalog's order among equals)."""
        ref, outcome = event.object_ref, outcome_of(event)
        key = (
            (audience, outcome, event.verb),
            (ref.resource, ref.subresource, ref.namespace, ref.api_group),
            (actor.kind, actor.impersonated_user, actor.impersonated_groups),
        )
        found = self.by_shape.get(key)
        if found is None:
            plain_read = event.is_read_only and ref.resource not in REVIEW_RESOURCES
            rules = self.candidates[audience, event.verb if plain_read else ""]
            known, context = self.known_from_shape, self.context
            accepted = [
                rule
                for rule in rules
                if rule.match.accepts_shape(event)
                and rule.match.could_accept(event, actor, context, known)
            ]
            found = tuple(sorted(accepted, key=lambda rule: -rule.severity_for(outcome).rank))
            if len(self.by_shape) < MAX_SHAPES:
                self.by_shape[key] = found
        return found

    def decide(self, event: AuditEvent, actor: Actor, settings: Settings) -> RuleHit | str:
        """The rule to alert with, or why there is none (a drop reason): `failed` (nothing
        changed), `automation`, `read_only`, or `no_rule`."""
        audience = audience_of(event, actor, settings)
        hit = self.match(event, actor, audience)
        return hit if hit is not None else drop_reason(event, audience)

    def batch_rules(self) -> tuple[Rule, ...]:
        """Rules that count repeats across a batch (`probing` applies them)."""
        return tuple(rule for rule in self.rules if rule.match.repeats is not None)

    def get(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)


def drop_reason(event: AuditEvent, audience: Audience) -> str:
    """Why an event that matched no rule needs no alert (see `RuleCatalog.decide`)."""
    if outcome_of(event) is Outcome.FAILED:
        return "failed"
    if audience is Audience.AUTOMATION:
        return "automation"
    return "read_only" if event.is_read_only else "no_rule"


def audience_of(event: AuditEvent, actor: Actor, settings: Settings) -> Audience:
    """Anonymous, automation (unless ALERT_ON_AUTOMATION) or people."""
    return audience_for(actor, event.user_agent, settings)


def audience_for(actor: Actor, user_agent: str, settings: Settings) -> Audience:
    """`audience_of` for an actor calling with `user_agent`."""
    if actor.kind is ActorKind.ANONYMOUS:
        return Audience.ANONYMOUS
    if not settings.alert_on_automation and classify.is_automation(actor, user_agent, settings):
        return Audience.AUTOMATION
    return Audience.PEOPLE


def rule_ids(settings: Settings) -> set[str]:
    """The ids of the built-in and the user's custom audit-log rules, read without building
    the rules (the catalog builds them once, at load)."""
    builtin = {str(raw.get("id")) for raw in _document()["rules"]}
    return builtin | {str(raw.get("id")) for raw in settings.custom_rules}


def builtin_rules() -> tuple[Rule, ...]:
    """The rules shipped in `rules.json`, in catalog order."""
    return tuple(
        parse_rule(raw, f"rules.json rules[{index}]")
        for index, raw in enumerate(_document()["rules"])
    )


def _document() -> dict[str, Any]:
    text = resources.files("eks_audit_bot.kube").joinpath("rules.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _custom_rules(raws: Iterable[Mapping[str, Any]]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for index, raw in enumerate(raws):
        rule = parse_rule(raw, f"CUSTOM_RULES[{index}]")
        if any(rule.id == seen.id for seen in rules):
            raise RuleError(f"CUSTOM_RULES[{index}] (id {rule.id!r}): id used twice")
        rules.append(rule)
    return tuple(rules)


def _merge(builtin: tuple[Rule, ...], custom: tuple[Rule, ...]) -> list[Rule]:
    """A custom rule with a built-in id replaces it in place; new ones go before the catch-all."""
    overrides = {rule.id: rule for rule in custom}
    merged = [overrides.pop(rule.id, rule) for rule in builtin]
    catch_all = [rule for rule in merged if rule.id == CATCH_ALL_ID]
    rest = [rule for rule in merged if rule.id != CATCH_ALL_ID]
    return rest + [rule for rule in custom if rule.id in overrides] + catch_all
