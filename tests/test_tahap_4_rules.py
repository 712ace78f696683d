"""Tahap IV validation rules on tiny hand-made Sheets: commitment_status, review_status, date, quick_win_unknown."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from bimtek.core.columns import load_spec
from bimtek.core.model import ROW_COLUMN, Sheet
from bimtek.core.paths import SCHEMAS_DIR
from bimtek.core.region import parse_region
from bimtek.core.vocabularies import COMMITMENT_STATUSES, REVIEW_STATUSES, roman_to_int
from bimtek.validation import build_report, mark_duplicates, validate_sheet, warm_up
from bimtek.validation.messages import known_rules
from bimtek.validation.stage_4_rules import parse_chapter, parse_date, reject_unknown_quick_wins

REGION = parse_region(
    {
        "slug": "contoh",
        "name": "Kabupaten Contoh",
        "province": "Sumatera Barat",
        "period": {"start": 2027, "end": 2036},
        "opd": [
            {"name": "Dinas Kesehatan", "aliases": ["Dinkes"]},
            {"name": "Dinas Komunikasi dan Informatika", "aliases": ["Diskominfo"]},
        ],
    }
)

KOMITMEN = {
    "opd": "Dinkes",
    "nama_pejabat": "dr. Contoh",
    "jabatan": "Kepala Dinas Kesehatan",
    "status": "ditandatangani",
    "tanggal": "2026-10-12",
}
REVIEW = {"bab": "Bab I Pendahuluan", "status": "disetujui", "catatan": None}
QUICK_WIN = {"opd": "Dinkes", "nama_program": "Pendaftaran Online Puskesmas"}


@pytest.fixture(scope="module", autouse=True)
def _gx_warm() -> None:
    warm_up()


def make_sheet(dataset: str, base: dict, *rows: dict, path: str = "tahap-4.xlsx") -> Sheet:
    """A Sheet of `dataset` whose rows are `base` overridden by each dict; data rows start at row 2."""
    spec = load_spec(dataset)
    frame = pd.DataFrame([{**base, **row} for row in rows], dtype="object")
    frame[ROW_COLUMN] = range(2, len(rows) + 2)
    headers = {c.name: c.label for c in spec.columns if c.name in frame.columns}
    return Sheet(path=path, sheet=dataset, frame=frame, dataset=dataset, header_row=1, original_headers=headers)


def rules_of(result) -> list[tuple[int, str, str]]:
    return [(r.row, r.rule, r.column) for r in result.rejections]


# ----------------------------------------------------------------------------------------------- komitmen


def test_commitment_rows_are_typed_and_statuses_folded():
    result = validate_sheet(
        make_sheet(
            "komitmen",
            KOMITMEN,
            {},
            {"status": "Sudah Ditandatangani"},
            {"status": "BELUM", "tanggal": None},
            {"status": "signed", "tanggal": "13/10/2026"},
        ),
        REGION,
        "komitmen",
    )
    assert result.rejections == []
    valid = result.valid
    assert list(valid.columns[:5]) == ["opd", "nama_pejabat", "jabatan", "status", "tanggal"]
    assert valid["opd"].tolist() == ["Dinas Kesehatan"] * 4
    assert valid["status"].tolist() == ["ditandatangani", "ditandatangani", "belum", "ditandatangani"]
    assert valid["tanggal"].tolist() == ["2026-10-12", "2026-10-12", None, "2026-10-13"]


def test_commitment_status_rule_rejects_unknown_status():
    result = validate_sheet(make_sheet("komitmen", KOMITMEN, {}, {"status": "sudah"}), REGION, "komitmen")
    assert rules_of(result) == [(3, "commitment_status", "Status")]
    rejection = result.rejections[0]
    assert rejection.value == "sudah"
    assert '"ditandatangani"' in rejection.message and '"belum"' in rejection.message
    assert len(result.valid) == 1 and result.file_report.status == "partial"


def test_date_rule_rejects_unreadable_date_and_accepts_blank():
    result = validate_sheet(
        make_sheet(
            "komitmen",
            KOMITMEN,
            {"tanggal": "besok"},
            {"tanggal": "31/02/2026"},
            {"tanggal": ""},
            {"tanggal": "13 Oktober 2026"},
        ),
        REGION,
        "komitmen",
    )
    assert rules_of(result) == [(2, "date", "Tanggal"), (3, "date", "Tanggal")]
    assert "tidak dapat dibaca sebagai tanggal" in result.rejections[0].message
    assert result.valid["tanggal"].tolist() == [None, "2026-10-13"]


def test_commitment_required_and_opd_unknown():
    result = validate_sheet(
        make_sheet("komitmen", KOMITMEN, {"nama_pejabat": " "}, {"opd": "Dinas Antah"}), REGION, "komitmen"
    )
    assert rules_of(result) == [(2, "required", "Nama pejabat"), (3, "opd_unknown", "OPD")]


# ----------------------------------------------------------------------------------------------- review


def test_review_status_rule_and_chapter_parsing():
    result = validate_sheet(
        make_sheet(
            "review",
            REVIEW,
            {},
            {"bab": "3", "status": "Perlu Revisi", "catatan": "Visi"},
            {"bab": "Bab VI", "status": "selesai"},
            {"bab": "BAB II - Analisis", "status": "Setuju"},
        ),
        REGION,
        "review",
    )
    assert rules_of(result) == [(4, "review_status", "Status")]
    assert "revisi" in result.rejections[0].message
    valid = result.valid
    assert valid["status"].tolist() == ["disetujui", "revisi", "disetujui"]
    assert valid["bab_nomor"].tolist() == [1, 3, 2]
    assert valid["bab_judul"].tolist()[0] == "Pendahuluan"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3", (3, None)),
        ("III", (3, None)),
        ("Bab 3", (3, None)),
        ("BAB III", (3, None)),
        ("Bab IV Arah Pengembangan", (4, "Arah Pengembangan")),
        ("BAB II - Analisis Strategis", (2, "Analisis Strategis")),
        ("Penutup", (None, "Penutup")),
        ("Visi dan Misi", (None, "Visi dan Misi")),
        ("Bab Lampiran", (None, "Lampiran")),
        (None, (None, None)),
    ],
)
def test_parse_chapter(text, expected):
    assert parse_chapter(text) == expected


def test_roman_numerals_are_strict():
    assert [roman_to_int(t) for t in ("iv", "IX", "XL", "IIV", "VX", "civic")] == [4, 9, 40, None, None, None]


def test_parse_date_spellings():
    assert parse_date("2026-10-13") == parse_date("13/10/2026") == parse_date("13-10-2026") == dt.date(2026, 10, 13)
    assert parse_date("2026-10-13 00:00:00") == dt.date(2026, 10, 13)
    assert parse_date("  ") is None
    with pytest.raises(ValueError):
        parse_date("2026-13-01")


# ----------------------------------------------------------------------------------------------- quick_win_final


def test_quick_win_unknown_moves_rows_and_updates_report():
    roadmap = pd.DataFrame(
        {
            "opd": ["Dinas Kesehatan", "Dinas Komunikasi dan Informatika"],
            "nama_program": ["Pendaftaran Online Puskesmas", "Aduan Warga"],
        }
    )
    sheet = make_sheet(
        "quick_win_final",
        QUICK_WIN,
        {"nama_program": "pendaftaran  online PUSKESMAS"},  # same program, other spelling
        {"nama_program": "Program Fiktif"},
        {"nama_program": "Aduan Warga"},
    )  # exists, but for another OPD
    results = mark_duplicates([validate_sheet(sheet, REGION, "quick_win_final")])
    assert results[0].rejections == []
    checked = reject_unknown_quick_wins(results, roadmap, REGION)
    result = checked[0]
    assert rules_of(result) == [
        (3, "quick_win_unknown", "Program quick win"),
        (4, "quick_win_unknown", "Program quick win"),
    ]
    assert "tidak ada dalam roadmap Tahap III" in result.rejections[0].message
    assert "Dinas Komunikasi dan Informatika" in result.rejections[1].message
    assert result.valid["nama_program"].tolist() == ["pendaftaran  online PUSKESMAS"]
    assert result.rejected["_row"].tolist() == [3, 4]
    report = build_report("contoh", checked)
    assert (report.rows_total, report.rows_valid, report.rows_rejected) == (3, 1, 2)
    assert report.files[0].status == "partial"
    assert results[0].rejections == []  # the input result is unchanged


def test_quick_win_final_duplicate_and_opd_unknown():
    sheet = make_sheet("quick_win_final", QUICK_WIN, {}, {"opd": "Dinas Kesehatan"}, {"opd": "Dinas Antah"})
    results = mark_duplicates([validate_sheet(sheet, REGION, "quick_win_final")])
    assert rules_of(results[0]) == [(3, "duplicate", "Program quick win"), (4, "opd_unknown", "OPD")]


# ----------------------------------------------------------------------------------------------- contracts


def test_suites_use_the_status_codes_of_the_code():
    def value_set(name: str, rule: str) -> set:
        suite = json.loads((SCHEMAS_DIR / "gx" / f"{name}.json").read_text(encoding="utf-8"))
        (exp,) = [e for e in suite["expectations"] if e["meta"]["rule"] == rule]
        return set(exp["kwargs"]["value_set"])

    assert value_set("komitmen", "commitment_status") == set(COMMITMENT_STATUSES.codes)
    assert value_set("review", "review_status") == set(REVIEW_STATUSES.codes)


def test_every_stage_4_rule_has_a_message():
    assert {"commitment_status", "review_status", "date", "quick_win_unknown"} <= set(known_rules())
