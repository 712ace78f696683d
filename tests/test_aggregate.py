"""bimtek.analysis.aggregate on tiny hand-made program frames."""

import pandas as pd
import pytest

from bimtek.analysis import aggregate as ag
from bimtek.analysis.roadmap import build_roadmap, horizons
from bimtek.core.region import Period
from bimtek.core.settings import Settings
from tests.builders import LABELS, make_programs, make_region

SETTINGS = Settings(short_term_years=1, medium_term_years=4, quick_win_count=3)


@pytest.fixture
def programs() -> pd.DataFrame:
    return make_programs(
        {
            "opd": "Diskominfo",
            "dimensi": "governance",
            "elemen": "service",
            "anggaran": 100_000_000,
            "nama_program": "Digitalisasi layanan perizinan online",
        },
        {
            "opd": "Diskominfo",
            "dimensi": "governance",
            "elemen": "bureaucracy",
            "anggaran": 300_000_000,
            "sumber_dana": "APBN",
            "tahun_mulai": 2021,
            "tahun_selesai": 2023,
        },
        {
            "opd": "Dinas Kesehatan",
            "dimensi": "living",
            "elemen": "health",
            "anggaran": 1_000_000,
            "tahun_mulai": 2020,
            "tahun_selesai": 2022,
        },
        {
            "opd": "Dinas Perhubungan",
            "dimensi": "living",
            "anggaran": 50_000_000,
            "sumber_dana": "DAK",
            "tahun_mulai": 2025,
            "tahun_selesai": 2026,
        },
        {
            "opd": "Dinas Kesehatan",
            "dimensi": "society",
            "elemen": "learning",
            "anggaran": 7_000_000,
            "sumber_dana": "CSR",
            "tahun_mulai": 2026,
            "tahun_selesai": 2027,
        },
    )


def test_by_dimension_has_six_rows_with_exact_counts(programs):
    table = ag.by_dimension(build_roadmap(programs, make_region(), SETTINGS))
    assert list(table.columns) == ["dimensi", "programs", "anggaran_total", "quick_win_candidates"]
    assert table["dimensi"].tolist() == LABELS
    assert table["programs"].tolist() == [2, 0, 0, 2, 1, 0]
    assert table["anggaran_total"].tolist() == [400_000_000, 0, 0, 51_000_000, 7_000_000, 0]
    assert table["quick_win_candidates"].tolist() == [1, 0, 0, 0, 0, 0]


def test_by_dimension_needs_the_roadmap(programs):
    with pytest.raises(KeyError, match="quick_win_candidate"):
        ag.by_dimension(programs)


def test_by_element_lists_all_eighteen_and_flags_gaps(programs):
    table = ag.by_element(programs)
    assert len(table) == 18
    assert list(table.columns) == ["dimensi", "elemen", "elemen_uraian", "programs", "anggaran_total", "gap"]
    service = table[table["elemen"] == "Service"].iloc[0]
    assert (service["dimensi"], service["programs"], service["anggaran_total"], service["gap"]) == (
        "Smart Governance",
        1,
        100_000_000,
        False,
    )
    # the Dinas Perhubungan program has no element: it counts for Smart Living but for no element
    living = table[table["dimensi"] == "Smart Living"]
    assert living["programs"].tolist() == [0, 1, 0]
    assert int(table["programs"].sum()) == 4


def test_element_gaps(programs):
    gaps = ag.element_gaps(programs)
    covered = {"Service", "Bureaucracy", "Health", "Learning"}
    assert len(gaps) == 14
    assert not covered & set(gaps["elemen"])
    assert gaps.iloc[0].tolist() == ["Smart Governance", "Policy", "Efisiensi kebijakan publik"]
    assert gaps.iloc[-1]["elemen"] == "Energy"


def test_budget_by_year_spreads_evenly_and_sums_to_total(programs):
    table = ag.budget_by_year(programs, Period(start=2020, end=2026))
    # 2027 lies after the period but keeps its share so the total is preserved
    assert table["tahun"].tolist() == list(range(2020, 2028))
    assert table["jumlah"].sum() == pytest.approx(programs["anggaran"].sum(), abs=0)
    living = dict(zip(table["tahun"], table["Smart Living"]))
    assert [living[y] for y in (2020, 2021, 2022)] == [333_334, 333_333, 333_333]
    assert [living[y] for y in (2025, 2026)] == [25_000_000, 25_000_000]
    governance = dict(zip(table["tahun"], table["Smart Governance"]))
    assert governance[2020] == 100_000_000 and governance[2021] == 100_000_000
    assert dict(zip(table["tahun"], table["program_aktif"]))[2020] == 2


def test_budget_by_year_keeps_sen_exact():
    programs = make_programs({"anggaran": 1_000_000.5, "tahun_mulai": 2020, "tahun_selesai": 2022})
    table = ag.budget_by_year(programs, Period(start=2020, end=2022))
    assert table["jumlah"].tolist() == [333_334.5, 333_333, 333_333]


def test_budget_by_funding_matrix(programs):
    table = ag.budget_by_funding(programs)
    assert table["dimensi"].tolist() == [*LABELS, "Jumlah"]
    assert list(table.columns) == [
        "dimensi",
        "APBD",
        "APBD Provinsi",
        "APBN",
        "DAK",
        "Dana Desa",
        "CSR",
        "KPBU",
        "Swasta",
        "Hibah",
        "Lainnya",
        "jumlah",
    ]
    rows = table.set_index("dimensi")
    assert rows.loc["Smart Governance", "APBD"] == 100_000_000
    assert rows.loc["Smart Governance", "APBN"] == 300_000_000
    assert rows.loc["Smart Living", "DAK"] == 50_000_000
    assert rows.loc["Jumlah", "jumlah"] == programs["anggaran"].sum()
    assert rows.loc["Jumlah", "CSR"] == 7_000_000


def test_opd_dimension_coverage_matrix(programs):
    table = ag.opd_dimension_coverage(programs, opd_names=["Bappeda", "Diskominfo"])
    assert table["opd"].tolist() == ["Bappeda", "Dinas Kesehatan", "Dinas Perhubungan", "Diskominfo"]
    assert list(table.columns) == ["opd", *LABELS, "jumlah", "dimensi_tercakup"]
    rows = table.set_index("opd")
    assert rows.loc["Dinas Kesehatan", LABELS].tolist() == [0, 0, 0, 1, 1, 0]
    assert rows.loc["Diskominfo", "Smart Governance"] == 2
    assert rows.loc["Bappeda"].tolist() == [0] * 8
    assert rows["jumlah"].tolist() == [0, 2, 1, 2]
    assert rows["dimensi_tercakup"].tolist() == [0, 2, 1, 1]


def test_by_horizon(programs):
    region = make_region()
    table = ag.by_horizon(build_roadmap(programs, region, SETTINGS), horizons(region.period, SETTINGS))
    assert table["horizon"].tolist() == ["Jangka pendek", "Jangka menengah", "Jangka panjang"]
    assert table["programs"].tolist() == [1, 2, 2]
    assert table["anggaran_total"].sum() == programs["anggaran"].sum()


def test_empty_programs_give_full_tables_of_zeros():
    region = make_region(opd=["Bappeda"])
    roadmap = build_roadmap(make_programs(), region, SETTINGS)
    tables = ag.all_aggregates(roadmap, region, horizons(region.period, SETTINGS))
    assert tables["by_dimension"]["dimensi"].tolist() == LABELS
    assert tables["by_dimension"][["programs", "anggaran_total", "quick_win_candidates"]].to_numpy().sum() == 0
    assert len(tables["by_element"]) == 18 and tables["by_element"]["gap"].all()
    assert len(tables["element_gaps"]) == 18
    assert tables["budget_by_funding"]["jumlah"].tolist() == [0.0] * 7
    assert tables["budget_by_year"]["tahun"].tolist() == list(range(2020, 2027))
    assert tables["budget_by_year"]["jumlah"].sum() == 0
    assert tables["opd_dimension_coverage"]["opd"].tolist() == ["Bappeda"]
    assert tables["by_horizon"]["programs"].tolist() == [0, 0, 0]


def test_budget_by_year_never_overflows_with_budgets_at_the_ceiling():
    """300 one-year programs of Rp 10^15 (the plausible ceiling) are 3 x 10^19 sen in 2020: beyond int64, exact."""
    rows = [
        {
            "opd": "Dinas A",
            "dimensi": "governance",
            "nama_program": f"P{i}",
            "anggaran": 1e15,
            "tahun_mulai": 2020,
            "tahun_selesai": 2020 + i % 2,
        }
        for i in range(300)
    ]
    table = ag.budget_by_year(make_programs(*rows), Period(start=2020, end=2026))
    assert (table["jumlah"] >= 0).all()
    assert table["jumlah"].sum() == pytest.approx(300 * 1e15, rel=1e-12)
    assert table.loc[table["tahun"] == 2020, "jumlah"].item() == pytest.approx(225 * 1e15, rel=1e-12)
