"""bimtek.analysis.roadmap: horizons, the score formula and the quick-win selection."""

import pandas as pd

from bimtek.analysis.roadmap import ROADMAP_COLUMNS, build_roadmap, cost_norm, horizons, score
from bimtek.core.region import Period
from bimtek.core.settings import Settings
from tests.builders import make_programs, make_region

SETTINGS = Settings(short_term_years=1, medium_term_years=4, quick_win_count=3)


def roadmap_of(*rows: dict, settings: Settings = SETTINGS, period=(2020, 2026)) -> pd.DataFrame:
    return build_roadmap(make_programs(*rows), make_region(*period), settings)


def row_named(roadmap: pd.DataFrame, name: str) -> pd.Series:
    return roadmap[roadmap["nama_program"] == name].iloc[0]


# ------------------------------------------------------------------ horizons


def test_horizons_2020_2026():
    assert horizons(Period(start=2020, end=2026), SETTINGS) == {
        "Jangka pendek": (2020, 2020),
        "Jangka menengah": (2021, 2024),
        "Jangka panjang": (2025, 2026),
    }


def test_horizons_2024_2028_has_no_long_term():
    assert horizons(Period(start=2024, end=2028), SETTINGS) == {
        "Jangka pendek": (2024, 2024),
        "Jangka menengah": (2025, 2028),
    }


def test_horizons_follow_settings():
    settings = Settings(short_term_years=2, medium_term_years=3)
    assert horizons(Period(start=2020, end=2029), settings) == {
        "Jangka pendek": (2020, 2021),
        "Jangka menengah": (2022, 2024),
        "Jangka panjang": (2025, 2029),
    }


def test_program_is_placed_by_its_end_year():
    roadmap = roadmap_of(
        {"nama_program": "Satu tahun", "tahun_mulai": 2020, "tahun_selesai": 2020},
        {"nama_program": "Sampai menengah", "tahun_mulai": 2020, "tahun_selesai": 2024},
        {"nama_program": "Sampai panjang", "tahun_mulai": 2020, "tahun_selesai": 2025},
        {"nama_program": "Sebelum periode", "tahun_mulai": 2018, "tahun_selesai": 2019},
        {"nama_program": "Sesudah periode", "tahun_mulai": 2026, "tahun_selesai": 2028},
    )
    placed = dict(zip(roadmap["nama_program"], roadmap["horizon"]))
    assert placed == {
        "Satu tahun": "Jangka pendek",
        "Sampai menengah": "Jangka menengah",
        "Sampai panjang": "Jangka panjang",
        "Sebelum periode": "Jangka pendek",
        "Sesudah periode": "Jangka panjang",
    }


# ------------------------------------------------------------------ score


def test_score_formula_on_three_programs():
    programs = make_programs(
        {"nama_program": "A", "dampak": 5, "kesiapan": 4, "anggaran": 100},  # .5*1 + .3*.75 + .2*1
        {"nama_program": "B", "dampak": 3, "anggaran": 300},  # .5*.5 + .3*.5 (missing) + .2*0
        {"nama_program": "C", "kesiapan": 1, "anggaran": 200},  # .5*.5 (missing) + .3*0 + .2*.5
    )
    assert score(programs).tolist() == [0.925, 0.4, 0.35]


def test_cost_norm_ties_and_single_program():
    assert cost_norm(pd.Series([100.0, 100.0, 300.0])).tolist() == [0.75, 0.75, 0.0]
    assert cost_norm(pd.Series([5.0])).tolist() == [0.5]


def test_score_is_rounded_to_four_decimals():
    programs = make_programs(
        {"dampak": 2, "kesiapan": 2, "anggaran": 1}, {"anggaran": 2}, {"anggaran": 3}, {"anggaran": 4}
    )
    # first: .5*.25 + .3*.25 + .2*1 = 0.4; second: .25 + .15 + .2*(2/3) = 0.53333.. -> 0.5333
    assert score(programs).tolist() == [0.4, 0.5333, 0.4667, 0.4]


def test_rank_breaks_ties_by_cheaper_budget_then_name():
    roadmap = roadmap_of(
        {"nama_program": "Mahal", "dampak": 4, "anggaran": 300},
        {"nama_program": "Murah", "dampak": 4, "anggaran": 100},
        {"nama_program": "Tengah", "dampak": 5, "kesiapan": 1, "anggaran": 200},
    )
    ranks = dict(zip(roadmap["nama_program"], roadmap["peringkat"]))
    # Murah .375+.15+.2 = .725; Tengah .5+0+.1 = .6; Mahal .375+.15+0 = .525
    assert ranks == {"Murah": 1, "Tengah": 2, "Mahal": 3}


# ------------------------------------------------------------------ quick wins

QUICK_WIN_CASES = [
    {"nama_program": "Digitalisasi layanan perizinan online", "opd": "DPMPTSP", "quick_win": True},
    {"nama_program": "Pembangunan gedung mal pelayanan publik", "opd": "DPMPTSP", "quick_win": True},
    {
        "nama_program": "Peningkatan layanan puskesmas",
        "opd": "Dinas Kesehatan",
        "dimensi": "living",
        "tahun_mulai": 2020,
        "tahun_selesai": 2021,
    },
    {
        "nama_program": "Optimalisasi aplikasi pengaduan",
        "opd": "Diskominfo",
        "tahun_mulai": 2022,
        "tahun_selesai": 2022,
    },
    {"nama_program": "Penguatan kapasitas aparatur", "opd": "BKPSDM"},
    {"nama_program": "Aplikasi pengaduan warga", "opd": "Diskominfo"},
    {
        "nama_program": "Sistem arsip",
        "opd": "Dinas Perpustakaan",
        "deskripsi": "Pemutakhiran katalog",
        "sasaran": "Pengunjung perpustakaan",
    },
]


def test_quick_win_criteria_pick_and_reject_for_stated_reasons():
    roadmap = roadmap_of(*QUICK_WIN_CASES)
    candidates = set(roadmap.loc[roadmap["quick_win_candidate"], "nama_program"])
    # description and target count as program text: "pemutakhiran" (improvement) and "pengunjung" (citizens)
    assert candidates == {"Digitalisasi layanan perizinan online", "Sistem arsip"}

    chosen = row_named(roadmap, "Digitalisasi layanan perizinan online")
    assert chosen["alasan_quick_win"].startswith("Diusulkan OPD dan memenuhi semua kriteria")
    assert chosen["alasan_quick_win"].endswith(
        "hasilnya selesai dalam satu tahun anggaran (2020); dimulai pada jangka pendek; manfaatnya langsung "
        "dirasakan warga; meningkatkan layanan yang sudah ada."
    )
    assert "kata kunci" not in " ".join(roadmap["alasan_quick_win"])

    building = row_named(roadmap, "Pembangunan gedung mal pelayanan publik")
    assert not building["kriteria_layanan_ada"] and building["kriteria_dirasakan_warga"]
    assert building["alasan_quick_win"].startswith("Kriteria quick win yang belum terpenuhi:")
    assert "program mencakup pembangunan atau pengadaan infrastruktur baru" in building["alasan_quick_win"]

    two_years = row_named(roadmap, "Peningkatan layanan puskesmas")
    assert not two_years["kriteria_satu_tahun"] and two_years["kriteria_jangka_pendek"]
    assert (
        "program berjalan 2 tahun (2020–2021), sedangkan quick win selesai dalam satu tahun anggaran"
        in two_years["alasan_quick_win"]
    )

    late = row_named(roadmap, "Optimalisasi aplikasi pengaduan")
    assert late["kriteria_satu_tahun"] and not late["kriteria_jangka_pendek"]
    assert (
        "program dimulai 2022, sedangkan quick win dimulai pada jangka pendek (sampai 2020)" in late["alasan_quick_win"]
    )

    internal = row_named(roadmap, "Penguatan kapasitas aparatur")
    assert not internal["kriteria_dirasakan_warga"] and internal["kriteria_layanan_ada"]
    assert internal["alasan_quick_win"].startswith("Bukan kandidat:")

    new_app = row_named(roadmap, "Aplikasi pengaduan warga")
    assert new_app["kriteria_dirasakan_warga"] and not new_app["kriteria_layanan_ada"]
    assert "uraian program belum menyebut layanan yang sudah berjalan yang ditingkatkan" in new_app["alasan_quick_win"]


def test_opd_proposal_comes_first_and_short_list_spreads_over_dimensions():
    qualifying = {"tahun_mulai": 2020, "tahun_selesai": 2020}
    roadmap = roadmap_of(
        {**qualifying, "nama_program": "Peningkatan layanan A", "dimensi": "governance", "dampak": 5},
        {
            **qualifying,
            "nama_program": "Peningkatan layanan B",
            "dimensi": "governance",
            "dampak": 1,
            "quick_win": True,
        },
        {**qualifying, "nama_program": "Peningkatan layanan C", "dimensi": "governance", "dampak": 4},
        {**qualifying, "nama_program": "Peningkatan layanan D", "dimensi": "economy", "dampak": 2},
        {**qualifying, "nama_program": "Peningkatan layanan E", "dimensi": "society", "dampak": 3},
        settings=Settings(short_term_years=1, medium_term_years=4, quick_win_count=3),
    )
    assert roadmap["quick_win_candidate"].all()
    order = roadmap.sort_values("peringkat_quick_win")["nama_program"].str[-1].tolist()
    # best of each dimension first (B: OPD proposal beats a higher score), in priority order, then the rest
    assert order == ["B", "E", "D", "A", "C"]
    assert set(roadmap.loc[roadmap["quick_win_dimensi"], "nama_program"].str[-1]) == {"B", "D", "E"}
    assert set(roadmap.loc[roadmap["quick_win_terpilih"], "nama_program"].str[-1]) == {"B", "D", "E"}


def test_quick_win_count_limits_the_short_list():
    qualifying = {"tahun_mulai": 2020, "tahun_selesai": 2020}
    roadmap = roadmap_of(
        *[{**qualifying, "nama_program": f"Digitalisasi layanan {i}", "anggaran": i} for i in range(1, 5)],
        settings=Settings(short_term_years=1, medium_term_years=4, quick_win_count=2),
    )
    chosen = roadmap.loc[roadmap["quick_win_terpilih"], "nama_program"].tolist()
    assert sorted(chosen) == ["Digitalisasi layanan 1", "Digitalisasi layanan 2"]


def test_build_roadmap_columns_and_empty_input():
    empty = roadmap_of()
    assert list(empty.columns) == ROADMAP_COLUMNS and empty.empty
    full = roadmap_of(*QUICK_WIN_CASES)
    assert list(full.columns) == ROADMAP_COLUMNS
    assert full["peringkat"].sort_values().tolist() == list(range(1, len(QUICK_WIN_CASES) + 1))
    assert full["dimensi_label"].iloc[0] == "Smart Governance"


def test_build_roadmap_does_not_depend_on_input_order():
    programs = make_programs(*QUICK_WIN_CASES)
    region = make_region()
    shuffled = programs.sample(frac=1, random_state=7)
    pd.testing.assert_frame_equal(build_roadmap(programs, region, SETTINGS), build_roadmap(shuffled, region, SETTINGS))
