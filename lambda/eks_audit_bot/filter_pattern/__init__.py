"""A faithful, local CloudWatch Logs filter-pattern evaluator.

``compile_pattern(text)`` returns a :class:`CompiledPattern` whose ``matches(message)``
answers "would a metric filter, subscription filter or FilterLogEvents pass this line?".
Invalid patterns raise :class:`FilterPatternError` (a ``ValueError``) with ``.position``
(1-based) and ``.rule``, e.g. ``position 14: unbalanced parenthesis``.

Callers that already parsed the line use ``matches_parsed(message, parsed)`` with the result
of ``json.loads(message)``, or :data:`NOT_JSON` when it did not parse; ``needs_json`` tells
whether the pattern is a JSON pattern (the only kind that looks at ``parsed``).

Syntax covered (AWS: "Filter pattern syntax for metric filters, subscription filters, filter
log events, and Live Tail"): the empty pattern and ``" "`` (everything); terms, ``"phrases"``,
``-term``, ``?term``; a standalone ``%regex%``; JSON patterns ``{ ... }`` with ``$.a.b``,
``$.a[0]``, ``$.a[*]``, ``$.*``, ``$.['key.with.dots']``, ``=``/``!=`` with strings,
``*`` prefix/suffix wildcards and ``%regex%``, numbers with ``= != < > <= >=``, ``IS TRUE``,
``IS FALSE``, ``IS NULL``, ``NOT EXISTS``, ``&&``, ``||`` and parentheses (``()`` > ``&&`` >
``||``); space-delimited patterns ``[a, b=..., ..., c > 1]`` with ``&&``/``||`` in a field.
Documented limits enforced: 1024 characters; 2 regular expressions per pattern; one wildcard
per property selector and 3 per pattern; regex characters restricted to ASCII letters, digits,
``: _ # = @ / ; , -``, space and ``^ $ ? [ ] { } | \\ * + .``; no parentheses in a regex;
``IS NOT`` and ``EXISTS`` rejected.

Semantics where the documentation is silent
-------------------------------------------
- **Missing value.** Every comparison (``=``, ``!=``, ``<`` ...) and every ``IS`` needs the
  selected value to exist: ``{ $.x != "a" }`` does not match a line without ``x``. Only
  ``NOT EXISTS`` matches a missing value. (This mirrors the documented rule that a selector
  landing on an object or array fails both ``=`` and ``!=``.)
- **Objects, arrays, booleans and null** never satisfy ``=``, ``!=`` or a numeric operator;
  use ``IS TRUE``/``IS FALSE``/``IS NULL``. ``{ $.x = * }`` means "x is a string or number".
- **Strings against numbers.** A string, wildcard or regex value compares with a JSON string,
  or with the text of a JSON number as Python prints it (``404``, ``0.5``): ``{ $.code = 4* }``
  matches ``404``. A number value (``404``, ``-1.5``, ``1e3``) compares numerically with JSON
  numbers only: ``{ $.code = 404 }`` does not match ``"404"`` (a string), nor does ``!=``.
- **Wildcard selectors** (``[*]``, ``.*``) select every element of an array or every value of
  an object; the condition holds if it holds for any selected value; ``NOT EXISTS`` holds when
  nothing is selected.
- **Not JSON.** A JSON pattern matches only a line that parses as a JSON object; any other line
  (plain text, a JSON array or scalar) never matches, not even ``NOT EXISTS``.
- **Keywords** ``IS``/``TRUE``/``FALSE``/``NULL``/``NOT``/``EXISTS`` are upper-case, as
  documented. Quoted strings accept ``\\"`` and ``\\\\`` escapes. Unquoted values may contain
  letters, digits, ``_ - + . *``; anything else must be quoted.
- **Unquoted terms** may contain only letters, digits and ``_`` (documented); others are
  rejected rather than guessed. ``-`` and ``?`` may be followed by spaces (``"ERROR" - "x"``).
  A quoted term of only whitespace matches everything (documented ``" "``); under ``-`` it is
  an ordinary substring.
- **Regex** is a search anywhere in the line (or the value/field), ``$`` is the very end of
  it, ``.`` matches any character including a newline, ``\\d \\w \\s`` are ASCII, and
  ``{m, n}`` may contain spaces. A standalone regex must be the whole pattern.
- **Space-delimited**: fields split on whitespace, ``"..."`` and ``[...]`` are single fields
  (an unclosed one runs to the end of the line). A line with fewer fields than the pattern
  never matches. Without ``...`` the last field takes the rest of the line (the documented
  "blank ``w2`` indicator" after ``w1=ERROR``); with ``...`` every field is one field.
  Every comparison in a field tests that field, whatever name it is written with (the docs'
  ``[w1=ERROR || W1=WARNING, w2]``). Numeric operators need a field that is a number;
  otherwise the comparison is false (``!=`` included). A trailing ``,`` before ``]`` adds an
  unnamed field (the docs' ``[..., status_code=4*,]``). Parentheses are not accepted in fields.
- Parentheses in JSON patterns may nest at most 64 deep.
"""

from __future__ import annotations

from ._errors import FilterPatternError
from ._pattern import MAX_PATTERN_LENGTH, NOT_JSON, CompiledPattern, PatternKind, compile_pattern

__all__ = [
    "MAX_PATTERN_LENGTH",
    "NOT_JSON",
    "CompiledPattern",
    "FilterPatternError",
    "PatternKind",
    "compile_pattern",
]
