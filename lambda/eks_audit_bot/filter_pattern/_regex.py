"""CloudWatch's restricted regular expressions (``%...%``), checked and translated to ``re``.

Documented rules ("Supported regular expressions (regex) syntax"): only ASCII letters and
digits, the symbols ``: _ # = @ / ; , -`` and the operators ``^ $ ? [ ] { } | \\ * + .``;
no parentheses, no multi-byte characters; ``\\d \\D \\s \\S \\w \\W \\xhh`` classes. The
documentation's own examples also use spaces (``%^shutting down%``, ``%.at%`` matching
``" at"``), so a space is accepted. Matching is a search, not a full match.
"""

from __future__ import annotations

import re

from ._errors import FilterPatternError
from ._scan import Cursor

_SYMBOLS = frozenset(":_#=@/;,- ")
_OPERATORS = frozenset("^$?[]{}|\\*+.")
_CLASS_ESCAPES = frozenset("dDsSwW")
_HEX = frozenset("0123456789abcdefABCDEF")
_QUANTIFIER = re.compile(r"\{\s*(\d*)\s*(?:(,)\s*(\d*)\s*)?\}")
_FLAGS = re.ASCII | re.DOTALL


def read_regex(cur: Cursor) -> re.Pattern[str]:
    """Read ``%...%`` at the cursor and return the compiled search pattern."""
    start = cur.pos
    end = cur.text.find("%", start + 1)
    if end < 0:
        raise cur.error("unterminated regular expression: no closing '%'", start)
    body = cur.text[start + 1 : end]
    if not body:
        raise cur.error("empty regular expression", start)
    translated = _translate(body, start + 1)
    try:
        compiled = re.compile(translated, _FLAGS)
    except re.error as err:
        raise cur.error(f"invalid regular expression: {err.msg}", start) from err
    cur.pos = end + 1
    return compiled


def _check_char(char: str, offset: int) -> None:
    if ord(char) > 127:
        raise FilterPatternError(
            offset + 1, "multi-byte characters are not supported in a regular expression"
        )
    if char in "()":
        raise FilterPatternError(
            offset + 1, "parentheses are not supported in a regular expression"
        )
    if not (char.isalnum() or char in _SYMBOLS or char in _OPERATORS):
        raise FilterPatternError(
            offset + 1, f"character {char!r} is not supported in a regular expression"
        )


def _escape(body: str, index: int, base: int) -> str:
    """Return the escape sequence starting at ``body[index]`` (a backslash)."""
    if index + 1 >= len(body):
        raise FilterPatternError(base + index + 1, "regular expression ends with '\\'")
    nxt = body[index + 1]
    _check_char(nxt, base + index + 1)
    if nxt == "x":
        digits = body[index + 2 : index + 4]
        if len(digits) != 2 or not set(digits) <= _HEX:
            raise FilterPatternError(base + index + 1, "'\\x' needs two hexadecimal digits")
        return body[index : index + 4]
    if nxt.isalnum() and nxt not in _CLASS_ESCAPES:
        raise FilterPatternError(base + index + 1, f"unsupported escape '\\{nxt}'")
    return body[index : index + 2]


def _translate(body: str, base: int) -> str:
    """Validate ``body`` (which starts at offset ``base``) and rewrite it for ``re``."""
    out: list[str] = []
    index = 0
    in_class = False
    while index < len(body):
        char = body[index]
        if char == "\\":
            seq = _escape(body, index, base)
            out.append(seq)
            index += len(seq)
            continue
        _check_char(char, base + index)
        if in_class:
            in_class = char != "]" or body[index - 1] == "["
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == "$":
            out.append(r"\Z")
        elif char == "{" and (quant := _QUANTIFIER.match(body, index)):
            out.append("{" + quant.group(1) + (quant.group(2) or "") + (quant.group(3) or "") + "}")
            index = quant.end()
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)
