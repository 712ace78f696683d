"""Start-up costs: what the CLI imports, and a temporary Prefect server that cannot start ends soon and clearly.

Each check runs in a fresh interpreter (subprocess) so the modules other tests imported do not hide an import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bimtek.core.paths import SAMPLE_DIR

HEAVY = ("weasyprint", "matplotlib", "docx", "pptx", "great_expectations")

PROBE = """
import json, sys
from typer.testing import CliRunner
from cli.main import app
result = CliRunner().invoke(app, {args!r})
{after}
print(json.dumps({{"exit": result.exit_code, "loaded": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


def _probe(args: list[str], after: str = "") -> dict:
    code = PROBE.format(args=args, after=after, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_imports_no_heavy_library():
    probe = _probe(["--help"])
    assert probe == {"exit": 0, "loaded": []}


def test_validate_path_imports_no_document_or_chart_library():
    """What `bimtek validate` imports (its flow, intake tasks, validation) plus a validation of a real file."""
    after = (
        "import flows.validate, tasks.intake\n"
        "from bimtek.ingest.reader import read_table\n"
        "from bimtek.core.region import load_region\n"
        "from bimtek.validation import validate_sheets\n"
        f"region = load_region({str(SAMPLE_DIR / 'padang-pariaman' / 'region.yaml')!r})\n"
        f"path = {str(SAMPLE_DIR / 'padang-pariaman' / 'inputs' / 'tahap-3' / 'usulan-program-dpmn.csv')!r}\n"
        "sheets = read_table('dpmn.csv', open(path, 'rb').read(), ['program'])\n"
        "assert validate_sheets(sheets, region)[0].file_report.rows > 0\n"
    )
    probe = _probe(["validate", "--help"], after)
    assert probe["exit"] == 0
    assert probe["loaded"] == ["great_expectations"], probe  # GX only once a sheet is validated


def test_temporary_server_that_cannot_start_ends_soon_with_galat(tmp_path):
    """A Prefect database that cannot be opened: exit 2 and a `Galat:` line saying what to do, within the setting."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(
        {
            "DO_NOT_TRACK": "1",
            "PREFECT_HOME": str(tmp_path / "prefect"),
            "PREFECT_API_DATABASE_CONNECTION_URL": "postgresql+asyncpg://bimtek:x@127.0.0.1:9/tidak-ada",
            "BIMTEK_SERVER_STARTUP_TIMEOUT_SECONDS": "3",
        }
    )
    code = (
        "from cli.main import app\n"
        f"app(['validate', '--region', {str(SAMPLE_DIR / 'padang-pariaman' / 'region.yaml')!r}, "
        f"'--inputs', {str(SAMPLE_DIR / 'padang-pariaman' / 'inputs' / 'tahap-3')!r}, "
        f"'--report', {str(tmp_path / 'r.json')!r}])\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Galat:" in done.stderr and "BIMTEK_SERVER_STARTUP_TIMEOUT_SECONDS" in done.stderr
    assert "bimtek server" in done.stderr
    assert time.monotonic() - started < 120
    assert not (tmp_path / "r.json").exists()
