"""The rule catalog: data (`rules.json` plus the user's CUSTOM_RULES), not code.

An event takes the highest-severity rule it matches (ties go to the earlier rule). Read-only
requests match only rules that name their verb (or `*`), or name the review resource, so a
plain `get` alerts only when a rule asks for it. The catch-all
`manual-change` rule stays last: every other change by a person alerts as `low`.

The catalog also holds the AWS API call and alarm rules (`aws_rules.json`, see `aws_rules`):
`DISABLED_RULES` and `RULE_SEVERITIES` apply to both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from eks_audit_bot.detection.aws_rules import AwsRule, best_rule, builtin_aws_rules
from eks_audit_bot.detection.rule_model import Match, Rule, RuleError, parse_rule
from eks_audit_bot.model.alarm import AlarmChange
from eks_audit_bot.model.alert import RuleHit
from eks_audit_bot.model.audit import AuditEvent
from eks_audit_bot.model.cloudtrail import ApiCall
from eks_audit_bot.model.identity import Actor
from eks_audit_bot.settings import Settings

CATCH_ALL_ID = "manual-change"
__all__ = ["CATCH_ALL_ID", "Match", "Rule", "RuleCatalog", "RuleError", "builtin_rules"]


@dataclass(frozen=True, slots=True)
class RuleCatalog:
    rules: tuple[Rule, ...]
    aws_rules: tuple[AwsRule, ...] = ()

    @classmethod
    def load(cls, settings: Settings) -> RuleCatalog:
        """Built-in rules with the user's custom rules, severities and disabled rules applied.

        Raises `RuleError` (a `ConfigError`) naming the setting, rule and field at fault.
        """
        rules = _merge(builtin_rules(), _custom_rules(settings.custom_rules))
        aws_rules = builtin_aws_rules()
        known = {rule.id for rule in rules} | {rule.id for rule in aws_rules}
        _check_known("DISABLED_RULES", settings.disabled_rules, known)
        _check_known("RULE_SEVERITIES", settings.rule_severities, known)
        severities, disabled = settings.rule_severities, settings.disabled_rules
        return cls(
            tuple(
                replace(rule, severity=severities.get(rule.id, rule.severity))
                for rule in rules
                if rule.id not in disabled
            ),
            tuple(
                replace(rule, severity=severities.get(rule.id, rule.severity))
                for rule in aws_rules
                if rule.id not in disabled
            ),
        )

    def match(self, event: AuditEvent, actor: Actor) -> RuleHit | None:
        """The rule to alert with, or None when the event needs no alert (a plain read)."""
        best: Rule | None = None
        for rule in self.rules:
            if best is not None and rule.severity.rank <= best.severity.rank:
                continue
            if rule.match.accepts(event, actor):
                best = rule
        return best.hit() if best else None

    def match_aws(self, event: ApiCall | AlarmChange) -> RuleHit | None:
        """The rule for an AWS API call or an alarm state change, or None."""
        return best_rule(self.aws_rules, event)

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
