"""Render the module's inputs and outputs tables into README.md (and each sub-module's).

    python scripts/tfdocs.py           # print the root module's tables
    python scripts/tfdocs.py --write   # rewrite every README.md between the TF_DOCS markers
    python scripts/tfdocs.py --check   # exit 1 when a README.md is out of date

The tables come from variables.tf and outputs.tf, read with a small HCL reader that knows
what those files use: top-level `variable`/`output` blocks, `name = value` attributes whose
values may span lines inside brackets, quoted strings with escapes, heredocs, comments and
nested blocks (`validation { ... }`), which are skipped. Rows keep the files' order.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import hcl2

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"

_BLOCK = re.compile(r'^(variable|output)\s+"([^"]+)"\s*\{', re.MULTILINE)
_ATTRIBUTE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)\s*(=|\{)")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_]+)\n")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}


class HclError(ValueError):
    """The file uses HCL this reader does not understand; the message names the spot."""


@dataclass(frozen=True, slots=True)
class Block:
    kind: str
    name: str
    attributes: dict[str, str]


def _skip_string(text: str, pos: int) -> int:
    """Index just past the string literal starting at text[pos] == '"'."""
    pos += 1
    while pos < len(text):
        char = text[pos]
        if char == "\\":
            pos += 2
            continue
        if char == '"':
            return pos + 1
        pos += 1
    raise HclError(f"unterminated string at offset {pos}")


def _skip_heredoc(text: str, pos: int) -> int:
    """Index just past the heredoc whose `<<` is at text[pos]."""
    found = _HEREDOC.match(text, pos)
    if not found:
        raise HclError(f"bad heredoc at offset {pos}")
    end = re.compile(rf"^\s*{found.group(2)}\s*$", re.MULTILINE).search(text, found.end())
    if not end:
        raise HclError(f"unterminated heredoc {found.group(2)} at offset {pos}")
    return end.end()


def _skip_comment(text: str, pos: int) -> int | None:
    """Index past a comment starting at pos, or None when there is none."""
    if text.startswith("#", pos) or text.startswith("//", pos):
        newline = text.find("\n", pos)
        return len(text) if newline < 0 else newline
    if text.startswith("/*", pos):
        end = text.find("*/", pos + 2)
        if end < 0:
            raise HclError(f"unterminated comment at offset {pos}")
        return end + 2
    return None


def _skip_literal(text: str, pos: int) -> int | None:
    """Index past a comment, string or heredoc starting at pos, or None when there is none."""
    skipped = _skip_comment(text, pos)
    if skipped is not None:
        return skipped
    if text[pos] == '"':
        return _skip_string(text, pos)
    if text.startswith("<<", pos) and _HEREDOC.match(text, pos):
        return _skip_heredoc(text, pos)
    return None


def _scan_expression(text: str, pos: int, stop_at_newline: bool) -> int:
    """End of the expression (or bracketed body) starting at pos.

    With stop_at_newline, the expression ends at a newline outside brackets (an attribute value);
    otherwise it ends at the bracket that closes one opened before pos (a block body).
    """
    stack: list[str] = []
    while pos < len(text):
        char = text[pos]
        skipped = _skip_literal(text, pos)
        if skipped is not None:
            pos = skipped
            continue
        if char in ")]}":
            if not stack:
                return pos
            if stack.pop() != char:
                raise HclError(f"mismatched {char!r} at offset {pos}")
        elif char in _CLOSERS:
            stack.append(_CLOSERS[char])
        elif char == "\n" and stop_at_newline and not stack:
            return pos
        pos += 1
    if stack:
        raise HclError("unbalanced brackets at end of file")
    return pos


def _attributes(body: str) -> dict[str, str]:
    """Top-level `name = value` attributes of a block body; nested blocks are skipped."""
    attributes: dict[str, str] = {}
    pos = 0
    while pos < len(body):
        skipped = _skip_comment(body, pos)
        if skipped is not None:
            pos = skipped
            continue
        if body[pos].isspace():
            pos += 1
            continue
        found = _ATTRIBUTE.match(body, pos)
        if not found:
            raise HclError(f"unexpected text {body[pos : pos + 30]!r}")
        if found.group(2) == "{":
            pos = _scan_expression(body, found.end(), stop_at_newline=False) + 1
            continue
        end = _scan_expression(body, found.end(), stop_at_newline=True)
        attributes[found.group(1)] = body[found.end() : end].strip()
        pos = end
    return attributes


def _hcl(value: object) -> str:
    """A value python-hcl2 parsed, written back as the HCL expression it came from."""
    if isinstance(value, str):
        if value.startswith("${") and value.endswith("}"):
            return value[2:-1]
        return value  # python-hcl2 keeps a string's quotes and writes other expressions bare
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, list):
        return "[" + ", ".join(_hcl(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{key} = {_hcl(item)}" for key, item in value.items() if not key.startswith("__"))
        return "{" + ", ".join(items) + "}"
    return str(value)


def _description(text: str) -> str:
    """A description on one line: a heredoc's lines, or a quoted string's unescaped text."""
    if text.startswith('"<<'):
        lines = text.splitlines()[1:-1]
    else:
        lines = re.sub(r"\\(.)", r"\1", text[1:-1]).splitlines()
    return " ".join(line.strip() for line in lines if line.strip())


def parse_blocks(text: str) -> list[Block]:
    """The `variable` and `output` blocks of a file, in order (parsed by python-hcl2)."""
    try:
        parsed = hcl2.loads(text)
    except Exception as err:  # lark's errors have no common base class worth naming
        raise HclError(f"python-hcl2 cannot parse the file: {err}") from err
    blocks = []
    for kind in ("variable", "output"):
        for block in parsed.get(kind, []):
            for label, body in block.items():
                attributes = {
                    key: _hcl(value)
                    for key, value in body.items()
                    if (not key.startswith("__") and not isinstance(value, list | dict))
                    or key in ("type", "default", "value")
                }
                if isinstance(body.get("description"), str):
                    attributes["description"] = _description(body["description"])
                blocks.append(Block(kind, label.strip('"'), attributes))
    return blocks


def _string_value(expression: str) -> str:
    """The text of a quoted string or heredoc expression, on one line."""
    heredoc = _HEREDOC.match(expression)
    if heredoc:
        lines = expression[heredoc.end() :].splitlines()[:-1]
        return " ".join(line.strip() for line in lines if line.strip())
    if expression.startswith('"') and expression.endswith('"'):
        inner = expression[1:-1]
        return re.sub(r"\\(.)", r"\1", inner)
    return expression


def _one_line(expression: str) -> str:
    """An HCL expression folded onto one line; newline-separated items get commas."""
    # Alignment padding before `=` (terraform fmt) is dropped.
    lines = [
        re.sub(r"\s+=", " =", line.strip()) for line in expression.splitlines() if line.strip()
    ]
    folded = lines[0] if lines else ""
    for line in lines[1:]:
        if folded.endswith(("(", "[", "{")) or line.startswith((")", "]", "}")):
            folded += line
        elif folded.endswith(","):
            folded += " " + line
        else:
            folded += ", " + line
    return re.sub(r",([)\]}])", r"\1", folded)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{_cell(text)}`"


def render(root: Path = ROOT) -> str:
    """The inputs and outputs tables, as Markdown."""
    variables = parse_blocks((root / "variables.tf").read_text(encoding="utf-8"))
    outputs = parse_blocks((root / "outputs.tf").read_text(encoding="utf-8"))
    lines = [
        "### Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "|------|-------------|------|---------|:--------:|",
    ]
    for block in variables:
        attrs = block.attributes
        default = attrs.get("default")
        lines.append(
            f'| <a name="input_{block.name}"></a> {_code(block.name)} '
            f"| {_cell(_string_value(attrs.get('description', '')))} "
            f"| {_code(_one_line(attrs.get('type', 'any')))} "
            f"| {'n/a' if default is None else _code(_one_line(default))} "
            f"| {'yes' if default is None else 'no'} |"
        )
    lines += ["", "### Outputs", "", "| Name | Description |", "|------|-------------|"]
    for block in outputs:
        description = _string_value(block.attributes.get("description", ""))
        lines.append(
            f'| <a name="output_{block.name}"></a> {_code(block.name)} | {_cell(description)} |'
        )
    return "\n".join(lines) + "\n"


def replace_region(readme: str, tables: str) -> str:
    """README text with the region between the markers replaced by `tables`."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise HclError(f"README.md needs {BEGIN} ... {END} markers")
    return f"{readme[: start + len(BEGIN)]}\n{tables}{readme[end:]}"


def documented() -> list[Path]:
    """The root module and every sub-module under modules/: each has README.md with markers."""
    return [ROOT, *sorted(path.parent for path in (ROOT / "modules").glob("*/variables.tf"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite README.md")
    mode.add_argument("--check", action="store_true", help="fail when README.md is stale")
    args = parser.parse_args(argv)
    if not (args.write or args.check):
        print(render(), end="")
        return 0
    stale = []
    for module in documented():
        readme = module / "README.md"
        current = readme.read_text(encoding="utf-8")
        wanted = replace_region(current, render(module))
        if current != wanted:
            stale.append(readme.relative_to(ROOT).as_posix())
            if args.write:
                readme.write_text(wanted, encoding="utf-8")
    if args.check and stale:
        print(f"{', '.join(stale)}: inputs/outputs are stale: run python scripts/tfdocs.py --write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
