"""The package's import direction, checked by import-linter with the contracts in pyproject.toml.

A stage importing a higher one (detection importing rendering, the runtime importing the CLI)
fails here with the offending import chain, before it can make the function zip incomplete.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_import_contracts_hold() -> None:
    completed = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert ", 0 broken." in completed.stdout
