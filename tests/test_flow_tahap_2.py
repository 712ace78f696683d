"""Tahap II end to end under a Prefect test harness, then Tahap III on top of its published program list.

The session's sample store (tests/conftest.py) holds Tahap I -> IV; its Tahap III must read Tahap II's
program/daftar_program.csv as its baseline. One more Tahap II run, in an empty store, shows Tahap II without Tahap I.
"""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from bimtek.core.paths import SAMPLE_DIR
from tests.builders import SAMPLE_RUN_ID

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INPUTS = SAMPLE_DIR / "padang-pariaman" / "inputs"


@pytest.fixture(scope="module")
def runs(sample_store):
    """(store, Tahap II result, Tahap III result) of the session's sample store."""
    return sample_store.store, sample_store.stage_result(2), sample_store.stage_result(3)


@pytest.fixture(scope="module")
def alone(prefect_harness, tmp_path_factory):
    """(store, result) of Tahap II in a store where Tahap I was never published."""
    from flows.tahap_2 import tahap_2

    store = tmp_path_factory.mktemp("store")
    return store, tahap_2(region=str(REGION), inputs=str(INPUTS / "tahap-2"), store=str(store), run_id="t2")


def _run(store: Path, stage: int, run_id: str = SAMPLE_RUN_ID) -> Path:
    return store / "padang-pariaman" / f"tahap-{stage}" / run_id


def test_tahap_2_publishes_the_program_list(runs):
    store, second, _ = runs
    run = _run(store, 2)
    assert second["rows_valid"] == 71 and second["rows_rejected"] == 0
    programs = pd.read_csv(run / "program" / "daftar_program.csv")
    assert len(programs) == 71 and "rujukan" in programs.columns and programs["rujukan"].notna().all()
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    keys = {e["path"] for e in manifest["outputs"]}
    assert {
        "program/daftar_program.csv",
        "program/per_dimensi_elemen.csv",
        "program/perubahan.csv",
        "program/kontribusi_opd.csv",
        "quick_win/rencana_aksi.csv",
        "buku/rencana-aksi-quick-win.html",
        "buku/buku-1-analisis-strategis.md",
        "buku/buku-1-analisis-strategis.html",
    } <= keys
    assert manifest["previous_runs"] == {"tahap-1": SAMPLE_RUN_ID}


def test_tahap_2_without_tahap_1_says_so(alone):
    store, result = alone
    run = _run(store, 2, "t2")
    assert (result["rows_valid"], result["rows_rejected"]) == (71, 0)
    assert "previous_runs" not in json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    report = json.loads((run / "validation" / "report.json").read_text(encoding="utf-8"))
    assert any(note.startswith("Tahap I belum diterbitkan") for note in report["notes"])
    changes = pd.read_csv(run / "program" / "perubahan.csv")
    assert len(changes) == 71 and changes["status"].isna().all()
    assert changes["keterangan"].str.startswith("Tahap I belum diterbitkan").all()
    book = (run / "buku" / "buku-1-analisis-strategis.md").read_text(encoding="utf-8")
    assert "BAB VI PEMETAAN PROGRAM" in book and "Tahap I belum diterbitkan" in book


def test_quick_win_plans_cover_the_candidates(runs):
    store, _, _ = runs
    run = _run(store, 2)
    plan = pd.read_csv(run / "quick_win" / "rencana_aksi.csv")
    candidates = plan["nama_program"].unique()
    assert len(candidates) >= 3 and len(plan) == 4 * len(candidates)
    book = (run / "buku" / "rencana-aksi-quick-win.md").read_text(encoding="utf-8")
    assert all(name in book for name in candidates) and "DATA SINTETIS" in book


def test_tahap_3_reads_the_tahap_2_baseline(runs):
    store, second, third = runs
    run = _run(store, 3)
    report = json.loads((run / "validation" / "report.json").read_text(encoding="utf-8"))
    # counts stay about the Tahap III files: 80 program rows and 55 rows of the Tim Pelaksana's workbook (narrative,
    # strategy, kelembagaan, pendanaan, risiko, monev)
    assert (report["rows_valid"], third["rows_valid"]) == (139, 139)
    (note,) = [n for n in report["notes"] if n.startswith("Baseline daftar program Tahap II dipakai")]
    baseline, carried, updated, added, total = map(int, re.findall(r"\d+", note)[:5])  # then the kept values
    assert baseline == 71 and carried + updated == 71 and updated + added == 80 and total == carried + 80
    assert carried > 0
    roadmap = pd.read_csv(run / "roadmap" / "roadmap.csv")
    assert len(roadmap) == total
    assert (roadmap["_path"].str.startswith("tahap-2/")).sum() == carried
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["previous_runs"] == {"tahap-2": second["run_id"], "tahap-1": _run(store, 1).name}
