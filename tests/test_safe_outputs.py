"""Deliverables built from hostile OPD text: no live formula, no control character, no shared or overlong name."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from bimtek.books.feedback import feedback_by_opd
from bimtek.core.region import parse_region
from bimtek.core.sanitise import NAME_MAX_BYTES
from bimtek.ingest.reader import read_table
from bimtek.validation import build_report, quarantine_csv, validate_sheet
from bimtek.workbooks.roadmap_xlsx import roadmap_workbook

HEADER = "OPD,Dimensi,Elemen,Nama program,Anggaran (Rp),Sumber dana,Tahun mulai,Tahun selesai,=Catatan\n"
HOSTILE_OPD = [
    "Dinas X",
    "DINAS X",
    "Dinas-X!",
    "😀🚀",
    "دائرة الصحة",
    "卫生局",
    '=HYPERLINK(""http://x"")',
    "Dinas " + "Panjang " * 40,
]
FORMULAS = ("=", "+", "-", "@", "\t", "\r")


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
def validated(region):
    results = []
    for number, opd in enumerate(HOSTILE_OPD):
        text = HEADER + f'"{opd}",Smart Living,Health,"=cmd|\' /C calc\'!A0",1000,APBD,2040,2040,"\t=1+1"\n'
        for sheet in read_table(f"=berkas-{number}.csv", text.encode("utf-8"), ["program"]):
            results.append(validate_sheet(sheet, region, "program"))
    return build_report(region.slug, results), results


def _live(value) -> bool:
    return isinstance(value, str) and len(value) > 1 and value.startswith(FORMULAS)


def test_every_opd_gets_its_own_letter_with_a_short_ascii_name(validated, region):
    report, results = validated
    docs = feedback_by_opd(report, results, region, stage=3)
    assert len(docs) == len(HOSTILE_OPD)
    names = [name for doc in docs.values() for name in doc.files()]
    assert len(set(names)) == 2 * len(HOSTILE_OPD), "no letter overwrites another"
    assert all(
        name.isascii() and len(name.removesuffix(".html").removesuffix(".xlsx")) <= NAME_MAX_BYTES for name in names
    )


def test_feedback_workbooks_hold_no_formula(validated, region):
    report, results = validated
    for doc in feedback_by_opd(report, results, region, stage=3).values():
        sheet = openpyxl.load_workbook(io.BytesIO(doc.xlsx)).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert not any(cell.data_type == "f" or _live(cell.value) for cell in cells)


def test_quarantine_csv_escapes_cells_headers_and_file_names(validated):
    _, results = validated
    text = quarantine_csv(results).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 1 + len(HOSTILE_OPD)
    assert not any(_live(cell) for row in rows for cell in row)
    assert "'=berkas-0.csv" in rows[1] and "'=cmd|' /C calc'!A0" in rows[1]


def test_roadmap_workbook_escapes_formulas_and_drops_control_characters(region):
    frame = pd.DataFrame(
        {
            "opd": ["\t=1+1", "Dinas\x00 A\x0b"],
            "dimensi": ["living", "governance"],
            "elemen": ["health", "service"],
            "nama_program": ['=HYPERLINK("http://x")', "-2+3"],
            "anggaran": [-5.0, 10.0],
            "sumber_dana": ["@SUM(A1)", "APBD"],
            "tahun_mulai": [2025, 2026],
            "tahun_selesai": [2025, 2026],
        }
    )
    book = openpyxl.load_workbook(io.BytesIO(roadmap_workbook(frame, region)))
    values = [cell.value for ws in book for row in ws.iter_rows() for cell in row]
    assert not any(_live(value) for value in values)
    assert '\'=HYPERLINK("http://x")' in values and "'\t=1+1" in values and "Dinas A" in values
    assert -5.0 in values, "a negative budget stays a number"
