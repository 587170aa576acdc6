"""What every feed's rule file shares: the id form, the error that names where a rule came
from, reading its text, severity and string-list fields, and tuning a catalog by the settings
(`DISABLED_RULES`, `RULE_SEVERITIES`).

Errors name where the rule came from (`CUSTOM_RULES[2]`), its id and the field at fault, so a
bad Terraform input fails the function's cold start with a message a person can act on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, Self

from eks_audit_bot.core.severity import Severity

RULE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


class ConfigError(ValueError):
    """A setting is malformed; the message names the setting and how to fix it."""


class RuleError(ConfigError):
    """A rule or a rule setting is malformed; the message names the rule and the field."""


class Tunable(Protocol):
    """A rule of any feed: a named tuple with an id and a severity."""

    @property
    def id(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    def _replace(self, *, severity: Severity) -> Self: ...


def text_field(raw: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise RuleError(f"{where}: field {key!r}: expected a non-empty string")
    return value.strip()


def severity_field(value: object, where: str) -> Severity:
    try:
        return Severity(str(value).lower())
    except ValueError:
        allowed = ", ".join(severity.value for severity in Severity)
        raise RuleError(f"{where}: field 'severity': {value!r} is not one of {allowed}") from None


def strings_field(value: object, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise RuleError(f"{field}: expected a non-empty list of strings (omit it to match any)")
    if not all(isinstance(item, str) for item in value):
        raise RuleError(f"{field}: every item must be a string")
    return tuple(value)


def tuned[R: Tunable](
    rules: Iterable[R], severities: Mapping[str, Severity], disabled: Iterable[str]
) -> tuple[R, ...]:
    """The rules that are not disabled, with the severities set for their ids."""
    off = frozenset(disabled)
    return tuple(
        rule._replace(severity=severities.get(rule.id, rule.severity))
        for rule in rules
        if rule.id not in off
    )


def check_known(setting: str, rule_ids: Iterable[str], known: set[str]) -> None:
    """Fail naming the setting and the ids no feed's catalog has."""
    unknown = sorted(set(rule_ids) - known)
    if unknown:
        raise RuleError(
            f"{setting}: unknown rule id {', '.join(map(repr, unknown))}; "
            f"known ids: {', '.join(sorted(known))}"
        )
