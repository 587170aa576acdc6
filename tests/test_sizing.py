"""docs/organization.md's sizing table is what benchmarks/sizing.py computes from its inputs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _sizing():
    spec = importlib.util.spec_from_file_location("sizing", ROOT / "benchmarks" / "sizing.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["sizing"] = module
    spec.loader.exec_module(module)
    return module


def test_readme_sizing_table_is_current() -> None:
    sizing = _sizing()
    readme = (ROOT / "docs" / "organization.md").read_text(encoding="utf-8")
    start = readme.index("<!-- BEGIN_SIZING")
    start = readme.index("\n", start) + 1
    end = readme.index("<!-- END_SIZING -->")
    assert readme[start:end].strip() == sizing.table(sizing.Assumptions()), (
        "docs/organization.md sizing table is stale: paste `.venv/bin/python benchmarks/sizing.py`"
    )


def test_costs_grow_with_the_fleet_and_guardduty_tiers_apply() -> None:
    sizing = _sizing()
    rows = [sizing.row(clusters, sizing.Assumptions()) for clusters in (10, 100, 1000)]
    assert [r.kinesis for r in rows] == sorted(r.kinesis for r in rows)
    assert rows[0].kinesis > sizing.KINESIS_ON_DEMAND_STREAM_HOUR * sizing.HOURS
    # 300 million events: 100 M at $1.60, 100 M at $0.80, 100 M at $0.20.
    assert round(sizing.guardduty(300e6), 2) == 260.0
    assert rows[2].concurrency < sizing.ON_DEMAND_SHARDS
