"""JSON patterns ``{ ... }``: parsed into a small tree, then compiled by ``_jsoncompile``.

Grammar (precedence ``()`` > ``&&`` > ``||``, as documented)::

    pattern   := "{" or "}"
    or        := and ("||" and)*
    and       := primary ("&&" primary)*
    primary   := "(" or ")" | condition
    condition := selector ("=" | "!=") value
               | selector ("<" | ">" | "<=" | ">=") number
               | selector "IS" ("TRUE" | "FALSE" | "NULL")
               | selector "NOT" "EXISTS"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ._jsonpath import Selector, parse_selector
from ._scan import Cursor
from ._values import Kind, Value, read_value

MAX_DEPTH = 64
MAX_REGEXES = 2
MAX_WILDCARDS = 3
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">")
_WORD = re.compile(r"[A-Za-z]+")
_VALUE_STOP = frozenset(" \t\r\n\f\v(){}[],&|")
_IS_VALUES = frozenset({"TRUE", "FALSE", "NULL"})


@dataclass(frozen=True, slots=True)
class Condition:
    """``selector op value``; ``op`` is also ``IS TRUE``/``IS FALSE``/``IS NULL``/``NOT EXISTS``."""

    selector: Selector
    op: str
    value: Value | None = None


@dataclass(frozen=True, slots=True)
class Group:
    """``&&`` or ``||`` of two or more nodes."""

    op: str
    items: tuple[Node, ...]


Node = Condition | Group
_ItemParser = Callable[[], Node]


class _Parser:
    __slots__ = ("cur", "depth", "regexes", "wildcards")

    def __init__(self, cur: Cursor) -> None:
        self.cur = cur
        self.depth = 0
        self.regexes = 0
        self.wildcards = 0

    def parse(self) -> Node:
        cur = self.cur
        open_pos = cur.pos
        cur.pos += 1
        cur.skip_ws()
        if cur.peek() == "}":
            raise cur.error("empty JSON pattern: expected a condition inside '{ }'")
        node = self.parse_or()
        cur.skip_ws()
        if cur.at_end():
            raise cur.error("missing closing '}' for the '{' at position " + str(open_pos + 1))
        if cur.peek() == ")":
            raise cur.error("unbalanced parenthesis")
        if cur.peek() != "}":
            raise cur.error("expected '&&', '||' or '}'")
        cur.pos += 1
        cur.skip_ws()
        if not cur.at_end():
            raise cur.error("unexpected text after the closing '}'")
        return node

    def parse_or(self) -> Node:
        return self._chain("||", self.parse_and)

    def parse_and(self) -> Node:
        return self._chain("&&", self.parse_primary)

    def _chain(self, op: str, parse_item: _ItemParser) -> Node:
        items = [parse_item()]
        cur = self.cur
        cur.skip_ws()
        while cur.startswith(op):
            cur.pos += 2
            items.append(parse_item())
            cur.skip_ws()
        return items[0] if len(items) == 1 else Group(op, tuple(items))

    def parse_primary(self) -> Node:
        cur = self.cur
        cur.skip_ws()
        if cur.peek() == "(":
            return self._parenthesised()
        if cur.peek() != "$":
            raise cur.error("expected a condition: a property selector ('$.') or '('")
        return self.parse_condition()

    def _parenthesised(self) -> Node:
        cur = self.cur
        open_pos = cur.pos
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise cur.error(f"parentheses nested more than {MAX_DEPTH} deep")
        cur.pos += 1
        node = self.parse_or()
        cur.skip_ws()
        if cur.peek() != ")":
            raise cur.error("unbalanced parenthesis", open_pos)
        cur.pos += 1
        self.depth -= 1
        return node

    def parse_condition(self) -> Condition:
        cur = self.cur
        selector = parse_selector(cur)
        for step in selector.wildcards:
            self.wildcards += 1
            if self.wildcards > MAX_WILDCARDS:
                raise cur.error(
                    f"at most {MAX_WILDCARDS} wildcard selectors are allowed in a filter pattern",
                    step.position,
                )
        cur.skip_ws()
        word = _WORD.match(cur.text, cur.pos)
        if word is not None:
            return self._keyword_condition(selector, word.group())
        cur.refuse_double_equals()
        for op in _OPERATORS:
            if cur.startswith(op):
                cur.pos += len(op)
                return Condition(selector, op, self._value(op))
        raise cur.error("expected an operator (=, !=, <, >, <=, >=, IS, NOT EXISTS)")

    def _keyword_condition(self, selector: Selector, word: str) -> Condition:
        cur = self.cur
        word_pos = cur.pos
        cur.pos += len(word)
        cur.skip_ws()
        following = _WORD.match(cur.text, cur.pos)
        second = following.group() if following else ""
        if word == "IS" and second in _IS_VALUES:
            cur.pos += len(second)
            return Condition(selector, f"IS {second}")
        if word == "NOT" and second == "EXISTS":
            cur.pos += len(second)
            return Condition(selector, "NOT EXISTS")
        if word == "IS" and second == "NOT":
            raise cur.error("'IS NOT' is not supported", word_pos)
        if word == "EXISTS":
            raise cur.error("'EXISTS' is not supported; use NOT EXISTS", word_pos)
        if word == "IS":
            raise cur.error("'IS' must be followed by TRUE, FALSE or NULL")
        if word == "NOT":
            raise cur.error("'NOT' must be followed by EXISTS")
        raise cur.error("expected an operator (=, !=, <, >, <=, >=, IS, NOT EXISTS)", word_pos)

    def _value(self, op: str) -> Value:
        cur = self.cur
        cur.skip_ws()
        value = read_value(cur, _VALUE_STOP)
        if op not in ("=", "!=") and value.kind is not Kind.NUMBER:
            raise cur.error(f"the operator {op!r} needs a number", value.position)
        if value.kind is Kind.REGEX:
            self.regexes += 1
            if self.regexes > MAX_REGEXES:
                raise cur.error(
                    f"at most {MAX_REGEXES} regular expressions are allowed in a filter pattern",
                    value.position,
                )
        return value


def parse_json_pattern(cur: Cursor) -> Node:
    """Parse a JSON pattern; the cursor is on its opening ``{``."""
    return _Parser(cur).parse()
