"""Tahap II mapping on tiny frames: change detection against Tahap I, the per-dimension tables, the action plan,
the published program list round trip, and the optional `rujukan` column through ingest and validation."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from bimtek.analysis.mapping import (
    NOT_COMPARED,
    PROGRAM_LIST_COLUMNS,
    change_counts,
    detect_changes,
    opd_contribution,
    per_dimension_element,
    program_list,
    read_program_list,
)
from bimtek.analysis.quick_win_plan import ACTION_PLAN_COLUMNS, action_plan
from bimtek.core.model import PROGRAM_COLUMNS
from bimtek.core.region import parse_region
from bimtek.core.settings import Settings
from bimtek.stages.tables import csv_bytes

REGION = parse_region(
    {
        "slug": "contoh",
        "name": "Kabupaten Contoh",
        "province": "Sumatera Barat",
        "period": {"start": 2027, "end": 2036},
        "opd": [
            {"name": "Dinas Kesehatan", "aliases": ["Dinkes"]},
            {"name": "Dinas Perpustakaan"},
            {"name": "Diskominfo"},
        ],
    }
)


def program(opd: str, name: str, dimensi: str, elemen: str | None = None, **values) -> dict:
    row = {
        "opd": opd,
        "dimensi": dimensi,
        "elemen": elemen,
        "nama_program": name,
        "deskripsi": None,
        "anggaran": 100_000_000.0,
        "sumber_dana": "APBD",
        "tahun_mulai": 2027,
        "tahun_selesai": 2027,
        "quick_win": False,
        "sasaran": None,
        "indikator": None,
        "dampak": pd.NA,
        "kesiapan": pd.NA,
        "rujukan": None,
    }
    return {**row, **values}


def programs_frame(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(PROGRAM_COLUMNS))
    return program_list(frame)


IDEAS = pd.DataFrame(
    [
        {"opd": "Dinas Kesehatan", "dimensi": "living", "elemen": "health", "nama_program": "Telemedisin Puskesmas"},
        {"opd": "Dinas Kesehatan", "dimensi": "living", "elemen": "health", "nama_program": "Robot Disinfektan"},
        {
            "opd": "Dinas Perpustakaan",
            "dimensi": "governance",
            "elemen": "service",
            "nama_program": "Perpustakaan Digital Nagari",
        },
        {"opd": "Diskominfo", "dimensi": "governance", "elemen": "service", "nama_program": "Super  App"},
    ]
)
PROGRAMS = programs_frame(
    program("Dinas Kesehatan", "telemedisin puskesmas", "living", "health", rujukan="Renstra Dinkes"),
    program("Dinas Perpustakaan", "Perpustakaan Digital Nagari", "society", "learning"),
    program("Diskominfo", "Super App", "governance", "bureaucracy"),
    program("Diskominfo", "Anjungan Mandiri", "governance", "service", rujukan="RPJMD Misi 1"),
)


def test_changes_give_the_exact_status_of_every_program():
    changes = detect_changes(IDEAS, PROGRAMS)
    statuses = {(r["opd"], r["nama_program"]): r["status"] for r in changes.to_dict("records")}
    assert statuses == {
        ("Dinas Kesehatan", "telemedisin puskesmas"): "tetap",  # matched with folded case; Tahap II spelling kept
        ("Dinas Kesehatan", "Robot Disinfektan"): "dihapus",
        ("Dinas Perpustakaan", "Perpustakaan Digital Nagari"): "pindah_dimensi",
        ("Diskominfo", "Super App"): "tetap",  # folded white space; another element in the same dimension
        ("Diskominfo", "Anjungan Mandiri"): "baru",
    }
    assert change_counts(changes) == {"baru": 1, "dihapus": 1, "pindah_dimensi": 1, "tetap": 2}
    moved = changes[changes["status"] == "pindah_dimensi"].iloc[0]
    assert (moved["dimensi_tahap_1"], moved["dimensi_tahap_2"]) == ("governance", "society")
    assert "Smart Governance ke Smart Society" in moved["keterangan"]
    assert "elemen berubah" in changes[changes["nama_program"] == "Super App"].iloc[0]["keterangan"]
    dropped = changes[changes["status"] == "dihapus"].iloc[0]
    assert pd.isna(dropped["dimensi_tahap_2"]) and dropped["dimensi_tahap_1"] == "living"


def test_same_program_name_at_another_opd_is_not_a_match():
    ideas = IDEAS.assign(opd="Diskominfo")
    changes = detect_changes(ideas, PROGRAMS)
    row = changes[(changes["opd"] == "Dinas Kesehatan") & (changes["nama_program"] == "telemedisin puskesmas")]
    assert row["status"].tolist() == ["baru"]


def test_without_tahap_1_every_program_says_not_compared():
    changes = detect_changes(None, PROGRAMS)
    assert len(changes) == len(PROGRAMS)
    assert changes["status"].isna().all()
    assert (changes["keterangan"] == NOT_COMPARED).all() and "Tahap I belum diterbitkan" in NOT_COMPARED


def test_per_dimension_element_lists_programs_opd_and_references():
    cells = per_dimension_element(PROGRAMS)
    assert len(cells) == 18
    service = cells[(cells["dimensi"] == "Smart Governance") & (cells["elemen"] == "Service")].iloc[0]
    assert (service["programs"], service["opd"], service["rujukan"]) == (1, "Diskominfo", "RPJMD Misi 1")
    assert cells["programs"].sum() == 4
    with_none = per_dimension_element(programs_frame(program("Diskominfo", "Tanpa Elemen", "economy")))
    assert "Elemen belum ditentukan" in with_none["elemen"].tolist()


def test_opd_contribution_counts_per_dimension_and_budget():
    contribution = opd_contribution(PROGRAMS, ["Dinas Sosial"]).set_index("opd")
    assert contribution.loc["Diskominfo", "Smart Governance"] == 2
    assert contribution.loc["Diskominfo", "anggaran_total"] == pytest.approx(200_000_000.0)
    assert contribution.loc["Diskominfo", "berujukan"] == 1
    assert contribution.loc["Dinas Sosial", "jumlah"] == 0


def test_program_list_round_trips_through_csv():
    back = read_program_list(csv_bytes(PROGRAMS))
    assert list(back.columns) == PROGRAM_LIST_COLUMNS
    assert back["rujukan"].notna().sum() == 2
    pd.testing.assert_frame_equal(back, PROGRAMS, check_dtype=True)


def test_action_plan_has_four_quarters_per_candidate():
    rows = programs_frame(
        program(
            "Dinas Kesehatan",
            "Pendaftaran Online Pasien",
            "living",
            "health",
            quick_win=True,
            deskripsi="Peningkatan layanan pendaftaran online untuk masyarakat",
            indikator="Waktu tunggu",
        ),
        program("Diskominfo", "Pembangunan Gedung Data Center", "governance", "bureaucracy", tahun_selesai=2030),
    )
    from bimtek.analysis.roadmap import build_roadmap

    roadmap = build_roadmap(rows, REGION, Settings())
    plan = action_plan(roadmap)
    assert list(plan.columns) == ACTION_PLAN_COLUMNS
    assert roadmap["quick_win_candidate"].sum() == 1
    assert plan["triwulan"].tolist() == ["Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV"]
    assert set(plan["nama_program"]) == {"Pendaftaran Online Pasien"} and set(plan["tahun"]) == {2027}
    assert "Waktu tunggu" in plan["langkah"].iloc[3]


def test_rujukan_is_read_and_carried_through_validation():
    from bimtek.ingest.reader import read_table
    from bimtek.validation import validate_sheet

    text = (
        "OPD,Dimensi,Elemen,Nama Program,Anggaran (Rp),Sumber Dana,Tahun Mulai,Tahun Selesai,Rujukan (RPJMD/Renstra)\n"
        "Dinkes,Smart Living,Health,Telemedisin,Rp 1.500.000,APBD,2027,2028,Renstra Dinkes 2025-2029\n"
        "Dinkes,Smart Living,Health,Posyandu Digital,Rp 2.000.000,APBD,2027,2027,\n"
    )
    (sheet,) = read_table("dinkes.csv", text.encode("utf-8"), ["program"])
    result = validate_sheet(sheet, REGION)
    assert len(result.valid) == 2 and not result.rejections
    assert result.valid["rujukan"].tolist()[0] == "Renstra Dinkes 2025-2029"
    assert pd.isna(result.valid["rujukan"].tolist()[1])
    assert list(result.valid.columns[: len(PROGRAM_COLUMNS)]) == list(PROGRAM_COLUMNS)


# --- the stage builder: Buku 1 revised through Tahap I's hooks -------------------------------------------------


def _sheet_result(valid: pd.DataFrame):
    from bimtek.validation import SheetResult
    from bimtek.validation.result import counted_report

    return SheetResult(
        path="program.csv",
        sheet="",
        dataset="program",
        valid=valid,
        rejected=pd.DataFrame(columns=["_path", "_sheet", "_row"]),
        rejections=[],
        file_report=counted_report("program.csv", "", len(valid), 0),
    )


def _tahap_1_files() -> dict[str, bytes]:
    """A tiny published Tahap I run, built with Tahap I's own builder."""
    from bimtek.core.vocabularies import PILLARS, SWOT_COMPONENTS, SWOT_TYPES
    from bimtek.stages.tahap_1 import tahap_1_files

    kesiapan = pd.DataFrame(
        {
            "opd": ["Dinas Kesehatan"],
            "pilar": [PILLARS.codes[0]],
            "indikator": ["Bandwidth"],
            "nilai": pd.array([3], dtype="Int64"),
            "bukti": [None],
        }
    )
    swot = pd.DataFrame(
        {
            "komponen": [SWOT_COMPONENTS.codes[0]],
            "jenis": [SWOT_TYPES.codes[0]],
            "pernyataan": ["Pantai yang indah"],
            "kata_kunci": ["wisata"],
            "opd": [None],
        }
    )
    ide = IDEAS.assign(deskripsi=None, quick_win=False)
    files, _ = tahap_1_files(REGION, kesiapan, swot, ide, None)
    return files


@pytest.mark.parametrize("published", [True, False])
def test_build_tahap_2_revises_buku_1(published):
    from bimtek.stages.tahap_2 import NOTE_NO_TAHAP_1, TAHAP_1_KEYS, build_tahap_2
    from bimtek.validation import build_report

    tahap_1 = {k: v for k, v in _tahap_1_files().items() if k in TAHAP_1_KEYS} if published else None
    results = [_sheet_result(PROGRAMS)]
    output = build_tahap_2(REGION, results, build_report(REGION.slug, results), Settings(), tahap_1=tahap_1)
    book = output.files["buku/buku-1-analisis-strategis.md"].decode("utf-8")
    changes = pd.read_csv(io.BytesIO(output.files["program/perubahan.csv"]))
    assert "BAB VI PEMETAAN PROGRAM RPJMD/RENSTRA" in book and "Anjungan Mandiri" in book
    if published:
        assert "BAB V DAFTAR PANJANG IDE" in book and "Tahap II (revisi)" in book
        assert "Perpustakaan Digital Nagari" in book.split("6.3 Perubahan")[1]
        assert changes["status"].value_counts().to_dict() == {"tetap": 2, "baru": 1, "dihapus": 1, "pindah_dimensi": 1}
        assert output.notes[0].startswith("Perubahan terhadap daftar panjang ide Tahap I: 1 program baru")
    else:
        assert "BAB V DAFTAR" not in book and "Tahap I belum diterbitkan" in book
        assert changes["status"].isna().all()
        assert output.notes[0] == NOTE_NO_TAHAP_1
    assert json.loads(output.files["validation/report.json"])["notes"] == output.notes
