"""Tahap IV end to end under a Prefect test harness: the session's sample store (tests/conftest.py) finalised from
the sample Tahap IV inbox on top of its published Tahap III."""

import json
from pathlib import Path

import pandas as pd
import pytest

from bimtek.core.paths import SAMPLE_DIR
from bimtek.stages.previous import MissingStageError
from tests.builders import SAMPLE_RUN_ID, STAGE_RESULT_KEYS

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INPUTS = SAMPLE_DIR / "padang-pariaman" / "inputs"


@pytest.fixture(scope="module")
def published(sample_store):
    """(store, Tahap IV result, Tahap IV run folder) of the session's sample store."""
    return sample_store.store, sample_store.stage_result(4), sample_store.run_dir(4)


def test_result_has_the_shape_of_every_stage(published):
    _, result, _ = published
    assert set(result) == STAGE_RESULT_KEYS | {"draft"}  # the sample has gaps: its Perbup is DRAFT
    assert any("persetujuan reviu Bab X Pendanaan (status: revisi)" in gap for gap in result["draft"])
    assert result["terkini"] is True  # not over the rejection threshold: the run became the current one
    assert result["run_id"] == SAMPLE_RUN_ID
    assert (result["rows_valid"], result["rows_rejected"]) == (54, 3)


def test_outputs_are_published(published):
    store, _, run = published
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    keys = {entry["path"] for entry in manifest["outputs"]}
    expected = {
        "validation/report.json",
        "validation/quarantine.csv",
        "quick_win/quick_win_final.csv",
        "quick_win/rencana_aksi_final.csv",
        "review/status_bab.csv",
        "grafik/peta-jalan.png",
        "komitmen/status_komitmen.csv",
        "komitmen/belum_tanda_tangan.csv",
        "review/bab_revisi.csv",
        "komitmen/lembar-komitmen-kepala-daerah.md",
        "komitmen/lembar-komitmen-dinas-kesehatan.html",
        "rakor/paket-rakor.md",
        "rakor/paket-rakor.html",
    }
    for book in ("buku-2-masterplan", "buku-3-quick-wins", "buku-4-roadmap", "ringkasan-eksekutif", "rancangan-perbup"):
        expected |= {f"buku/{book}.md", f"buku/{book}.html"}
    assert expected <= keys
    roadmap = pd.read_csv(store / "padang-pariaman" / "tahap-3" / SAMPLE_RUN_ID / "roadmap" / "roadmap.csv")
    sheets = {k for k in keys if k.startswith("komitmen/lembar-komitmen-") and k.endswith(".md")}
    assert len(sheets) == roadmap["opd"].nunique() + 1
    tahap_3_book = store / "padang-pariaman" / "tahap-3" / SAMPLE_RUN_ID / "buku" / "buku-2-masterplan.md"
    final_book = (run / "buku" / "buku-2-masterplan.md").read_text(encoding="utf-8")
    assert final_book != tahap_3_book.read_text(encoding="utf-8")  # rendered again with the final quick wins
    assert "### 7.2 Quick win final" in final_book and "Hasil Bimbingan Teknis Tahap IV" in final_book
    assert {
        "roadmap/roadmap.xlsx",
        "roadmap/roadmap.csv",
        "rakor/paket-rakor.pptx",
        "grafik/peta-jalan-living.png",
    } <= keys
    assert "DATA SINTETIS" in (run / "buku" / "buku-4-roadmap.md").read_text(encoding="utf-8")
    assert manifest["previous_runs"]["tahap-3"] == SAMPLE_RUN_ID
    assert "umpan-balik/ringkasan-pengiriman.html" in keys


def test_sample_mistakes_are_rejected(published):
    _, _, run = published
    report = json.loads((run / "validation" / "report.json").read_text(encoding="utf-8"))
    assert sorted((r["sheet"], r["row"], r["rule"], r["value"]) for r in report["rejections"]) == [
        ("Rencana Aksi", 14, "action_plan_unknown", "Pendaftaran Online Puskesmas"),
        ("komitmen", 10, "commitment_status", "sudah"),
        ("review", 7, "review_status", "selesai"),
    ]


def test_unsigned_opd_and_chapters_under_revision(published):
    _, _, run = published
    unsigned = pd.read_csv(run / "komitmen" / "belum_tanda_tangan.csv")
    assert unsigned["opd"].tolist() == [
        "Sekretariat DPRD",
        "Badan Kesatuan Bangsa dan Politik",
        "Dinas Perikanan",
        "Perumda Air Minum Padang Pariaman",
    ]
    assert set(unsigned["status"]) == {"belum"}
    revisions = pd.read_csv(run / "review" / "bab_revisi.csv")
    assert revisions["bab"].tolist() == ["Bab IV", "Bab X"]
    assert revisions["judul"].tolist() == ["Visi, misi dan strategi smart city", "Pendanaan"]
    chapters = pd.read_csv(run / "review" / "status_bab.csv")
    assert len(chapters) == 13 and chapters.loc[chapters["bab"] == "Bab VI", "status"].item() == "baris reviu ditolak"


def test_final_quick_wins_are_the_three_chosen_in_the_sample(published):
    _, _, run = published
    final = pd.read_csv(run / "quick_win" / "quick_win_final.csv")
    assert list(zip(final["opd"], final["nama_program"])) == [
        ("Dinas Kependudukan dan Pencatatan Sipil", "Layanan Adminduk Online Nagari"),
        ("RSUD Padang Pariaman", "Pendaftaran Online dan Antrean Pasien RSUD"),
        ("Dinas Lingkungan Hidup", "Bank Sampah Digital Nagari"),
    ]
    assert set(final["sumber_pilihan"]) == {"berkas"}
    rakor = (run / "rakor" / "paket-rakor.md").read_text(encoding="utf-8")
    assert all(name in rakor for name in final["nama_program"])


def test_tahap_4_without_tahap_3_stops_with_a_clear_error(prefect_harness, tmp_path):
    from flows.tahap_4 import tahap_4

    with pytest.raises(MissingStageError, match="Tahap IV membutuhkan hasil Tahap III"):
        tahap_4(region=str(REGION), inputs=str(INPUTS / "tahap-4"), store=str(tmp_path / "kosong"))
    assert not Path(tmp_path / "kosong" / "padang-pariaman" / "tahap-4").exists()
