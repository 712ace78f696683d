"""The legal rules in one place (bimtek.core.legal), the Perbup's annex transformed by structure
(bimtek.stages.tahap_4.perbup.legal_annex) and the one funding plan (bimtek.analysis.funding), on tiny inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from bimtek.analysis.funding import funding_need, funding_plan
from bimtek.core.legal import (
    DOTS,
    FUNDING_ARTICLE,
    angka_kata,
    funding_category,
    markup_leaks,
    rupiah_kata,
    terbilang,
)
from bimtek.core.region import Period
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.vocabularies import FUNDING_SCHEMES
from bimtek.stages.tahap_4.perbup import legal_annex, program_gaps, review_gaps

# ----------------------------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (17, "tujuh belas"),
        (82, "delapan puluh dua"),
        (100, "seratus"),
        (115, "seratus lima belas"),
        (1_000, "seribu"),
        (1_100, "seribu seratus"),
        (11_000, "sebelas ribu"),
        (250_000, "dua ratus lima puluh ribu"),
        (1_000_000, "satu juta"),
        (1_425_000_000, "satu miliar empat ratus dua puluh lima juta"),
        (70_250_000_000, "tujuh puluh miliar dua ratus lima puluh juta"),
        (2_000_000_000_000, "dua triliun"),
        (-5, "minus lima"),
    ],
)
def test_terbilang(number, words):
    assert terbilang(number) == words


def test_counts_and_amounts_as_a_regulation_writes_them():
    assert angka_kata(82) == "82 (delapan puluh dua)"
    assert angka_kata(2.0) == "2 (dua)"
    assert rupiah_kata(70_250_000_000) == ("Rp70.250.000.000,00 (tujuh puluh miliar dua ratus lima puluh juta rupiah)")
    assert rupiah_kata(1_234.5) == "Rp1.234,50 (seribu dua ratus tiga puluh empat rupiah lima puluh sen)"
    with pytest.raises(ValueError):
        terbilang(10**15)


def test_markup_leaks_finds_markdown_and_html_but_not_legal_text():
    leaks = markup_leaks("BAB VI\n![Peta jalan Smart Governance]\nlihat [peta](a.png) **tebal** <b>x</b>\n| a | b |")
    assert leaks == ["![Peta jalan Smart Governance]", "[peta](a.png)", "**", "**", "<b>", "</b>", "| a | b |"]
    assert markup_leaks("Pasal 3 (1) huruf a, huruf b, dan huruf c; 2 * 3 = 6; Rp70.250.000.000,00") == []


# ----------------------------------------------------------------------------------------------- funding vocabulary


def test_one_funding_vocabulary_for_programs_plans_and_articles():
    taxonomy = load_taxonomy()
    assert list(taxonomy.funding_sources) == FUNDING_SCHEMES.codes
    assert {"KPBU", "Dana Desa"} <= set(FUNDING_SCHEMES.codes)
    assert taxonomy.match_funding("APB Nagari") == "Dana Desa"
    assert taxonomy.match_funding("kerja sama pemerintah dan badan usaha") == "KPBU"
    assert taxonomy.match_funding("Dana Aspirasi") is None
    assert [funding_category(s) for s in ("APBD", "DAK", "APBN", "KPBU", "Dana Desa", "Hibah")] == [
        "APBD",
        "APBN, termasuk DAK",
        "APBN, termasuk DAK",
        "KPBU",
        FUNDING_ARTICLE[-1][0],
        FUNDING_ARTICLE[-1][0],
    ]


# ----------------------------------------------------------------------------------------------- the annex

ANNEX = """#### BAB III RINGKASAN ANALISIS

Penilaian mandiri OPD pada skala 1–5 per pilar kesiapan.

![Tingkat kesiapan per pilar](../grafik/kesiapan-per-pilar.png)

#### BAB IV VISI

##### 4.1 Visi

**Kabupaten Contoh Cerdas**

##### 4.3 Strategi umum

<!-- kosong: Strategi umum smart city | Tim Pelaksana / Bappeda | lembar Narasi Masterplan pada berkas narasi Tahap III -->

##### 5.2 Smart Branding

**Arah pengembangan.**

Wisata religi yang mudah dijangkau.

**Strategi.**

**Sasaran.**

Kunjungan wisata naik.

#### BAB VI PETA JALAN

Peta jalan per dimensi (grafik/peta-jalan-governance.png dihasilkan run).

![Peta jalan Smart Governance](../grafik/peta-jalan-governance.png)

##### 6.1 Kosong

#### BAB VII QUICK WIN
"""


def test_annex_keeps_images_and_turns_every_gap_into_dots_and_a_listed_gap():
    text, gaps = legal_annex(ANNEX, "Rancangan Peraturan Bupati")
    lines = text.splitlines()
    # image nodes are kept whole, with their paths; the sentence naming a run file is dropped
    assert "![Tingkat kesiapan per pilar](../grafik/kesiapan-per-pilar.png)" in lines
    assert "![Peta jalan Smart Governance](../grafik/peta-jalan-governance.png)" in lines
    assert "dihasilkan run" not in text and "<!--" not in text
    # the rest of the text did not move
    assert "Penilaian mandiri OPD pada skala 1–5 per pilar kesiapan." in lines
    assert lines[lines.index("**Arah pengembangan.**") + 2] == "Wisata religi yang mudah dijangkau."
    # no empty heading: the marker, the empty label and the empty numbered heading each get dots and a gap
    assert lines[lines.index("##### 4.3 Strategi umum") + 2] == DOTS
    assert lines[lines.index("**Strategi.**") + 2] == DOTS
    assert lines[lines.index("##### 6.1 Kosong") + 2] == DOTS
    assert [(g.missing, g.who) for g in gaps] == [
        ("Strategi umum smart city", "Tim Pelaksana / Bappeda"),
        ('teks "Strategi" pada Lampiran', "Tim Pelaksana"),
        ('teks "6.1 Kosong" pada Lampiran', "Tim Pelaksana"),
        ('teks "BAB VII QUICK WIN" pada Lampiran', "Tim Pelaksana"),
    ]
    assert gaps[0].where == "lembar Narasi Masterplan pada berkas narasi Tahap III"
    # a bold paragraph with text (the visi) is text, not an empty label; the empty last chapter gets dots too
    assert "**Kabupaten Contoh Cerdas**" in lines and lines[-1] == DOTS


def test_complete_annex_has_no_gap():
    complete = "#### BAB I\n\nTeks.\n\n##### 1.1 Latar\n\nTeks latar.\n\n![Grafik](../grafik/a.png)\n"
    text, gaps = legal_annex(complete, "Rancangan")
    assert gaps == [] and DOTS not in text and markup_leaks(text.replace("#", "")) == ["![Grafik]"]


def test_review_and_program_gaps_name_who_fills_them():
    chapters = [
        {"bab": "Bab I", "judul": "Pendahuluan", "status": "disetujui"},
        {"bab": "Bab IV", "judul": "Visi", "status": "revisi"},
        {"bab": "Bab X", "judul": "Pendanaan", "status": "belum direviu"},
    ]
    assert [g.missing for g in review_gaps(chapters, "R")] == [
        "persetujuan reviu Bab IV Visi (status: revisi)",
        "persetujuan reviu Bab X Pendanaan (status: belum direviu)",
    ]
    rows = [
        {"opd": "Dinas Kesehatan", "nama_program": "A", "baseline": None, "target": "90%"},
        {"opd": "Dinas Kesehatan", "nama_program": "B", "baseline": "10%", "target": None},
        {"opd": "Dinas Sosial", "nama_program": "C", "baseline": "5", "target": "9"},
    ]
    gaps = program_gaps(rows, "R")
    assert [(g.who, g.missing) for g in gaps] == [
        ("Dinas Kesehatan", 'Dinas Kesehatan: baseline 1 program: "A" dan target 1 program: "B"')
    ]
    assert "diisi oleh Dinas Kesehatan" in gaps[0].sentence()
    assert program_gaps(rows[2:], "R") == review_gaps(chapters[:1], "R") == []


# ----------------------------------------------------------------------------------------------- funding plan

PROGRAMS = pd.DataFrame(
    [
        # dimensi, anggaran, sumber_dana, tahun_mulai, tahun_selesai
        {"dimensi": "governance", "anggaran": 300.0, "sumber_dana": "APBD", "tahun_mulai": 2027, "tahun_selesai": 2029},
        {"dimensi": "living", "anggaran": 100.0, "sumber_dana": "DAK", "tahun_mulai": 2028, "tahun_selesai": 2028},
    ]
)
PERIOD = Period(start=2027, end=2030)


def test_need_per_source_and_year_covers_the_whole_period():
    need = funding_need(PROGRAMS, PERIOD)
    assert [(n["tahun"], n["amounts"], n["jumlah"]) for n in need] == [
        (2027, {"APBD": 100.0, "DAK": 0.0}, 100.0),
        (2028, {"APBD": 100.0, "DAK": 100.0}, 200.0),
        (2029, {"APBD": 100.0, "DAK": 0.0}, 100.0),
        (2030, {"APBD": 0.0, "DAK": 0.0}, 0.0),
    ]


def test_plan_reconciles_with_need_each_year_and_flags_shortfalls_and_orphan_sources():
    need = funding_need(PROGRAMS, PERIOD)
    rows = [
        {"tahun": "2027", "skema": "APBD", "nilai": "100", "keterangan": None},
        {"tahun": "2028", "skema": "APBD", "nilai": "100", "keterangan": None},
        {"tahun": "2028", "skema": "KPBU", "nilai": "50", "keterangan": "jaringan"},
    ]
    plan = funding_plan(need, rows)
    assert [r["tahun"] for r in plan["rows"]] == [2027, 2028, 2029, 2030]
    assert plan["sources"] == ["APBD", "DAK", "KPBU"]
    by_year = {r["tahun"]: r for r in plan["rows"]}
    # 2028 is planned by the team's rows alone: DAK is missing, so 150 planned against 200 needed
    assert (by_year[2028]["jumlah"], by_year[2028]["kebutuhan"], by_year[2028]["kurang"]) == (150.0, 200.0, 50.0)
    # 2029 is not detailed: it follows the programs' own sources
    assert (by_year[2029]["dirinci"], by_year[2029]["plan"]["APBD"], by_year[2029]["selisih"]) == (False, 100.0, 0.0)
    assert [r["tahun"] for r in plan["shortfall_years"]] == [2028]
    assert [b["sumber"] for b in plan["tanpa_program"]] == ["KPBU"]
    assert plan["kebutuhan"] == PROGRAMS["anggaran"].sum()
    # a plan that covers each year's need with the programs' sources leaves nothing open
    clean = funding_plan(
        need, [{"tahun": 2028, "skema": "APBD", "nilai": 100}, {"tahun": 2028, "skema": "DAK", "nilai": 100}]
    )
    assert clean["shortfall_years"] == [] and clean["tanpa_program"] == []


# ----------------------------------------------------------------------------------------------- DRAF both ways


def _perbup(**changes):
    from bimtek.core.legal import region_words
    from bimtek.core.region import parse_region
    from bimtek.stages.tahap_4.perbup import perbup_context

    data = {
        "slug": "contoh",
        "name": "Kabupaten Contoh",
        "province": "Sumatera Barat",
        "period": {"start": 2027, "end": 2030},
        "capital": "Kota Contoh",
        "legal": {"formation_law": "Undang-Undang Nomor 99 Tahun 1956", "rpjmd": "Peraturan Daerah Nomor 1 Tahun 2025"},
        "officials": {"head": {"name": "Andi Contoh"}, "secretary": {"name": "Budi Sampel"}},
        "opd": [{"name": "Dinas Kesehatan"}],
    }
    region = parse_region(data)
    context = {
        "region": region_words(region),
        "masterplan_annex": changes.get("annex", "#### BAB I PENDAHULUAN\n\nTeks.\n\n![Grafik](../grafik/a.png)\n"),
        "review": {
            "chapters": changes.get("chapters", [{"bab": "Bab I", "judul": "Pendahuluan", "status": "disetujui"}])
        },
        "matrix": {
            "dimensions": [
                {
                    "rows": changes.get(
                        "rows", [{"opd": "Dinas Kesehatan", "nama_program": "A", "baseline": "1", "target": "2"}]
                    )
                }
            ]
        },
        "dimensions": [{"dimensi": "Smart Living", "programs": 1, "anggaran_total": 100.0}],
        "funding": [{"sumber": "APBD", "anggaran": 100.0}],
    }
    return perbup_context(region, context)


def test_a_perbup_from_complete_inputs_has_no_draft_and_each_gap_makes_it_draft():
    clean = _perbup()
    assert clean["gaps"] == [] and clean["draft"] == []
    assert "![Grafik](../grafik/a.png)" in clean["annex"]
    cases = {
        "annex": "#### BAB I PENDAHULUAN\n\n<!-- kosong: Latar belakang | Tim Pelaksana | lembar Narasi -->\n",
        "chapters": [{"bab": "Bab IV", "judul": "Visi", "status": "belum direviu"}],
        "rows": [{"opd": "Dinas Kesehatan", "nama_program": "A", "baseline": None, "target": "2"}],
    }
    for name, value in cases.items():
        drafted = _perbup(**{name: value})
        assert len(drafted["gaps"]) == 1 and len(drafted["draft"]) == 1, name
    assert _perbup(rows=cases["rows"])["draft"] == ["baseline atau target 1 program dari 1 Perangkat Daerah"]
