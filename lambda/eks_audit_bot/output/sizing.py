"""Making an alert small enough for one SNS request, largest fields first.

SNS takes at most 256 KiB per request: the Subject, every protocol body of the message and
the attributes together. An alert is never dropped for its size. When its message is too big,
the largest field (15,000 forwarded IPs, a padded user agent or name, a long change list...)
is cut to a budget, then the next largest, until the message fits; if every field is within
the budget, the budget shrinks. Each cut comes back as a note for the alert to show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

SNS_REQUEST_LIMIT = 256 * 1024
# (characters per text, items per list) at each step; a digest's JSON document also lists
# fewer members.
BUDGETS = ((1024, 20), (256, 5), (64, 1))
DOCUMENT_MEMBERS = (100, 20, 5)
ELLIPSIS = "…"

type Value = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Field[T]:
    """A field of an alert that can be shortened: where it is, and how to put it back."""

    label: str
    get: Callable[[T], Value]
    put: Callable[[T, Value], T]


def least_size[T](item: T, fields: tuple[Field[T], ...]) -> int:
    """A lower bound of the message's size: every field is in the JSON document at least
    once. Above the limit, cutting needs no rendering to know it is needed."""
    return sum(size_of(field.get(item)) for field in fields)


def size_of(value: Value) -> int:
    if isinstance(value, str):
        return len(value)
    return sum(len(item) + 4 for item in value)


def shortened(value: Value, budget: tuple[int, int]) -> tuple[Value, str]:
    """`value` within the budget, and a note saying what was cut (empty when nothing was)."""
    chars, items = budget
    if isinstance(value, str):
        if len(value) <= chars:
            return value, ""
        return value[: chars - 1] + ELLIPSIS, f"{len(value):,} characters, the first {chars} kept"
    kept = tuple(item if len(item) <= chars else item[: chars - 1] + ELLIPSIS for item in value)
    note = f"{len(value):,} items, the first {items} kept" if len(value) > items else ""
    if kept[:items] != value[:items]:
        note = note or f"items over {chars} characters cut"
    return kept[:items], note


def steps[T](item: T, fields: tuple[Field[T], ...]) -> Iterator[tuple[T, str]]:
    """Ever smaller versions of `item`, each with the note for what its step cut: the largest
    field over the budget first; then the next budget."""
    for budget in BUDGETS:
        while True:
            over = [
                (size_of(field.get(item)), index)
                for index, field in enumerate(fields)
                if shortened(field.get(item), budget)[1]
            ]
            if not over:
                break
            largest = fields[max(over)[1]]
            value, note = shortened(largest.get(item), budget)
            item = largest.put(item, value)
            yield item, f"{largest.label}: {note}"


def slim[T](item: T, fields: tuple[Field[T], ...], budget: tuple[int, int]) -> tuple[T, list[str]]:
    """Every field of `item` within `budget`, and the labels of those that were cut."""
    cut = []
    for field in fields:
        value, note = shortened(field.get(item), budget)
        if note:
            item = field.put(item, value)
            cut.append(field.label)
    return item, cut
