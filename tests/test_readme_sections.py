"""README.md shows the real rule catalog and a real rendered alert (scripts/readme_sections.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from eks_audit_bot.kube.rules import builtin_rules

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


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
    table = README.partition("<!-- BEGIN_RULES -->")[2].partition("<!-- END_RULES -->")[0]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| (\w+) \| ([^|]+?) \|", table, re.MULTILINE)
    assert rows == [(rule.id, str(rule.severity), rule.title) for rule in builtin_rules()]


def test_readme_generated_sections_are_current() -> None:
    assert load_script().render(README) == README, "run `make readme` and commit README.md"
