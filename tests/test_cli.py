"""The `bimtek` command line: clear errors with exit code 2 on unusable input, a report on good input."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from bimtek.core.paths import SAMPLE_DIR
from cli.main import app

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INBOX = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3"

runner = CliRunner()


def test_validate_missing_folder_exits_2_naming_it(tmp_path):
    missing = tmp_path / "tidak-ada"
    result = runner.invoke(
        app, ["validate", "--region", str(REGION), "--inputs", str(missing), "--report", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 2
    assert "tidak-ada" in result.output
    assert not (tmp_path / "r.json").exists()


def test_bad_region_file_exits_2_naming_the_key(tmp_path):
    region = tmp_path / "region.yaml"
    region.write_text("slug: Bad Slug\nname: X\nprovince: Y\nperiod: {start: 2030, end: 2027}\n", encoding="utf-8")
    result = runner.invoke(app, ["run", "3", "--region", str(region), "--inputs", str(INBOX)])
    assert result.exit_code == 2
    assert "slug" in result.output and "region.yaml" in result.output


def test_unknown_stage_exits_2():
    result = runner.invoke(app, ["run", "7", "--region", str(REGION), "--inputs", str(INBOX)])
    assert result.exit_code == 2
    assert "7" in result.output


@pytest.mark.parametrize("run_id", ["../x", "a/b", "latest.json", "x" * 200])
def test_unsafe_run_id_exits_2_before_any_work(run_id, tmp_path):
    result = runner.invoke(
        app, ["run", "3", "--region", str(REGION), "--inputs", str(INBOX), "--store", str(tmp_path), "--run-id", run_id]
    )
    assert result.exit_code == 2 and "Galat:" in result.output and "--run-id" in result.output
    assert not any(tmp_path.iterdir())


def test_validate_writes_the_report_and_exits_0_with_rejections(prefect_harness, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ["usulan-program-dpmn.csv", "usulan-program-bkpsdm.csv"]:
        shutil.copy(INBOX / name, inbox / name)
    (inbox / "usulan-lama.ods").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    report_path = tmp_path / "out" / "report.json"
    result = runner.invoke(
        app, ["validate", "--region", str(REGION), "--inputs", str(inbox), "--report", str(report_path)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["region"] == "padang-pariaman"
    assert report["rows_rejected"] >= 2
    assert report["rows_total"] == report["rows_valid"] + report["rows_rejected"]
    assert {r["rule"] for r in report["rejections"]} >= {"funding_source", "year_range"}
    unsupported = [f for f in report["files"] if f["path"] == "usulan-lama.ods"]
    assert unsupported and unsupported[0]["status"] == "unreadable" and ".ods" in unsupported[0]["message"]


def test_empty_inbox_exits_2(tmp_path):
    (tmp_path / "kosong").mkdir()
    result = runner.invoke(app, ["run", "3", "--region", str(REGION), "--inputs", str(tmp_path / "kosong")])
    assert result.exit_code == 2
    assert "tidak ada berkas" in result.output.lower()


def test_run_all_checks_every_stage_folder(tmp_path):
    (tmp_path / "tahap-1").mkdir()
    shutil.copy(INBOX / "usulan-program-dpmn.csv", tmp_path / "tahap-1" / "x.csv")
    result = runner.invoke(app, ["run", "all", "--region", str(REGION), "--inputs", str(tmp_path)])
    assert result.exit_code == 2
    assert "tahap-2" in result.output
