"""Tahap IV SIPD workbooks (issue 25) on a tiny hand-made roadmap: the Renstra matrix and the proposals."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from bimtek.analysis.sipd_plan import renstra_rows, uncoded_programs
from bimtek.core.nomenclature import bundled
from bimtek.core.region import parse_region
from bimtek.ingest.sipd_export import read_sipd_export
from bimtek.stages.sipd_outputs import RENSTRA_KEY, USULAN_KEY, sipd_files

KOMINFO = "Dinas Komunikasi dan Informatika"
REGION = parse_region(
    {
        "slug": "contoh",
        "name": "Kabupaten Contoh",
        "province": "Sumatera Barat",
        "period": {"start": 2027, "end": 2029},
        "nomenclature": "sipd-2025",
        "codes": {"kemendagri": "13.05", "bps": "1305"},
        "opd": [
            {"name": KOMINFO, "urusan": ["2.16"]},
            {"name": "Dinas Lingkungan Hidup", "urusan": ["2.11"]},
        ],
    }
)


def program(opd, name, code, anggaran, start, end, yearly=None, indikator="Persentase OPD terhubung", target=None):
    return {
        "opd": opd,
        "dimensi": "governance",
        "dimensi_label": "Smart Governance",
        "nama_program": name,
        "deskripsi": "",
        "indikator": indikator,
        "target": target,
        "baseline": None,
        "anggaran": float(anggaran),
        "tahun_mulai": start,
        "tahun_selesai": end,
        "anggaran_tahunan": yearly,
        "kode_sub_kegiatan": code,
    }


ROADMAP = pd.DataFrame(
    [
        program(
            KOMINFO, "Jaringan Intra Nagari", "2.16.03.2.02.0014", 900_000_000, 2027, 2029, target="100% pada 2029"
        ),
        program(KOMINFO, "Fiber OPD Tahap II", "2.16.03.2.02.0014", 300_000_000, 2028, 2028),
        program(KOMINFO, "Portal Layanan Terpadu", "2.16.03.2.02.0025", 200_000_000, 2027, 2027),
        program(KOMINFO, "Portal Layanan Publik Terintegrasi", None, 150_000_000, 2027, 2027),
        program("Dinas Lingkungan Hidup", "Bank Sampah Digital", None, 100_000_000, 2027, 2027),
    ]
)


def test_renstra_rows_nest_and_sum_per_level():
    rows = renstra_rows(ROADMAP, bundled("sipd-2025"), REGION.period)
    assert [(r.level, r.kode) for r in rows] == [
        ("program", "2.16.03"),
        ("kegiatan", "2.16.03.2.02"),
        ("sub_kegiatan", "2.16.03.2.02.0014"),
        ("sub_kegiatan", "2.16.03.2.02.0025"),
    ]
    program_row, kegiatan, jaringan, portal = rows
    assert program_row.uraian == "Program Pengelolaan Aplikasi Informatika"
    assert program_row.pagu == {2027: 500_000_000.0, 2028: 600_000_000.0, 2029: 300_000_000.0}
    assert kegiatan.pagu_total == program_row.pagu_total == 1_400_000_000.0
    assert jaringan.programs == ["Jaringan Intra Nagari", "Fiber OPD Tahap II"]
    assert jaringan.pagu == {2027: 300_000_000.0, 2028: 600_000_000.0, 2029: 300_000_000.0}
    assert jaringan.indikator == "Persentase OPD terhubung" and not jaringan.indikator_dari_nomenklatur
    assert jaringan.target_akhir == "100% pada 2029"
    assert portal.pagu_total == 200_000_000.0


def test_uncoded_programs_carry_suggestions_within_the_opd_urusan():
    table = uncoded_programs(ROADMAP, REGION, bundled("sipd-2025"))
    assert list(table["nama_program"]) == ["Portal Layanan Publik Terintegrasi", "Bank Sampah Digital"]
    suggestions = dict(zip(table["nama_program"], table["kode_disarankan"]))
    assert suggestions["Portal Layanan Publik Terintegrasi"].startswith("2.16.03.2.02.0025 (")
    assert suggestions["Bank Sampah Digital"] == ""


def sheet_text(data: bytes, sheet: str) -> list[list[object]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [list(row) for row in workbook[sheet].iter_rows(values_only=True)]


def test_workbooks_show_codes_names_region_codes_and_blank_boxes():
    files, notes = sipd_files(ROADMAP, REGION)
    matrix = sheet_text(files[RENSTRA_KEY], "Matriks Renstra")
    flat = [cell for row in matrix for cell in row if cell is not None]
    assert "Kode wilayah Kemendagri 13.05 · kode BPS 1305" in flat
    sub = next(row for row in matrix if row[0] == "2.16.03.2.02.0014")
    assert sub[1].strip() == "Penyelenggaraan Jaringan Intra Pemerintah Daerah Kabupaten/Kota"
    assert sub[3] == "belum diisi"  # the reference states no satuan for this code
    assert sub[5:7] == ["belum diisi", 300_000_000]  # 2027: target not collected, pagu summed
    assert "Jaringan Intra Nagari; Fiber OPD Tahap II" in sub
    sources = sheet_text(files[RENSTRA_KEY], "Sumber")
    assert any(row[0] == "dpa-diskominfo-klaten-2025" for row in sources)
    usulan = sheet_text(files[USULAN_KEY], "Usulan Nomenklatur")
    names = [row[3] for row in usulan if isinstance(row[0], int)]
    assert names == ["Portal Layanan Publik Terintegrasi", "Bank Sampah Digital"]
    assert notes == [
        "SIPD (nomenklatur sipd-2025): 3 dari 5 program memakai kode sub kegiatan (sipd/matriks-renstra.xlsx); "
        "2 belum punya kode, 1 di antaranya dengan saran kode untuk dikonfirmasi OPD (sipd/usulan-nomenklatur.xlsx)."
    ]
    assert sipd_files(ROADMAP, REGION)[0] == files  # deterministic bytes


def export_bytes(rows: list[list[object]], title_rows: int = 2) -> bytes:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    for _ in range(title_rows):
        ws.append(["Nomenklatur SIPD Kabupaten Contoh"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_export_single_code_column_with_metadata():
    data = export_bytes(
        [
            ["KODE", "Uraian", "Kinerja", "Indikator", "Satuan"],
            ["2.16.03", "Program Pengelolaan Aplikasi Informatika", None, None, None],
            ["2.16.03.2.02.0099", "Sub Kegiatan Daerah", "Tersedianya X", "Jumlah X", "Unit"],
            ["bukan kode", "baris catatan", None, None, None],
        ]
    )
    export = read_sipd_export(data, "sipd-2025", "ekspor.xlsx")
    entry = export.nomenclature.get("2.16.03.2.02.0099")
    assert (entry.nama, entry.kinerja, entry.indikator, entry.satuan) == (
        "Sub Kegiatan Daerah",
        "Tersedianya X",
        "Jumlah X",
        "Unit",
    )
    assert export.skipped == 1 and not export.nomenclature.is_bundled


def test_export_split_code_columns_like_the_kepmendagri_tables():
    data = export_bytes(
        [
            ["Urusan", "Bidang Urusan", "Program", "Kegiatan", "Sub Kegiatan", "Nomenklatur", "Satuan"],
            [2, 16, "03", "2.02", "0014", "Penyelenggaraan Jaringan Intra Pemerintah Daerah Kabupaten/Kota", "Unit"],
        ]
    )
    export = read_sipd_export(data, "v", "kepmen.xlsx")
    assert export.nomenclature.get("2.16.03.2.02.0014").satuan == "Unit"


def test_export_wide_rows_and_header_synonyms():
    data = export_bytes(
        [
            ["Kode Program", "Nama Program", "Kode Sub Kegiatan", "Nama Sub Kegiatan", "Indikator Kinerja"],
            ["2.16.03", "  Program Aplikasi  ", "2.16.03.2.02.0014", "Jaringan Intra", "Jumlah OPD"],
        ],
        title_rows=0,
    )
    nomenclature = read_sipd_export(data, "v").nomenclature
    assert nomenclature.get("2.16.03").nama == "Program Aplikasi"
    assert nomenclature.get("2.16.03.2.02.0014").indikator == "Jumlah OPD"


def test_export_without_a_header_is_refused():
    from bimtek.core.nomenclature import NomenclatureError

    with pytest.raises(NomenclatureError, match="tidak ada baris nomenklatur"):
        read_sipd_export(export_bytes([["a", "b"], ["1", "2"]]), "v")
    with pytest.raises(NomenclatureError, match="bukan berkas Excel"):
        read_sipd_export(b"PK\x03\x04 rusak", "v")
