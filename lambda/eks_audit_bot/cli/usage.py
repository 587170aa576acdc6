"""Usage errors in the user's own terms: the option they typed, and what to do about it.

`replay` hands its options to the Lambda's settings, whose errors name environment variables
(`DISABLED_RULES: ...`); `flag_error` puts the option back in their place.
"""

from __future__ import annotations

import argparse
import difflib
import re
from collections.abc import Iterable

from eks_audit_bot.cli.parser import SETTING_FLAGS
from eks_audit_bot.kube.rules import builtin_rules
from eks_audit_bot.settings import Settings

_SETTING = re.compile(r"\b(" + "|".join(map(re.escape, SETTING_FLAGS)) + r")\b(=?)")


class UsageError(Exception):
    """A problem with what the user asked for (exit 2)."""


def flag_error(message: str, args: argparse.Namespace) -> str:
    """A settings error with each setting's name replaced by the option that set it."""

    def option(found: re.Match[str]) -> str:
        flag = SETTING_FLAGS[found.group(1)]
        path = getattr(args, flag.removeprefix("--").replace("-", "_"), None)
        if flag in ("--custom-rules", "--rule-exceptions") and path:
            flag = f"{flag} {path}"
        return flag + (" " if found.group(2) else "")

    return _SETTING.sub(option, message)


def check_rule_ids(args: argparse.Namespace, settings: Settings) -> None:
    """`--disable-rule` and `--rule-severity` name rules that exist (built in or custom)."""
    known = {rule.id for rule in builtin_rules()}
    known |= {str(rule.get("id")) for rule in settings.custom_rules}
    _check("--disable-rule", args.disable_rule, known)
    _check("--rule-severity", (rule_id for rule_id, _ in args.rule_severity), known)


def _check(option: str, rule_ids: Iterable[str], known: set[str]) -> None:
    for rule_id in rule_ids:
        if rule_id in known:
            continue
        close = difflib.get_close_matches(rule_id, sorted(known), n=1, cutoff=0.6)
        advice = (
            f"did you mean {close[0]!r}?"
            if close
            else f"rule ids: {', '.join(sorted(known))} (docs/detection.md, Alert rules)"
        )
        raise UsageError(f"{option} {rule_id!r}: no such rule; {advice}")
