"""README.md's inputs and outputs tables match variables.tf and outputs.tf."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _tfdocs() -> ModuleType:
    """scripts/tfdocs.py, loaded once (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("tfdocs", ROOT / "scripts" / "tfdocs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["tfdocs"] = module
    spec.loader.exec_module(module)
    return module


def test_readme_inputs_outputs_in_sync() -> None:
    tfdocs = _tfdocs()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == tfdocs.replace_region(readme, tfdocs.render()), (
        "README.md inputs/outputs are stale: run `make readme`"
    )


def test_sub_module_readmes_in_sync() -> None:
    tfdocs = _tfdocs()
    modules = tfdocs.documented()[1:]
    assert [module.name for module in modules] == ["central", "destination", "member"]
    for module in modules:
        readme = (module / "README.md").read_text(encoding="utf-8")
        assert readme == tfdocs.replace_region(readme, tfdocs.render(module)), (
            f"modules/{module.name}/README.md inputs/outputs are stale: run `make readme`"
        )


@pytest.mark.parametrize("module", ["", "modules/central", "modules/member", "modules/destination"])
def test_every_variable_and_output_is_documented(module: str) -> None:
    tfdocs = _tfdocs()
    for name in ("variables.tf", "outputs.tf"):
        text = (ROOT / module / name).read_text(encoding="utf-8")
        blocks = tfdocs.parse_blocks(text)
        declared = re.findall(r'^(?:variable|output) "([^"]+)"', text, re.MULTILINE)
        assert [block.name for block in blocks] == declared
        undocumented = [block.name for block in blocks if not block.attributes.get("description")]
        assert undocumented == [], f"{name}: no description for {undocumented}"


def test_only_the_topic_is_required() -> None:
    blocks = _tfdocs().parse_blocks((ROOT / "variables.tf").read_text(encoding="utf-8"))
    assert [block.name for block in blocks if "default" not in block.attributes] == [
        "sns_topic_arn"
    ]
    typed = [block.name for block in blocks if "type" in block.attributes]
    assert typed == [block.name for block in blocks], "every variable needs a type"


def test_generated_table_rows() -> None:
    tables = _tfdocs().render()
    assert '| <a name="input_timeout"></a> `timeout` | Function timeout in seconds. |' in tables
    assert "| `number` | `60` | no |" in tables
    sns_row = next(line for line in tables.splitlines() if "`sns_topic_arn`" in line)
    assert sns_row.endswith("| `string` | n/a | yes |")
    watch_row = next(line for line in tables.splitlines() if "input_watch" in line)
    assert 'ignored_user_names = optional(list(string), ["system:*", "eks:*"])' in watch_row
