"""Tahap I end to end under the Prefect test harness: sample inbox -> published run in a local store."""

import json
import re

import pandas as pd
import pytest

from bimtek.core.formatting import angka
from bimtek.core.paths import SAMPLE_DIR
from bimtek.store.package import sha256_bytes
from tests.builders import SAMPLE_RUN_ID, STAGE_RESULT_KEYS

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INBOX = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-1"
OUTPUTS = {
    "validation/report.json",
    "validation/quarantine.csv",
    "analysis/kesiapan_pilar.csv",
    "analysis/kesiapan_indikator.csv",
    "analysis/kesiapan_gap.csv",
    "analysis/swot.csv",
    "analysis/kata_kunci_visi.csv",
    "analysis/daftar_panjang.csv",
    "buku/buku-1-analisis-strategis.md",
    "buku/buku-1-analisis-strategis.html",
}


def deliberate_mistakes(stage: int) -> list[tuple[str, int, str]]:
    """(file, row, rule) of the sample README's deliberate mistakes of one stage."""
    rows = re.findall(
        r"^\| (\d) \| `tahap-\d/([^`]+)` \| [^|]* \| (\S+) \| [^|]* \| [^|]* \| `(\w+)` \|",
        (SAMPLE_DIR / "README.md").read_text(encoding="utf-8"),
        flags=re.M,
    )
    return [(path, int(row), rule) for s, path, row, rule in rows if int(s) == stage]


@pytest.fixture(scope="module")
def run(sample_store):
    """Tahap I of the session's sample store (tests/conftest.py)."""
    return sample_store.store, sample_store.stage_result(1), sample_store.run_dir(1)


def test_flow_returns_the_stage_result_keys(run):
    _, result, _ = run
    assert set(result) == STAGE_RESULT_KEYS
    assert result["terkini"] is True  # not over the rejection threshold: the run became the current one
    assert result["run_id"] == SAMPLE_RUN_ID


def test_report_rejects_exactly_the_deliberate_mistakes(run):
    _, result, folder = run
    mistakes = deliberate_mistakes(1)
    report = json.loads((folder / "validation" / "report.json").read_text(encoding="utf-8"))
    assert len(mistakes) == 3
    assert report["rows_rejected"] == result["rows_rejected"] == len(mistakes)
    assert report["rows_valid"] == result["rows_valid"] == 162
    assert report["rows_total"] == report["rows_valid"] + report["rows_rejected"]
    found = sorted((r["path"], r["row"], r["rule"]) for r in report["rejections"])
    assert found == sorted(mistakes)
    quarantine = (folder / "validation" / "quarantine.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(quarantine) == 1 + len(mistakes)


def test_latest_and_manifest(run):
    store, _, folder = run
    latest = json.loads((store / "padang-pariaman" / "tahap-1" / "latest.json").read_text(encoding="utf-8"))
    assert (latest["run_id"], latest["manifest"]) == (SAMPLE_RUN_ID, f"{SAMPLE_RUN_ID}/manifest.json")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stage"] == 1 and manifest["region"] == "padang-pariaman"
    assert len(manifest["inputs"]) == len(list(INBOX.iterdir()))
    keys = {e["path"] for e in manifest["outputs"]}
    assert OUTPUTS <= keys and "umpan-balik/ringkasan-pengiriman.html" in keys
    for entry in manifest["outputs"]:
        assert entry["sha256"] == sha256_bytes((folder / entry["path"]).read_bytes())


def test_book_carries_computed_figures(run):
    _, _, folder = run
    book = (folder / "buku" / "buku-1-analisis-strategis.md").read_text(encoding="utf-8")
    pillars = pd.read_csv(folder / "analysis" / "kesiapan_pilar.csv")
    struktur = pillars.set_index("pilar").loc["struktur"]
    assert f"| Struktur | {angka(struktur['rata_rata'], 2)} |" in book
    long = pd.read_csv(folder / "analysis" / "daftar_panjang.csv")
    assert list(long.columns) == ["opd", "dimensi", "elemen", "nama_program", "deskripsi", "quick_win"]
    assert f"OPD mengusulkan {len(long)} ide inovasi" in book
    assert "DATA SINTETIS" in book and "3 baris (1,8%) ditolak" in book
    assert (
        (folder / "buku" / "buku-1-analisis-strategis.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    )
