"""``compile_pattern`` and the ``CompiledPattern`` it returns."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from ._errors import FilterPatternError
from ._json import parse_json_pattern
from ._jsoncompile import compile_node
from ._jsonpath import Doc
from ._regex import read_regex
from ._scan import Cursor
from ._space import parse_space_pattern
from ._terms import parse_terms

MAX_PATTERN_LENGTH = 1024


class _NotJson:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON: Final = _NotJson()
"""Pass as ``parsed`` to :meth:`CompiledPattern.matches_parsed` for a line that is not JSON."""


class PatternKind(StrEnum):
    EVERYTHING = "everything"
    TERMS = "terms"
    REGEX = "regex"
    JSON = "json"
    SPACE_DELIMITED = "space-delimited"


def _never(_doc: Doc) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A filter pattern compiled to closures; build it with :func:`compile_pattern`."""

    text: str
    kind: PatternKind
    needs_json: bool
    _text_test: Callable[[str], bool] = field(repr=False, compare=False)
    _doc_test: Callable[[Doc], bool] = field(default=_never, repr=False, compare=False)

    def matches(self, message: str) -> bool:
        """True when CloudWatch Logs would pass ``message`` through this pattern."""
        if not self.needs_json:
            return self._text_test(message)
        try:
            parsed = json.loads(message)
        except (ValueError, RecursionError):
            return False
        return type(parsed) is dict and self._doc_test(parsed)

    def matches_parsed(self, message: str, parsed: object) -> bool:
        """Like :meth:`matches` for a caller that already ran ``json.loads(message)``.

        ``parsed`` is that result, or :data:`NOT_JSON` when the line did not parse. JSON
        patterns look only at ``parsed`` (and match only a JSON object); the other kinds
        look only at ``message``.
        """
        if not self.needs_json:
            return self._text_test(message)
        return type(parsed) is dict and self._doc_test(parsed)


def compile_pattern(text: str) -> CompiledPattern:
    """Compile a CloudWatch Logs filter pattern; raise :class:`FilterPatternError` if invalid."""
    if len(text) > MAX_PATTERN_LENGTH:
        raise FilterPatternError(
            MAX_PATTERN_LENGTH + 1,
            f"a filter pattern is at most {MAX_PATTERN_LENGTH} characters"
            f" (this one has {len(text)})",
        )
    cur = Cursor(text)
    cur.skip_ws()
    first = cur.peek()
    if first == "":
        return CompiledPattern(text, PatternKind.EVERYTHING, False, _always)
    if first == "{":
        test = compile_node(parse_json_pattern(cur))
        return CompiledPattern(text, PatternKind.JSON, True, _always, test)
    if first == "[":
        return CompiledPattern(text, PatternKind.SPACE_DELIMITED, False, parse_space_pattern(cur))
    if first == "%":
        return CompiledPattern(text, PatternKind.REGEX, False, _standalone_regex(cur))
    return CompiledPattern(text, PatternKind.TERMS, False, parse_terms(cur))


def _always(_message: str) -> bool:
    return True


def _standalone_regex(cur: Cursor) -> Callable[[str], bool]:
    search = read_regex(cur).search
    cur.skip_ws()
    if not cur.at_end():
        raise cur.error("a regular expression (%...%) must be the whole pattern")
    return lambda message: search(message) is not None
