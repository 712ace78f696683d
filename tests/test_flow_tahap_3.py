"""Tahap III end to end under a Prefect test harness: the session's sample store (tests/conftest.py: Tahap III on
the sample inbox over the Tahap II baseline, run "sampel"), and one rerun in a copy of that store ("run-b")."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bimtek.core.paths import SAMPLE_DIR
from bimtek.store.package import RunExistsError, sha256_bytes
from tests.builders import SAMPLE_RUN_ID

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INBOX = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3"


@pytest.fixture(scope="module")
def two_runs(sample_store, tmp_path_factory):
    """(store copy, sample run result, rerun result): Tahap III rerun on the same inputs in a copy of the sample
    store."""
    from flows.tahap_3 import tahap_3

    store = tmp_path_factory.mktemp("rerun") / "store"
    shutil.copytree(sample_store.store, store)
    second = tahap_3(region=str(REGION), inputs=str(INBOX), store=str(store), run_id="run-b")
    return store, sample_store.stage_result(3), second


def _run_dir(store: Path, run_id: str) -> Path:
    return store / "padang-pariaman" / "tahap-3" / run_id


def test_report_counts_every_row_once(two_runs):
    store, first, _ = two_runs
    report = json.loads((_run_dir(store, SAMPLE_RUN_ID) / "validation" / "report.json").read_text(encoding="utf-8"))
    assert report["rows_total"] == report["rows_valid"] + report["rows_rejected"]
    assert (report["rows_valid"], report["rows_rejected"]) == (
        139,
        15,
    )  # 80 program rows, 59 Tim Pelaksana rows (7 in Profil Daerah)
    assert first["rows_valid"] == 139
    narasi = pd.read_csv(_run_dir(store, SAMPLE_RUN_ID) / "narasi" / "narasi.csv")
    assert len(narasi) == 15 and {"latar_belakang", "visi", "misi", "kelembagaan", "monev"} <= set(narasi["bagian"])
    plans = {
        name: pd.read_csv(_run_dir(store, SAMPLE_RUN_ID) / "narasi" / f"{name}.csv") for name in ("risiko", "monev")
    }
    assert len(plans["risiko"]) == 5 and set(plans["monev"]["area"]) == {
        "baseline",
        "output",
        "outcome",
        "impact",
        "quick_win",
    }
    statuses = {f["path"]: f["status"] for f in report["files"]}
    assert statuses["rusak.xlsx"] == "unreadable"
    assert statuses["usulan-program-dinas-sosial.xlsx"] == "rejected"
    rules = {r["rule"] for r in report["rejections"]}
    assert {
        "required",
        "dimension",
        "element",
        "budget",
        "funding_source",
        "year_range",
        "year_order",
        "score_range",
        "opd_unknown",
        "duplicate",
        "missing_column",
    } <= rules


def test_by_dimension_totals_match_roadmap(two_runs):
    store, _, _ = two_runs
    run = _run_dir(store, SAMPLE_RUN_ID)
    by_dimension = pd.read_csv(run / "aggregates" / "by_dimension.csv")
    roadmap = pd.read_csv(run / "roadmap" / "roadmap.csv")
    assert list(by_dimension.columns) == ["dimensi", "programs", "anggaran_total", "quick_win_candidates"]
    assert len(by_dimension) == 6
    carried = roadmap["_path"].str.startswith("tahap-2/").sum()  # Tahap II programs no Tahap III file updated
    assert carried > 0 and by_dimension["programs"].sum() == len(roadmap) == 80 + carried
    assert by_dimension["anggaran_total"].sum() == pytest.approx(roadmap["anggaran"].sum())
    assert by_dimension["quick_win_candidates"].sum() == roadmap["quick_win_candidate"].sum()


def test_manifest_lists_inputs_and_outputs_with_hashes(two_runs):
    store, _, _ = two_runs
    run = _run_dir(store, SAMPLE_RUN_ID)
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["region"] == "padang-pariaman" and manifest["stage"] == 3 and manifest["run_id"] == SAMPLE_RUN_ID
    assert len(manifest["inputs"]) == len(list(INBOX.iterdir()))
    for entry in manifest["inputs"]:
        data = (INBOX / entry["path"]).read_bytes()
        assert entry["sha256"] == sha256_bytes(data) and entry["bytes"] == len(data)
        assert entry["archive"] == f"padang-pariaman/arsip-masukan/{entry['sha256']}"
        assert (store / entry["archive"]).read_bytes() == data, "the raw input is archived as the OPD sent it"
    for entry in manifest["outputs"]:
        data = (run / entry["path"]).read_bytes()
        assert entry["sha256"] == sha256_bytes(data)
    keys = {e["path"] for e in manifest["outputs"]}
    assert {
        "validation/report.json",
        "validation/quarantine.csv",
        "aggregates/by_dimension.csv",
        "roadmap/roadmap.csv",
        "buku/buku-2-masterplan.md",
        "buku/buku-2-masterplan.html",
    } <= keys


def test_latest_points_at_the_newest_run(two_runs):
    store, _, second = two_runs
    latest = json.loads((store / "padang-pariaman" / "tahap-3" / "latest.json").read_text(encoding="utf-8"))
    assert latest["run_id"] == "run-b" == second["run_id"]
    assert latest["manifest"] == "run-b/manifest.json"


def test_rerun_gives_identical_outputs(two_runs):
    store, _, _ = two_runs
    manifests = [
        json.loads((_run_dir(store, r) / "manifest.json").read_text(encoding="utf-8")) for r in (SAMPLE_RUN_ID, "run-b")
    ]
    # Every letter of a run claims a new nomor surat (never reused by a later run), so only the letters differ.
    letters = [[o for o in m["outputs"] if o["path"].startswith("umpan-balik/umpan-balik-")] for m in manifests]
    others = [[o for o in m["outputs"] if not o["path"].startswith("umpan-balik/umpan-balik-")] for m in manifests]
    assert others[0] == others[1]
    assert [o["path"] for o in letters[0]] == [o["path"] for o in letters[1]] and letters[0]
    assert manifests[0]["inputs"] == manifests[1]["inputs"]
    assert (
        manifests[0]["previous_runs"]
        == manifests[1]["previous_runs"]
        == {"tahap-2": SAMPLE_RUN_ID, "tahap-1": SAMPLE_RUN_ID}
    )
    assert manifests[0]["run_id"] != manifests[1]["run_id"]


def test_book_says_synthetic_and_carries_computed_totals(two_runs):
    store, _, _ = two_runs
    run = _run_dir(store, SAMPLE_RUN_ID)
    book = (run / "buku" / "buku-2-masterplan.md").read_text(encoding="utf-8")
    assert "DATA SINTETIS" in book
    from bimtek.core.formatting import rupiah

    total = pd.read_csv(run / "roadmap" / "roadmap.csv")["anggaran"].sum()
    assert rupiah(total) in book


def test_user_given_run_id_is_not_overwritten(two_runs):
    from flows.tahap_3 import tahap_3

    store, _, _ = two_runs
    with pytest.raises(RunExistsError, match="run-b"):
        tahap_3(region=str(REGION), inputs=str(INBOX), store=str(store), run_id="run-b")


def test_budget_per_year_as_the_opd_stated_it_reaches_roadmap_aggregates_and_buku_2(two_runs):
    """Most sample programs state their budget per year: the roadmap carries the figures, budget_by_year adds them
    (and only the totals over several years are spread), Buku 2 says how many of each; DLH's row whose years do
    not add up to its total is rejected with both figures."""
    from bimtek.core.year_budget import parse_year_budgets

    store, _, _ = two_runs
    run = _run_dir(store, SAMPLE_RUN_ID)
    roadmap = pd.read_csv(run / "roadmap" / "roadmap.csv")
    stated = roadmap["anggaran_tahunan"].notna()
    assert stated.sum() > len(roadmap) / 2 and (~stated).sum() > 5
    for row in roadmap[stated].itertuples():
        figures = parse_year_budgets(row.anggaran_tahunan)
        assert sorted(figures) == list(range(row.tahun_mulai, row.tahun_selesai + 1))
        assert round(sum(figures.values())) == round(row.anggaran)
    (peta,) = roadmap.loc[roadmap["nama_program"] == "Peta Peluang Investasi Digital", "anggaran_tahunan"]
    assert peta == "2033=175000000;2034=150000000"
    by_year = pd.read_csv(run / "aggregates" / "budget_by_year.csv").set_index("tahun")
    assert by_year["jumlah"].sum() == roadmap["anggaran"].sum()
    expected_stated = {year: 0.0 for year in by_year.index}
    for row in roadmap.itertuples():
        if isinstance(row.anggaran_tahunan, str):
            for year, amount in parse_year_budgets(row.anggaran_tahunan).items():
                expected_stated[year] += amount
        elif row.tahun_mulai == row.tahun_selesai:
            expected_stated[row.tahun_mulai] += row.anggaran
    assert by_year["dinyatakan_opd"].to_dict() == pytest.approx(expected_stated)
    assert (by_year["dinyatakan_opd"] + by_year["dibagi_rata"]).tolist() == pytest.approx(by_year["jumlah"].tolist())
    report = json.loads((run / "validation" / "report.json").read_text(encoding="utf-8"))
    (mismatch,) = [r for r in report["rejections"] if r["rule"] == "budget_year_sum"]
    assert mismatch["path"] == "usulan-program-dinas-lingkungan-hidup.xlsx" and mismatch["value"] == "Rp 900.000.000"
    assert "(Rp 800.000.000)" in mismatch["message"]
    buku_2 = (run / "buku" / "buku-2-masterplan.md").read_text(encoding="utf-8")
    several = int(((~stated) & (roadmap["tahun_selesai"] > roadmap["tahun_mulai"])).sum())
    assert f"untuk {int(stated.sum())} dari {len(roadmap)} program" in buku_2
    assert f"{several} program yang berjalan lebih dari satu tahun hanya menyebut anggaran total" in buku_2
    assert "| Tahun | Anggaran | Angka OPD per tahun | Dibagi rata | Program berjalan |" in buku_2
