"""Roadmap workbook: sheets, Rupiah format, frozen header, autofilter, totals, deterministic bytes."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from bimtek.core.archive import ZIP_TIMESTAMP
from bimtek.core.region import parse_region
from bimtek.core.sanitise import safe_name
from bimtek.core.taxonomy import load_taxonomy
from bimtek.workbooks.roadmap_xlsx import SUMMARY_HEADER_ROW, roadmap_workbook
from bimtek.workbooks.xlsx import RUPIAH_FORMAT, safe_sheet_name, workbook_bytes

DIMENSIONS = [dimension.label for dimension in load_taxonomy().dimensions]


@pytest.fixture(scope="module")
def region():
    return parse_region(
        {
            "slug": "contoh",
            "name": "Kabupaten Contoh",
            "province": "Sumatera Barat",
            "period": {"start": 2024, "end": 2030},
        }
    )


@pytest.fixture(scope="module")
def roadmap() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "opd": ["Dinas Kesehatan", "Dinas Kesehatan", "Diskominfo", "DLH"],
            "dimensi": ["living", "living", "governance", "environment"],
            "elemen": ["health", None, "service", "waste"],
            "nama_program": ["Antrean daring", "Ambulans desa", "Satu data", "Bank sampah"],
            "anggaran": [150_000_000.0, 2_000_000_000.0, 1_250_000_000.5, 0.0],
            "sumber_dana": ["APBD", "DAK", "APBD", "CSR"],
            "tahun_mulai": [2024, 2025, 2024, 2026],
            "tahun_selesai": [2024, 2027, 2025, 2026],
            "skor": [0.8, 0.4, 0.55, 0.6],
            "quick_win_candidate": [True, False, False, True],
        }
    )


def _open(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_sheets_are_summary_plus_six_dimensions(roadmap, region):
    workbook = _open(roadmap_workbook(roadmap, region, None))
    assert workbook.sheetnames == ["Ringkasan", *DIMENSIONS]
    living = workbook["Smart Living"]
    assert [c.value for c in living[1]][:4] == ["OPD", "Elemen", "Nama program", "Anggaran (Rp)"]
    assert [living.cell(r, 3).value for r in (2, 3)] == ["Antrean daring", "Ambulans desa"]
    assert living.cell(2, 2).value == "Health"
    assert workbook["Smart Branding"].max_row == 1  # header only


def test_program_sheets_format_freeze_filter_widths(roadmap, region):
    workbook = _open(roadmap_workbook(roadmap, region, None))
    for name in DIMENSIONS:
        ws = workbook[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.column_dimensions["C"].width >= 30
    ws = workbook["Smart Governance"]
    money = [c for c in ws[1] if c.value == "Anggaran (Rp)"][0].column_letter
    assert ws[f"{money}2"].value == 1_250_000_000.5
    assert ws[f"{money}2"].number_format == RUPIAH_FORMAT == '"Rp "#,##0'
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}2"


def test_summary_totals_equal_input_budgets(roadmap, region):
    ws = _open(roadmap_workbook(roadmap, region, None))["Ringkasan"]
    rows = list(ws.iter_rows(min_row=SUMMARY_HEADER_ROW + 1, values_only=True))
    assert [r[0] for r in rows] == [*DIMENSIONS, "Jumlah"]
    total = rows[-1]
    assert total[1] == len(roadmap)
    assert total[2] == pytest.approx(roadmap["anggaran"].sum())
    assert total[3] == 2
    by_label = {r[0]: r for r in rows}
    assert by_label["Smart Living"][1:] == (2, 2_150_000_000.0, 1)
    assert by_label["Smart Branding"][1:] == (0, 0.0, 0)
    assert ws.cell(SUMMARY_HEADER_ROW + 7, 3).number_format == RUPIAH_FORMAT


def test_summary_uses_the_by_dimension_aggregate(region):
    from bimtek.analysis.aggregate import by_dimension
    from bimtek.analysis.roadmap import build_roadmap
    from bimtek.core.settings import Settings

    programs = pd.DataFrame(
        {
            "opd": ["Dinas Kesehatan", "Diskominfo"],
            "dimensi": ["living", "governance"],
            "elemen": ["health", "service"],
            "nama_program": ["Layanan antrean daring", "Satu data"],
            "anggaran": [100.0, 250.0],
            "sumber_dana": ["APBD", "APBN"],
            "tahun_mulai": [2024, 2025],
            "tahun_selesai": [2024, 2026],
        }
    )
    built = build_roadmap(programs, region, Settings())
    workbook = _open(roadmap_workbook(built, region, by_dimension(built)))
    rows = list(workbook["Ringkasan"].iter_rows(min_row=SUMMARY_HEADER_ROW + 1, values_only=True))
    assert rows[-1][:3] == ("Jumlah", 2, 350.0)
    assert workbook["Smart Living"]["A1"].value == "Peringkat"


def test_roadmap_workbook_is_deterministic(roadmap, region):
    first = roadmap_workbook(roadmap, region, None)
    assert first == roadmap_workbook(roadmap, region, None)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIMESTAMP}
        core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core


def test_workbook_bytes_fixes_timestamps():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "x"
    assert _open(workbook_bytes(workbook)).properties.modified.year == 2000


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Smart Governance", "Smart Governance"),
        ("Rekap: OPD/Dimensi [2026]?", "Rekap- OPD-Dimensi -2026--"),
        ("x" * 40, "x" * 31),
        ("'kutip'", "kutip"),
        ("", "Lembar"),
    ],
)
def test_safe_sheet_name(name, expected):
    assert safe_sheet_name(name) == expected


def test_safe_sheet_name_is_unique_ignoring_case():
    taken = {"Ringkasan"}
    assert safe_sheet_name("ringkasan", taken) == "ringkasan (2)"
    assert len(safe_sheet_name("y" * 40, taken)) == 31


def test_safe_name():
    assert safe_name("Dinas Pariwisata, Pemuda dan Olahraga") == "dinas-pariwisata-pemuda-dan-olahraga"
    assert safe_name("Satpol PP & Damkar ") == "satpol-pp-damkar"
