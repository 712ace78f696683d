"""Validation rules on tiny hand-made program sheets (no ingest involved)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from bimtek.core.columns import load_spec
from bimtek.core.model import PATH_COLUMN, PROGRAM_COLUMNS, ROW_COLUMN, SHEET_COLUMN, Sheet
from bimtek.validation import mark_duplicates, validate_sheet, validate_sheets, warm_up
from bimtek.validation.datasets import get_rules
from bimtek.validation.messages import known_rules
from tests.builders import GOOD, HEADERS, REGION, make_sheet
from tests.builders import validation_region as make_region

SPEC = load_spec("program")
META = [PATH_COLUMN, SHEET_COLUMN, ROW_COLUMN]


@pytest.fixture(scope="session", autouse=True)
def _gx_warm() -> None:
    """Import and set up Great Expectations once, before the first test that validates."""
    warm_up()


def only_rejection(result):
    assert len(result.rejections) == 1, result.rejections
    return result.rejections[0]


# --- valid rows -------------------------------------------------------------------------------------------------


def test_valid_row_is_typed():
    result = validate_sheet(make_sheet({}), REGION)
    assert result.rejections == []
    assert result.file_report.status == "ok"
    valid = result.valid
    assert list(valid.columns) == [*PROGRAM_COLUMNS, *META]
    row = valid.iloc[0]
    assert row["opd"] == "Dinas Kesehatan"
    assert row["dimensi"] == "living" and row["elemen"] == "health"
    assert row["anggaran"] == 1_500_000.0 and valid["anggaran"].dtype == "float64"
    assert row["sumber_dana"] == "APBD"
    assert (row["tahun_mulai"], row["tahun_selesai"]) == (2021, 2023)
    assert valid["tahun_mulai"].dtype == "int64" and valid["tahun_selesai"].dtype == "int64"
    assert valid["quick_win"].dtype == "bool" and bool(row["quick_win"]) is True
    assert valid["dampak"].dtype == "Int64" and row["dampak"] == 4
    assert valid["kesiapan"].dtype == "Int64" and row["kesiapan"] == 3
    assert (row[PATH_COLUMN], row[SHEET_COLUMN], row[ROW_COLUMN]) == ("opd/dinkes.csv", "", 2)
    assert valid[ROW_COLUMN].dtype == "int64"


def test_optional_blanks_and_spellings_are_accepted():
    result = validate_sheet(
        make_sheet(
            {
                "dimensi": "SMART GOVERNMENT",
                "elemen": "pelayanan",
                "sumber_dana": "apbd  provinsi",
                "quick_win": None,
                "dampak": "",
                "kesiapan": None,
                "deskripsi": "  ",
                "anggaran": "Rp 2.000.000",
            },
            {"dimensi": "economy", "elemen": None, "sumber_dana": "csr", "anggaran": "Rp 1,5 M"},
        ),
        REGION,
    )
    assert result.rejections == []
    valid = result.valid
    assert valid["dimensi"].tolist() == ["governance", "economy"]
    assert valid["elemen"].iloc[0] == "service" and pd.isna(valid["elemen"].iloc[1])
    assert valid["sumber_dana"].tolist() == ["APBD Provinsi", "CSR"]
    assert valid["anggaran"].tolist() == [2_000_000.0, 1_500_000_000.0]
    assert valid["quick_win"].tolist() == [False, True]
    assert pd.isna(valid["dampak"].iloc[0]) and pd.isna(valid["deskripsi"].iloc[0])


# --- one rule per case ----------------------------------------------------------------------------------------

RULE_CASES = [
    ("required", {"nama_program": "   "}, "nama_program", None),
    ("required", {"anggaran": None}, "anggaran", None),
    ("dimension", {"dimensi": "Smart People"}, "dimensi", "Smart People"),
    ("element", {"dimensi": "Smart Living", "elemen": "Energy"}, "elemen", "Energy"),
    ("budget", {"anggaran": "belum ada"}, "anggaran", "belum ada"),
    ("budget", {"anggaran": "-5.000"}, "anggaran", "-5.000"),
    ("funding_source", {"sumber_dana": "PAD"}, "sumber_dana", "PAD"),
    ("year_range", {"tahun_mulai": "dua ribu"}, "tahun_mulai", "dua ribu"),
    ("year_range", {"tahun_selesai": "2030"}, "tahun_selesai", "2030"),
    ("year_range", {"tahun_mulai": "2019"}, "tahun_mulai", "2019"),
    ("year_order", {"tahun_mulai": "2024", "tahun_selesai": "2022"}, "tahun_selesai", "2022"),
    ("score_range", {"dampak": "7"}, "dampak", "7"),
    ("score_range", {"kesiapan": "3.5"}, "kesiapan", "3.5"),
    ("score_range", {"dampak": "tinggi"}, "dampak", "tinggi"),
    ("opd_unknown", {"opd": "Dinas Hantu"}, "opd", "Dinas Hantu"),
]


@pytest.mark.parametrize(("rule", "bad", "column", "value"), RULE_CASES, ids=[f"{c[0]}-{c[2]}" for c in RULE_CASES])
def test_each_rule_hits_exactly_the_bad_row(rule, bad, column, value):
    result = validate_sheet(make_sheet({}, bad, {"nama_program": "Program lain"}), REGION)
    rejection = only_rejection(result)
    assert (rejection.rule, rejection.row, rejection.column, rejection.value) == (rule, 3, HEADERS[column], value)
    assert rejection.path == "opd/dinkes.csv" and rejection.sheet == ""
    assert f'Kolom "{HEADERS[column]}"' in rejection.message
    assert result.valid[ROW_COLUMN].tolist() == [2, 4]
    assert result.rejected[ROW_COLUMN].tolist() == [3]
    report = result.file_report
    assert (report.status, report.rows, report.rows_valid, report.rows_rejected) == ("partial", 3, 2, 1)


def test_messages_name_the_column_value_and_fix():
    result = validate_sheet(make_sheet({"dimensi": "Smart People"}, {"anggaran": "belum ada"}), REGION)
    by_rule = {r.rule: r.message for r in result.rejections}
    assert by_rule["dimension"] == (
        'Kolom "Dimensi" berisi "Smart People", bukan salah satu dari enam dimensi (Smart Governance, '
        "Smart Branding, Smart Economy, Smart Living, Smart Society, Smart Environment)."
    )
    assert by_rule["budget"] == (
        'Kolom "Anggaran (Rp)" berisi "belum ada" yang tidak dapat dibaca sebagai angka rupiah. '
        "Tulis angka, misalnya 1.500.000 atau Rp 1,5 M."
    )


def test_message_uses_header_as_written():
    sheet = make_sheet({"sumber_dana": "Dana Aspirasi"})
    sheet.original_headers["sumber_dana"] = "SUMBER  DANA"
    rejection = only_rejection(validate_sheet(sheet, REGION))
    assert rejection.column == "SUMBER  DANA"
    assert rejection.message.startswith('Kolom "SUMBER  DANA" berisi "Dana Aspirasi"')


def test_element_not_checked_when_dimension_invalid_or_blank():
    result = validate_sheet(
        make_sheet({"dimensi": "Smart People", "elemen": "xyz"}, {"dimensi": None, "elemen": "xyz"}), REGION
    )
    assert [(r.row, r.rule, r.column) for r in result.rejections] == [
        (2, "dimension", "Dimensi"),
        (3, "required", "Dimensi"),
    ]


def test_element_must_belong_to_the_rows_dimension():
    ok = validate_sheet(make_sheet({"dimensi": "Smart Environment", "elemen": "Energy"}), REGION)
    assert ok.rejections == [] and ok.valid["elemen"].tolist() == ["energy"]


def test_unreadable_year_is_not_also_a_year_order_problem():
    result = validate_sheet(make_sheet({"tahun_mulai": "2024", "tahun_selesai": "dua ribu"}), REGION)
    assert [r.rule for r in result.rejections] == ["year_range"]


def test_two_problems_give_two_rejections_and_one_rejected_row():
    result = validate_sheet(make_sheet({"dimensi": "Smart People", "anggaran": "belum ada"}, {}), REGION)
    assert sorted(r.rule for r in result.rejections) == ["budget", "dimension"]
    assert {r.row for r in result.rejections} == {2}
    report = result.file_report
    assert (report.rows, report.rows_valid, report.rows_rejected, report.status) == (2, 1, 1, "partial")
    assert len(result.rejected) == 1


def test_every_row_is_valid_or_rejected():
    rows = [{}, {"dimensi": "x"}, {"anggaran": "-1"}, {"opd": None, "tahun_mulai": "1999"}, {"dampak": "5"}]
    result = validate_sheet(make_sheet(*rows), REGION)
    assert len(result.valid) + len(result.rejected) == len(rows)
    assert set(result.valid[ROW_COLUMN]).isdisjoint(result.rejected[ROW_COLUMN])
    assert result.file_report.status == "partial"
    assert (result.file_report.rows_valid, result.file_report.rows_rejected) == (2, 3)


def test_all_rows_rejected_gives_status_rejected():
    result = validate_sheet(make_sheet({"dimensi": "x"}, {"dimensi": "y"}), REGION)
    assert result.file_report.status == "rejected" and result.valid.empty
    assert list(result.valid.columns) == [*PROGRAM_COLUMNS, *META]


# --- missing columns ----------------------------------------------------------------------------------------------


def test_missing_required_column_rejects_every_row():
    result = validate_sheet(make_sheet({}, {}, {}, drop=("anggaran", "sumber_dana")), REGION)
    assert [r.rule for r in result.rejections] == ["missing_column"] * 3
    assert [r.row for r in result.rejections] == [2, 3, 4]
    assert {r.column for r in result.rejections} == {"Anggaran (Rp), Sumber dana"}
    assert all('"Anggaran (Rp)", "Sumber dana"' in r.message for r in result.rejections)
    assert result.valid.empty and len(result.rejected) == 3
    assert result.valid.dtypes["anggaran"] == "float64"
    report = result.file_report
    assert (report.status, report.rows, report.rows_valid, report.rows_rejected) == ("rejected", 3, 0, 3)


def test_missing_optional_column_is_fine():
    result = validate_sheet(make_sheet({}, drop=("elemen", "dampak", "quick_win")), REGION)
    assert result.rejections == []
    row = result.valid.iloc[0]
    assert pd.isna(row["elemen"]) and pd.isna(row["dampak"]) and bool(row["quick_win"]) is False


# --- OPD ------------------------------------------------------------------------------------------------------------


def test_opd_alias_and_spelling_map_to_canonical_name():
    result = validate_sheet(
        make_sheet(
            {"opd": "dinkes"},
            {"opd": "  DINAS   kesehatan ", "nama_program": "B"},
            {"opd": "Kominfo", "nama_program": "C"},
        ),
        REGION,
    )
    assert result.rejections == []
    assert result.valid["opd"].tolist() == ["Dinas Kesehatan", "Dinas Kesehatan", "Dinas Komunikasi dan Informatika"]


def test_empty_opd_list_means_no_opd_check():
    result = validate_sheet(make_sheet({"opd": "  Dinas Hantu "}), make_region(opd=[]))
    assert result.rejections == []
    assert result.valid["opd"].tolist() == ["Dinas Hantu"]


def test_opd_unknown_suggests_close_name():
    rejection = only_rejection(validate_sheet(make_sheet({"opd": "Dinas Keshatan"}), REGION))
    assert rejection.rule == "opd_unknown" and '"Dinas Kesehatan"' in rejection.message


# --- rejected rows keep what the OPD wrote ---------------------------------------------------------------------


def test_rejected_rows_keep_original_values_headers_and_extra_columns():
    sheet = make_sheet({}, {"anggaran": " belum ada "}, extra={"Catatan": ["a", "b"]})
    result = validate_sheet(sheet, REGION)
    rejected = result.rejected
    assert list(rejected.columns) == [*(HEADERS[c] for c in GOOD), "Catatan", *META]
    row = rejected.iloc[0]
    assert row["Anggaran (Rp)"] == " belum ada " and row["Catatan"] == "b"
    assert (row[PATH_COLUMN], row[SHEET_COLUMN], row[ROW_COLUMN]) == ("opd/dinkes.csv", "", 3)
    assert result.rejections[0].value == "belum ada"  # the report quotes the value stripped


def test_unreadable_quick_win_is_a_note_not_a_rejection():
    result = validate_sheet(make_sheet({"quick_win": "mungkin"}), REGION)
    assert result.rejections == []
    assert result.valid["quick_win"].tolist() == [False]
    assert len(result.notes) == 1 and "baris 2" in result.notes[0] and '"mungkin"' in result.notes[0]


@pytest.mark.parametrize("status", ["unreadable", "empty"])
def test_unreadable_and_empty_sheets_pass_through(status):
    sheet = Sheet(
        path="rusak.xlsx", sheet="", frame=pd.DataFrame(), status=status, message="Berkas tidak dapat dibuka."
    )
    result = validate_sheet(sheet, REGION)
    report = result.file_report
    assert (report.status, report.rows, report.rows_valid, report.rows_rejected) == (status, 0, 0, 0)
    assert report.message == "Berkas tidak dapat dibuka."
    assert result.rejections == [] and result.valid.empty and result.rejected.empty
    assert list(result.valid.columns) == [*PROGRAM_COLUMNS, *META]


def test_ok_sheet_without_rows_is_empty():
    frame = pd.DataFrame(
        {name: pd.Series([], dtype="object") for name in GOOD} | {ROW_COLUMN: pd.Series([], dtype="int64")}
    )
    result = validate_sheet(Sheet(path="kosong.csv", sheet="", frame=frame, dataset="program"), REGION)
    assert result.file_report.status == "empty" and result.file_report.rows == 0


# --- duplicates -----------------------------------------------------------------------------------------------------


def test_duplicates_across_files_flag_only_the_later_occurrence():
    first = validate_sheet(make_sheet({}, {"nama_program": "Lain"}, path="a.csv"), REGION)
    later = validate_sheet(
        make_sheet(
            {"nama_program": "  telemedisin   PUSKESMAS", "opd": "Dinkes"}, {"nama_program": "Baru"}, path="b.csv"
        ),
        REGION,
    )
    marked = mark_duplicates([later, first])  # path order decides, not list order
    b, a = marked
    assert a.rejections == [] and len(a.valid) == 2
    rejection = only_rejection(b)
    assert (rejection.rule, rejection.path, rejection.row, rejection.column) == (
        "duplicate",
        "b.csv",
        2,
        "Nama program",
    )
    assert rejection.value == "telemedisin   PUSKESMAS"
    assert 'di berkas "a.csv" baris 2' in rejection.message
    assert b.valid["nama_program"].tolist() == ["Baru"]
    assert b.rejected[ROW_COLUMN].tolist() == [2]
    assert (b.file_report.status, b.file_report.rows_valid, b.file_report.rows_rejected) == ("partial", 1, 1)
    assert later.rejections == [] and len(later.valid) == 2  # inputs untouched
    assert mark_duplicates(marked)[0].rejections == b.rejections  # idempotent


def test_duplicates_within_one_file_and_invalid_rows_do_not_count():
    result = validate_sheet(make_sheet({"anggaran": "x"}, {}, {"nama_program": "TELEMEDISIN puskesmas"}), REGION)
    (marked,) = mark_duplicates([result])
    assert [(r.row, r.rule) for r in marked.rejections] == [(2, "budget"), (4, "duplicate")]
    assert marked.valid[ROW_COLUMN].tolist() == [3]
    assert marked.file_report.rows_rejected == 2


def test_same_program_name_for_different_opd_is_not_a_duplicate():
    a = validate_sheet(make_sheet({}, path="a.csv"), REGION)
    b = validate_sheet(make_sheet({"opd": "Diskominfo"}, path="b.csv"), REGION)
    assert all(r.rejections == [] for r in mark_duplicates([a, b]))


# --- contracts --------------------------------------------------------------------------------------------------


def test_suite_file_matches_the_column_contract_and_messages():
    suite = json.loads(get_rules("program").suite_path.read_text(encoding="utf-8"))
    rules = {e["meta"]["rule"] for e in suite["expectations"]}
    assert rules == {
        "required",
        "dimension",
        "element",
        "budget",
        "funding_source",
        "year_range",
        "year_order",
        "score_range",
        "opd_unknown",
        "quick_win",
    }
    assert rules | {"duplicate", "missing_column"} <= set(known_rules())
    (required,) = [e for e in suite["expectations"] if e["meta"]["rule"] == "required"]
    assert list(required["meta"]["columns"].values()) == SPEC.required_columns
    for expectation in suite["expectations"]:
        column = expectation["meta"].get("column")
        assert column is None or column in SPEC.names


# --- one suite run per dataset -------------------------------------------------------------------------------------


def test_batched_validation_gives_each_sheet_the_verdicts_of_its_own_run():
    sheets = [
        make_sheet({}, {"anggaran": "banyak"}, {"dimensi": "Smart People"}, path="a.csv"),
        Sheet(path="rusak.xlsx", sheet="", frame=pd.DataFrame(), status="unreadable", message="Rusak."),
        make_sheet({"tahun_mulai": "2030"}, {}, path="b.csv", drop=("deskripsi",)),
        make_sheet({}, path="c.csv", drop=("anggaran",)),
        make_sheet({"quick_win": "mungkin"}, {"opd": "Dinas Antah"}, {}, path="d.csv", extra={"X": ["1", "2", "3"]}),
    ]
    batched = validate_sheets(sheets, REGION)
    alone = [validate_sheet(sheet, REGION) for sheet in sheets]
    assert [r.path for r in batched] == ["a.csv", "rusak.xlsx", "b.csv", "c.csv", "d.csv"]
    for got, want in zip(batched, alone):
        assert got.file_report == want.file_report
        assert got.rejections == want.rejections and got.notes == want.notes
        pd.testing.assert_frame_equal(got.valid, want.valid)
        pd.testing.assert_frame_equal(got.rejected, want.rejected)
    assert [r.file_report.rows_rejected for r in batched] == [2, 0, 1, 1, 1]
