"""Workbooks shaped like the ones OPD clerks send: the published figures are what the clerk meant.

The corpus (tests/clerk_corpus.py) is generated at test time; each case carries the programs and budget per OPD a
coordinator expects. A property test then varies title heights, totals rows and unit markers at random.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bimtek.core.formatting import rupiah_words
from bimtek.core.model import Sheet
from bimtek.core.questions import HELD_RULE
from bimtek.ingest.reader import read_table
from bimtek.ingest.reader.rows import row_kind
from bimtek.ingest.reader.sheets import sheet_skip_reason
from bimtek.ingest.reader.units import strip_unit, unit_of
from bimtek.validation import build_report, combined_valid, validate_sheets
from tests.builders import validation_region
from tests.clerk_corpus import HEADER, OPDS, build_cases, program_row, programs, title_block, total_row, workbook

REGION = validation_region()
CASES = build_cases()


def _published(sheets: list[Sheet]) -> tuple[dict[str, tuple[int, float]], dict]:
    results = validate_sheets(sheets, REGION)
    valid = combined_valid(results)
    per_opd = {opd: (len(group), float(group["anggaran"].sum())) for opd, group in valid.groupby("opd", sort=True)}
    return per_opd, build_report(REGION.slug, results).to_dict()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_clerk_workbook_publishes_what_the_clerk_meant(case):
    sheets = read_table(f"{case.name}.xlsx", case.data)
    per_opd, report = _published(sheets)
    assert per_opd == case.per_opd()
    assert report["rows_rejected"] == case.held
    assert len([r for r in report["rejections"] if r["rule"] == HELD_RULE]) == case.held
    assert len(report.get("questions", [])) == (1 if case.held else 0)
    statuses = {f["status"] for f in report["files"]}
    assert case.status in statuses
    notes = " | ".join(report.get("notes", []))
    for expected in case.notes:
        assert expected in notes, (expected, notes)


def test_conflicting_units_are_refused_with_the_reason():
    case = next(c for c in CASES if c.name == "satuan-bertentangan")
    (sheet,) = read_table("x.xlsx", case.data)
    assert sheet.status == "unreadable"
    assert "ribu rupiah dan juta rupiah" in sheet.message and "Tulis satu satuan" in sheet.message


def test_a_workbook_whose_only_data_sheet_is_hidden_is_refused_by_name():
    rows = programs(random.Random(1), OPDS[0], 2)
    data = workbook(
        [("Sampul", [["USULAN"]], "visible"), ("Usulan", [HEADER, *(program_row(1, r, 1) for r in rows)], "hidden")]
    )
    (sheet,) = read_table("x.xlsx", data)
    assert sheet.status == "unreadable"
    assert '"Usulan"' in sheet.message and "unhide" in sheet.message


def test_budget_without_a_unit_below_the_floor_is_rejected_with_a_hint():
    data = workbook(
        [("Data", [HEADER, [1, OPDS[0], "Smart Living", "Aplikasi", "1.250", "APBD", 2022, 2023]], "visible")]
    )
    results = validate_sheets(read_table("x.xlsx", data), REGION)
    (rejection,) = results[0].rejections
    assert rejection.rule == "budget" and "di bawah batas wajar" in rejection.message
    assert "Anggaran (Rp juta)" in rejection.message


def test_zero_budget_is_rejected():
    data = workbook([("Data", [HEADER, [1, OPDS[0], "Smart Living", "Aplikasi", 0, "APBD", 2022, 2023]], "visible")])
    (rejection,) = validate_sheets(read_table("x.xlsx", data), REGION)[0].rejections
    assert rejection.rule == "budget" and "tidak boleh 0" in rejection.message


@pytest.mark.parametrize(
    ("text", "header", "unit"),
    [
        ("Anggaran (Rp juta)", True, 1_000_000),
        ("Pagu (Rp 000)", True, 1_000),
        ("(dalam ribuan rupiah)", False, 1_000),
        ("Satuan: Rp miliar", False, 1_000_000_000),
        ("Usulan program 2027", False, None),
        ("17 ribu penduduk terlayani", False, None),
        ("Catatan: biaya pemeliharaan ± Rp 50 ribu per titik per bulan", False, None),
        ("Catatan: angka dalam ribuan rupiah", False, 1_000),
        ("Anggaran (Rp)", True, None),
    ],
)
def test_unit_of(text, header, unit):
    assert unit_of(text, header=header) == unit


def test_strip_unit_keeps_the_column_name():
    assert strip_unit("Anggaran (Rp juta)") == "Anggaran"
    assert strip_unit("Anggaran (Rp) dalam ribuan") == "Anggaran (Rp)"


@pytest.mark.parametrize(
    ("cells", "labels", "kind"),
    [
        (["JUMLAH", None, None, None, "5000"], ["JUMLAH"], "total"),
        (["1", "Dinkes", "Smart Living", "Sub Total Dimensi Living", "5000"], ["Sub Total Dimensi Living"], "total"),
        (["A. Smart Governance"], ["A. Smart Governance"], "heading"),
        (["Catatan: nilai dalam jutaan rupiah"], ["Catatan: nilai dalam jutaan rupiah"], "note"),
        (["0", "Dinkes", "Contoh: aplikasi"], ["0", "Dinkes", "Contoh: aplikasi"], "example"),
        (["1", "Dinkes", "Jumlah Penduduk Terdata", "5000"], ["Jumlah Penduduk Terdata"], "data"),
        (["Aplikasi antrean"], ["Aplikasi antrean"], "data"),
    ],
)
def test_row_kind(cells, labels, kind):
    assert row_kind(cells, labels) == kind


def test_sheet_skip_reason():
    assert "hidden" in sheet_skip_reason("Usulan 2025 (lama)", "hidden")
    assert "very hidden" in sheet_skip_reason("Data", "veryHidden")
    assert sheet_skip_reason("Contoh Pengisian", "visible")
    assert sheet_skip_reason("Usulan 2027", "visible") is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    height=st.integers(0, 4),
    unit=st.sampled_from([1, 1_000, 1_000_000]),
    where=st.sampled_from(["title", "header", "note"]),
    total_label=st.sampled_from(["JUMLAH", "TOTAL", "Jumlah Anggaran", None]),
    copied=st.booleans(),
    count=st.integers(2, 6),
)
def test_published_budget_per_opd_is_the_sum_of_its_program_rows_in_the_stated_unit(
    seed, height, unit, where, total_label, copied, count
):
    rng = random.Random(seed)
    rows = programs(rng, rng.choice(OPDS), count, unit)
    unit_text = {1_000: "ribuan", 1_000_000: "jutaan"}.get(unit)
    header = list(HEADER)
    title_unit = note = None
    if unit_text and where == "header":
        header[4] = f"Anggaran (Rp {unit_text.removesuffix('an')})"
    elif unit_text and where == "title":
        title_unit = f"(dalam {unit_text} rupiah)"
    elif unit_text:
        note = [f"Catatan: angka anggaran dalam {unit_text} rupiah"]
    body = [program_row(i + 1, r, unit) for i, r in enumerate(rows)]
    body.append(total_row(total_label, rows, unit, copied_down=copied or total_label is None))
    if note:
        body.append(note)
    data = workbook([("Usulan", [*title_block(rng, height, title_unit), header, *body], "visible")])
    per_opd, report = _published(read_table("acak.xlsx", data))
    if note:  # a unit from a note only is a question: every program row is held, none published
        assert per_opd == {} and report["rows_rejected"] == count
        assert len([r for r in report["rejections"] if r["rule"] == HELD_RULE]) == count
        (question,) = report["questions"]
        assert [o["label"] for o in question["options"]] == [
            rupiah_words(sum(r["anggaran"] for r in rows) / unit),
            rupiah_words(sum(r["anggaran"] for r in rows)),
        ]
        return
    expected = {rows[0]["opd"]: (count, sum(r["anggaran"] for r in rows))}
    assert per_opd == expected
    assert report["rows_rejected"] == 0


def test_a_cell_with_its_own_unit_under_a_stated_unit_is_rejected_not_guessed():
    header = [*HEADER[:4], "Anggaran (Rp juta)", *HEADER[5:]]
    rows = [
        [1, OPDS[0], "Smart Living", "Aplikasi A", 250, "APBD", 2022, 2023],
        [2, OPDS[0], "Smart Living", "Aplikasi B", "Rp 1,5 M", "APBD", 2022, 2023],
    ]
    results = validate_sheets(read_table("x.xlsx", workbook([("Data", [header, *rows], "visible")])), REGION)
    (rejection,) = results[0].rejections
    assert rejection.row == 3 and rejection.rule == "budget" and "satuannya sendiri" in rejection.message
    assert results[0].valid["anggaran"].tolist() == [250_000_000.0]
