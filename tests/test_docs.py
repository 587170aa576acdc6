"""README.md's inputs and outputs tables match variables.tf and outputs.tf."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

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


def test_every_variable_and_output_is_documented() -> None:
    tfdocs = _tfdocs()
    for name in ("variables.tf", "outputs.tf"):
        text = (ROOT / name).read_text(encoding="utf-8")
        blocks = tfdocs.parse_blocks(text)
        declared = re.findall(r'^(?:variable|output) "([^"]+)"', text, re.MULTILINE)
        assert [block.name for block in blocks] == declared
        undocumented = [block.name for block in blocks if not block.attributes.get("description")]
        assert undocumented == [], f"{name}: no description for {undocumented}"


def test_every_variable_has_a_default() -> None:
    # The topic is required as one of two (sns_topic_arn or create_sns_topic), which a
    # validation enforces, so no variable is required on its own.
    blocks = _tfdocs().parse_blocks((ROOT / "variables.tf").read_text(encoding="utf-8"))
    assert [block.name for block in blocks if "default" not in block.attributes] == []
    typed = [block.name for block in blocks if "type" in block.attributes]
    assert typed == [block.name for block in blocks], "every variable needs a type"


def test_generated_table_rows() -> None:
    tables = _tfdocs().render()
    assert '| <a name="input_timeout"></a> `timeout` | Function timeout in seconds. |' in tables
    assert "| `number` | `60` | no |" in tables
    sns_row = next(line for line in tables.splitlines() if "`sns_topic_arn`" in line)
    assert sns_row.endswith("| `string` | `null` | no |")
    assert "(or set `create_sns_topic`)" in sns_row
    watch_row = next(line for line in tables.splitlines() if "input_watch" in line)
    assert 'ignored_user_names = optional(list(string), ["system:*", "eks:*"])' in watch_row
