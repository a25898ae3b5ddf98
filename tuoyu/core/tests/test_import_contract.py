"""The architecture contract (pyproject.toml, [tool.importlinter]): core imports no app, the layers
faces → domain apps → foundation → core hold, and no two apps import each other. A failure prints
import-linter's report, which names the offending import and its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_import_contract_holds() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
