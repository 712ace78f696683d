"""The import contracts of pyproject's [tool.importlinter]: layers never point up, no sibling cycles, no Prefect in bimtek/.

Layers (top to bottom): cli > flows > tasks > bimtek; inside bimtek: stages > books > charts | workbooks | documents
> analysis > ingest | validation | store > core. `lint-imports` reads the static import graph (lazy imports inside
functions included), so a broken contract fails here and in CI.
"""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint_imports = shutil.which("lint-imports")
    assert lint_imports, "import-linter is a dev dependency: run `uv sync`"
    result = subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
