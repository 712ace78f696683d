"""The final book set of the sample region, read the way a reviewer reads it: the same final quick wins in every
document, no filler, a visible "belum diisi" box where text is missing, no rule id or file path, Indonesian labels,
one term (Peta Jalan), one stage label per book, percentages and amounts that add up, and PDFs without near-blank
pages.

Stages I-IV run through the domain builders (no Prefect: the flows are tested elsewhere); only a few documents are
rendered to PDF (Buku 2, Buku 3, the executive summary and the rakor deck).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from bimtek.analysis.mapping import read_program_list
from bimtek.core.columns import datasets_for_stage
from bimtek.core.formatting import (
    apportion,
    half_up,
    persen,
    rupiah_parts,
    rupiah_words,
    shares,
)
from bimtek.core.model import Sheet
from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.region import load_region
from bimtek.core.settings import Settings
from bimtek.core.taxonomy import load_taxonomy
from bimtek.ingest.reader import read_table
from bimtek.stages.deliverables import document_formats
from bimtek.stages.tahap_1 import build_tahap_1
from bimtek.stages.tahap_2 import TAHAP_1_KEYS, build_tahap_2, read_figures
from bimtek.stages.tahap_3 import build_tahap_3
from bimtek.stages.tahap_4 import PREVIOUS, PreviousFiles, build_tahap_4
from bimtek.validation import build_report, mark_duplicates, validate_sheet, warm_up
from bimtek.validation.messages import RULE_LABELS

REGION = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
INPUTS = SAMPLE_DIR / "padang-pariaman" / "inputs"
SETTINGS = Settings()
MY_BOOKS = (
    "buku/buku-2-masterplan",
    "buku/buku-3-quick-wins",
    "buku/buku-4-roadmap",
    "buku/ringkasan-eksekutif",
    "rakor/paket-rakor",
)
"""The books of the final set this test reads (the Perbup draft and the commitment sheets have their own tests)."""
PDF_KEYS = ("buku/buku-2-masterplan", "buku/buku-3-quick-wins", "buku/ringkasan-eksekutif", "rakor/paket-rakor")
MIN_LINES = 5
"""A page with fewer text lines than this and no picture is a near-blank page."""


def _intake(stage: int) -> tuple[list, object]:
    results = []
    for path in sorted((INPUTS / f"tahap-{stage}").iterdir()):
        for sheet in read_table(path.name, path.read_bytes(), datasets_for_stage(stage)):
            if sheet.status == "ok":
                results.append(validate_sheet(sheet, REGION, sheet.dataset))
    results = mark_duplicates(results)
    return results, build_report(REGION.slug, results)


@pytest.fixture(scope="module")
def stages() -> dict[int, dict[str, bytes]]:
    """Every stage's files for the sample inputs, each stage reading what the one before published."""
    warm_up()
    out: dict[int, dict[str, bytes]] = {}
    out[1] = build_tahap_1(REGION, *_intake(1)).files
    tahap_1 = {k: out[1][k] for k in TAHAP_1_KEYS if k in out[1]}
    out[2] = build_tahap_2(REGION, *_intake(2), SETTINGS, tahap_1=tahap_1).files
    baseline = read_program_list(out[2]["program/daftar_program.csv"])
    out[3] = build_tahap_3(REGION, *_intake(3), SETTINGS, baseline=baseline, analysis=read_figures(tahap_1)).files
    previous = PreviousFiles({(p.stage, p.key): out[p.stage].get(p.key) for p in PREVIOUS})
    out[4] = build_tahap_4(REGION, _intake(4)[0], SETTINGS, previous).files
    return out


@pytest.fixture(scope="module")
def final(stages) -> dict[str, bytes]:
    return stages[4]


@pytest.fixture(scope="module")
def pdfs(final) -> dict[str, bytes]:
    files = {k: v for k, v in final.items() if not k.endswith(".html") or k[:-5] in PDF_KEYS}
    return document_formats(files, REGION, 4, ["pdf"])


def _md(files: dict[str, bytes], key: str) -> str:
    return files[f"{key}.md"].decode("utf-8")


def _plain(markdown_text: str) -> str:
    """Markdown without its backslash escapes."""
    return re.sub(r"\\(.)", r"\1", markdown_text)


def _final_names(final: dict[str, bytes]) -> list[str]:
    return pd.read_csv(io.BytesIO(final["quick_win/quick_win_final.csv"]))["nama_program"].tolist()


# ----------------------------------------------------------------------------------------------- consistency


def test_every_final_document_names_the_same_final_quick_wins(final):
    from pptx import Presentation

    names = _final_names(final)
    assert len(names) == 3
    buku_2 = _plain(_md(final, "buku/buku-2-masterplan"))
    chapter = buku_2[buku_2.index("### 7.2 Quick win final") : buku_2.index("### 7.3 Kandidat lain")]
    assert re.findall(r"^#### \d+\. (.+)$", chapter, re.M) == names
    buku_3 = _plain(_md(final, "buku/buku-3-quick-wins"))
    assert re.findall(r"^### 2\.\d+ (.+)$", buku_3, re.M) == names
    for key in ("rakor/paket-rakor", "buku/ringkasan-eksekutif", "buku/buku-4-roadmap"):
        text = _plain(_md(final, key))
        assert all(name in text for name in names), key
    deck = Presentation(io.BytesIO(final["rakor/paket-rakor.pptx"]))
    deck_text = " ".join(
        cell.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    )
    assert all(name in deck_text for name in names)
    chosen = set()
    for sheet in openpyxl.load_workbook(io.BytesIO(final["roadmap/roadmap.xlsx"])).worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header_row = next((i for i, row in enumerate(rows) if "Quick win terpilih" in row), None)
        if header_row is None:
            continue
        header = rows[header_row]
        name_col, chosen_col = header.index("Nama program"), header.index("Quick win terpilih")
        chosen |= {row[name_col] for row in rows[header_row + 1 :] if str(row[chosen_col]).lower() == "ya"}
    assert chosen == set(names)


def test_tahap_3_short_list_differs_and_is_never_copied_into_the_final_set(stages):
    draft = _plain(_md(stages[3], "buku/buku-2-masterplan"))
    final = _plain(_md(stages[4], "buku/buku-2-masterplan"))
    assert "Draf hasil Bimbingan Teknis Tahap III" in draft and "### 7.2 Usulan quick win prioritas" in draft
    assert "Hasil Bimbingan Teknis Tahap IV" in final and "Tahap III**" not in final
    assert stages[4]["buku/buku-2-masterplan.md"] != stages[3]["buku/buku-2-masterplan.md"]


def test_one_stage_label_per_book(final, stages):
    assert b'<meta name="bimtek-stage" content="Tahap IV">' in final["buku/buku-2-masterplan.html"]
    assert b'<meta name="bimtek-stage" content="Tahap II (revisi)">' in final["buku/buku-1-analisis-strategis.html"]
    assert "Tahap IV" not in _md(final, "buku/buku-1-analisis-strategis")


def test_revised_buku_1_keeps_the_readiness_chart(stages):
    for stage in (2, 4):
        assert "../grafik/kesiapan-per-pilar.png" in _md(stages[stage], "buku/buku-1-analisis-strategis")
        assert stages[stage]["grafik/kesiapan-per-pilar.png"].startswith(b"\x89PNG")


def test_counts_state_their_population(final):
    summary = _plain(_md(final, "buku/ringkasan-eksekutif"))
    roadmap = pd.read_csv(io.BytesIO(final["roadmap/roadmap.csv"]))
    owners = roadmap["opd"].nunique()
    assert re.search(rf"ditandatangani oleh \d+ dari {owners} OPD pemilik program", summary)
    assert f"dari {owners} OPD pemilik program" in _plain(_md(final, "buku/buku-2-masterplan"))


def test_percentages_and_amounts_add_up_to_their_totals(final):
    summary = _plain(_md(final, "buku/ringkasan-eksekutif"))
    horizon_lines = [line for line in summary.splitlines() if line.startswith("- **Jangka")]
    percents = [Decimal(m.replace(",", ".")) for line in horizon_lines for m in re.findall(r"\((\d+,\d)%\)", line)]
    assert len(percents) == 3 and sum(percents) == Decimal("100.0")
    rakor = _plain(_md(final, "rakor/paket-rakor"))
    section = rakor[rakor.index("## 5. Peta jalan") : rakor.index("## 6.")]
    amounts = [Decimal(m.replace(".", "").replace(",", ".")) for m in re.findall(r"Rp\s([\d.,]+)\smiliar", section)]
    *parts, total = amounts
    assert sum(parts) == total


# ----------------------------------------------------------------------------------------------- no filler


def test_narrative_is_placed_as_written_and_missing_parts_show_a_box(final):
    buku_2 = _plain(_md(final, "buku/buku-2-masterplan"))
    assert "Padang Pariaman Cerdas, Melayani dan Sejahtera Berbasis Nagari" in buku_2
    assert "1. Mewujudkan pelayanan publik yang cepat" in buku_2
    assert (
        "**Belum diisi** — Strategi umum smart city: diisi oleh Tim Pelaksana / Bappeda (lembar Narasi "
        "Masterplan pada berkas narasi Tahap III)"
    ) in buku_2
    assert "**Belum diisi** — Strategi Smart Branding: diisi oleh Tim Pelaksana / Bappeda" in buku_2
    assert "Arah pengembangan Smart Branding: diisi" not in buku_2
    for filler in ("pemerataan dan keberlanjutan", "kata kunci:", "tidak ada kata kunci", "strategi diarahkan"):
        assert filler not in buku_2.lower()


def test_quick_win_reasons_state_the_criteria_and_the_opd_reason(final):
    buku_3 = _plain(_md(final, "buku/buku-3-quick-wins"))
    assert buku_3.count("manfaatnya langsung dirasakan warga; meningkatkan layanan yang sudah ada") == 3
    assert "**Alasan OPD.**" in buku_3
    assert "kata kunci" not in buku_3
    assert "Belum diisi** — Langkah kegiatan" not in buku_3  # every final quick win has its steps


def test_every_final_quick_win_has_steps_per_quarter_and_a_target(final):
    """Buku 3 and the deck show the steps of each final quick win (the Tahap IV action-plan file of the sample);
    the published steps are the ones of the final quick wins only, and every final quick win has a target."""
    finals = pd.read_csv(io.BytesIO(final["quick_win/quick_win_final.csv"]))
    steps = pd.read_csv(io.BytesIO(final["quick_win/rencana_aksi_final.csv"]))
    assert finals["target"].notna().all() and finals["baseline"].notna().all()
    assert set(steps["nama_program"]) == set(finals["nama_program"])
    for name in finals["nama_program"]:
        mine = steps[steps["nama_program"] == name]
        assert mine["triwulan"].tolist() == ["Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV"]
        assert set(mine["sumber"]) == {"revisi Tahap IV"} and mine["mata_anggaran"].notna().all()
    buku_3 = _plain(_md(final, "buku/buku-3-quick-wins"))
    assert buku_3.count("| Triwulan | Langkah kegiatan | Penanggung jawab | Keluaran | Anggaran (mata anggaran) |") == 3
    first = steps.iloc[0]
    assert f"| Triwulan I | {first['langkah']} |" in buku_3
    deck = _plain(_md(final, "rakor/paket-rakor"))
    assert deck.count("- Triwulan I: ") == 3 and "belum diisi" not in deck.lower()


# ----------------------------------------------------------------------------------------------- chapters


def test_masterplan_has_the_chapters_the_ministry_scores(final):
    """Kelembagaan, enablers, pendanaan, risiko, monev from the Tim Pelaksana's sheets, and the RPJMD alignment
    Tahap II collected, with the sample's data; the Sistematika lists the chapters the book has."""
    buku_2 = _plain(_md(final, "buku/buku-2-masterplan"))
    chapters = re.findall(r"^## BAB ([IVXLC]+) (.+)$", buku_2, re.M)
    assert [t for _, t in chapters][7:] == [
        "KELEMBAGAAN DAN TATA KELOLA",
        "RENCANA PENGEMBANGAN ENABLER",
        "PENDANAAN",
        "MANAJEMEN RISIKO",
        "MONITORING DAN EVALUASI",
        "PENUTUP",
    ]
    assert "Bab XIII Penutup;" in buku_2 and "### 8.1 Dewan Smart City" in buku_2
    for enabler in ("9.1 Rencana suprastruktur", "9.2 Rencana infrastruktur", "9.3 Rencana infostruktur"):
        assert f"### {enabler}" in buku_2
    risks = re.findall(r"^\| \d+ \| (.+?) \| (\w+) \| (\w+) \| (\w+) \|", _section(buku_2, "## BAB XI "), re.M)
    assert len(risks) == 5 and [r[3] for r in risks] == ["Tinggi", "Tinggi", "Sedang", "Sedang", "Sedang"]
    monev = _section(buku_2, "## BAB XII ")
    assert re.findall(r"^### 12\.\d (.+)$", monev, re.M) == ["Baseline", "Output", "Outcome", "Impact", "Quick Win"]
    funding = _section(buku_2, "## BAB X ")
    rows = [line.split("|")[1:-1] for line in funding.splitlines() if re.match(r"^\| (20\d\d|\*\*Jumlah)", line)]
    *years, total = rows
    amount = lambda cell: Decimal(cell.strip(" *").replace("\\", "").replace(".", "").replace(",", ".") or "0")  # noqa: E731
    # one plan over the whole period: every year, the Jumlah and the need columns add up, the need is the total
    assert [r[0].strip(" *\\") for r in years] == [str(y) for y in range(REGION.period.start, REGION.period.end + 1)]
    assert sum(amount(r[-4]) for r in years) == amount(total[-4])
    assert sum(amount(r[-2]) for r in years) == amount(total[-2]) == Decimal("70250.0")
    assert "KPBU" not in funding.split("\n| Tahun |")[1]  # no scheme without a program in the sample
    assert "71 dari 82 program mencantumkan rujukannya" in buku_2
    assert "Belum diisi** — Susunan Dewan" not in buku_2 and "Rencana pendanaan per tahun" in funding


def _section(text: str, start: str) -> str:
    begin = text.index(start)
    end = text.find("\n## ", begin + 1)
    return text[begin : end if end > 0 else None]


def test_plan_mode_buku_2_carries_no_workshop_text(final):
    """render_buku_2(plan=True), the Perbup annex: no boxes, validation counts or table, no Buku 3/4 pointers."""
    from bimtek.analysis.finalisation import read_roadmap
    from bimtek.books.buku_2 import buku_2_context, render_buku_2

    roadmap = read_roadmap(final["roadmap/roadmap.csv"])
    context = buku_2_context(REGION, roadmap, SETTINGS, {"rows_total": 9, "rows_valid": 8, "rows_rejected": 1})
    workshop, _ = render_buku_2(context)
    plan, _ = render_buku_2(context, plan=True)
    for text in (
        "Belum diisi",
        "lolos validasi",
        "Buku 2 ini",
        "Buku 4",
        "Tidak ada baris yang ditolak",
        "belum diisi",
    ):
        assert text in workshop and text not in plan, text
    assert re.findall(r"^## BAB", plan, re.M) == re.findall(r"^## BAB", workshop, re.M)
    lampiran = _md(final, "buku/rancangan-perbup").split("| | LAMPIRAN |", 1)[1]
    assert "Belum diisi" not in lampiran and "lolos validasi" not in lampiran and "#### BAB XII" in lampiran


def test_sample_perbup_shows_no_markup_keeps_its_charts_and_lists_every_gap(final):
    """The sample's Perbup as a reader sees it (the HTML's text): no Markdown or HTML syntax (bimtek.core.legal.
    markup_leaks), every chart of the Lampiran an image, no empty numbered heading; it is DRAFT because the sample
    has gaps (review chapters under revision, programs without baseline), and its banner names them."""
    import html as html_lib

    from bimtek.core.legal import markup_leaks

    page = final["buku/rancangan-perbup.html"].decode()
    body = page.split("<body", 1)[1]
    text = html_lib.unescape(re.sub(r"<[^>]+>", "\n", re.sub(r"<(style|script)[^>]*>.*?</\1>", "", body, flags=re.S)))
    assert markup_leaks(text) == []
    assert body.count("<img") >= 8 and "peta-jalan-governance.png" in body
    markdown_text = _md(final, "buku/rancangan-perbup")
    headings = re.findall(r"^(#{4,6}) (.+)\n\n(#{1,6}) ", markdown_text, re.M)
    assert [h for h in headings if len(h[2]) <= len(h[0])] == []  # no heading directly followed by its sibling
    banner = markdown_text.split("\n\n> **DRAFT", 1)[1].split("\n\n")[0]
    assert "Strategi umum smart city" in banner and "(status: revisi)" in banner and "Perangkat Daerah" in banner


def test_executive_summary_has_vision_mission_and_strategy(final):
    summary = _plain(_md(final, "buku/ringkasan-eksekutif"))
    assert "**Padang Pariaman Cerdas, Melayani dan Sejahtera Berbasis Nagari**" in summary
    assert "1. Mewujudkan pelayanan publik yang cepat" in summary and "### Strategi per dimensi" in summary
    assert "| Smart Governance | **Arah pengembangan:** Layanan pemerintahan terintegrasi" in summary
    assert "direviu" not in summary and "direvisi" not in summary


def test_gantt_hatches_only_the_final_quick_wins_in_tahap_4(stages):
    for code in ("governance", "living", "environment"):
        final_chart = stages[4][f"grafik/peta-jalan-{code}.svg"].decode()
        draft_chart = stages[3][f"grafik/peta-jalan-{code}.svg"].decode()
        assert "Quick win final" in final_chart and "Kandidat quick win" not in final_chart, code
        assert "Kandidat quick win" in draft_chart, code
    assert stages[4]["grafik/peta-jalan.png"].startswith(b"\x89PNG")


# ----------------------------------------------------------------------------------------------- polish


def test_books_carry_no_rule_id_and_no_file_path(final):
    rule_ids = [rule for rule in RULE_LABELS if "_" in rule]
    path = re.compile(r"\b[\w-]+/[\w.-]+\.(?:csv|json|html|xlsx|md)\b")
    for key in MY_BOOKS + ("buku/buku-1-analisis-strategis",):
        text = _plain(_md(final, key))
        assert not [rule for rule in rule_ids if rule in text], key
        assert not path.findall(text), key


def test_element_names_are_indonesian(final):
    taxonomy = load_taxonomy()
    english = [e.label for d in taxonomy.dimensions for e in d.elements if e.label != e.label_id]
    for key in MY_BOOKS:
        text = _plain(_md(final, key))
        found = [word for word in english if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]
        assert not found, (key, found)
    assert "| Smart Governance / Pelayanan publik |" in _plain(_md(final, "buku/buku-3-quick-wins"))


def test_one_term_peta_jalan(final):
    for key in MY_BOOKS:
        text = _plain(_md(final, key)).lower()
        assert "road map" not in text and "roadmap" not in text, key


# ----------------------------------------------------------------------------------------------- the PDFs


def _page_texts(pdf: bytes) -> tuple[list[str], list[bool], list[tuple[float, float]]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    texts, pictures, sizes = [], [], []
    for page in reader.pages:
        texts.append(page.extract_text() or "")
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        pictures.append(any(xobjects[name].get("/Subtype") == "/Image" for name in xobjects))
        sizes.append((float(page.mediabox.width), float(page.mediabox.height)))
    return texts, pictures, sizes


@pytest.mark.parametrize(
    ("key", "pages"),
    [
        ("buku/buku-2-masterplan", (20, 45)),
        ("buku/buku-3-quick-wins", (5, 10)),
        ("buku/ringkasan-eksekutif", (2, 4)),
        ("rakor/paket-rakor", (12, 16)),
    ],
)
def test_pdf_page_count_and_no_near_blank_page(pdfs, key, pages):
    texts, pictures, _ = _page_texts(pdfs[f"{key}.pdf"])
    assert pages[0] <= len(texts) <= pages[1], len(texts)
    first_body = 2 if key.startswith("buku/buku-") else 0  # cover and Daftar Isi come first in the books
    for number, (text, picture) in enumerate(zip(texts, pictures), start=1):
        if number <= first_body:
            continue
        lines = [line for line in text.splitlines() if any(ch.isalnum() for ch in line)]
        body = [
            line
            for line in lines
            if "Halaman" not in line and "Bimtek Smart City" not in line and "DATA SINTETIS" not in line
        ]
        assert picture or len(body) >= MIN_LINES, (key, number, body)


def test_rakor_is_a_16_9_deck_with_a_chart(pdfs, final):
    from pptx import Presentation

    _, pictures, sizes = _page_texts(pdfs["rakor/paket-rakor.pdf"])
    assert all(abs(w / h - 16 / 9) < 0.01 for w, h in sizes)
    assert any(pictures)
    deck = Presentation(io.BytesIO(final["rakor/paket-rakor.pptx"]))
    assert abs(deck.slide_width / deck.slide_height - 16 / 9) < 0.01
    assert len(deck.slides) >= 10
    assert any(shape.shape_type == 13 for slide in deck.slides for shape in slide.shapes)  # a picture


def test_rakor_pdf_and_pptx_show_the_same_slides_and_totals(pdfs, final):
    """One slide list feeds both: same titles in the same order, one PDF page per slide, the same totals rows,
    and no internal review status for the national panel."""
    from pptx import Presentation

    deck = Presentation(io.BytesIO(final["rakor/paket-rakor.pptx"]))
    titles = [slide.shapes[0].text_frame.text for slide in deck.slides]
    markdown = _md(final, "rakor/paket-rakor")
    assert re.findall(r"^#{1,2} (.+)$", _plain(markdown), re.M) == titles
    texts, _, _ = _page_texts(pdfs["rakor/paket-rakor.pdf"])
    assert len(texts) == len(titles)
    for title in ("2. Visi dan misi", "3. Strategi per dimensi", "6. Peta jalan per tahun", "Komitmen bersama"):
        assert any(title in t for t in titles), title

    pptx_totals = [
        " | ".join(cell.text for cell in shape.table.rows[len(shape.table.rows) - 1].cells)
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table and "Jumlah" in [c.text for c in shape.table.rows[len(shape.table.rows) - 1].cells]
    ]
    md_totals = [
        " | ".join(cell.strip().strip("*") for cell in line.strip().strip("|").split("|"))
        for line in markdown.splitlines()
        if line.startswith("|") and "**Jumlah**" in line
    ]
    assert len(pptx_totals) == 3 and [t.replace("\\", "") for t in md_totals] == pptx_totals
    text = _plain(markdown).lower()
    for internal in ("direvisi", "direviu", "belum sesuai dpa", "belum ditandatangani"):
        assert internal not in text, internal


def test_executive_summary_has_a_chart_and_no_cover(pdfs):
    texts, pictures, _ = _page_texts(pdfs["buku/ringkasan-eksekutif.pdf"])
    assert any(pictures) and "RINGKASAN EKSEKUTIF" in texts[0].upper() and "Daftar Isi" not in texts[0]


# ----------------------------------------------------------------------------------------------- formatting


def test_half_up_rounding_and_parts_that_add_up():
    assert rupiah_words(2_625_000_000) == "Rp 2,63 miliar"
    assert half_up(2.675, 2) == Decimal("2.68") and half_up(0.5) == Decimal("1")
    assert persen(0.0625) == "6,3%"
    assert apportion([15.13, 61.46, 23.41], 1) == [Decimal("15.1"), Decimal("61.5"), Decimal("23.4")]
    assert sum(Decimal(str(s)) for s in shares([1, 1, 1])) == Decimal("1.000")
    parts = rupiah_parts([10_575_000_000, 43_175_000_000, 16_500_000_000])
    assert parts == ["Rp 10,575 miliar", "Rp 43,175 miliar", "Rp 16,5 miliar"]  # exact, never cut to 43,17
    assert rupiah_parts([1e9 / 3, 2e9 / 3]) == ["Rp 0,33 miliar", "Rp 0,67 miliar"]  # else apportioned
    assert rupiah_words(70_250_000_000) == "Rp 70,25 miliar"


# ----------------------------------------------------------------------------------------------- narrative rules


def _sheet(dataset: str, rows: list[dict]) -> Sheet:
    from bimtek.core.columns import load_spec

    spec = load_spec(dataset)
    frame = pd.DataFrame(rows, dtype="object")
    frame["_row"] = range(2, len(rows) + 2)
    headers = {c.name: c.label for c in spec.columns if c.name in frame.columns}
    return Sheet(
        path="narasi.xlsx", sheet=dataset, frame=frame, dataset=dataset, header_row=1, original_headers=headers
    )


def test_narrative_rows_are_validated_with_indonesian_messages():
    warm_up()
    narasi = validate_sheet(
        _sheet(
            "narasi",
            [
                {"bagian": "Visi", "isi": "Kota cerdas"},
                {"bagian": "Motto", "isi": "Maju"},
                {"bagian": "Misi", "isi": None},
            ],
        ),
        REGION,
        "narasi",
    )
    assert narasi.valid["bagian"].tolist() == ["visi"]
    assert sorted(r.rule for r in narasi.rejections) == ["narrative_part", "required"]
    message = next(r.message for r in narasi.rejections if r.rule == "narrative_part")
    assert '"Motto"' in message and "Gambaran umum daerah" in message
    strategi = validate_sheet(
        _sheet(
            "strategi_dimensi",
            [{"dimensi": "Smart Living", "strategi": "Antrean daring"}, {"dimensi": "Smart Nagari", "strategi": "x"}],
        ),
        REGION,
        "strategi_dimensi",
    )
    assert strategi.valid["dimensi"].tolist() == ["living"]
    assert [r.rule for r in strategi.rejections] == ["dimension"]
