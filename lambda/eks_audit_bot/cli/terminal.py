"""What the CLI prints: rich consoles, and audit data made safe for a terminal.

Audit logs are written by whoever calls the API server: a user name, an object name or a user
agent can carry escape sequences that would move the cursor, rewrite earlier lines or change
the terminal's title. Everything printed from audit data goes through `safe`, `safe_lines` or
`safe_json`, which escape control and format characters (`\\x1b`, `\\u202e`) visibly.
"""

from __future__ import annotations

import io
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from eks_audit_bot.output.safety import clean as printable

# Text written to a file or a pipe is not wrapped at 80 columns: ARNs are long.
PIPE_WIDTH = 160
# Tables written to a file or a pipe are never wrapped: one row, one line, for grep and column.
_UNWRAPPED = 1_000_000


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 log event`, `2 log events`, `1,000 alerts` (`nouns` for irregular plurals)."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def safe(text: str) -> str:
    """One line: control and format characters escaped (`\\n`, `\\x1b`, `\\u202e`)."""
    return printable(text)


def safe_lines(text: str) -> str:
    """Several lines: each made safe, the line breaks kept."""
    return "\n".join(printable(line) for line in text.split("\n"))


def safe_json(document: str) -> str:
    """A JSON text with every non-printable character as a `\\uXXXX` escape: still valid JSON.

    `json.dumps` escapes line breaks and tabs inside strings, so a raw line break is indentation;
    any other non-printable character is inside a string, where the escape means the same.
    """
    if document.isprintable():
        return document
    return "".join(
        char if char.isprintable() or char == "\n" else _json_escape(char) for char in document
    )


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def console(stream: TextIO) -> Console:
    """A console on `stream`: no markup or highlighting (data is printed as it is)."""
    interactive = stream.isatty()
    return Console(
        file=stream,
        markup=False,
        highlight=False,
        emoji=False,
        width=None if interactive else PIPE_WIDTH,
        soft_wrap=not interactive,
    )


def print_table(out: Console, grid: Table) -> None:
    """On a terminal, rich's table; elsewhere every row on one line, without trailing blanks."""
    if out.is_terminal:
        out.print(grid)
        return
    wide = Console(file=io.StringIO(), width=_UNWRAPPED, color_system=None, emoji=False)
    with wide.capture() as captured:
        wide.print(grid, crop=False)
    lines = [line.rstrip() for line in captured.get().splitlines()]
    out.file.write("\n".join(lines) + "\n")


def table(*columns: str, numeric: tuple[str, ...] = ("count",)) -> Table:
    """A plain table; columns named in `numeric` are right-aligned."""
    grid = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for name in columns:
        grid.add_column(name, justify="right" if name in numeric else "left", overflow="fold")
    return grid


def cell(value: str) -> Text:
    """Audit data as a table cell: made safe, never read as markup."""
    return Text(safe(value) or "-")
