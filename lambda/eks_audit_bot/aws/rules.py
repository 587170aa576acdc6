"""The catalog of AWS API call (`cloudtrail`) and alarm (`health`) rules: `aws_rules.json`.

Like the audit-log catalog, an event takes the most severe rule it matches (ties go to the
earlier rule), `DISABLED_RULES` and `RULE_SEVERITIES` apply to these ids too, and match lists
are case-sensitive globs:

- `cloudtrail` rules: `event_sources` (`eks.amazonaws.com`), `event_names` (without Lambda's
  version suffix) and `predicates` (see `aws_predicates`). Read-only calls never match.
- `health` rules: `metrics` (`AWS/Logs/IncomingLogEvents`, the alarm's metric), `states` and
  `previous_states` (`ALARM`, `OK`, `INSUFFICIENT_DATA`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from importlib import resources
from typing import Any, NamedTuple

from eks_audit_bot.aws.alarm import AlarmChange
from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.aws.eventbridge import DecodedAwsEvent
from eks_audit_bot.aws.predicates import API_PREDICATES
from eks_audit_bot.core.alert import RuleHit
from eks_audit_bot.core.rule_schema import (
    RULE_ID,
    RuleError,
    severity_field,
    strings_field,
    text_field,
    tuned,
)
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.settings import Settings

MATCH_KEYS = {
    "cloudtrail": ("event_sources", "event_names", "predicates"),
    "health": ("metrics", "states", "previous_states"),
}
_RULE_KEYS = frozenset({"id", "source", "title", "severity", "explanation", "runbook", "match"})


class AwsMatch(NamedTuple):
    """Conditions that must all hold; an empty tuple means "any"."""

    event_sources: tuple[str, ...] = ()
    event_names: tuple[str, ...] = ()
    predicates: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    previous_states: tuple[str, ...] = ()

    def accepts_call(self, call: ApiCall) -> bool:
        if call.read_only:
            return False
        return (
            _any_glob(self.event_sources, call.event_source)
            and _any_glob(self.event_names, call.event_name)
            and all(API_PREDICATES[name](call) for name in self.predicates)
        )

    def accepts_alarm(self, change: AlarmChange) -> bool:
        keys = [metric.key for metric in change.metrics]
        if self.metrics and not any(_any_glob(self.metrics, key) for key in keys):
            return False
        return _any_glob(self.states, change.state) and _any_glob(
            self.previous_states, change.previous_state
        )


class AwsRule(NamedTuple):
    id: str
    source: str  # cloudtrail or health
    title: str
    severity: Severity
    match: AwsMatch
    explanation: str = ""
    runbook: str = ""

    def accepts(self, event: DecodedAwsEvent) -> bool:
        if isinstance(event, ApiCall):
            return self.source == "cloudtrail" and self.match.accepts_call(event)
        return self.source == "health" and self.match.accepts_alarm(event)

    def hit(self) -> RuleHit:
        return RuleHit(self.id, self.title, self.severity, self.explanation, self.runbook)


def best_rule(rules: Iterable[AwsRule], event: DecodedAwsEvent) -> RuleHit | None:
    """The most severe rule that accepts the event (the earlier one between equals)."""
    best: AwsRule | None = None
    for rule in rules:
        if best is not None and rule.severity.rank <= best.severity.rank:
            continue
        if rule.accepts(event):
            best = rule
    return best.hit() if best else None


@dataclass(frozen=True, slots=True)
class AwsCatalog:
    """The AWS API call and alarm rules, tuned by the settings (built with the first
    EventBridge event: audit-log batches never need them)."""

    rules: tuple[AwsRule, ...]

    @classmethod
    def load(cls, settings: Settings) -> AwsCatalog:
        return cls(tuned(builtin_aws_rules(), settings.rule_severities, settings.disabled_rules))

    def match(self, event: DecodedAwsEvent) -> RuleHit | None:
        """The rule for an AWS API call or an alarm state change, or None."""
        return best_rule(self.rules, event)


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        resources.files("eks_audit_bot.aws").joinpath("rules.json").read_text("utf-8")
    )
    return document


def builtin_aws_rules() -> tuple[AwsRule, ...]:
    """The rules shipped in `aws_rules.json`, in catalog order."""
    return tuple(
        parse_aws_rule(rule, f"aws_rules.json rules[{index}]")
        for index, rule in enumerate(_document()["rules"])
    )


def parse_aws_rule(raw: object, where: str) -> AwsRule:
    """An `AwsRule` from its JSON form; raise `RuleError` naming `where`, the id and the field."""
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: expected a JSON object")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.fullmatch(rule_id):
        raise RuleError(f"{where}: field 'id': {rule_id!r} is not a rule id")
    where = f"{where} (id {rule_id!r})"
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise RuleError(f"{where}: unknown field {unknown[0]!r}")
    source = raw.get("source")
    if source not in MATCH_KEYS:
        raise RuleError(f"{where}: field 'source': {source!r} is not one of cloudtrail, health")
    return AwsRule(
        id=rule_id,
        source=str(source),
        title=text_field(raw, "title", where, required=True),
        severity=severity_field(raw.get("severity"), where),
        match=_match(raw.get("match"), str(source), where),
        explanation=text_field(raw, "explanation", where),
        runbook=text_field(raw, "runbook", where),
    )


def _match(raw: object, source: str, where: str) -> AwsMatch:
    allowed = MATCH_KEYS[source]
    if not isinstance(raw, Mapping) or set(raw) - set(allowed):
        raise RuleError(f"{where}: field 'match': an object with only {', '.join(allowed)}")
    values = {key: strings_field(raw[key], f"{where}: field 'match.{key}'") for key in raw}
    for name in values.get("predicates", ()):
        if name not in API_PREDICATES:
            raise RuleError(f"{where}: field 'match.predicates': unknown predicate {name!r}")
    return AwsMatch(**values)


def _any_glob(globs: tuple[str, ...], value: str) -> bool:
    return not globs or any(fnmatchcase(value, glob) for glob in globs)
