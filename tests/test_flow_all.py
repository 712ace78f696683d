"""The whole Bimtek for the sample region: Tahap I -> IV as subflows, each publishing before the next starts."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from bimtek.core.paths import SAMPLE_DIR
from cli.main import app

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INPUTS = SAMPLE_DIR / "padang-pariaman" / "inputs"


@pytest.fixture(scope="module")
def whole_run(sample_store):
    """The session's sample store: the `bimtek-all` flow run once over Tahap I -> IV (tests/conftest.py)."""
    return sample_store.region_dir, sample_store.result


def _latest_run(region_dir, stage: int):
    latest = json.loads((region_dir / f"tahap-{stage}" / "latest.json").read_text(encoding="utf-8"))
    return region_dir / f"tahap-{stage}" / latest["run_id"], latest


def test_every_stage_published_with_manifest(whole_run):
    region_dir, result = whole_run
    assert sorted(result["stages"]) == ["1", "2", "3", "4"]
    for stage in (1, 2, 3, 4):
        run, latest = _latest_run(region_dir, stage)
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["stage"] == stage and manifest["run_id"] == latest["run_id"]
        assert (run / "bundle.zip").is_file()
        assert manifest["inputs"], f"tahap-{stage} recorded no input files"


def test_each_stage_reads_what_the_previous_one_published(whole_run):
    region_dir, _ = whole_run
    runs = {stage: _latest_run(region_dir, stage)[1]["run_id"] for stage in (1, 2, 3, 4)}
    for stage, previous in ((2, 1), (3, 2), (4, 3)):
        run, _ = _latest_run(region_dir, stage)
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["previous_runs"][f"tahap-{previous}"] == runs[previous]


def test_tahap_3_builds_on_the_tahap_2_program_list(whole_run):
    region_dir, _ = whole_run
    run, _ = _latest_run(region_dir, 3)
    report = json.loads((run / "validation" / "report.json").read_text(encoding="utf-8"))
    assert any("Tahap II" in note for note in report.get("notes", []))
    roadmap = pd.read_csv(run / "roadmap" / "roadmap.csv")
    carried = roadmap[roadmap["_path"].astype(str).str.startswith("tahap-2/")]
    assert len(carried) > 0
    # Every valid program row of Tahap III updates or adds a program; the untouched Tahap II programs are carried
    # over. The Tim Pelaksana's narrative workbook (narasi, strategi_dimensi) adds valid rows but no program.
    narrative_rows = sum(f["rows_valid"] for f in report["files"] if f["path"].startswith("narasi"))
    assert narrative_rows > 0
    assert len(roadmap) == report["rows_valid"] - narrative_rows + len(carried)


def test_tahap_4_final_quick_wins_and_unsigned_opd(whole_run):
    region_dir, _ = whole_run
    run, _ = _latest_run(region_dir, 4)
    final = pd.read_csv(run / "quick_win" / "quick_win_final.csv")
    assert set(final["nama_program"]) == {
        "Layanan Adminduk Online Nagari",
        "Pendaftaran Online dan Antrean Pasien RSUD",
        "Bank Sampah Digital Nagari",
    }
    unsigned = pd.read_csv(run / "komitmen" / "belum_tanda_tangan.csv")
    assert "Dinas Perikanan" in set(unsigned["opd"])
    book = (run / "buku" / "buku-3-quick-wins.md").read_text(encoding="utf-8")
    assert "Bank Sampah Digital Nagari" in book
    assert (run / "komitmen" / "lembar-komitmen-kepala-daerah.html").is_file()


def test_tahap_4_without_tahap_3_stops_with_a_clear_message(prefect_harness, tmp_path):
    result = CliRunner().invoke(
        app,
        ["run", "4", "--region", str(REGION), "--inputs", str(INPUTS / "tahap-4"), "--store", str(tmp_path / "kosong")],
    )
    assert result.exit_code == 2
    assert "Tahap III" in result.output and "Traceback" not in result.output
