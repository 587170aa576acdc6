"""Compile a parsed JSON pattern into nested closures over the parsed document.

Nothing is interpreted per event: each condition becomes ``test(get(doc))`` with the getter
and the test specialised at compile time, and conditions that test one selector against
several exact strings or prefixes (``$.verb = "create" || $.verb = "patch"``, or ``!=``
under ``&&``) are merged into one set lookup or one ``str.startswith(tuple)``.
"""

from __future__ import annotations

from collections.abc import Callable

from ._json import Condition, Node
from ._jsonpath import MISSING, Doc, multi_getter, single_getter
from ._values import Kind, StrTest, number_test, string_test

DocTest = Callable[[Doc], bool]
ValueTest = Callable[[object], bool]
_MergeKey = tuple[tuple[object, ...], bool]


def compile_node(node: Node) -> DocTest:
    """Compile a condition or an ``&&``/``||`` group."""
    if isinstance(node, Condition):
        return _condition(node)
    merged: dict[_MergeKey, list[Condition]] = {}
    tests: list[DocTest] = []
    for item in node.items:
        mergeable = _mergeable(item, node.op)
        if mergeable is None:
            tests.append(compile_node(item))
        else:
            merged.setdefault(_merge_key(mergeable), []).append(mergeable)
    tests[:0] = [_merged_test(group) for group in merged.values()]
    return _all(tests) if node.op == "&&" else _any(tests)


def _mergeable(item: Node, group_op: str) -> Condition | None:
    """An exact or prefix ``=`` under ``||`` (``!=`` under ``&&``) on a plain selector."""
    if not isinstance(item, Condition) or item.value is None:
        return None
    value = item.value
    wanted = "=" if group_op == "||" else "!="
    if item.op != wanted or value.kind is not Kind.TEXT or item.selector.wildcards:
        return None
    return None if value.text.startswith("*") else item


def _merge_key(cond: Condition) -> _MergeKey:
    assert cond.value is not None
    path = tuple((step.kind, step.key, step.index) for step in cond.selector.steps)
    return path, cond.value.text.endswith("*")


def _merged_test(group: list[Condition]) -> DocTest:
    first = group[0]
    assert first.value is not None
    texts = [cond.value.text for cond in group if cond.value is not None]
    if first.value.text.endswith("*"):
        prefixes = tuple(text[:-1] for text in texts)
        test: StrTest = lambda s: s.startswith(prefixes)  # noqa: E731
    else:
        test = frozenset(texts).__contains__
    if first.op == "!=":
        positive = test
        test = lambda s: not positive(s)  # noqa: E731
    return _bind(single_getter(first.selector.steps), on_scalar(test))


def _bind(get: Callable[[Doc], object], test: ValueTest) -> DocTest:
    return lambda doc: test(get(doc))


def _condition(cond: Condition) -> DocTest:
    steps = cond.selector.steps
    if not cond.selector.wildcards:
        get = single_getter(steps)
        if cond.op == "NOT EXISTS":
            return lambda doc: get(doc) is MISSING
        return _bind(get, _value_test(cond))
    get_all = multi_getter(steps)
    if cond.op == "NOT EXISTS":
        return lambda doc: not get_all(doc)
    test = _value_test(cond)

    def any_value(doc: Doc) -> bool:
        for value in get_all(doc):  # noqa: SIM110 - a generator costs more per event
            if test(value):
                return True
        return False

    return any_value


def _value_test(cond: Condition) -> ValueTest:
    if cond.op == "IS TRUE":
        return lambda value: value is True
    if cond.op == "IS FALSE":
        return lambda value: value is False
    if cond.op == "IS NULL":
        return lambda value: value is None
    assert cond.value is not None
    if cond.value.kind is Kind.NUMBER:
        return on_number(number_test(cond.op, cond.value))
    return on_scalar(string_test(cond.op, cond.value))


def on_scalar(test: StrTest) -> ValueTest:
    """Apply a string test to a JSON string, or to the text of a JSON number."""

    def scalar(value: object) -> bool:
        if type(value) is str:
            return test(value)
        if type(value) is int or type(value) is float:
            return test(repr(value))
        return False

    return scalar


def on_number(test: Callable[[float], bool]) -> ValueTest:
    """Apply a numeric test to a JSON number (never to a boolean, a string or null)."""

    def number(value: object) -> bool:
        if type(value) is int or type(value) is float:
            return test(value)
        return False

    return number


def _all(tests: list[DocTest]) -> DocTest:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda doc: first(doc) and second(doc)

    def all_of(doc: Doc) -> bool:
        for test in tests:  # noqa: SIM110 - a generator costs more per event
            if not test(doc):
                return False
        return True

    return all_of


def _any(tests: list[DocTest]) -> DocTest:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda doc: first(doc) or second(doc)

    def any_of(doc: Doc) -> bool:
        for test in tests:  # noqa: SIM110 - a generator costs more per event
            if test(doc):
                return True
        return False

    return any_of
