"""The predicate names Terraform accepts in custom_rules are exactly the ones the function knows.

Terraform reads `kube/predicates.json` to reject an unknown predicate at plan; the function
looks names up in `predicates.PREDICATES`. A predicate added to one and not the other would
either be refused by Terraform or fail every cold start, so they must agree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eks_audit_bot.kube import predicates
from eks_audit_bot.kube.rule_model import RuleError, parse_rule

NAMES_FILE = Path(predicates.__file__).with_name("predicates.json")


def _listed() -> list[str]:
    return list(json.loads(NAMES_FILE.read_text(encoding="utf-8"))["predicates"])


def test_predicates_json_lists_every_registered_predicate_once() -> None:
    listed = _listed()
    assert len(listed) == len(set(listed)), "predicates.json repeats a name"
    missing = sorted(set(predicates.PREDICATES) - set(listed))
    extra = sorted(set(listed) - set(predicates.PREDICATES))
    assert not missing, f"add to predicates.json: {missing}"
    assert not extra, f"predicates.json names predicates the function lacks: {extra}"


def test_every_listed_name_parses_in_a_rule() -> None:
    for name in _listed():
        rule = parse_rule(
            {"id": "x", "title": "X", "severity": "low", "match": {"predicates": [name]}}, "T"
        )
        assert rule.match.predicates == (name,)


def test_a_name_missing_from_the_list_is_refused_by_the_function_too() -> None:
    assert "allow" not in _listed()
    with pytest.raises(RuleError, match="unknown predicate 'allow'"):
        parse_rule(
            {"id": "x", "title": "X", "severity": "low", "match": {"predicates": ["allow"]}}, "T"
        )
