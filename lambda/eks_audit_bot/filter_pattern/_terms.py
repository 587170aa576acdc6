"""Term patterns for unstructured log events: ``ERROR``, ``"exact phrase"``, ``-term``, ``?term``.

Documented rules ("Using filter patterns to match terms in unstructured log events"): every
plain term must appear (case-sensitive substring), no ``-`` term may appear, ``?`` terms match
when any of them appears, and when ``?`` terms are combined with plain or ``-`` terms the
``?`` terms are ignored. Terms with characters other than letters, digits and ``_`` must be
quoted. ``" "`` (a quoted term of only whitespace) matches everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ._scan import Cursor

_BARE = re.compile(r"[A-Za-z0-9_]+")


def parse_terms(cur: Cursor) -> Callable[[str], bool]:
    """Parse the rest of the pattern as terms and return the message test."""
    plain: list[str] = []
    excluded: list[str] = []
    optional: list[str] = []
    by_prefix = {"": plain, "-": excluded, "?": optional}
    match_all = False
    while True:
        cur.skip_ws()
        if cur.at_end():
            break
        prefix = cur.peek() if cur.peek() in "-?" else ""
        if prefix:
            cur.pos += 1
            cur.skip_ws()
            if cur.at_end():
                raise cur.error(f"expected a term after {prefix!r}")
        quoted = cur.peek() == '"'
        term = cur.read_quoted() if quoted else _bare_term(cur)
        if quoted and not term.strip() and prefix != "-":
            match_all = True
            continue
        by_prefix[prefix].append(term)
    return _build(tuple(plain), tuple(excluded), tuple(optional), match_all)


def _bare_term(cur: Cursor) -> str:
    start = cur.pos
    text = cur.text
    end = start
    while end < len(text) and not text[end].isspace() and text[end] != '"':
        end += 1
    bare = _BARE.match(text, start, end)
    stop = start if bare is None else bare.end()
    if stop != end:
        if text[stop] == "%":
            raise cur.error("a regular expression (%...%) must be the whole pattern", stop)
        raise cur.error(
            "a term with characters other than letters, digits and '_' must be in double quotes",
            stop,
        )
    cur.pos = end
    return text[start:end]


def _build(
    plain: tuple[str, ...], excluded: tuple[str, ...], optional: tuple[str, ...], match_all: bool
) -> Callable[[str], bool]:
    if plain or excluded:
        return lambda message: (
            all(term in message for term in plain) and not any(term in message for term in excluded)
        )
    if optional and not match_all:
        return lambda message: any(term in message for term in optional)
    return lambda message: True
