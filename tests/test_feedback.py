"""Per-OPD feedback letters and the coordinator's submission overview, from a tiny hand-made inbox."""

from __future__ import annotations

import io

import openpyxl
import pytest

from bimtek.books.feedback import (
    FEEDBACK_COLUMNS,
    STATUS_COMPLETE,
    STATUS_FIX,
    STATUS_MISSING,
    feedback_by_opd,
    overview_html,
    overview_xlsx,
    submission_overview,
)
from bimtek.core.region import parse_region
from bimtek.ingest.reader import read_table

HEADER = "OPD,Dimensi,Elemen,Nama program,Anggaran (Rp),Sumber dana,Tahun mulai,Tahun selesai\n"
INBOX = {
    "dinkes/usulan.csv": HEADER
    + "Dinkes,Smart Living,Health,Antrean daring,150000000,APBD,2025,2025\n"
    + "Dinkes,Smart People,,Ambulans desa,200000000,APBD,2025,2026\n"
    + "Dinkes,Smart Living,Health,Posyandu digital,50000000,APBD,2040,2040\n",
    "kominfo.csv": HEADER
    + "Diskominfo,Smart Governance,Service,Satu data,100000000,APBD,2025,2026\n"
    + "Diskominfo,Smart Governance,Policy,JDIH daring,25000000,APBD,2026,2026\n",
    "lain.csv": HEADER + "Dinas Pemadam,Smart Society,Security,Damkar siaga,10000000,APBD,2025,2025\n",
    "rusak.xlsx": "ini bukan berkas excel",
}


@pytest.fixture(scope="module")
def region():
    return parse_region({
        "slug": "contoh", "name": "Kabupaten Contoh", "province": "Sumatera Barat",
        "period": {"start": 2024, "end": 2030}, "calendar": {"tahap-3": "2026-09-07", "tahap-4": "2026-10-12"},
        "opd": [
            {"name": "Dinas Kesehatan", "aliases": ["Dinkes"]},
            {"name": "Dinas Komunikasi dan Informatika", "aliases": ["Diskominfo"]},
            {"name": "Dinas Lingkungan Hidup", "aliases": ["DLH"]},
        ],
    })


@pytest.fixture(scope="module")
def validated(region):
    from bimtek.validation import build_report, validate_sheet

    results = []
    for path, text in INBOX.items():
        for sheet in read_table(path, text.encode("utf-8"), ["program"]):
            results.append(validate_sheet(sheet, region, sheet.dataset or "program"))
    return build_report(region.slug, results), results


def test_one_document_per_opd_with_problems(validated, region):
    report, results = validated
    docs = feedback_by_opd(report, results, region, stage=3)
    assert sorted(docs) == ["Dinas Kesehatan", "Dinas Pemadam", "rusak.xlsx"]
    assert docs["Dinas Kesehatan"].listed and not docs["Dinas Pemadam"].listed


def test_letter_names_rows_columns_and_report_messages(validated, region):
    report, results = validated
    doc = feedback_by_opd(report, results, region, stage=3)["Dinas Kesehatan"]
    assert "Kepada Yth. Dinas Kesehatan" in doc.html
    assert "Tahap III" in doc.html
    assert "paling lambat sebelum Bimtek Tahap IV (12 Oktober 2026)" in doc.html
    assert "dinkes/usulan.csv" in doc.html
    mine = [r for r in report.rejections if r.path == "dinkes/usulan.csv"]
    assert {r.row for r in mine} == {3, 4}
    assert {r.rule for r in mine} >= {"dimension", "year_range"}
    for rejection in mine:
        assert f'rowspan="1">{rejection.row}</td>' in doc.html or f">{rejection.row}</td>" in doc.html
        assert rejection.message.replace('"', "&#34;") in doc.html
    assert list(doc.rows.columns) == list(FEEDBACK_COLUMNS)
    assert sorted(doc.rows["baris"].dropna().unique()) == [3, 4]
    assert "Antrean daring" not in doc.html  # the valid row is not mentioned


def test_feedback_xlsx_lists_the_same_rows(validated, region):
    report, results = validated
    doc = feedback_by_opd(report, results, region)["Dinas Kesehatan"]
    ws = openpyxl.load_workbook(io.BytesIO(doc.xlsx)).active
    assert [c.value for c in ws[4]] == list(FEEDBACK_COLUMNS.values())
    lines = [row for row in ws.iter_rows(min_row=5, values_only=True)]
    assert len(lines) == len(doc.rows)
    assert {line[2] for line in lines} == {3, 4}
    assert any(line[4] == "Smart People" and "enam dimensi" in line[5] for line in lines)
    assert set(doc.files()) == {"umpan-balik-dinas-kesehatan.html", "umpan-balik-dinas-kesehatan.xlsx"}


def test_unreadable_file_is_attributed_to_its_file_name(validated, region):
    report, results = validated
    doc = feedback_by_opd(report, results, region)["rusak.xlsx"]
    assert "Kepada Yth. rusak.xlsx" in doc.html
    assert "seluruh berkas" in doc.html
    assert doc.rows["baris"].isna().all()


def test_without_results_rows_are_attributed_by_file_path(validated, region):
    report, _ = validated
    docs = feedback_by_opd(report, None, region)
    assert sorted(docs) == ["Dinas Kesehatan", "lain.csv", "rusak.xlsx"]


def test_overview_statuses(validated, region):
    report, results = validated
    overview = submission_overview(report, results, region).set_index("opd")
    assert list(overview.index[:3]) == ["Dinas Kesehatan", "Dinas Komunikasi dan Informatika", "Dinas Lingkungan Hidup"]
    assert overview.loc["Dinas Kesehatan", ["berkas", "baris", "valid", "ditolak", "status"]].tolist() == [
        1, 3, 1, 2, STATUS_FIX]
    assert overview.loc["Dinas Komunikasi dan Informatika", ["baris", "valid", "status"]].tolist() == [
        2, 2, STATUS_COMPLETE]
    assert overview.loc["Dinas Lingkungan Hidup", ["berkas", "baris", "status"]].tolist() == [0, 0, STATUS_MISSING]
    assert overview.loc["Dinas Pemadam", "status"] == STATUS_FIX
    assert not overview.loc["Dinas Pemadam", "terdaftar"]
    assert overview.loc["rusak.xlsx", ["berkas", "baris", "status"]].tolist() == [1, 0, STATUS_FIX]
    assert overview["baris"].sum() == report.rows_total


def test_overview_without_opd_list_has_no_missing_status(validated):
    report, results = validated
    free = parse_region({"slug": "bebas", "name": "Kota Bebas", "province": "Jawa Barat",
                         "period": {"start": 2024, "end": 2030}})
    overview = submission_overview(report, results, free)
    assert STATUS_MISSING not in set(overview["status"])
    assert "Dinkes" in set(overview["opd"])


def test_overview_renderings(validated, region):
    report, results = validated
    overview = submission_overview(report, results, region)
    html = overview_html(overview, region)
    assert "Dinas Lingkungan Hidup" in html and STATUS_MISSING in html and "Kabupaten Contoh" in html
    ws = openpyxl.load_workbook(io.BytesIO(overview_xlsx(overview, region))).active
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert len(rows) == len(overview)
    assert ws["A4"].value == "OPD" and ws.freeze_panes == "A5"
