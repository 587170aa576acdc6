"""Comparison values (``"text"``, ``text*``, ``42``, ``%regex%``) and their string tests.

Shared by JSON patterns and space-delimited patterns. Wildcards are compiled once to
``str`` methods: ``*`` alone (or ``**``) matches anything, ``x*`` is ``startswith``, ``*x``
is ``endswith``, ``*x*`` is ``in``; a ``*`` anywhere else is a literal character.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from ._regex import read_regex
from ._scan import Cursor

NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_UNQUOTED_OK = re.compile(r"[A-Za-z0-9_.*+\-]+")

StrTest = Callable[[str], bool]
NumTest = Callable[[float], bool]


class Kind(Enum):
    TEXT = "text"
    NUMBER = "number"
    REGEX = "regex"


@dataclass(frozen=True, slots=True)
class Value:
    """A comparison value as written in the pattern."""

    kind: Kind
    text: str
    position: int
    number: float = 0.0
    regex: re.Pattern[str] | None = None

    @property
    def wildcard(self) -> bool:
        return self.kind is Kind.TEXT and "*" in (self.text[:1], self.text[-1:])


NUMERIC_OPS: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def read_value(cur: Cursor, stop: frozenset[str]) -> Value:
    """Read one comparison value at the cursor."""
    start = cur.pos
    char = cur.peek()
    if char == '"':
        return Value(Kind.TEXT, cur.read_quoted(), start)
    if char == "%":
        regex = read_regex(cur)
        return Value(Kind.REGEX, cur.text[start : cur.pos], start, regex=regex)
    raw = cur.read_unquoted(stop)
    if not raw:
        raise cur.error("expected a value (a string, a number or a %regex%)", start)
    if NUMBER.fullmatch(raw):
        return Value(Kind.NUMBER, raw, start, number=float(raw))
    bad = _UNQUOTED_OK.match(raw)
    if bad is None or bad.end() != len(raw):
        offset = 0 if bad is None else bad.end()
        raise cur.error(
            "an unquoted value may only contain letters, digits, '_', '-', '+', '.' and '*';"
            " enclose it in double quotes",
            start + offset,
        )
    return Value(Kind.TEXT, raw, start)


def text_test(pattern: str) -> StrTest:
    """Return the exact/wildcard test for a string value."""
    if pattern.strip("*") == "" and pattern:
        return _always
    head, tail = pattern.startswith("*"), len(pattern) > 1 and pattern.endswith("*")
    core = pattern[1 if head else 0 : len(pattern) - 1 if tail else len(pattern)]
    if head and tail:
        return lambda s: core in s
    if tail:
        return lambda s: s.startswith(core)
    if head:
        return lambda s: s.endswith(core)
    return lambda s: s == pattern


def _always(_s: str) -> bool:
    return True


def string_test(op: str, value: Value) -> StrTest:
    """The test for ``op value`` applied to a string (a JSON string or a field)."""
    if value.kind is Kind.REGEX:
        assert value.regex is not None
        search = value.regex.search
        if op == "=":
            return lambda s: search(s) is not None
        return lambda s: search(s) is None
    test = text_test(value.text)
    if op == "=":
        return test
    return lambda s: not test(s)


def number_test(op: str, value: Value) -> NumTest:
    """The test for ``op number`` applied to a number."""
    compare = NUMERIC_OPS[op]
    bound = value.number
    return lambda n: compare(n, bound)
