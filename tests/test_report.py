"""Run-level validation outputs: report.json, quarantine.csv, combined valid rows."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from bimtek.core.model import PATH_COLUMN, PROGRAM_COLUMNS, ROW_COLUMN, SHEET_COLUMN, Sheet
from bimtek.validation import (
    build_report,
    combined_valid,
    mark_duplicates,
    quarantine_csv,
    report_json,
    validate_sheet,
    warm_up,
)
from tests.builders import REGION, make_sheet


@pytest.fixture(scope="session", autouse=True)
def _gx_warm_report() -> None:
    warm_up()


@pytest.fixture(scope="module")
def results():
    """Five sheets covering every file status, plus a cross-file duplicate."""
    sheets = [
        make_sheet({}, {"nama_program": "Dua"}, path="c/ok.csv"),
        make_sheet(
            {"dimensi": "Smart People", "anggaran": "belum ada"},
            {"nama_program": "Lain"},
            path="b/partial.csv",
            extra={"Catatan": ["perlu dicek", None]},
        ),
        make_sheet({}, {}, path="d/missing.csv", drop=("tahun_mulai",)),
        Sheet(path="e/rusak.xlsx", sheet="", frame=pd.DataFrame(), status="unreadable", message="Berkas rusak."),
        make_sheet({"nama_program": "DUA"}, path="a/first.csv"),
    ]
    return mark_duplicates([validate_sheet(s, REGION) for s in sheets])


def test_report_totals_and_statuses(results):
    report = build_report("contoh", results)
    assert report.region == "contoh"
    assert report.rows_total == report.rows_valid + report.rows_rejected == 7
    assert report.rows_valid == sum(f.rows_valid for f in report.files) == 3
    assert report.rows_rejected == sum(f.rows_rejected for f in report.files) == 4
    assert sum(f.rows for f in report.files) == report.rows_total
    statuses = {f.path: f.status for f in report.files}
    assert statuses == {
        "a/first.csv": "ok",
        "b/partial.csv": "partial",
        "c/ok.csv": "partial",
        "d/missing.csv": "rejected",
        "e/rusak.xlsx": "unreadable",
    }
    assert [f.path for f in report.files] == sorted(statuses)
    keys = [(r.path, r.sheet, r.row, r.column) for r in report.rejections]
    assert keys == sorted(keys)
    assert {r.rule for r in report.rejections} == {"dimension", "budget", "missing_column", "duplicate"}
    (dup,) = [r for r in report.rejections if r.rule == "duplicate"]
    assert (dup.path, dup.row) == ("c/ok.csv", 3)


def test_report_json_is_deterministic_and_readable(results):
    first = report_json(build_report("contoh", results))
    again = report_json(build_report("contoh", list(reversed(results))))
    assert first == again
    assert first.endswith(b"\n") and b'"Smart People"' in first
    data = json.loads(first.decode("utf-8"))
    assert list(data) == ["region", "rows_total", "rows_valid", "rows_rejected", "files", "rejections", "receipts"]
    assert list(data["rejections"][0]) == ["path", "sheet", "row", "column", "rule", "value", "message"]
    assert first.startswith(b'{\n  "region": "contoh"')


def test_report_json_keeps_non_ascii():
    sheet = make_sheet({"dimensi": "Kota Cerdas – Sehat"})
    payload = report_json(build_report("contoh", [validate_sheet(sheet, REGION)]))
    assert "Kota Cerdas – Sehat".encode() in payload


def test_quarantine_csv(results):
    payload = quarantine_csv(results)
    assert payload.startswith(b"\xef\xbb\xbf")
    assert payload == quarantine_csv(list(reversed(results)))
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["berkas", "sheet", "baris", "alasan"]
    assert header[4:9] == ["OPD", "Dimensi", "Elemen", "Nama program", "Deskripsi"]
    assert "Catatan" in header and "_row" not in header
    assert [(r[0], r[2]) for r in body] == [
        ("b/partial.csv", "2"),
        ("c/ok.csv", "3"),
        ("d/missing.csv", "2"),
        ("d/missing.csv", "3"),
    ]
    partial = dict(zip(header, body[0]))
    reasons = partial["alasan"].split("; Kolom")
    assert len(reasons) == 2
    assert partial["alasan"].startswith('Kolom "Dimensi" berisi "Smart People"')
    assert partial["Anggaran (Rp)"] == "belum ada" and partial["Catatan"] == "perlu dicek"
    missing = dict(zip(header, body[2]))
    assert "Tahun mulai" in missing["alasan"] and missing["Tahun mulai"] == ""


def test_quarantine_csv_without_rejections_has_only_the_header():
    result = validate_sheet(make_sheet({}), REGION)
    payload = quarantine_csv([result])
    assert payload.decode("utf-8-sig").splitlines()[0].startswith("berkas,sheet,baris,alasan")
    assert len(payload.decode("utf-8-sig").splitlines()) == 1


def test_combined_valid_is_typed_and_ordered(results):
    combined = combined_valid(results)
    assert list(combined.columns) == [*PROGRAM_COLUMNS, PATH_COLUMN, SHEET_COLUMN, ROW_COLUMN]
    assert list(zip(combined[PATH_COLUMN], combined[ROW_COLUMN])) == [
        ("a/first.csv", 2),
        ("b/partial.csv", 3),
        ("c/ok.csv", 2),
    ]
    assert combined.index.tolist() == [0, 1, 2]
    assert combined["anggaran"].dtype == "float64" and combined["tahun_mulai"].dtype == "int64"
    assert combined["dampak"].dtype == "Int64" and combined["quick_win"].dtype == "bool"
    assert combined[SHEET_COLUMN].tolist() == ["", "", ""]


def test_combined_valid_of_nothing_is_an_empty_typed_frame():
    empty = combined_valid([])
    assert empty.empty and list(empty.columns) == [*PROGRAM_COLUMNS, PATH_COLUMN, SHEET_COLUMN, ROW_COLUMN]
    assert empty["tahun_selesai"].dtype == "int64" and empty["kesiapan"].dtype == "Int64"
