"""Setters for one field deep inside value objects (named tuples and what copies itself the
same way, `_replace`, such as an audit-log alert; frozen dataclasses): a copy with that field
replaced along a path of attributes, everything else shared. Each feed's `fields` module puts
a shortened text back into its alert with them (`output.sizing.Field`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any


def field_setter[T](name: str, *names: str) -> Callable[[T, Any], T]:
    """`field_setter("event", "object_ref", "name")`: (alert, value) -> a copy of the alert
    whose `event.object_ref.name` is `value`."""
    path = (name, *names)

    def put(item: T, value: Any) -> T:
        changed: T = _replaced(item, path, value)
        return changed

    return put


def _replaced(item: Any, path: Sequence[str], value: Any) -> Any:
    head, *rest = path
    if rest:
        value = _replaced(getattr(item, head), rest, value)
    if hasattr(item, "_replace"):  # a named tuple, an alert
        return item._replace(**{head: value})
    return replace(item, **{head: value})
