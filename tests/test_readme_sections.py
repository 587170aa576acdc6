"""README.md shows a real rendered alert, docs/detection.md the real rule catalog and
docs/operations.md the real replay summary (scripts/readme_sections.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from eks_audit_bot.kube.rules import builtin_rules

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
DETECTION = (ROOT / "docs" / "detection.md").read_text()


def load_script():
    spec = importlib.util.spec_from_file_location(
        "readme_sections", ROOT / "scripts" / "readme_sections.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_rule_table_lists_every_rule_of_the_catalog_in_order() -> None:
    table = DETECTION.partition("<!-- BEGIN_RULES -->")[2].partition("<!-- END_RULES -->")[0]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| (\w+) \| ([^|]+?) \|", table, re.MULTILINE)
    assert rows == [(rule.id, str(rule.severity), rule.title) for rule in builtin_rules()]


@pytest.mark.parametrize("name", ["README.md", "docs/detection.md", "docs/operations.md"])
def test_readme_generated_sections_are_current(name: str) -> None:
    script = load_script()
    path = ROOT / name
    assert path in script.FILES.values()
    text = path.read_text()
    assert script.render(text, path) == text, f"run `make readme` and commit {name}"


def test_every_generated_section_has_its_markers_in_its_file() -> None:
    for name, path in load_script().FILES.items():
        text = path.read_text()
        assert text.count(f"<!-- BEGIN_{name} -->") == 1, (name, path)
        assert text.count(f"<!-- END_{name} -->") == 1, (name, path)
