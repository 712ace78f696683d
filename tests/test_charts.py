"""Charts: valid PNG/SVG a viewer can open, Indonesian labels as SVG text, empty input, byte-identical reruns.

The frames come from the real aggregation code (bimtek.analysis.roadmap / bimtek.analysis.aggregate), so the column contracts the
charts rely on are exercised too.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import matplotlib
import matplotlib.image
import pandas as pd
import pytest

from bimtek.analysis import aggregate
from bimtek.analysis.roadmap import build_roadmap, horizons
from bimtek.charts.plots import (
    DPI,
    NO_DATA,
    WIDTH_IN,
    Chart,
    _gantt_rows,
    element_year_counts,
    opd_dimension_coverage_chart,
    programs_budget_by_dimension,
    readiness_by_pillar_chart,
    roadmap_gantt,
)
from bimtek.core.region import parse_region
from bimtek.core.settings import Settings
from bimtek.core.taxonomy import load_taxonomy

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DIMENSIONS = [dimension.label for dimension in load_taxonomy().dimensions]
CODES = ["governance", "branding", "economy", "living", "society", "environment"]
OPD = ["Diskominfo", "Dinas Kesehatan", "Bappeda", "Dinas Perhubungan"]
SETTINGS = Settings(short_term_years=1, medium_term_years=4, quick_win_count=3)
REGION = parse_region(
    {"slug": "contoh", "name": "Kabupaten Contoh", "province": "Sumatera Barat", "period": {"start": 2020, "end": 2026}}
)
LONG_NAME = "Pengembangan sistem informasi terpadu pelayanan administrasi kependudukan berbasis elektronik"


def make_programs(count: int) -> pd.DataFrame:
    """`count` valid programs (PROGRAM_COLUMNS) spread over dimensions, OPD and years; a few are quick wins."""
    rows = []
    for i in range(count):
        start = 2020 + i % 7
        rows.append(
            {
                "opd": OPD[i % len(OPD)],
                "dimensi": CODES[i % 6] if i % 6 != 5 or i < 12 else "governance",
                "elemen": pd.NA,
                "nama_program": LONG_NAME if i == 0 else f"Peningkatan layanan online warga {i}",
                "deskripsi": pd.NA,
                "anggaran": 250_000_000.0 * (1 + i % 5),
                "sumber_dana": "APBD",
                "tahun_mulai": start,
                "tahun_selesai": min(2026, start + i % 3),
                "quick_win": i % 4 == 0,
                "sasaran": pd.NA,
                "indikator": pd.NA,
                "dampak": 5,
                "kesiapan": 4,
            }
        )
    columns = [
        "opd",
        "dimensi",
        "elemen",
        "nama_program",
        "deskripsi",
        "anggaran",
        "sumber_dana",
        "tahun_mulai",
        "tahun_selesai",
        "quick_win",
        "sasaran",
        "indikator",
        "dampak",
        "kesiapan",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"dampak": "Int64", "kesiapan": "Int64"})


@pytest.fixture(scope="module")
def roadmap() -> pd.DataFrame:
    return build_roadmap(make_programs(30), REGION, SETTINGS)


@pytest.fixture(scope="module")
def charts(roadmap) -> dict[str, Chart]:
    spans = horizons(REGION.period, SETTINGS)
    scores = pd.DataFrame(
        {"pilar": ["Struktur", "struktur", "Infrastruktur", "SUPRASTRUKTUR"], "nilai": [3, 4, "2", 4.5]}
    )
    return {
        "dimension": programs_budget_by_dimension(aggregate.by_dimension(roadmap)),
        "readiness": readiness_by_pillar_chart(scores),
        "gantt": roadmap_gantt(roadmap, 2020, 2026, horizons=spans),
        "coverage": opd_dimension_coverage_chart(aggregate.opd_dimension_coverage(roadmap, ["Satpol PP"])),
    }


@pytest.fixture(scope="module")
def empty_charts() -> dict[str, Chart]:
    empty_roadmap = build_roadmap(make_programs(0), REGION, SETTINGS)
    return {
        "dimension": programs_budget_by_dimension(aggregate.by_dimension(empty_roadmap)),
        "dimension_no_rows": programs_budget_by_dimension(pd.DataFrame()),
        "readiness": readiness_by_pillar_chart(pd.DataFrame({"pilar": ["Struktur"], "nilai": [None]})),
        "gantt": roadmap_gantt(empty_roadmap, 2020, 2026),
        "coverage": opd_dimension_coverage_chart(aggregate.opd_dimension_coverage(empty_roadmap, ["Bappeda"])),
    }


def svg_texts(chart: Chart) -> list[str]:
    """Text of every <text> element (with its <tspan>s) of the chart's SVG; fails if the SVG is not XML."""
    root = ET.fromstring(chart.svg)
    return ["".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text")]


def png_size(chart: Chart) -> tuple[int, int]:
    """(width, height) in pixels, read the way a viewer would."""
    image = matplotlib.image.imread(io.BytesIO(chart.png), format="png")
    return image.shape[1], image.shape[0]


# ----------------------------------------------------------------------------------------------- all charts


@pytest.mark.parametrize("key", ["dimension", "readiness", "gantt", "coverage"])
def test_png_and_svg_are_valid(charts, key):
    chart = charts[key]
    assert chart.png.startswith(PNG_SIGNATURE)
    width, height = png_size(chart)
    assert width == int(WIDTH_IN * DPI)
    assert 250 <= height <= 6000
    assert svg_texts(chart), "text stays text in the SVG"
    assert re.fullmatch(r"[a-z0-9-]+", chart.name)


@pytest.mark.parametrize("key", ["dimension", "dimension_no_rows", "readiness", "gantt", "coverage"])
def test_empty_input_says_no_data(empty_charts, key):
    chart = empty_charts[key]
    assert chart.png.startswith(PNG_SIGNATURE)
    assert NO_DATA in svg_texts(chart)


def test_charts_are_deterministic(charts, roadmap):
    again = programs_budget_by_dimension(aggregate.by_dimension(roadmap))
    assert again == charts["dimension"]
    assert roadmap_gantt(roadmap, 2020, 2026, horizons=horizons(REGION.period, SETTINGS)) == charts["gantt"]
    assert b"<dc:date>" not in charts["dimension"].svg
    assert b"Software" not in charts["dimension"].png[:200]


def test_global_matplotlib_settings_are_untouched(charts):
    assert matplotlib.rcParams["svg.fonttype"] == matplotlib.rcParamsDefault["svg.fonttype"]
    assert matplotlib.rcParams["svg.hashsalt"] == matplotlib.rcParamsDefault["svg.hashsalt"]


# ----------------------------------------------------------------------------------------------- each chart


def test_programs_budget_shows_all_six_dimensions_with_indonesian_numbers(charts, roadmap):
    texts = svg_texts(charts["dimension"])
    for label in DIMENSIONS:
        assert label in texts
    assert "Jumlah program" in texts and "Anggaran (miliar Rp)" in texts
    by_dimension = aggregate.by_dimension(roadmap)
    governance = by_dimension.set_index("dimensi").loc["Smart Governance"]
    assert str(int(governance["programs"])) in texts
    miliar = f"{governance['anggaran_total'] / 1e9:.2f}".replace(".", ",")
    assert miliar in texts, "budget label in miliar Rupiah with a decimal comma"


def test_programs_budget_accepts_codes_and_ignores_total_rows():
    frame = pd.DataFrame({"dimensi": ["living", "Jumlah"], "programs": [2, 2], "anggaran_total": [3e9, 3e9]})
    texts = svg_texts(programs_budget_by_dimension(frame))
    assert "Smart Environment" in texts and "3,00" in texts and "2" in texts


def test_readiness_averages_raw_scores_per_pillar(charts):
    texts = svg_texts(charts["readiness"])
    assert any(t.startswith("Struktur") for t in texts)
    assert "3,50" in texts and "2,00" in texts and "4,50" in texts
    assert any("n=2" in t for t in texts)


def test_readiness_accepts_means_and_marks_missing_pillars():
    chart = readiness_by_pillar_chart(pd.DataFrame({"pilar": ["infrastruktur", "Alam"], "rata_rata": [3.25, 2.0]}))
    texts = svg_texts(chart)
    assert "3,25" in texts and "belum dinilai" in texts and "Alam" in texts


def test_gantt_bars_legend_horizons_and_truncated_labels(charts):
    texts = svg_texts(charts["gantt"])
    assert "Kandidat quick win" in texts
    assert any(t.startswith("Jangka pendek") for t in texts)
    assert any(t.startswith("Jangka panjang") for t in texts)
    assert {"2020", "2026"} <= set(texts)
    assert LONG_NAME not in texts and any(t.endswith("\u2026") for t in texts)
    assert "Peningkatan layanan online warga 7" in texts


def test_gantt_grows_with_the_number_of_programs(charts):
    big = roadmap_gantt(build_roadmap(make_programs(100), REGION, SETTINGS), 2020, 2026, max_programs=100)
    assert png_size(big)[1] > 2.5 * png_size(charts["gantt"])[1]


def test_gantt_past_the_limit_shows_elements_with_programs_per_year():
    """2 400 programs: one row per element with running programs per year; size bounded, not per program."""
    programs = make_programs(2400)
    programs["elemen"] = ["service" if i % 2 else "policy" for i in range(len(programs))]
    programs["dimensi"] = "governance"
    big_roadmap = build_roadmap(programs, REGION, SETTINGS)
    chart = roadmap_gantt(big_roadmap, 2020, 2026, max_programs=40)
    texts = svg_texts(chart)
    width, height = png_size(chart)
    assert max(width, height) <= 4000 and height < 1000
    labels = [t for t in texts if t.startswith(("Pelayanan publik (", "Efisiensi kebijakan publik ("))]
    assert len(labels) == 2
    assert sum(int(t.split("(")[1].split(" ")[0].replace(".", "")) for t in labels) == 2400
    assert not any(t.startswith("Peningkatan layanan online warga") for t in texts)
    counts = element_year_counts(_gantt_rows(big_roadmap, "governance"))
    years = big_roadmap["tahun_selesai"] - big_roadmap["tahun_mulai"] + 1
    assert int(counts["program"].sum()) == int(years.sum())
    assert len(counts) <= 2 * 7  # two elements x seven years, whatever the number of programs


def test_no_chart_is_taller_than_the_limit():
    coverage = pd.DataFrame({"opd": [f"OPD nomor {i}" for i in range(400)], "Smart Governance": [1] * 400})
    assert max(png_size(opd_dimension_coverage_chart(coverage))) <= 4000


def test_gantt_for_one_dimension(roadmap):
    chart = roadmap_gantt(roadmap, 2020, 2026, dimension="Smart Living")
    texts = svg_texts(chart)
    assert chart.name == "peta-jalan-living"
    assert "Smart Living" in texts and "Smart Governance" not in texts


def test_coverage_heatmap_counts_per_opd_and_dimension(charts, roadmap):
    texts = svg_texts(charts["coverage"])
    for name in [*OPD, "Satpol PP"]:
        assert name in texts
    for word in ["Governance", "Branding", "Economy", "Living", "Society", "Environment"]:
        assert any(word in t for t in texts)
    assert "Jumlah program" in texts
    expected = int(((roadmap["opd"] == "Diskominfo") & (roadmap["dimensi"] == "governance")).sum())
    assert str(expected) in texts


def test_coverage_accepts_long_frames():
    frame = pd.DataFrame(
        {"opd": ["Bappeda", "Bappeda", "RSUD"], "dimensi": ["economy", "Smart Living", "living"], "programs": [2, 1, 5]}
    )
    texts = svg_texts(opd_dimension_coverage_chart(frame))
    assert "RSUD" in texts and "5" in texts and NO_DATA not in texts


@pytest.mark.parametrize("blank_every", [1, 3])
def test_gantt_with_blank_elements_draws_an_unassigned_row_and_never_drops_a_program(blank_every):
    """All (used to crash: NaN to int) or some (used to drop out) programs without the optional element."""
    programs = make_programs(60)
    programs["dimensi"] = "governance"
    programs["elemen"] = [pd.NA if i % blank_every == 0 else "service" for i in range(len(programs))]
    big_roadmap = build_roadmap(programs, REGION, SETTINGS)
    chart = roadmap_gantt(big_roadmap, 2020, 2026, max_programs=40)
    labels = [t for t in svg_texts(chart) if "program" in t and "(" in t and not t.startswith(("Tahun", "Angka"))]
    blank = sum(1 for i in range(60) if i % blank_every == 0)
    # the row names its dimension: several dimensions may each have one
    assert any(t.startswith(f"Elemen belum ditentukan, Smart Governance ({blank} program") for t in labels)
    assert sum(int(t.split("(")[1].split(" ")[0]) for t in labels) == 60
    counts = element_year_counts(_gantt_rows(big_roadmap, "governance"))
    years = big_roadmap["tahun_selesai"] - big_roadmap["tahun_mulai"] + 1
    assert int(counts["program"].sum()) == int(years.sum())
