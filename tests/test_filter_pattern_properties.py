"""Property tests: the parser never crashes, and compiled patterns never raise on any message."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_audit_bot.filter_pattern import NOT_JSON, FilterPatternError, compile_pattern

# Pieces of every pattern kind, so random joins reach deep into each parser.
FRAGMENTS = [
    "{", "}", "(", ")", "[", "]", ",", " ", "&&", "||", "=", "!=", "<", ">=", "...",
    "$.", "$.a", "$.a.b", "$.a[0]", "$.a[*]", "$.*", "$.['k.x']", "['", "'", "IS", " TRUE",
    " NULL", " FALSE", "NOT EXISTS", "EXISTS", '"', '"x y"', '"a*"', "*", "x*", "*x", "1",
    "-1.5e3", "+2", "%", "%a.b%", "%[0-9]{1,3}%", "\\", "?", "-", "ERROR", "w1", "w2",
    "status_code", "\u00e9", "\n",
]  # fmt: skip

pattern_texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["a", "b", "k.x", "*"]), children, max_size=4)
    ),
    max_leaves=12,
)
messages = st.one_of(st.text(max_size=120), json_values.map(json.dumps))

COMPILED = [
    compile_pattern(text)
    for text in (
        "",
        "ERROR -x ?y",
        "?a ?b",
        "%a.b|^x%",
        '{ $.a = 1 || $.a.b = "x*" && $.*[0] != %a% }',
        "{ $.a[*] NOT EXISTS || $.b IS NULL || $.a >= -1e3 }",
        "{ $.['k.x'] = * && ($.a != 2 || $.b = *x) }",
        "[a, ..., b = 1 || b > 2, c]",
        '[w1 = "x y", w2]',
    )
]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(pattern_texts)
def test_parser_compiles_or_raises_filter_pattern_error(text: str) -> None:
    error: FilterPatternError | None = None
    try:
        compiled = compile_pattern(text)
    except FilterPatternError as err:
        error = err
    if error is None:
        assert isinstance(compiled.matches("ERROR a b 1"), bool)
        assert isinstance(compiled.matches('{"a": 1}'), bool)
    else:
        assert 1 <= error.position <= len(text) + 1
        assert str(error).startswith(f"position {error.position}: ")


@settings(max_examples=300)
@given(pattern_texts, messages)
def test_any_compiled_pattern_never_raises_on_any_message(text: str, message: str) -> None:
    try:
        compiled = compile_pattern(text)
    except FilterPatternError:
        return
    assert isinstance(compiled.matches(message), bool)


@settings(max_examples=300)
@given(messages)
def test_matches_and_matches_parsed_agree(message: str) -> None:
    try:
        parsed: object = json.loads(message)
    except ValueError:
        parsed = NOT_JSON
    for compiled in COMPILED:
        assert compiled.matches(message) is compiled.matches_parsed(message, parsed)
