"""The evaluator's API contract and the semantics chosen where the AWS documentation is silent."""

from __future__ import annotations

import json
import pickle

import pytest

from eks_audit_bot.filter_pattern import (
    MAX_PATTERN_LENGTH,
    NOT_JSON,
    CompiledPattern,
    FilterPatternError,
    PatternKind,
    compile_pattern,
)


@pytest.mark.parametrize(
    ("pattern", "kind", "needs_json"),
    [
        ("", PatternKind.EVERYTHING, False),
        ("ERROR -DEBUG", PatternKind.TERMS, False),
        ("%ERR.R%", PatternKind.REGEX, False),
        ('  { $.verb = "create" }  ', PatternKind.JSON, True),
        ("[a, ...]", PatternKind.SPACE_DELIMITED, False),
    ],
)
def test_kind_and_needs_json(pattern: str, kind: PatternKind, needs_json: bool) -> None:
    compiled = compile_pattern(pattern)
    assert isinstance(compiled, CompiledPattern)
    assert compiled.kind is kind
    assert compiled.needs_json is needs_json
    assert compiled.text == pattern


def test_error_is_a_value_error_with_position_and_rule() -> None:
    with pytest.raises(ValueError, match=r"^position 3: unbalanced parenthesis$") as caught:
        compile_pattern("{ ($.verb = get }")
    error = caught.value
    assert isinstance(error, FilterPatternError)
    assert (error.position, error.rule) == (3, "unbalanced parenthesis")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.position, copy.rule) == (3, "unbalanced parenthesis")


def test_length_limit_is_exactly_1024() -> None:
    assert compile_pattern("a" * MAX_PATTERN_LENGTH).matches("a" * MAX_PATTERN_LENGTH)
    with pytest.raises(FilterPatternError, match="this one has 1025"):
        compile_pattern("a" * (MAX_PATTERN_LENGTH + 1))


def test_matches_parsed_uses_the_callers_parse() -> None:
    compiled = compile_pattern('{ $.verb = "delete" }')
    line = '{"verb": "delete"}'
    assert compiled.matches_parsed(line, json.loads(line))
    # The parsed object decides, not the text: the caller's parse is trusted.
    assert not compiled.matches_parsed(line, {"verb": "create"})
    assert not compiled.matches_parsed("not json", NOT_JSON)
    assert not compiled.matches_parsed("[1]", [1])


def test_matches_parsed_ignores_parsed_for_text_patterns() -> None:
    compiled = compile_pattern('"verb"')
    assert compiled.matches_parsed('{"verb": "x"}', NOT_JSON)
    assert not compiled.matches_parsed("nothing", {"verb": "x"})


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        # != needs the value to exist (like the documented object/array rule).
        pytest.param('{ $.x != "a" }', "{}", False, id="ne-missing-key"),
        pytest.param("{ $.x != 1 }", "{}", False, id="ne-number-missing-key"),
        pytest.param('{ $.x != "a" }', '{"x": null}', False, id="ne-null"),
        pytest.param('{ $.x != "a" }', '{"x": true}', False, id="ne-boolean"),
        # Number literals compare with JSON numbers only.
        pytest.param("{ $.code = 404 }", '{"code": "404"}', False, id="number-vs-string"),
        pytest.param("{ $.code != 404 }", '{"code": "500"}', False, id="number-ne-vs-string"),
        pytest.param("{ $.code = 404 }", '{"code": 404.0}', True, id="number-int-vs-float"),
        pytest.param("{ $.flag = 1 }", '{"flag": true}', False, id="number-vs-boolean"),
        pytest.param("{ $.n > 1 }", '{"n": true}', False, id="gt-vs-boolean"),
        # String values compare with strings and with the text of numbers.
        pytest.param('{ $.code = "404" }', '{"code": 404}', True, id="string-vs-number"),
        pytest.param("{ $.code = 4* }", '{"code": 404}', True, id="wildcard-vs-number"),
        pytest.param("{ $.code = %^4\\d\\d$% }", '{"code": 404}', True, id="regex-vs-number"),
        pytest.param('{ $.flag = "true" }', '{"flag": true}', False, id="string-vs-boolean"),
        pytest.param("{ $.x = * }", '{"x": null}', False, id="star-vs-null"),
        pytest.param("{ $.x = * }", '{"x": {}}', False, id="star-vs-object"),
        pytest.param("{ $.x = * }", '{"x": ""}', True, id="star-vs-empty-string"),
        # Regex != is "no match found".
        pytest.param("{ $.v != %^get% }", '{"v": "create"}', True, id="regex-ne"),
        pytest.param("{ $.v != %^get% }", "{}", False, id="regex-ne-missing"),
        # Wildcard selectors: any value; NOT EXISTS when nothing is selected.
        pytest.param("{ $.a[*] != 1 }", '{"a": [1, 2]}', True, id="wildcard-ne-any"),
        pytest.param("{ $.a[*] NOT EXISTS }", '{"a": []}', True, id="wildcard-not-exists-empty"),
        pytest.param("{ $.a[*] NOT EXISTS }", '{"a": [0]}', False, id="wildcard-not-exists-some"),
        pytest.param("{ $.a.* = 2 }", '{"a": {"x": 1, "y": 2}}', True, id="wildcard-object-fields"),
        # Only JSON objects are JSON log events.
        pytest.param("{ $.x NOT EXISTS }", "plain text", False, id="not-exists-on-text"),
        pytest.param("{ $.x NOT EXISTS }", "[1, 2]", False, id="not-exists-on-array"),
        pytest.param("{ $.x NOT EXISTS }", "42", False, id="not-exists-on-scalar"),
        pytest.param("{ $.x NOT EXISTS }", "{}", True, id="not-exists-on-object"),
        # Quoted strings: \" and \\ escapes; * wildcard still applies inside quotes.
        pytest.param('{ $.q = "say \\"hi\\"" }', '{"q": "say \\"hi\\""}', True, id="escaped-quote"),
        pytest.param('{ $.q = "a*" }', '{"q": "abc"}', True, id="quoted-wildcard"),
        # Space-delimited: numeric comparison on a non-number is false, != included.
        pytest.param("[a, b != 5]", "x y", False, id="space-ne-number-on-text"),
        pytest.param("[a, b = 5]", "x 5.0", True, id="space-number-equality"),
        pytest.param("[a, b]", "x", False, id="space-too-few"),
        pytest.param("[a, b = %rest of%]", "x rest of line", True, id="space-last-takes-rest"),
        pytest.param("[a, ..., b = line]", "x rest of line", True, id="space-ellipsis-single"),
        pytest.param('[a, b = "x y"]', 'first "x y"', True, id="space-quoted-field"),
        pytest.param("[a = x*, b]", "[xyz] 1", True, id="space-bracketed-field"),
        # Terms: whitespace-only quoted term is "everything"; under - it is a substring.
        pytest.param('?" " ?ERROR', "nothing", True, id="term-optional-everything"),
        pytest.param('-" "', "a b", False, id="term-excluded-space"),
        pytest.param('-" "', "ab", True, id="term-excluded-space-absent"),
        pytest.param('"a \\"b\\""', 'say a "b"', True, id="term-escaped-quote"),
        # Regex: $ is the end of the line, . crosses newlines, \d is ASCII only.
        pytest.param("%end$%", "the end\n", False, id="regex-dollar-strict"),
        pytest.param("%a.b%", "a\nb", True, id="regex-dot-newline"),
        pytest.param("%\\d%", "\u0663", False, id="regex-digit-ascii"),
    ],
)
def test_semantics_where_docs_are_silent(pattern: str, message: str, expected: bool) -> None:
    assert compile_pattern(pattern).matches(message) is expected


def test_merged_conditions_keep_their_meaning() -> None:
    """OR-ed equalities and AND-ed inequalities on one selector are merged into one lookup."""
    allowed = compile_pattern('{ $.r = "a" || $.r = "b" || $.r = p* || $.r = q* || $.other = "z" }')
    assert [allowed.matches(json.dumps({"r": r})) for r in ("a", "b", "pz", "qz", "c")] == [
        True,
        True,
        True,
        True,
        False,
    ]
    assert allowed.matches('{"other": "z"}')
    assert allowed.matches('{"r": 7, "other": "z"}')
    denied = compile_pattern('{ $.r != "a" && $.r != "b" && $.r != p* }')
    assert [denied.matches(json.dumps({"r": r})) for r in ("a", "b", "pz", "c")] == [
        False,
        False,
        False,
        True,
    ]
    assert not denied.matches("{}")


def test_deep_parentheses_are_limited_not_crashing() -> None:
    nested = "{ " + "(" * 64 + "$.a = 1" + ")" * 64 + " }"
    assert compile_pattern(nested).matches('{"a": 1}')
    with pytest.raises(FilterPatternError, match="nested more than 64 deep"):
        compile_pattern("{ " + "(" * 65 + "$.a = 1" + ")" * 65 + " }")


def test_deeply_nested_json_line_does_not_crash() -> None:
    line = "[" * 100_000 + "]" * 100_000
    assert not compile_pattern("{ $.a NOT EXISTS }").matches(line)
