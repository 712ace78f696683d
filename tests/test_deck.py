"""The rakor deck a Bupati projects (bimtek.documents.pptx and the slide charts of bimtek.charts.plots): titles
measured so the body starts below them, no text under 14 pt but the footer, slide numbers, table columns sized by
their content and amounts never wrapped, and slide charts whose every label is at least 14 pt at 16:9."""

import io
import re

import pytest
from pptx import Presentation
from pptx.util import Pt

from bimtek.analysis.aggregate import by_dimension
from bimtek.analysis.roadmap import build_roadmap, horizons
from bimtek.charts.plots import SLIDE, programs_budget_by_dimension, roadmap_years_by_dimension
from bimtek.documents.pptx import MIN_PT, Slide, deck_pptx, keep_amounts, text_lines
from tests.test_charts import REGION, SETTINGS, make_programs, svg_texts

LONG_TITLE = "9. Quick win 2: Pendaftaran Online dan Antrean Pasien RSUD Padang Pariaman Terintegrasi dengan Puskesmas"
SLIDES = [
    Slide("Masterplan Smart City Kabupaten Padang Pariaman (sampel sintetis)", ["Paparan Bupati", "82 program."]),
    Slide(
        LONG_TITLE,
        ["Triwulan I: Persiapan sistem antrean dan pelatihan petugas loket"],
        table=(["Uraian", "Isi"], [["OPD penanggung jawab", "RSUD"], ["Indikator", "Waktu tunggu"]]),
        headline="Baseline 95 menit \u2192 target 30 menit",
    ),
    Slide(
        "7. Quick win",
        table=(
            ["No", "Quick win", "OPD", "Anggaran"],
            [
                ["1", "Layanan Adminduk Keliling Nagari", "Dinas Kependudukan dan Pencatatan Sipil", "Rp 750 juta"],
                ["", "Jumlah", "", "Rp 1,43 miliar"],
            ],
        ),
        bold_last=True,
    ),
]


@pytest.fixture(scope="module")
def deck():
    data = deck_pptx(SLIDES, title="Paket rakor", region_name="Kabupaten Contoh", synthetic=True, synthetic_notice="x")
    return Presentation(io.BytesIO(data))


def test_a_long_title_takes_two_lines_and_the_body_starts_below_it(deck):
    title_width = deck.slide_width - 2 * 14 * 36000
    assert text_lines(LONG_TITLE, title_width, 28, bold=True) == 2
    assert text_lines("7. Quick win", title_width, 28, bold=True) == 1
    for slide in deck.slides:
        shapes = sorted(slide.shapes, key=lambda s: s.top)
        title = slide.shapes[0]
        below = [s for s in shapes if s.shape_id != title.shape_id]
        assert all(s.top >= title.top + title.height for s in below), title.text_frame.text
    two_line = deck.slides[1].shapes[0]
    assert two_line.height > deck.slides[2].shapes[0].height * 1.7  # measured, not a fixed band


def test_no_text_under_14_pt_but_the_footer_and_slide_numbers_on_every_slide_but_the_first(deck):
    for number, slide in enumerate(deck.slides, start=1):
        footer_top = max(s.top for s in slide.shapes)
        sizes = []
        for shape in slide.shapes:
            frames = [c.text_frame for r in shape.table.rows for c in r.cells] if shape.has_table else []
            frames += [shape.text_frame] if shape.has_text_frame and shape.top < footer_top else []
            sizes += [run.font.size for f in frames for p in f.paragraphs for run in p.runs]
        assert sizes and min(sizes) >= Pt(MIN_PT)
        footer = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.top == footer_top]
        assert (f"{number} / 3" in footer) == (number > 1), footer
        names = {
            run.font.name for s in slide.shapes if s.has_text_frame for p in s.text_frame.paragraphs for run in p.runs
        }
        assert names == {"Arial"}  # LibreOffice without Calibri maps Arial to its metric twin, Liberation Sans


def test_table_columns_follow_their_content_and_amounts_never_wrap(deck):
    table = next(s.table for s in deck.slides[2].shapes if s.has_table)
    widths = [c.width for c in table.columns]
    assert widths[0] < widths[1] / 3  # "No" is narrow, the quick win's name gets the room
    assert table.cell(2, 3).text == "Rp\u00a01,43\u00a0miliar"
    assert keep_amounts("Rp 70.250.000.000 dan Rp 5 juta") == "Rp\u00a070.250.000.000 dan Rp\u00a05\u00a0juta"


def _font_sizes(svg: bytes) -> list[float]:
    return [float(x) for x in re.findall(r"font-size: ([\d.]+)px", svg.decode())]


def test_slide_charts_label_everything_at_14_pt_or_more_with_caption_inside():
    roadmap = build_roadmap(make_programs(60), REGION, SETTINGS)
    years = roadmap_years_by_dimension(
        roadmap, 2020, 2026, horizons=horizons(REGION.period, SETTINGS), highlight="quick_win_candidate"
    )
    dims = programs_budget_by_dimension(by_dimension(roadmap), SLIDE, "rakor-program-anggaran-per-dimensi")
    for chart in (years, dims):
        sizes = _font_sizes(chart.svg)
        assert sizes and min(sizes) >= 14, chart.name
    texts = svg_texts(years)
    # one row per dimension naming its programs and quick wins; the caption explains the cells
    assert sum(1 for t in texts if t.startswith("Smart ")) == 6
    governance = int((roadmap["dimensi"] == "governance").sum())
    assert any(t.startswith(f"Smart Governance{governance} program") or f"{governance} program" in t for t in texts)
    assert any("jumlah program berjalan" in t and "60 program" in t for t in texts)
    assert {"2020", "2026"} <= set(texts)
