"""Tahap I figures on tiny typed DataFrames (as validation returns them), and Buku 1 rendering."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from jinja2 import ChoiceLoader, DictLoader

from bimtek.analysis import FIGURE_NAMES, analyse, ideas_per_dimension
from bimtek.analysis.ideas import LONG_LIST_COLUMNS, long_list
from bimtek.analysis.readiness import readiness_by_indicator, readiness_by_pillar, readiness_gaps
from bimtek.analysis.swot import split_keywords, swot_counts, swot_matrix, vision_keywords
from bimtek.books.buku_1 import BUKU_1_TEMPLATE, buku_1_context, render_buku_1
from bimtek.books.templating import markdown_environment
from bimtek.core.paths import TEMPLATES_DIR
from bimtek.core.region import parse_region
from bimtek.stages.tables import csv_bytes

REGION = parse_region(
    {
        "slug": "contoh",
        "name": "Kabupaten Contoh",
        "province": "Sumatera Barat",
        "period": {"start": 2027, "end": 2036},
        "synthetic": True,
    }
)


def kesiapan(*rows: tuple[str, str, str, int]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["opd", "pilar", "indikator", "nilai"])
    frame["nilai"] = frame["nilai"].astype("Int64")
    return frame


KESIAPAN = kesiapan(
    ("A", "struktur", "SDM TIK", 2),
    ("B", "struktur", "SDM TIK", 3),
    ("A", "struktur", "Anggaran TIK", 4),
    ("A", "infrastruktur", "Bandwidth", 5),
    ("B", "infrastruktur", "Jaringan OPD", 1),
)

SWOT = pd.DataFrame(
    {
        "komponen": ["suprastruktur", "alam", "alam", "budaya", "alam"],
        "jenis": ["T", "O", "S", "S", "S"],
        "pernyataan": ["Ganti pimpinan", "Bandara", "Pantai", "Adat kuat", "Sawah"],
        "kata_kunci": ["Religius, maritim", "religius; SDM  Unggul", None, "sdm unggul", " ; "],
        "opd": [None, "Dishub", "Dispar", None, "Distan"],
    }
)

IDE = pd.DataFrame(
    {
        "opd": ["Dinkes", "Diskominfo", "Dinkes", "Bappeda"],
        "dimensi": ["living", "governance", "living", "governance"],
        "elemen": [None, "service", "health", "policy"],
        "nama_program": ["Telemedisin", "Super App", "Antrean Online", "Satu Data"],
        "deskripsi": ["Konsultasi", None, "Daring", "Portal"],
        "quick_win": [False, True, True, False],
    }
)


def test_readiness_per_indicator_exact():
    table = readiness_by_indicator(KESIAPAN)
    assert table.to_dict(orient="records") == [
        {
            "pilar": "struktur",
            "indikator": "Anggaran TIK",
            "rata_rata": 4.0,
            "minimum": 4,
            "maksimum": 4,
            "jumlah_opd": 1,
        },
        {"pilar": "struktur", "indikator": "SDM TIK", "rata_rata": 2.5, "minimum": 2, "maksimum": 3, "jumlah_opd": 2},
        {
            "pilar": "infrastruktur",
            "indikator": "Bandwidth",
            "rata_rata": 5.0,
            "minimum": 5,
            "maksimum": 5,
            "jumlah_opd": 1,
        },
        {
            "pilar": "infrastruktur",
            "indikator": "Jaringan OPD",
            "rata_rata": 1.0,
            "minimum": 1,
            "maksimum": 1,
            "jumlah_opd": 1,
        },
    ]


def test_readiness_per_pillar_lists_all_three():
    table = readiness_by_pillar(KESIAPAN)
    assert table["pilar"].tolist() == ["struktur", "infrastruktur", "suprastruktur"]
    struktur, infra, supra = table.to_dict(orient="records")
    assert struktur["rata_rata"] == 3.0 and (struktur["minimum"], struktur["maksimum"]) == (2, 4)
    assert (struktur["jumlah_opd"], struktur["jumlah_indikator"], struktur["jumlah_nilai"]) == (2, 2, 3)
    assert infra["rata_rata"] == 3.0 and infra["jumlah_nilai"] == 2
    assert math.isnan(supra["rata_rata"]) and supra["jumlah_nilai"] == 0 and pd.isna(supra["minimum"])
    assert (
        readiness_by_pillar(kesiapan(("A", "struktur", "X", 1), ("B", "struktur", "X", 2), ("C", "struktur", "Y", 2)))[
            "rata_rata"
        ].iloc[0]
        == 1.67
    )


def test_gaps_are_below_three_lowest_first():
    gaps = readiness_gaps(readiness_by_indicator(KESIAPAN))
    assert gaps["indikator"].tolist() == ["Jaringan OPD", "SDM TIK"]
    assert gaps["rata_rata"].tolist() == [1.0, 2.5]
    assert readiness_gaps(readiness_by_indicator(KESIAPAN), threshold=1.0).empty


def test_swot_matrix_order_and_counts():
    matrix = swot_matrix(SWOT)
    assert matrix["pernyataan"].tolist() == ["Pantai", "Sawah", "Bandara", "Adat kuat", "Ganti pimpinan"]
    assert matrix["opd"].tolist() == ["Dispar", "Distan", "Dishub", "", ""]
    counts = swot_counts(matrix).set_index("komponen")
    assert counts.loc["alam"].to_dict() == {"S": 2, "W": 0, "O": 1, "T": 0, "jumlah": 3}
    assert counts.loc["struktur", "jumlah"] == 0 and counts["jumlah"].sum() == 5


def test_vision_keywords_fold_count_and_rank():
    assert split_keywords("a, b;c ;; ") == ["a", "b", "c"]
    ranked = vision_keywords(SWOT)
    assert ranked.to_dict(orient="records") == [
        {"peringkat": 1, "kata_kunci": "Religius", "jumlah": 2},
        {"peringkat": 2, "kata_kunci": "SDM Unggul", "jumlah": 2},
        {"peringkat": 3, "kata_kunci": "maritim", "jumlah": 1},
    ]


def test_long_list_contract_and_order():
    table = long_list(IDE)
    assert (
        list(table.columns)
        == LONG_LIST_COLUMNS
        == ["opd", "dimensi", "elemen", "nama_program", "deskripsi", "quick_win"]
    )
    assert table["nama_program"].tolist() == ["Super App", "Satu Data", "Antrean Online", "Telemedisin"]
    assert table["elemen"].tolist() == ["service", "policy", "health", ""]
    assert table["deskripsi"].tolist() == ["", "Portal", "Daring", "Konsultasi"]
    assert table["quick_win"].tolist() == [True, False, True, False]
    csv = csv_bytes(table).decode("utf-8").splitlines()
    assert csv[0] == "opd,dimensi,elemen,nama_program,deskripsi,quick_win"
    assert csv[1] == "Diskominfo,governance,service,Super App,,True"
    counts = ideas_per_dimension(table).set_index("dimensi")
    assert len(counts) == 6
    assert counts.loc["Smart Living"].to_dict() == {"ide": 2, "opd": 1, "usulan_quick_win": 1}
    assert counts.loc["Smart Economy", "ide"] == 0


def render(kesiapan_rows: pd.DataFrame, **kwargs) -> str:
    figures = analyse(kesiapan_rows, SWOT, IDE)
    assert list(figures) == list(FIGURE_NAMES)
    markdown, _html = render_buku_1(buku_1_context(REGION, figures, **kwargs))
    return markdown


def test_book_follows_a_changed_score():
    before = render(KESIAPAN)
    assert "| Struktur | 3,00 | 2 | 4 |" in before
    changed = KESIAPAN.copy()
    changed.loc[2, "nilai"] = 5  # Anggaran TIK 4 -> 5: struktur mean (2+3+5)/3
    after = render(changed)
    assert "| Struktur | 3,33 | 2 | 5 |" in after and "| Struktur | 3,00 |" not in after


def test_book_chapters_banner_and_stage_label():
    markdown, html = render_buku_1(
        buku_1_context(REGION, analyse(KESIAPAN, SWOT, IDE), stage_label="Tahap II (revisi)")
    )
    for heading in (
        "BAB I PENDAHULUAN",
        "BAB II ANALISIS KESIAPAN",
        "BAB III ANALISIS SWOT",
        "BAB IV KATA KUNCI VISI",
        "BAB V DAFTAR PANJANG IDE PER DIMENSI",
    ):
        assert f"## {heading}" in markdown
    assert markdown.startswith("> **DATA SINTETIS")
    assert "Bimbingan Teknis Tahap II (revisi)" in markdown and "pilihan pemodelan" in markdown
    assert "| 1 | Jaringan OPD |" not in markdown and "| 1 | Infrastruktur | Jaringan OPD | 1,00 |" in markdown
    assert "- Pantai (Dispar)" in markdown and "Religius (2), SDM Unggul (2), maritim (1)" in markdown
    assert "<title>Buku 1 Analisis Strategis Smart City Kabupaten Contoh – Tahap II (revisi)" in html
    assert "Ringkasan validasi tidak disertakan" in markdown and "BAB VI" not in markdown


def test_mapping_chapter_hook(monkeypatch):
    source = (TEMPLATES_DIR / BUKU_1_TEMPLATE).read_text(encoding="utf-8")
    assert source.rstrip().endswith('{% if mapping %}{% include "buku-1-bab-pemetaan.md.j2" %}{% endif %}')
    env = markdown_environment()
    chapter = DictLoader(
        {"buku-1-bab-pemetaan.md.j2": "## BAB VI PEMETAAN PROGRAM RPJMD/RENSTRA\n\n{{ mapping.programs }} program.\n"}
    )
    monkeypatch.setattr(env, "loader", ChoiceLoader([chapter, env.loader]))
    monkeypatch.setattr(env, "cache", None)
    markdown = render(KESIAPAN, mapping={"programs": 7})
    assert markdown.rstrip().endswith("## BAB VI PEMETAAN PROGRAM RPJMD/RENSTRA\n\n7 program.")
    assert "Bab VI Pemetaan Program RPJMD/Renstra" in markdown


def test_empty_inputs_still_render():
    empty = analyse(kesiapan(), SWOT.iloc[0:0], IDE.iloc[0:0])
    markdown, _ = render_buku_1(buku_1_context(REGION, empty))
    assert "Belum ada nilai kesiapan" in markdown and "Belum ada ide inovasi" in markdown
    assert empty["kesiapan_gap"].empty and len(empty["kesiapan_pilar"]) == 3


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_figures_survive_a_csv_round_trip_into_the_book(name, tmp_path):
    """Tahap II may re-render Buku 1 from a Tahap I run's analysis/*.csv files."""
    figures = analyse(KESIAPAN, SWOT, IDE)
    path = tmp_path / f"{name}.csv"
    path.write_bytes(csv_bytes(figures[name]))
    figures[name] = pd.read_csv(path)
    expected = render_buku_1(buku_1_context(REGION, analyse(KESIAPAN, SWOT, IDE)))[0]
    assert render_buku_1(buku_1_context(REGION, figures))[0] == expected
