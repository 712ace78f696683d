"""Books as PDF (WeasyPrint) and DOCX (python-docx), checked the way a reader's tools see them (pypdf, python-docx).

Rendering is slow-ish, so each document is rendered once per module (fixtures) and the tests only read it.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import struct
import zipfile
import zlib

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from bimtek.core.taxonomy import load_taxonomy
from bimtek.documents import SYNTHETIC_NOTICE, book_docx, book_pdf
from bimtek.documents.docx import FIXED_DATE, Para, Table, parse_blocks
from bimtek.documents.pdf import break_hints, css_string, split_book, toc_entries

DIMENSIONS = [dimension.label for dimension in load_taxonomy().dimensions]
REGION = "Kabupaten Contoh Makmur"
STAGE = "Tahap III"
TITLE = "Buku 2 Masterplan Smart City"
TABLE_ROWS = 60
"""Rows of the long action-plan table: enough to run over at least two pages."""


def tiny_png(width: int = 40, height: int = 20) -> bytes:
    """A valid RGB PNG (a blue rectangle), built by hand so the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x12\x3c\x69" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


PNG = tiny_png()
PNG_URI = "data:image/png;base64," + base64.b64encode(PNG).decode("ascii")


def action_rows() -> str:
    return "".join(
        f"<tr><td>{i + 1}</td><td>{DIMENSIONS[i % 6]}</td><td>Program layanan {i + 1}</td>"
        f"<td>Dinas Komunikasi dan Informatika</td><td>Rp 1.500.000.000</td></tr>"
        for i in range(TABLE_ROWS)
    )


SAMPLE_HTML = f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>Judul layar</title>
<style>body {{ max-width: 40em; margin: 0 auto; }}</style></head>
<body>
<h1>Pendahuluan</h1>
<p>Buku ini <strong>menyajikan</strong> masterplan <em>Smart City</em> {REGION} &amp; rencana aksinya.</p>
<ul><li>Butir satu</li><li>Butir dua<ul><li>Anak butir</li></ul></li></ul>
<ol><li>Pertama</li><li>Kedua</li></ol>
<ol><li>Daftar baru</li></ol>
<h1 id="arah">Arah Pengembangan</h1>
{
    "".join(
        f"<h2>{d}</h2><p>Strategi {d}: " + "peningkatan layanan publik berbasis data. " * 12 + "</p>"
        for d in DIMENSIONS
    )
}
<h1>Rencana Aksi</h1>
<p><img src="{PNG_URI}" alt="Grafik anggaran"></p>
<table>
<thead><tr><th>No</th><th>Dimensi</th><th>Program</th><th>OPD</th><th>Anggaran</th></tr></thead>
<tbody>{action_rows()}</tbody>
</table>
<table><tr><th>Sumber dana</th><th>Porsi</th></tr><tr><td>APBD</td><td>100%</td></tr></table>
<p><img src="grafik.png" alt="Peta jalan"></p>
</body></html>
"""

FRAGMENT = """<h2>BAB I PENDAHULUAN</h2><p>Teks bab satu.</p>
<p><img src="http://example.invalid/logo.png" alt="logo"></p>
<h2>BAB II ARAH</h2><h3>2.1 Smart Governance</h3><p>Teks.</p>"""


# ----------------------------------------------------------------------------------------------- fixtures


def _pdf(html: str, **options) -> bytes:
    arguments = {"title": TITLE, "region_name": REGION, "stage_label": STAGE, "synthetic": True, **options}
    return book_pdf(html, **arguments)


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return _pdf(SAMPLE_HTML)


@pytest.fixture(scope="module")
def pdf(pdf_bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf_bytes))


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    return [page.extract_text() for page in pdf.pages]


@pytest.fixture(scope="module")
def fragment_pdf() -> PdfReader:
    """A body fragment, not synthetic, with a fixed creation date and a remote image (must not be fetched)."""
    data = _pdf(FRAGMENT, synthetic=False, created=dt.date(2026, 9, 7))
    return PdfReader(io.BytesIO(data))


def _docx(html: str = SAMPLE_HTML, **options) -> bytes:
    arguments = {
        "title": TITLE,
        "region_name": REGION,
        "stage_label": STAGE,
        "synthetic": True,
        "images": {"grafik.png": PNG},
        **options,
    }
    return book_docx(html, **arguments)


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return _docx()


@pytest.fixture(scope="module")
def document(docx_bytes):
    return Document(io.BytesIO(docx_bytes))


# ----------------------------------------------------------------------------------------------- PDF


def test_pdf_has_cover_toc_and_content_pages(pdf):
    # cover + Daftar Isi + Pendahuluan + Arah Pengembangan (1-2) + Rencana Aksi (table over 2-3 pages)
    assert 6 <= len(pdf.pages) <= 9
    assert all(
        abs(float(p.mediabox.width) - 595.3) < 1 and abs(float(p.mediabox.height) - 841.9) < 1 for p in pdf.pages
    ), "A4 portrait"


def test_cover_shows_title_region_stage_draft_and_synthetic_notice(pages):
    cover = " ".join(pages[0].split())
    for text in (TITLE, REGION, STAGE, "Draf", "DATA SINTETIS"):
        assert text in cover
    assert "Halaman" not in cover, "the cover has no running footer"


def test_running_header_and_page_numbers(pages):
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Halaman {number} dari {total}" in text
        assert REGION in text and STAGE in text
        assert "DATA SINTETIS" in text, "synthetic books say so on every page"


def test_toc_lists_headings_with_their_page_numbers(pages):
    toc = pages[1]
    assert "Daftar Isi" in toc
    for heading in ["Pendahuluan", "Arah Pengembangan", "Rencana Aksi", *DIMENSIONS]:
        match = re.search(rf"{heading}[ .]*?(\d+)\s*$", toc, re.MULTILINE)
        assert match, f"{heading} missing from the table of contents"
        first_page = next(n for n, text in enumerate(pages[2:], start=3) if heading in text.splitlines())
        assert int(match.group(1)) == first_page, heading


def test_content_text_and_six_dimensions(pages):
    text = "\n".join(pages[2:])
    for name in DIMENSIONS:
        assert name in text
    assert "menyajikan" in text and "Judul layar" not in text


def test_long_table_repeats_its_header_row(pages):
    table_pages = [text for text in pages if "Program layanan" in text]
    assert len(table_pages) >= 2
    for text in table_pages:
        assert "Anggaran" in text and "Dimensi" in text
    assert f"Program layanan {TABLE_ROWS}" in table_pages[-1]


def test_images_are_embedded(pdf):
    assert sum(len(page.images) for page in pdf.pages) >= 1


def test_pdf_is_deterministic_and_undated(pdf_bytes, pdf):
    assert _pdf(SAMPLE_HTML) == pdf_bytes
    assert "/CreationDate" not in (pdf.metadata or {})
    assert pdf.metadata.title.startswith(TITLE)


def test_fragment_renders_offline_with_date_and_without_synthetic_notice(fragment_pdf):
    texts = [page.extract_text() for page in fragment_pdf.pages]
    assert len(texts) >= 3
    assert not any("DATA SINTETIS" in t for t in texts)
    assert "BAB I PENDAHULUAN" in texts[1] and "2.1 Smart Governance" not in texts[1], (
        "several h2 chapters: the contents list the h1/h2 level only"
    )
    assert fragment_pdf.metadata.creation_date.date() == dt.date(2026, 9, 7)


# ----------------------------------------------------------------------------------------------- HTML wrapper


def test_split_book_keeps_styles_adds_ids_and_drops_title():
    parts = split_book(SAMPLE_HTML)
    assert len(parts.head_styles) == 1 and "max-width" in parts.head_styles[0]
    assert "Judul layar" not in parts.body
    assert [h.text for h in parts.headings[:2]] == ["Pendahuluan", "Arah Pengembangan"]
    assert parts.headings[1].anchor == "arah", "an existing id is kept"
    assert f'id="{parts.headings[0].anchor}"' in parts.body
    assert "&amp; rencana" in parts.body, "entities pass through unchanged"


def test_single_h1_is_the_title_so_contents_list_h2_and_h3():
    parts = split_book("<h1>Buku 2</h1><h2>BAB I</h2><h3>1.1 Latar</h3><h4>rinci</h4><h2>BAB II</h2>")
    assert [(h.level, h.text) for h in toc_entries(parts.headings)] == [(1, "BAB I"), (2, "1.1 Latar"), (1, "BAB II")]


def test_wide_tables_and_long_words_get_break_hints():
    head = "".join(f"<th>K{i}</th>" for i in range(8))
    one_amount = "<td>Rp 22.980.000.000</td>" + "<td>x</td>" * 7
    three_amounts = "<td>a</td>" + "<td>Rp 22.980.000.000</td>" * 3 + "<td>x</td>" * 4
    parts = split_book(
        f'<table class="x"><tr>{head}</tr><tr>{one_amount}</tr></table>'
        f"<table><thead><tr>{head}</tr></thead><tbody><tr>{three_amounts}</tr></tbody></table>"
    )
    assert '<table class="x bimtek-cols-8 bimtek-wide">' in parts.body
    assert "Rp 22.980.000.000</td><td>x" in parts.body, "one amount column: amounts stay whole"
    assert '<table class="bimtek-cols-8 bimtek-wide bimtek-amounts">' in parts.body
    assert "22.<wbr>980.<wbr>000.<wbr>000" in parts.body
    assert "<wbr>" in break_hints("https://contoh.go.id/berkas/panjang/sekali.pdf")
    assert break_hints("kata biasa 1.500.000") == "kata biasa 1.500.000"


def test_css_string_escapes_quotes():
    assert css_string('Kab. "Contoh"\\') == '"Kab. \\22 Contoh\\22 \\5c "'


# ----------------------------------------------------------------------------------------------- DOCX


def test_docx_headings_use_word_heading_styles(document):
    by_style: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert by_style["Heading 1"] == ["Pendahuluan", "Arah Pengembangan", "Rencana Aksi"]
    assert by_style["Heading 2"] == DIMENSIONS
    assert by_style["Title"] == [TITLE]
    assert by_style["List Bullet"] == ["Butir satu", "Butir dua"]
    assert by_style["List Bullet 2"] == ["Anak butir"]
    assert by_style["List Number"] == ["Pertama", "Kedua", "Daftar baru"]


def test_docx_chapters_start_new_pages_and_contents_list_them(document):
    chapters = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [p.paragraph_format.page_break_before for p in chapters] == [None, True, True]
    assert document.element.body.xml.count("PAGEREF _TocBimtek") == 3 + len(DIMENSIONS)  # h1 and h2 listed


def test_docx_single_title_h1_makes_h2_the_chapters():
    document = Document(io.BytesIO(_docx("<h1>Buku 2</h1><h2>BAB I</h2><p>a</p><h2>BAB II</h2>")))
    breaks = {p.text: p.paragraph_format.page_break_before for p in document.paragraphs if p.text}
    # like the PDF (h2 ~ h2): the title block shares its page with BAB I (M14), later chapters start a new page
    assert breaks["BAB II"] and not breaks["BAB I"] and not breaks["Buku 2"]
    assert document.element.body.xml.count("PAGEREF _TocBimtek") == 2  # BAB I and BAB II, not the title


def test_docx_numbered_lists_restart(document):
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2]


def test_docx_inline_formatting(document):
    paragraph = next(p for p in document.paragraphs if "menyajikan" in p.text)
    assert paragraph.text == f"Buku ini menyajikan masterplan Smart City {REGION} & rencana aksinya."
    runs = {run.text: run for run in paragraph.runs}
    assert runs["menyajikan"].bold and runs["Smart City"].italic
    assert not runs["Buku ini "].bold


def test_docx_tables_are_word_tables_with_repeating_bold_header(document):
    assert len(document.tables) == 2
    table = document.tables[0]
    assert table.style.name == "Table Grid"
    assert len(table.rows) == TABLE_ROWS + 1
    assert [c.text for c in table.rows[0].cells] == ["No", "Dimensi", "Program", "OPD", "Anggaran"]
    assert [c.text for c in table.rows[1].cells][:3] == ["1", "Smart Governance", "Program layanan 1"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    second = document.tables[1]
    assert [[c.text for c in row.cells] for row in second.rows] == [["Sumber dana", "Porsi"], ["APBD", "100%"]]
    assert second.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None, "a first row of <th> is a header row"


def test_docx_pictures_from_data_uri_and_images_dict(document):
    assert len(document.inline_shapes) == 2
    text_width = document.sections[0].page_width - document.sections[0].left_margin - document.sections[0].right_margin
    assert all(0 < shape.width <= text_width for shape in document.inline_shapes)


def test_docx_title_page_header_and_footer(document):
    texts = [p.text for p in document.paragraphs[:15]]
    assert REGION in texts and STAGE in texts and SYNTHETIC_NOTICE in texts
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0].text
    assert REGION in header and STAGE in header
    footer_xml = section.footer._element.xml
    assert "Halaman" in footer_xml and " PAGE " in footer_xml and " NUMPAGES " in footer_xml
    assert abs(section.page_width.cm - 21.0) < 0.01 and abs(section.page_height.cm - 29.7) < 0.01


def test_docx_is_deterministic(docx_bytes, document):
    assert _docx() == docx_bytes
    assert (
        document.core_properties.created == FIXED_DATE.replace(tzinfo=None)
        or document.core_properties.created == FIXED_DATE
    )
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert package.namelist()[0] == "[Content_Types].xml"


def test_docx_embeds_the_bundled_fonts_its_styles_name(docx_bytes):
    """Word's embedded-font parts: fontTable entries with fontKey, obfuscated .odttf parts that deobfuscate to the
    bundled files, embedTrueTypeFonts in settings, the odttf content type; no theme font left in the styles."""
    from bimtek.documents.bundled_fonts import FONTS_DIR, obfuscate

    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        names = package.namelist()
        table = package.read("word/fontTable.xml").decode()
        rels = package.read("word/_rels/fontTable.xml.rels").decode()
        styles = package.read("word/styles.xml").decode()
        numbering = package.read("word/numbering.xml").decode()
        assert 'w:ascii="Symbol"' not in numbering and 'w:lvlText w:val="\u2022"' in numbering  # bullets
        assert "<w:embedTrueTypeFonts/>" in package.read("word/settings.xml").decode()
        assert 'Extension="odttf"' in package.read("[Content_Types].xml").decode()
        embeds = re.findall(r'<w:(embed\w+) r:id="(\w+)" w:fontKey="(\{[0-9A-F-]+\})"/>', table)
        targets = dict(re.findall(r'Id="(\w+)"[^>]*Target="([^"]+)"', rels))
        files = {}
        for kind, rid, key in embeds:
            data = package.read("word/" + targets[rid])
            assert data[:4] != b"\x00\x01\x00\x00"  # obfuscated: not a TrueType header
            files[kind] = obfuscate(data, key)
    assert [kind for kind, _, _ in embeds] == ["embedRegular", "embedBold", "embedItalic", "embedBoldItalic"]
    assert '<w:font w:name="Liberation Sans">' in table and "Liberation Mono" not in table  # no code in the book
    assert files["embedRegular"] == (FONTS_DIR / "LiberationSans-Regular.ttf").read_bytes()
    assert files["embedBoldItalic"] == (FONTS_DIR / "LiberationSans-BoldItalic.ttf").read_bytes()
    assert sum(n.endswith(".odttf") for n in names) == 4
    assert "asciiTheme" not in styles and 'w:ascii="Liberation Sans"' in styles


def test_docx_legal_text_embeds_the_serif_family():
    data = _docx('<div class="layout-legal"><p>Pasal 1</p><pre>kode</pre></div>', front_matter=False)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        table = package.read("word/fontTable.xml").decode()
    assert '<w:font w:name="Liberation Serif">' in table and '<w:font w:name="Liberation Mono">' in table
    assert '<w:font w:name="Liberation Sans">' not in table


def test_docx_not_synthetic_has_no_notice():
    document = Document(io.BytesIO(_docx("<p>Isi.</p>", synthetic=False)))
    all_text = "\n".join(p.text for p in document.paragraphs)
    assert "DATA SINTETIS" not in all_text
    assert "DATA SINTETIS" not in document.sections[0].footer._element.xml


# ----------------------------------------------------------------------------------------------- HTML -> blocks


def test_parse_blocks_handles_breaks_pre_colspan_and_missing_images():
    blocks = parse_blocks(
        "<p>baris satu<br>baris dua</p><pre>kode  a\nkode b</pre>"
        "<table><tr><th colspan='2'>Gabung</th></tr><tr><td><p>a</p><p>b</p></td><td>c</td></tr></table>"
        "<p><img src='hilang.png' alt='Bagan'></p><script>abaikan()</script><nav>menu</nav>"
    )
    first, code, table, missing = blocks
    assert isinstance(first, Para) and [r.line_break for r in first.runs] == [False, True, False]
    assert code.kind == "code" and code.runs[0].text == "kode  a"
    assert isinstance(table, Table) and table.columns == 2 and table.rows[0].header
    assert [b.text for b in table.rows[1].cells[0].blocks] == ["a", "b"]
    assert missing.text == "[Gambar: Bagan]"


def test_docx_colspan_merges_cells():
    document = Document(
        io.BytesIO(_docx("<table><tr><th colspan='2'>Gabung</th></tr><tr><td>a</td><td>b</td></tr></table>"))
    )
    table = document.tables[0]
    assert len(table.columns) == 2
    assert table.cell(0, 0)._tc is table.cell(0, 1)._tc
    assert table.cell(0, 0).text == "Gabung"


def test_docx_unreadable_images_become_text():
    not_png = "data:image/png;base64," + base64.b64encode(b"bukan gambar").decode("ascii")
    document = Document(
        io.BytesIO(
            _docx(f'<p><img src="{not_png}" alt="x"></p><p><img src="data:image/png;base64,%%%" alt="Rusak"></p>')
        )
    )
    texts = [p.text for p in document.paragraphs]
    assert "[Gambar tidak dapat dibaca]" in texts and "[Gambar: Rusak]" in texts
    assert len(document.inline_shapes) == 0


def test_sheet_mode_has_no_cover_or_contents():
    import io as _io

    import docx as _docx
    from pypdf import PdfReader

    from bimtek.documents import book_docx, book_pdf

    sheet = (
        "<html><head><title>Lembar Komitmen</title></head><body><h1>LEMBAR KOMITMEN</h1>"
        "<p>Dinas Kesehatan berkomitmen melaksanakan program Smart City.</p>"
        "<table><tr><th>Nama</th><th>Tanda tangan</th></tr><tr><td>Contoh</td><td></td></tr></table>"
        "</body></html>"
    )
    options = dict(title="Lembar Komitmen", region_name="Kabupaten Uji", stage_label="Tahap IV", synthetic=False)
    as_book = PdfReader(_io.BytesIO(book_pdf(sheet, **options)))
    as_sheet = PdfReader(_io.BytesIO(book_pdf(sheet, front_matter=False, **options)))
    assert len(as_sheet.pages) == 1 < len(as_book.pages)
    assert "Daftar Isi" not in as_sheet.pages[0].extract_text()
    assert "berkomitmen" in as_sheet.pages[0].extract_text()
    document = _docx.Document(_io.BytesIO(book_docx(sheet, front_matter=False, **options)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "LEMBAR KOMITMEN" or texts[0].strip() == "LEMBAR KOMITMEN"
    assert len(document.tables) == 1


def test_docx_drops_control_characters_an_opd_cell_carries():
    """NUL, vertical tab and other controls from an OPD file (Word's XML refuses them) are removed, the text kept."""
    html = "<h1>Bab</h1><table><tr><th>Ide</th></tr><tr><td>a\x00b\x0bc\x1bd</td></tr></table><p>e\x07f</p>"
    document = Document(io.BytesIO(_docx(html, region_name="Kab\x0b X")))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "abcd" in cells
    assert "ef" in [p.text for p in document.paragraphs]


def test_docx_of_a_very_long_title_and_region_name_is_written():
    """Core properties hold at most 255 characters: a long region + OPD name is cut there, not a failed stage."""
    long_name = "Kabupaten " + "Sangat Panjang " * 30
    document = Document(io.BytesIO(_docx("<p>isi</p>", title="Lembar Komitmen " + long_name, region_name=long_name)))
    assert len(document.core_properties.title) == 255
    assert document.core_properties.title.startswith("Lembar Komitmen Kabupaten Sangat")
    assert len(document.core_properties.author) <= 255


def test_book_title_from_html_is_decoded_once():
    """The <title> of a rendered book is escaped HTML; the cover escapes again, so it must be decoded first
    (a region called `Kab. </style> & "A"` showed `&lt;/style&gt; &amp;` on the PDF cover and DOCX title)."""
    from bimtek.stages.deliverables import _title_of

    title = _title_of("<html><head><title>Buku 2 Kab. &lt;/style&gt; &amp; &#34;A&#34;</title></head></html>", "x")
    assert title == 'Buku 2 Kab. </style> & "A"'
