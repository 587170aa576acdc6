"""The rule catalog: data (`rules.json` plus the user's CUSTOM_RULES), not code.

An event takes the highest-severity rule it matches (ties go to the earlier rule). Read-only
requests match only rules that name their verb (or `*`), or name the review resource, so a
plain `get` alerts only when a rule asks for it. The catch-all
`manual-change` rule stays last: every other change by a person alerts as `low`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from eks_audit_bot.detection.rule_model import Match, Rule, RuleError, parse_rule
from eks_audit_bot.model.alert import RuleHit
from eks_audit_bot.model.audit import READ_VERBS, REVIEW_RESOURCES, AuditEvent
from eks_audit_bot.model.identity import Actor
from eks_audit_bot.settings import Settings

CATCH_ALL_ID = "manual-change"
__all__ = ["CATCH_ALL_ID", "Match", "Rule", "RuleCatalog", "RuleError", "builtin_rules"]


@dataclass(frozen=True, slots=True)
class RuleCatalog:
    rules: tuple[Rule, ...]
    # A plain read only matches rules that name its verb (`Match.names_read`): those, by verb,
    # so the many reads that reach the rules are checked against a handful of them.
    reads: Mapping[str, tuple[Rule, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        reads = {
            verb: tuple(rule for rule in self.rules if {"*", verb} & set(rule.match.verbs))
            for verb in READ_VERBS
        }
        object.__setattr__(self, "reads", reads)

    @classmethod
    def load(cls, settings: Settings) -> RuleCatalog:
        """Built-in rules with the user's custom rules, severities and disabled rules applied.

        Raises `RuleError` (a `ConfigError`) naming the setting, rule and field at fault.
        """
        rules = _merge(builtin_rules(), _custom_rules(settings.custom_rules))
        known = {rule.id for rule in rules}
        _check_known("DISABLED_RULES", settings.disabled_rules, known)
        _check_known("RULE_SEVERITIES", settings.rule_severities, known)
        return cls(
            tuple(
                replace(rule, severity=settings.rule_severities.get(rule.id, rule.severity))
                for rule in rules
                if rule.id not in settings.disabled_rules
            )
        )

    def match(self, event: AuditEvent, actor: Actor) -> RuleHit | None:
        """The rule to alert with, or None when the event needs no alert (a plain read)."""
        best: Rule | None = None
        candidates = self.rules
        ref = event.object_ref
        if event.verb in READ_VERBS and event.is_read_only and ref.resource not in REVIEW_RESOURCES:
            candidates = self.reads[event.verb]
        for rule in candidates:
            if best is not None and rule.severity.rank <= best.severity.rank:
                continue
            if rule.match.accepts(event, actor):
                best = rule
        return best.hit() if best else None

    def get(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)


def builtin_rules() -> tuple[Rule, ...]:
    """The rules shipped in `rules.json`, in catalog order."""
    text = (
        resources.files("eks_audit_bot.detection")
        .joinpath("rules.json")
        .read_text(encoding="utf-8")
    )
    document = json.loads(text)
    return tuple(
        parse_rule(raw, f"rules.json rules[{index}]") for index, raw in enumerate(document["rules"])
    )


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


def _check_known(setting: str, rule_ids: Iterable[str], known: set[str]) -> None:
    unknown = sorted(set(rule_ids) - known)
    if unknown:
        raise RuleError(
            f"{setting}: unknown rule id {', '.join(map(repr, unknown))}; "
            f"known ids: {', '.join(sorted(known))}"
        )
