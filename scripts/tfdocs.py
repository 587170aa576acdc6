"""Render the module's Requirements, Providers, Resources, Inputs and Outputs tables into
README.md (and each sub-module's).

    python scripts/tfdocs.py           # print the root module's tables
    python scripts/tfdocs.py --write   # rewrite every README.md between the TF_DOCS markers
    python scripts/tfdocs.py --check   # exit 1 when a README.md is out of date

The tables come from the module's `.tf` files as python-hcl2 parses them: `terraform`
blocks (required version and providers), `resource` and `data` blocks, `variable` and
`output` blocks. Types and defaults are written back from the parsed expressions, never
copied from the file's text (so no comment can leak into a type). Rows keep the files' order.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"

_HEREDOC = re.compile(r"<<(-?)([A-Za-z_]+)\n")


class HclError(ValueError):
    """python-hcl2 cannot read a file, or README.md lacks the markers; the message says which."""


@dataclass(frozen=True, slots=True)
class Block:
    kind: str
    name: str
    attributes: dict[str, str]


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


def _parsed(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every `.tf` file of a module (not its tests), by name, as python-hcl2 reads it."""
    found = []
    for path in sorted(root.glob("*.tf")):
        try:
            found.append((path.name, hcl2.loads(path.read_text(encoding="utf-8"))))
        except Exception as err:  # lark's errors have no common base class worth naming
            raise HclError(f"{path.name}: python-hcl2 cannot parse it: {err}") from err
    return found


def _labels(block: dict[str, Any]) -> list[tuple[str, Any]]:
    """A block's labels (unquoted) and bodies, without python-hcl2's own `__` keys."""
    return [(key.strip('"'), value) for key, value in block.items() if not key.startswith("__")]


def _text(value: object) -> str:
    return _hcl(value).strip('"')


def _requirements(files: list[tuple[str, dict[str, Any]]]) -> list[str]:
    rows, providers = [], []
    for _, parsed in files:
        for block in parsed.get("terraform", []):
            if "required_version" in block:
                rows.append(f"| terraform | {_code(_text(block['required_version']))} |")
            for required in block.get("required_providers", []):
                for name, spec in _labels(required):
                    version, source = _text(spec.get("version", "")), _text(spec.get("source", ""))
                    rows.append(f"| {name} | {_code(version)} |")
                    providers.append(f"| {name} ({source}) | {_code(version)} |")
    return [
        "### Requirements", "", "| Name | Version |", "|------|---------|", *rows, "",
        "### Providers", "", "| Name | Version |", "|------|---------|", *providers, "",
    ]  # fmt: skip


def _resources(files: list[tuple[str, dict[str, Any]]]) -> list[str]:
    rows = []
    for name, parsed in files:
        for kind, label in (("resource", "resource"), ("data", "data source")):
            for block in parsed.get(kind, []):
                for resource_type, instances in _labels(block):
                    for instance, _ in _labels(instances):
                        address = f"{'data.' if kind == 'data' else ''}{resource_type}.{instance}"
                        rows.append(f"| {_code(address)} | {label} | {_code(name)} |")
        for block in parsed.get("module", []):
            for module, _ in _labels(block):
                rows.append(f"| {_code('module.' + module)} | module | {_code(name)} |")
    return ["### Resources", "", "| Name | Type | File |", "|------|------|------|", *rows, ""]


def render(root: Path = ROOT) -> str:
    """The requirements, providers, resources, inputs and outputs tables, as Markdown."""
    files = _parsed(root)
    variables = parse_blocks((root / "variables.tf").read_text(encoding="utf-8"))
    outputs = parse_blocks((root / "outputs.tf").read_text(encoding="utf-8"))
    lines = [
        *_requirements(files),
        *_resources(files),
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
