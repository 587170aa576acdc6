"""Space-delimited patterns ``[ip, user, ..., status_code = 4*, bytes > 1000]``.

A message is split the way CloudWatch documents it: on whitespace, except that the text
between double quotes or between square brackets is one field (without its quotes or
brackets). Each ``...`` stands for any number of fields (zero included). Without ``...``
the fields are taken in order and the last one takes the rest of the line: the documented
``[w1=ERROR, w2]`` matches ``ERROR 09/25/2014 12:00:02 Failed to process request``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ._scan import Cursor
from ._values import NUMBER, Kind, StrTest, Value, number_test, read_value, string_test

MAX_REGEXES = 2
_NAME = re.compile(r"[A-Za-z0-9_]+")
_TOKEN = re.compile(r'"([^"]*)"?|\[([^\]]*)\]?|(\S+)')
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">")
_VALUE_STOP = frozenset(" \t\r\n\f\v(){}[],&|")


@dataclass(frozen=True, slots=True)
class _Field:
    """One slot: ``test`` is None for an unconditional field; ``ellipsis`` for ``...``."""

    test: StrTest | None = None
    ellipsis: bool = False


def split_fields(message: str) -> tuple[list[str], list[int]]:
    """Split a log line as CloudWatch does; return the fields and where each starts."""
    fields: list[str] = []
    starts: list[int] = []
    for match in _TOKEN.finditer(message):
        quoted, bracketed, bare = match.groups()
        if quoted is None:
            quoted = bare if bracketed is None else bracketed
        fields.append(quoted)
        starts.append(match.start())
    return fields, starts


def parse_space_pattern(cur: Cursor) -> Callable[[str], bool]:
    """Parse ``[...]`` at the cursor and return the message test."""
    open_pos = cur.pos
    cur.pos += 1
    fields: list[_Field] = []
    regexes = [0]
    while True:
        cur.skip_ws()
        if cur.at_end():
            raise cur.error(f"missing closing ']' for the '[' at position {open_pos + 1}")
        if cur.peek() == "]" and fields:
            # "[..., request=*.html*, status_code=4*,]" (documented): an unnamed last field.
            fields.append(_Field())
            cur.pos += 1
            break
        fields.append(_read_field(cur, regexes))
        cur.skip_ws()
        if cur.peek() == ",":
            cur.pos += 1
        elif cur.peek() == "]":
            cur.pos += 1
            break
        elif not cur.at_end():
            raise cur.error("expected ',' or ']' after a field")
    cur.skip_ws()
    if not cur.at_end():
        raise cur.error("unexpected text after the closing ']'")
    return _matcher(tuple(fields))


def _read_field(cur: Cursor, regexes: list[int]) -> _Field:
    if cur.startswith("..."):
        cur.pos += 3
        return _Field(ellipsis=True)
    _read_name(cur, "expected a field name (letters, digits and '_') or '...'")
    if cur.at_end() or cur.peek() in ",]":
        return _Field()
    alternatives: list[list[StrTest]] = [[]]
    while True:
        alternatives[-1].append(_comparison(cur, regexes))
        cur.skip_ws()
        if cur.startswith("||"):
            alternatives.append([])
        elif not cur.startswith("&&"):
            return _Field(test=_or_of_ands(alternatives))
        cur.pos += 2
        cur.skip_ws()
        _read_name(cur, "expected a field name after '&&' or '||'")


def _read_name(cur: Cursor, rule: str) -> None:
    name = _NAME.match(cur.text, cur.pos)
    if name is None:
        raise cur.error(rule)
    cur.pos = name.end()
    cur.skip_ws()


def _comparison(cur: Cursor, regexes: list[int]) -> StrTest:
    cur.refuse_double_equals()
    for op in _OPERATORS:
        if cur.startswith(op):
            cur.pos += len(op)
            break
    else:
        raise cur.error("expected an operator (=, !=, <, >, <=, >=) or ',' after the field name")
    cur.skip_ws()
    value = read_value(cur, _VALUE_STOP)
    if value.kind is Kind.REGEX:
        regexes[0] += 1
        if regexes[0] > MAX_REGEXES:
            raise cur.error(
                f"at most {MAX_REGEXES} regular expressions are allowed in a filter pattern",
                value.position,
            )
    if value.kind is Kind.NUMBER:
        return _numeric(op, value)
    if op not in ("=", "!="):
        raise cur.error(f"the operator {op!r} needs a number", value.position)
    return string_test(op, value)


def _numeric(op: str, value: Value) -> StrTest:
    test = number_test(op, value)
    is_number = NUMBER.fullmatch
    return lambda field: is_number(field) is not None and test(float(field))


def _or_of_ands(alternatives: list[list[StrTest]]) -> StrTest:
    groups = [tuple(group) for group in alternatives]
    return lambda field: any(all(test(field) for test in group) for group in groups)


def _matcher(fields: tuple[_Field, ...]) -> Callable[[str], bool]:
    if any(field.ellipsis for field in fields):
        return lambda message: _match_with_ellipsis(fields, split_fields(message)[0])
    return lambda message: _match_positional(fields, message)


def _match_positional(fields: tuple[_Field, ...], message: str) -> bool:
    """Fields in order; the last field takes the rest of the line (the docs' "blank w2")."""
    tokens, starts = split_fields(message)
    count = len(fields)
    if len(tokens) < count:
        return False
    if len(tokens) > count:
        tokens[count - 1] = message[starts[count - 1] :].rstrip()
    return all(f.test is None or f.test(tok) for f, tok in zip(fields, tokens, strict=False))


def _match_with_ellipsis(fields: tuple[_Field, ...], tokens: list[str]) -> bool:
    """Each ``...`` takes any number of fields; the others take exactly one."""
    reachable = {0}
    count = len(tokens)
    for field in fields:
        if field.ellipsis:
            reachable = set(range(min(reachable), count + 1))
            continue
        test = field.test
        reachable = {p + 1 for p in reachable if p < count and (test is None or test(tokens[p]))}
        if not reachable:
            return False
    return count in reachable
