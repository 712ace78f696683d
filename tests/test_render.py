"""Indonesian formatting and the Buku 2 renderer (Markdown + HTML)."""

import datetime as dt
from html import escape as html_escape

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bimtek.analysis.roadmap import build_roadmap
from bimtek.books.buku_2 import buku_2_context, render_buku_2
from bimtek.books.templating import escape_markdown
from bimtek.core.formatting import angka, persen, rupiah, rupiah_words, tanggal
from bimtek.core.model import FileReport, Rejection, ValidationReport
from bimtek.core.settings import Settings
from tests.builders import LABELS, make_programs, make_region

SETTINGS = Settings(short_term_years=1, medium_term_years=4, quick_win_count=3)
PROGRAMS = [
    {
        "opd": "Diskominfo",
        "dimensi": "governance",
        "elemen": "service",
        "anggaran": 1_500_000,
        "nama_program": "Digitalisasi layanan perizinan online",
        "quick_win": True,
        "dampak": 5,
    },
    {
        "opd": "Dinas Kesehatan",
        "dimensi": "living",
        "elemen": "health",
        "anggaran": 2_000_000_000,
        "nama_program": "Pembangunan gedung RSUD",
        "tahun_mulai": 2021,
        "tahun_selesai": 2024,
    },
    {
        "opd": "Dinas Pariwisata",
        "dimensi": "branding",
        "elemen": "tourism",
        "anggaran": 750_000_000,
        "nama_program": "Promosi wisata",
        "sumber_dana": "CSR",
        "tahun_mulai": 2025,
        "tahun_selesai": 2026,
    },
]


def render(rows=PROGRAMS, synthetic=False, validation=None, name="Kabupaten Padang Contoh"):
    region = make_region().model_copy(update={"name": name, "synthetic": synthetic})
    roadmap = build_roadmap(make_programs(*rows), region, SETTINGS)
    return render_buku_2(buku_2_context(region, roadmap, SETTINGS, validation))


# ------------------------------------------------------------------ formatting


def test_rupiah():
    assert rupiah(1_500_000) == "Rp 1.500.000"
    assert rupiah(1_500_000.0) == "Rp 1.500.000"
    assert rupiah(1_500_000.5) == "Rp 1.500.000,50"
    assert rupiah(0) == "Rp 0"
    assert rupiah(None) == "-" and rupiah(pd.NA) == "-"


def test_rupiah_words():
    assert rupiah_words(1_500_000_000) == "Rp 1,5 miliar"
    assert rupiah_words(750_000_000) == "Rp 750 juta"
    assert rupiah_words(2_345_678_901_234) == "Rp 2,35 triliun"
    assert rupiah_words(999_999_999) == "Rp 1 miliar"
    assert rupiah_words(250_000) == "Rp 250.000"


def test_tanggal_angka_persen():
    assert tanggal(dt.date(2026, 9, 12)) == "12 September 2026"
    assert tanggal("2026-01-02") == "2 Januari 2026"
    assert angka(1_234_567) == "1.234.567"
    assert angka(0.825, 4) == "0,8250"
    assert persen(0.253) == "25,3%"
    assert persen(1) == "100,0%"


# ------------------------------------------------------------------ escaping


def test_escape_markdown_keeps_tables_intact():
    assert escape_markdown("A | B\nC") == "A \\| B C"
    assert escape_markdown("*tebal* _miring_ [x]") == "\\*tebal\\* \\_miring\\_ \\[x\\]"
    assert escape_markdown("<b>&copy;") == "&lt;b>&amp;copy;"
    assert escape_markdown("1. daftar") == "1\\. daftar"
    assert escape_markdown("- butir") == "\\- butir"


def test_user_text_is_escaped_in_markdown_and_html():
    hostile = {
        **PROGRAMS[0],
        "nama_program": "Layanan <script>alert(1)</script> | kolom\nbaris baru",
        "sasaran": "**tebal** [tautan](http://x)",
    }
    markdown_text, html = render([hostile, *PROGRAMS[1:]])
    assert "Layanan &lt;script>alert(1)&lt;/script> \\| kolom baris baru" in markdown_text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; | kolom baris baru" in html
    assert "**tebal** [tautan](http://x)" in html and "<a href" not in html
    # the pipe stays inside its cell: the whole name is one table cell in the HTML
    assert "<td>Layanan &lt;script&gt;alert(1)&lt;/script&gt; | kolom baris baru</td>" in html


# ------------------------------------------------------------------ book


def test_book_names_region_and_all_dimensions():
    markdown_text, html = render()
    assert "Kabupaten Padang Contoh" in markdown_text and "Kabupaten Padang Contoh" in html
    for label in LABELS:
        assert label in markdown_text and label in html
    assert "<table>" in html
    chapters = [line for line in markdown_text.splitlines() if line.startswith("## ")]
    assert chapters == [
        "## BAB I PENDAHULUAN",
        "## BAB II GAMBARAN UMUM DAERAH",
        "## BAB III RINGKASAN ANALISIS",
        "## BAB IV VISI, MISI DAN STRATEGI SMART CITY",
        "## BAB V STRATEGI DAN PROGRAM PER DIMENSI",
        "## BAB VI PETA JALAN",
        "## BAB VII QUICK WIN DAN RENCANA AKSI",
        "## BAB VIII KELEMBAGAAN DAN TATA KELOLA",
        "## BAB IX RENCANA PENGEMBANGAN ENABLER",
        "## BAB X PENDANAAN",
        "## BAB XI MANAJEMEN RISIKO",
        "## BAB XII MONITORING DAN EVALUASI",
        "## BAB XIII PENUTUP",
        "## LAMPIRAN",
    ]
    assert markdown_text.count("### Lampiran A. Daftar program") == 1


def test_book_figures_follow_the_data():
    before, _ = render()
    changed = [dict(PROGRAMS[0], anggaran=2_500_000), *PROGRAMS[1:]]
    after, after_html = render(changed)
    old_total, new_total = rupiah(2_751_500_000), rupiah(2_752_500_000)
    assert old_total in before and new_total not in before
    assert new_total in after and old_total not in after and new_total in after_html
    assert "Masterplan memuat 3 program dari 3 OPD pemilik program" in before


def test_validation_summary_is_reported():
    report = ValidationReport(
        region="contoh",
        rows_total=5,
        rows_valid=3,
        rows_rejected=2,
        files=[FileReport("a.xlsx", "Program", "partial", 5, 3, 2)],
        rejections=[
            Rejection("a.xlsx", "Program", 4, "anggaran", "budget", "x", "bukan angka"),
            Rejection("a.xlsx", "Program", 6, "dimensi", "dimension", "y", "tidak dikenal"),
        ],
    )
    markdown_text, _ = render(validation=report)
    assert (
        "Dari 5 baris usulan dalam 1 berkas/lembar kerja, 3 baris lolos validasi dan 2 baris (40,0%) "
        "dikembalikan kepada OPD pengirimnya"
    ) in markdown_text
    assert "| Anggaran tidak terbaca | 1 |" in markdown_text and "budget" not in markdown_text


def test_synthetic_banner_only_when_synthetic():
    real_md, real_html = render(synthetic=False)
    fake_md, fake_html = render(synthetic=True)
    notice = "DATA SINTETIS — bukan data resmi daerah"
    assert notice not in real_md and notice not in real_html
    assert fake_md.startswith(f"> **{notice}.**")
    assert fake_md.rstrip().endswith(f"> **{notice}.**")
    assert fake_html.count(notice) >= 3  # title, top banner, closing banner (+ print footer)


def test_render_is_deterministic():
    assert render() == render()


def test_empty_programs_render_with_zeros():
    markdown_text, html = render(
        rows=[], validation={"rows_total": 4, "rows_valid": 0, "rows_rejected": 4, "files": [{}], "rejections": []}
    )
    for label in LABELS:
        assert label in markdown_text
    assert "Belum ada program yang lolos validasi" in markdown_text
    assert "4 baris (100,0%) dikembalikan" in markdown_text
    assert "| **Jumlah** | 2020–2026 | **0** | **Rp 0** |" in markdown_text
    assert html.endswith("</html>\n")


@pytest.mark.parametrize("name", ["Kota A*B", "Kab. [Uji] | X"])
def test_region_name_is_escaped(name):
    markdown_text, html = render(name=name)
    assert escape_markdown(name) in markdown_text
    assert f"<h1>Buku 2 Masterplan Smart City {html_escape(name)}</h1>" in html


def _reference_html(text: str) -> str:
    """Python-Markdown with the same settings as markdown_to_html, without its plain-text shortcut."""
    import markdown

    from bimtek.books.templating import _EMPTY_HEADER, _layout_table

    converter = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return _EMPTY_HEADER.sub(_layout_table, converter.convert(text))


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(st.text(alphabet="ab \\`*_[]!<>&;#|:-\n1.()", max_size=12), min_size=2, max_size=8))
def test_plain_text_shortcut_changes_no_output(cells):
    from bimtek.books.templating import markdown_to_html

    row = " | ".join(c.replace("\n", " ") for c in cells)
    text = f"{cells[0]}\n\n| a | b |\n|---|--:|\n| {row} |\n\n- {cells[-1]}\n"
    assert markdown_to_html(text) == _reference_html(text)


# ------------------------------------------------------------------ bounded tables


def test_program_tables_list_at_most_the_setting_and_say_how_many_more():
    """12 programs, at most 5 per table: the annex lists the 5 best-ranked, says 7 more are in the roadmap files,
    and every count and total still covers all 12."""
    rows = [
        {
            "opd": f"Dinas {i % 3}",
            "dimensi": "governance",
            "elemen": "service",
            "anggaran": 1_000_000 * (i + 1),
            "nama_program": f"Program nomor {i + 1:02d}",
        }
        for i in range(12)
    ]
    settings = SETTINGS.model_copy(update={"book_max_program_rows": 5})
    region = make_region()
    roadmap = build_roadmap(make_programs(*rows), region, settings)
    context = buku_2_context(region, roadmap, settings)
    markdown, html = render_buku_2(context)

    annex = markdown.split("### Lampiran A. Daftar program", 1)[1].split("### Lampiran B", 1)[0]
    listed = [line for line in annex.splitlines() if line.startswith("| ") and "Program nomor" in line]
    best = roadmap.nsmallest(5, "peringkat")["nama_program"]
    assert len(listed) == 5
    assert {line.split(" | ")[1] for line in listed} == set(best)
    assert "7 program lainnya" in annex
    assert "roadmap/roadmap.xlsx" in annex and "roadmap/roadmap.csv" in annex
    total = rupiah(roadmap["anggaran"].sum())
    assert f"**Jumlah seluruh 12 program** | | | | | | **{total}**" in annex  # the SIPD code column too

    governance = next(d for d in context["dimensions"] if d["code"] == "governance")
    assert (len(governance["rows"]), governance["rows_more"], governance["programs"]) == (5, 7, 12)
    assert context["summary"]["programs"] == 12
    assert "Masterplan memuat 12 program" in markdown
    assert markdown.count("7 program lainnya") == 2  # the annex and the governance table
    assert "7 program lainnya" in html


def test_program_tables_share_the_book_row_budget_when_together_they_would_list_more():
    """12 programs: the governance table and the annex would list 24 rows; with at most 18 listed rows in the book,
    each of its nine program tables lists 18 // 9 = 2 (the best-ranked), and says how many more there are."""
    from bimtek.books.buku_2 import table_limit

    assert table_limit(Settings(book_max_program_rows=5, book_max_listed_rows=100), [12, 12, 0]) == 5
    assert table_limit(Settings(book_max_program_rows=5, book_max_listed_rows=9), [12, 12, 0]) == 3
    assert table_limit(Settings(book_max_program_rows=5, book_max_listed_rows=1), [12, 12, 0]) == 1
    rows = [
        {"opd": "Dinas A", "dimensi": "governance", "anggaran": 1_000_000 * (i + 1), "nama_program": f"Program {i}"}
        for i in range(12)
    ]
    region = make_region()
    settings = SETTINGS.model_copy(update={"book_max_listed_rows": 18})
    roadmap = build_roadmap(make_programs(*rows), region, settings)
    context = buku_2_context(region, roadmap, settings)
    governance = next(d for d in context["dimensions"] if d["code"] == "governance")
    assert (len(governance["rows"]), governance["rows_more"]) == (2, 10)
    assert (len(context["programs"]), context["programs_more"]) == (2, 10)
    assert [r["peringkat"] for r in context["programs"]] == sorted(roadmap["peringkat"])[:2]
    assert context["summary"]["programs"] == 12
    assert render_buku_2(context)[0].count("10 program lainnya") == 2
    whole = buku_2_context(region, roadmap, SETTINGS)
    assert (len(whole["programs"]), whole["programs_more"]) == (12, 0)


def test_program_tables_are_whole_up_to_the_setting():
    settings = SETTINGS.model_copy(update={"book_max_program_rows": 3})
    region = make_region()
    context = buku_2_context(region, build_roadmap(make_programs(*PROGRAMS), region, settings), settings)
    assert len(context["programs"]) == 3 and context["programs_more"] == 0
    assert "program lainnya" not in render_buku_2(context)[0]
