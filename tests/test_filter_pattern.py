"""Conformance of the filter-pattern evaluator with the AWS documentation and EKS audit logs."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from eks_audit_bot.filter_pattern import NOT_JSON, FilterPatternError, compile_pattern

CASES_DIR = Path(__file__).parent / "filter_pattern_cases"


def _table(name: str) -> list[tuple[str, str, str, bool]]:
    cases: list[tuple[str, str, str, bool]] = runpy.run_path(str(CASES_DIR / f"{name}.py"))["CASES"]
    return cases


DOC_CASES = _table("doc_unstructured") + _table("doc_structured")
EKS_CASES = _table("eks_audit")
REJECTED: list[tuple[str, str, int, str]] = runpy.run_path(str(CASES_DIR / "rejected.py"))["CASES"]


def _params(cases: list[tuple[str, str, str, bool]]) -> list[object]:
    return [
        pytest.param(pattern, message, expected, id=case_id)
        for case_id, pattern, message, expected in cases
    ]


def test_tables_are_large_and_ids_unique() -> None:
    ids = [case[0] for case in DOC_CASES + EKS_CASES] + [case[0] for case in REJECTED]
    assert len(DOC_CASES) >= 120
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("pattern", "message", "expected"), _params(DOC_CASES))
def test_documented_examples(pattern: str, message: str, expected: bool) -> None:
    assert compile_pattern(pattern).matches(message) is expected


@pytest.mark.parametrize(("pattern", "message", "expected"), _params(EKS_CASES))
def test_eks_audit_events(pattern: str, message: str, expected: bool) -> None:
    assert compile_pattern(pattern).matches(message) is expected


@pytest.mark.parametrize(("pattern", "message", "expected"), _params(DOC_CASES + EKS_CASES))
def test_matches_parsed_agrees_with_matches(pattern: str, message: str, expected: bool) -> None:
    try:
        parsed: object = json.loads(message)
    except ValueError:
        parsed = NOT_JSON
    assert compile_pattern(pattern).matches_parsed(message, parsed) is expected


@pytest.mark.parametrize(
    ("pattern", "position", "rule"),
    [
        pytest.param(pattern, position, rule, id=case_id)
        for case_id, pattern, position, rule in REJECTED
    ],
)
def test_rejected_patterns(pattern: str, position: int, rule: str) -> None:
    with pytest.raises(FilterPatternError) as caught:
        compile_pattern(pattern)
    assert caught.value.position == position
    assert rule in caught.value.rule
    assert str(caught.value) == f"position {position}: {caught.value.rule}"
