"""Budget per year as the OPD states it: the per-year columns of the program contract, their rules, and the tables
that carry the figures (spread_budget, budget_by_year, the program matrix, the roadmap workbook columns)."""

from __future__ import annotations

import pandas as pd
import pytest

from bimtek.analysis import aggregate as ag
from bimtek.analysis.program_matrix import matrix_summary, program_matrix
from bimtek.core.columns import load_spec
from bimtek.core.model import Sheet
from bimtek.core.year_budget import format_year_budgets, parse_year_budgets
from bimtek.ingest.reader import read_table
from bimtek.validation import combined_valid, validate_sheet, validate_sheets, warm_up
from tests.builders import REGION, make_programs, make_sheet
from tests.clerk_corpus import workbook

SPEC = load_spec("program")


@pytest.fixture(scope="module", autouse=True)
def _gx_warm() -> None:
    warm_up()


class Period:
    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


# --- the column contract -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["Anggaran 2027", "ANGGARAN TAHUN 2027", "Pagu 2027", "TA 2027", "anggaran_2027", "Anggaran 2027 (Rp)"]
)
def test_header_variants_a_clerk_types_match_the_year_column(header):
    assert SPEC.match_header(header) == "anggaran_2027"


def test_year_columns_follow_the_total_and_the_template_shows_only_the_period():
    names = SPEC.names
    assert names[names.index("anggaran") + 1] == "anggaran_2020" and "anggaran_2050" in names
    assert SPEC.match_header("Anggaran 2027 target") is None and SPEC.match_header("Tahun mulai") == "tahun_mulai"
    period = [c.name for c in SPEC.columns_for(2027, 2031) if c.year is not None]
    assert period == [f"anggaran_{y}" for y in range(2027, 2032)]
    assert "anggaran_<tahun>" in SPEC.listed_names and "anggaran_2027" not in SPEC.listed_names


def test_canonical_text_round_trips():
    text = format_year_budgets({2028: 0.0, 2027: 1_500_000_000.0, 2029: 2_250_000.5})
    assert text == "2027=1500000000;2028=0;2029=2250000.50"
    assert parse_year_budgets(text) == {2027: 1_500_000_000.0, 2028: 0.0, 2029: 2_250_000.5}
    assert parse_year_budgets(None) == {} and parse_year_budgets(float("nan")) == {}


# --- validation rules --------------------------------------------------------------------------------------------


def _only(result):
    assert len(result.rejections) == 1, result.rejections
    return result.rejections[0]


def test_stated_years_become_the_budget_and_a_blank_total_is_their_sum():
    result = validate_sheet(
        make_sheet(
            {"anggaran": None, "anggaran_2021": "Rp 500.000.000", "anggaran_2023": "700000000"},
            {"anggaran": "Rp 1.200.000.000", "anggaran_2021": "1,2 M"},
            {},
        ),
        REGION,
    )
    assert result.rejections == []
    valid = result.valid
    assert valid["anggaran"].tolist() == [1_200_000_000.0, 1_200_000_000.0, 1_500_000.0]
    assert valid["anggaran_tahunan"].tolist()[:2] == [
        "2021=500000000;2022=0;2023=700000000",
        "2021=1200000000;2022=0;2023=0",
    ]
    assert pd.isna(valid["anggaran_tahunan"].iloc[2])  # a total only


def test_total_that_differs_from_the_years_is_rejected_with_both_figures():
    rejection = _only(validate_sheet(make_sheet({"anggaran": "1.000.000.000", "anggaran_2021": "600000000"}), REGION))
    assert (rejection.rule, rejection.column, rejection.value) == ("budget_year_sum", "Anggaran (Rp)", "1.000.000.000")
    assert "Rp 1.000.000.000" in rejection.message and "(Rp 600.000.000)" in rejection.message
    assert "kosongkan kolom" in rejection.message


def test_a_year_outside_the_program_years_is_rejected_but_a_zero_there_is_not():
    sheet = make_sheet(
        {"anggaran": None, "anggaran_2021": "1000000", "anggaran_2025": "2000000"},
        {"anggaran": None, "anggaran_2021": "1500000", "anggaran_2025": "0"},
    )
    result = validate_sheet(sheet, REGION)
    rejection = _only(result)
    assert (rejection.row, rejection.rule, rejection.column) == (2, "budget_year_outside", "Anggaran 2025")
    assert "berjalan 2021-2023" in rejection.message
    assert result.valid["anggaran_tahunan"].tolist() == ["2021=1500000;2022=0;2023=0"]


def test_a_negative_or_unreadable_year_is_rejected_on_its_own_cell():
    result = validate_sheet(make_sheet({"anggaran_2022": "-5000000"}, {"anggaran_2022": "sekitar lima juta"}), REGION)
    assert [(r.row, r.rule, r.column) for r in result.rejections] == [
        (2, "budget_year_negative", "Anggaran 2022"),
        (3, "budget", "Anggaran 2022"),
    ]
    assert "tidak boleh negatif" in result.rejections[0].message
    assert "tidak dapat dibaca" in result.rejections[1].message
    assert result.valid.empty


def test_the_unit_a_table_states_applies_to_the_year_columns():
    header = ["OPD", "Dimensi", "Nama program", "Anggaran (Rp juta)", "Pagu 2021 (Rp juta)", "Pagu 2022 (Rp juta)"]
    header += ["Sumber dana", "Tahun mulai", "Tahun selesai"]
    row = ["Dinas Kesehatan", "Smart Living", "Telemedisin", 1500, 500, 1000, "APBD", 2021, 2022]
    blank_total = ["Dinas Kesehatan", "Smart Living", "SIMRS", None, "250", 250, "APBD", 2021, 2022]
    sheets = read_table("x.xlsx", workbook([("Usulan", [header, row, blank_total], "visible")]))
    valid = combined_valid(validate_sheets(sheets, REGION))
    assert valid["anggaran"].tolist() == [1_500_000_000.0, 500_000_000.0]
    assert valid["anggaran_tahunan"].tolist() == ["2021=500000000;2022=1000000000", "2021=250000000;2022=250000000"]


def test_a_year_cell_with_its_own_unit_under_a_stated_unit_is_refused():
    frame = pd.DataFrame([{**_cells(), "anggaran": "1500", "anggaran_2021": "1,5 M"}], dtype="object")
    frame["_row"] = [2]
    sheet = Sheet(
        path="x.csv", sheet="", frame=frame, dataset="program", units={"anggaran": 10**6, "anggaran_2021": 10**6}
    )
    rejection = _only(validate_sheet(sheet, REGION))
    assert (rejection.rule, rejection.column) == ("budget", "Anggaran 2021")
    assert "menulis satuannya sendiri" in rejection.message


def _cells() -> dict:
    return {
        "opd": "Dinas Kesehatan",
        "dimensi": "Smart Living",
        "nama_program": "Telemedisin",
        "sumber_dana": "APBD",
        "tahun_mulai": "2021",
        "tahun_selesai": "2021",
    }


# --- the tables --------------------------------------------------------------------------------------------------


def _programs() -> pd.DataFrame:
    return make_programs(
        {"nama_program": "A", "anggaran": 1_000_000.0, "tahun_mulai": 2021, "tahun_selesai": 2023},
        {
            "nama_program": "B",
            "dimensi": "living",
            "anggaran": 900.0,
            "tahun_mulai": 2021,
            "tahun_selesai": 2022,
            "anggaran_tahunan": "2021=100;2022=800",
        },
        {"nama_program": "C", "anggaran": 50.0, "tahun_mulai": 2022, "tahun_selesai": 2022},
    )


def test_spread_takes_stated_figures_and_splits_only_the_multi_year_totals():
    spread = ag.spread_budget(_programs())
    rows = list(zip(spread["program"], spread["tahun"], spread["anggaran"], spread["dibagi_rata"]))
    assert rows == [
        (0, 2021, 333_334.0, True),
        (0, 2022, 333_333.0, True),
        (0, 2023, 333_333.0, True),
        (1, 2021, 100.0, False),
        (1, 2022, 800.0, False),
        (2, 2022, 50.0, False),
    ]


def test_budget_by_year_splits_each_year_into_stated_and_even_parts():
    table = ag.budget_by_year(_programs(), Period(2021, 2023)).set_index("tahun")
    assert table.loc[2022, ["jumlah", "dinyatakan_opd", "dibagi_rata"]].tolist() == [334_183.0, 850.0, 333_333.0]
    assert table["jumlah"].sum() == 1_000_950.0
    assert (table["dinyatakan_opd"] + table["dibagi_rata"]).tolist() == table["jumlah"].tolist()
    assert ag.budget_basis(_programs()) == {"programs": 3, "dinyatakan_opd": 1, "dibagi_rata": 1, "satu_tahun": 1}


def test_matrix_labels_only_the_split_totals_and_year_columns_carry_the_same_figures():
    rows = program_matrix(_programs())
    assert [(r["nama_program"], r["dibagi_rata"], r["dinyatakan_opd"]) for r in rows] == [
        ("A", True, False),
        ("B", False, True),
        ("C", False, True),
    ]
    assert rows[1]["per_tahun"] == [{"tahun": 2021, "anggaran": 100.0}, {"tahun": 2022, "anggaran": 800.0}]
    assert matrix_summary(rows)["dibagi_rata"] == 1 and matrix_summary(rows)["dinyatakan_opd"] == 2
    columns = ag.year_columns(_programs(), Period(2021, 2024))
    assert list(columns.columns) == [
        "anggaran_2021",
        "anggaran_2022",
        "anggaran_2023",
        "anggaran_2024",
        "dasar_anggaran",
    ]
    assert columns.loc[1, ["anggaran_2021", "anggaran_2022"]].tolist() == [100.0, 800.0]
    assert pd.isna(columns.loc[1, "anggaran_2023"]) and columns.loc[0, "anggaran_2023"] == 333_333.0
    assert columns["dasar_anggaran"].tolist() == ["dibagi rata", "dinyatakan OPD", "dinyatakan OPD"]
