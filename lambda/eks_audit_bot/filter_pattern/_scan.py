"""A cursor over the pattern text with the lexical helpers every pattern kind shares."""

from __future__ import annotations

from ._errors import FilterPatternError

_UNQUOTED_STOP = frozenset(" \t\r\n\f\v(){}[],&|")


class Cursor:
    """Reads the pattern left to right; positions in errors are 1-based."""

    __slots__ = ("pos", "text")

    def __init__(self, text: str, pos: int = 0) -> None:
        self.text = text
        self.pos = pos

    def error(self, rule: str, pos: int | None = None) -> FilterPatternError:
        return FilterPatternError((self.pos if pos is None else pos) + 1, rule)

    def refuse_double_equals(self) -> None:
        """`==` where an operator goes: a common slip from other languages, named as such."""
        if self.startswith("=="):
            raise self.error(
                "'==' is not an operator: use '=' (CloudWatch Logs compares with one =)"
            )

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def startswith(self, prefix: str) -> bool:
        return self.text.startswith(prefix, self.pos)

    def skip_ws(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos].isspace():
            pos += 1
        self.pos = pos

    def expect(self, token: str, rule: str) -> None:
        if not self.startswith(token):
            raise self.error(rule)
        self.pos += len(token)

    def read_quoted(self) -> str:
        """Read a double-quoted string; ``\\"`` and ``\\\\`` are its only escapes."""
        start = self.pos
        text = self.text
        pos = start + 1
        out: list[str] = []
        while pos < len(text):
            char = text[pos]
            if char == '"':
                self.pos = pos + 1
                return "".join(out)
            if char == "\\" and pos + 1 < len(text) and text[pos + 1] in '"\\':
                pos += 1
                char = text[pos]
            out.append(char)
            pos += 1
        raise self.error("unterminated quoted string", start)

    def read_unquoted(self, stop: frozenset[str] = _UNQUOTED_STOP) -> str:
        """Read up to whitespace, a bracket, a comma, ``&`` or ``|``."""
        text, start = self.text, self.pos
        pos = start
        while pos < len(text) and text[pos] not in stop:
            pos += 1
        self.pos = pos
        return text[start:pos]
