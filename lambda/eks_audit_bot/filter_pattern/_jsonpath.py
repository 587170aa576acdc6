"""JSON property selectors (``$.a.b``, ``$.a[0]``, ``$.a[*]``, ``$.*``, ``$.['k.x']``).

A selector compiles to a getter. Without a wildcard the getter returns the one value or
``MISSING``; with a wildcard it returns the list of every value the selector reaches.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Final

from ._scan import Cursor

_NAME = re.compile(r"[A-Za-z0-9_\-]+")
_INDEX = re.compile(r"\d+")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

Doc = dict[str, object]
Getter = Callable[[Doc], object]
MultiGetter = Callable[[Doc], list[object]]


class StepKind(Enum):
    KEY = "key"
    INDEX = "index"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    position: int
    key: str = ""
    index: int = 0


@dataclass(frozen=True, slots=True)
class Selector:
    steps: tuple[Step, ...]
    text: str
    position: int

    @property
    def wildcards(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.kind is StepKind.ANY)


def parse_selector(cur: Cursor) -> Selector:
    """Read a selector at the cursor; at most one wildcard per selector (documented quota)."""
    start = cur.pos
    cur.expect("$.", "a property selector starts with '$.'")
    steps = [_dotted_step(cur)]
    while cur.peek() in (".", "["):
        if cur.peek() == ".":
            cur.pos += 1
            steps.append(_dotted_step(cur))
        else:
            steps.append(_bracket_step(cur))
    selector = Selector(tuple(steps), cur.text[start : cur.pos], start)
    if len(selector.wildcards) > 1:
        raise cur.error(
            "only one wildcard selector ('*') is allowed in a property selector",
            selector.wildcards[1].position,
        )
    return selector


def _dotted_step(cur: Cursor) -> Step:
    start = cur.pos
    if cur.peek() == "*":
        cur.pos += 1
        return Step(StepKind.ANY, start)
    if cur.peek() == "[":
        return _bracket_step(cur)
    name = _NAME.match(cur.text, start)
    if name is None:
        raise cur.error(
            "a property name may only contain letters, digits, '-' and '_'"
            " (use $.['name'] for other characters)"
        )
    cur.pos = name.end()
    return Step(StepKind.KEY, start, key=name.group())


def _bracket_step(cur: Cursor) -> Step:
    start = cur.pos
    cur.pos += 1
    if cur.peek() == "'":
        end = cur.text.find("'", cur.pos + 1)
        if end < 0:
            raise cur.error("unterminated quoted property name", cur.pos)
        step = Step(StepKind.KEY, start, key=cur.text[cur.pos + 1 : end])
        cur.pos = end + 1
    elif cur.peek() == "*":
        step = Step(StepKind.ANY, start)
        cur.pos += 1
    elif index := _INDEX.match(cur.text, cur.pos):
        step = Step(StepKind.INDEX, start, index=int(index.group()))
        cur.pos = index.end()
    else:
        raise cur.error("expected an array index, '*' or a quoted property name after '['")
    cur.expect("]", "expected ']'")
    return step


def single_getter(steps: tuple[Step, ...]) -> Getter:
    """A getter for a selector without wildcard; the root is always a dict."""
    if all(step.kind is StepKind.KEY for step in steps) and len(steps) <= 3:
        return _key_getter(tuple(step.key for step in steps))

    def get(doc: Doc) -> object:
        node: object = doc
        for step in steps:
            node = _child(node, step)
            if node is MISSING:
                return MISSING
        return node

    return get


def _key_getter(keys: tuple[str, ...]) -> Getter:
    first = keys[0]
    if len(keys) == 1:
        return lambda doc: doc.get(first, MISSING)
    second = keys[1]
    if len(keys) == 2:

        def get2(doc: Doc) -> object:
            node = doc.get(first)
            return node.get(second, MISSING) if type(node) is dict else MISSING

        return get2
    third = keys[2]

    def get3(doc: Doc) -> object:
        node = doc.get(first)
        if type(node) is not dict:
            return MISSING
        node = node.get(second)
        return node.get(third, MISSING) if type(node) is dict else MISSING

    return get3


def _child(node: object, step: Step) -> object:
    if step.kind is StepKind.KEY:
        return node.get(step.key, MISSING) if isinstance(node, dict) else MISSING
    if isinstance(node, list) and step.index < len(node):
        return node[step.index]
    return MISSING


def multi_getter(steps: tuple[Step, ...]) -> MultiGetter:
    """A getter for a selector with a wildcard: every value it reaches."""

    def get(doc: Doc) -> list[object]:
        nodes: list[object] = [doc]
        for step in steps:
            found: list[object] = []
            for node in nodes:
                if step.kind is not StepKind.ANY:
                    child = _child(node, step)
                    if child is not MISSING:
                        found.append(child)
                elif isinstance(node, dict):
                    found.extend(node.values())
                elif isinstance(node, list):
                    found.extend(node)
            nodes = found
        return nodes

    return get
