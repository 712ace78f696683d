"""Books as editable Word documents (python-docx), converted from the same HTML as the PDF.

Two steps, both small and testable:

1. `parse_blocks(html, images)` reads the HTML with the stdlib parser into a tiny block model: `Para` (heading,
   paragraph, list item, quote, code, caption, figure) made of `Run`s (text with bold/italic/code, line breaks,
   pictures) and `Table`s of `Row`s of `Cell`s. Text outside <body> (title, styles, scripts) and <nav> is dropped.
2. `book_docx` writes a title page, a Word table of contents field, then the blocks with real Word styles:
   h1-h6 -> "Heading 1".."Heading 6", <ul>/<ol> -> "List Bullet"/"List Number" (each <ol> restarts at 1),
   <table> -> a "Table Grid" table whose <thead>/<th> rows are bold and repeat on every page, <img> -> picture
   (a PNG/JPEG data URI, or `images[src]`) scaled to the text width.

Headers show the region and stage, footers "Halaman N dari M" as PAGE/NUMPAGES fields (Word and LibreOffice fill
them in). The title page has no header or footer.

Fonts: every style names a bundled Liberation family (Sans for books, Serif for legal texts and sheets, Mono for
code) and the files are embedded in the package (bimtek.documents.bundled_fonts.embed_fonts), so the DOCX breaks
lines and pages like the PDF on a machine without those fonts.

Determinism: core properties get a fixed date (`created`, default FIXED_DATE) and the package is re-zipped with
a fixed timestamp per entry, so the same arguments give byte-identical files.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
import struct
from dataclasses import dataclass, field
from html.parser import HTMLParser

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as DocxImage
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Inches, Pt, RGBColor

from bimtek.core.archive import rezip
from bimtek.core.sanitise import clean_text
from bimtek.core.vocabularies import SYNTHETIC_NOTICE
from bimtek.documents.bundled_fonts import MONO, SANS, SERIF, embed_fonts
from bimtek.documents.labels import DRAFT_LABEL, TOC_TITLE

FIXED_DATE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
"""Core-property date used when the caller gives none (keeps the bytes stable)."""
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGINS = {"top": Cm(2.5), "bottom": Cm(2.2), "left": Cm(2.5), "right": Cm(2.0)}
TEXT_WIDTH = Emu(PAGE_WIDTH - MARGINS["left"] - MARGINS["right"])
MAX_PICTURE_HEIGHT = Cm(21.0)
TABLE_FONT_SIZE = Pt(9)
MONOSPACE = MONO
ACCENT = RGBColor(0x12, 0x3C, 0x69)
WARNING = RGBColor(0xB0, 0x00, 0x20)
PROGRAM_NAME = "Gerakan Menuju Smart City"
TOC_PLACEHOLDER = "Klik kanan lalu pilih \u201cPerbarui Bidang\u201d (Update Field) untuk menampilkan daftar isi."
"""Cached text of the contents field of a book without headings."""

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_SKIPPED = {"head", "title", "style", "script", "nav", "template", "noscript"}
_BLOCK_TEXT = {
    "p": "paragraph",
    "pre": "code",
    "figcaption": "caption",
    "caption": "caption",
    "dt": "paragraph",
    "dd": "paragraph",
}
_LAYOUT = re.compile(r'<div class="layout-(legal|sheet)">')
_AMOUNT_SPACE = re.compile(r"\bRp (?=\d)")
CHAR_WIDTH = 0.7
"""Width of an average character in em (generous: bold headers, serif fallback fonts), for fitting columns."""
CELL_PADDING = Cm(0.4)
"""Left + right cell margins of a Word table."""
SHORT_COLUMN_CHARS = 6
"""A column whose longest word has at most this many characters keeps its width in a table too wide for its words."""
LAYOUT_FONTS = {"legal": (SERIF, Pt(12)), "sheet": (SERIF, Pt(11))}
"""Body type of a legal text and of a one-page sheet (the book layout keeps the template's Normal size)."""
_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_DATA_URI = re.compile(r"data:image/[a-z0-9.+-]+;base64,(?P<data>.*)", re.IGNORECASE | re.DOTALL)


# ----------------------------------------------------------------------------------------------- block model


@dataclass
class Run:
    text: str = ""
    bold: bool = False
    italic: bool = False
    code: bool = False
    line_break: bool = False
    image: bytes | None = None


DIV_PLACEMENT = {"kop-surat": "center", "ttd": "signature"}
"""Classes of <div> whose paragraphs Word places as the PDF does: a letterhead centred, a signature block at the
right (from 55% of the text width), as templates/feedback-opd.html.j2 styles them."""
_TEXT_ALIGN = re.compile(r"text-align:\s*(center|right)")
SIGNATURE_INDENT = 0.55
"""Share of the text width left of a signature block."""
KEEP_TOGETHER = {"penutup", "ttd"}
"""Classes of <div> whose paragraphs stay on one page with what follows (a letter's closing and signature block,
as CSS `break-inside: avoid` keeps them in the PDF)."""


@dataclass
class Para:
    kind: str = "paragraph"
    """heading, paragraph, list, quote, code, caption or figure."""
    level: int = 0
    """Heading level (1-6) or list nesting level (1 = top)."""
    runs: list[Run] = field(default_factory=list)
    ordered: bool = False
    list_id: int = 0
    """Identifies the <ol>/<ul> the item belongs to (numbered lists restart per list)."""
    keep: bool = False
    """Inside an element of a `KEEP_TOGETHER` class: kept on one page with the paragraph after it."""
    placement: str | None = None
    """"center", "right" (a <p> with that text-align) or "signature" (`DIV_PLACEMENT`); None: as its style."""

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Cell:
    blocks: list = field(default_factory=list)
    colspan: int = 1
    header: bool = False


@dataclass
class Row:
    cells: list[Cell] = field(default_factory=list)
    header: bool = False


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    layout: bool = False
    """A layout table (class "layout": konsiderans, signature block): no borders, no header row."""

    @property
    def columns(self) -> int:
        return max((sum(c.colspan for c in row.cells) for row in self.rows), default=0)


def image_bytes(src: str, images: dict[str, bytes] | None) -> bytes | None:
    """Bytes of an <img src>: `images[src]` first, then a base64 data URI; None when neither applies."""
    if images and src in images:
        return images[src]
    match = _DATA_URI.match(src.strip())
    if not match:
        return None
    try:
        return base64.b64decode("".join(match["data"].split()), validate=True)
    except (binascii.Error, ValueError):
        return None


# ----------------------------------------------------------------------------------------------- HTML -> blocks


class _BlockParser(HTMLParser):
    """Builds the block model from HTML (see module docstring)."""

    def __init__(self, images: dict[str, bytes] | None, layout: str = "book") -> None:
        super().__init__(convert_charrefs=True)
        self.images = images
        self.layout = layout
        self.blocks: list = []
        self._targets: list[list] = [self.blocks]
        self._para: Para | None = None
        self._pending_item: Para | None = None
        self._lists: list[tuple[bool, int]] = []
        self._list_count = 0
        self._tables: list[tuple[Table, bool]] = []
        self._format = {"bold": 0, "italic": 0, "code": 0}
        self._skip = 0
        self._quote = 0
        self._pre = 0
        self._keep: list[bool] = []
        """One entry per open <div>: whether it has a `KEEP_TOGETHER` class."""
        self._placement: list[str | None] = []
        """One entry per open <div>: its `DIV_PLACEMENT`, if any."""

    # -- paragraphs

    def _close_para(self) -> None:
        para = self._para
        self._para = None
        if para is None:
            return
        _trim_runs(para.runs)
        if para.runs:
            self._targets[-1].append(para)

    def _open_para(self, kind: str, level: int = 0) -> Para:
        self._close_para()
        if kind == "paragraph" and self._pending_item is not None:
            para, self._pending_item = self._pending_item, None
        else:
            if kind == "paragraph" and self._quote:
                kind = "quote"
            para = Para(kind=kind, level=level)
        para.keep = any(self._keep)
        para.placement = next((p for p in reversed(self._placement) if p), None)
        self._para = para
        return para

    def _current_para(self) -> Para:
        return self._para if self._para is not None else self._open_para("paragraph")

    def _add_text(self, text: str) -> None:
        para = self._current_para()
        para.runs.append(
            Run(
                text=text,
                bold=self._format["bold"] > 0,
                italic=self._format["italic"] > 0,
                code=self._format["code"] > 0 or para.kind == "code",
            )
        )

    # -- tables

    def _start_table(self, attrs: dict) -> None:
        self._close_para()
        self._tables.append((Table(layout="layout" in (attrs.get("class") or "").split()), False))

    def _end_table(self) -> None:
        if not self._tables:
            return
        self._close_para()
        table, _ = self._tables.pop()
        for row in table.rows:
            if row.cells and all(c.header for c in row.cells) and row is table.rows[0]:
                row.header = True
        if table.rows:
            self._targets[-1].append(table)

    def _start_row(self) -> None:
        if self._tables:
            table, in_head = self._tables[-1]
            table.rows.append(Row(header=in_head))

    def _start_cell(self, tag: str, attrs: dict) -> None:
        if not self._tables:
            return
        self._close_para()
        table, _ = self._tables[-1]
        if not table.rows:
            self._start_row()
        colspan = attrs.get("colspan") or "1"
        cell = Cell(colspan=max(1, int(colspan)) if colspan.isdigit() else 1, header=tag == "th")
        table.rows[-1].cells.append(cell)
        self._targets.append(cell.blocks)
        if cell.header:
            self._format["bold"] += 1

    def _end_cell(self, tag: str) -> None:
        if len(self._targets) <= 1:
            return
        self._close_para()
        self._targets.pop()
        if tag == "th":
            self._format["bold"] = max(0, self._format["bold"] - 1)

    # -- lists and images

    def _start_item(self) -> None:
        self._close_para()
        ordered, list_id = self._lists[-1] if self._lists else (False, 0)
        self._pending_item = Para(kind="list", level=max(1, len(self._lists)), ordered=ordered, list_id=list_id)

    def _add_image(self, attrs: dict) -> None:
        data = image_bytes(attrs.get("src") or "", self.images)
        alt = attrs.get("alt") or ""
        if data is None:
            self._add_text(f"[Gambar: {alt}]" if alt else "[Gambar]")
            return
        if self._para is None or not self._para.text.strip():
            self._open_para("figure")
        self._para.runs.append(Run(image=data, text=""))

    # -- parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
            return
        if self._skip:
            return
        named = {k: v for k, v in attrs}
        if tag in _HEADINGS:
            self._open_para("heading", _HEADINGS[tag])
        elif tag in _BLOCK_TEXT:
            para = self._open_para(_BLOCK_TEXT[tag])
            if align := _TEXT_ALIGN.search(named.get("style") or ""):
                para.placement = align.group(1)
            if tag == "pre":
                self._pre += 1
        elif tag in ("ul", "ol"):
            self._close_para()
            self._list_count += 1
            self._lists.append((tag == "ol", self._list_count))
        elif tag == "li":
            self._start_item()
        elif tag == "blockquote":
            self._close_para()
            self._quote += 1
        elif tag == "hr" and self.layout == "legal":
            self._close_para()
            self._targets[-1].append(Para(kind="break"))
        elif tag in ("div", "section", "article", "main", "header", "footer", "figure", "aside", "hr", "dl"):
            self._close_para()
            if tag == "div":
                classes = set((named.get("class") or "").split())
                self._keep.append(bool(KEEP_TOGETHER & classes))
                self._placement.append(next((DIV_PLACEMENT[c] for c in sorted(classes) if c in DIV_PLACEMENT), None))
        elif tag in ("b", "strong"):
            self._format["bold"] += 1
        elif tag in ("i", "em", "cite"):
            self._format["italic"] += 1
        elif tag in ("code", "kbd", "samp"):
            self._format["code"] += 1
        elif tag == "br":
            self._current_para().runs.append(Run(line_break=True))
        elif tag == "img":
            self._add_image(named)
        else:
            self._table_start(tag, named)

    def _table_start(self, tag: str, attrs: dict) -> None:
        if tag == "table":
            self._start_table(attrs)
        elif tag == "thead" and self._tables:
            self._tables[-1] = (self._tables[-1][0], True)
        elif tag in ("tbody", "tfoot") and self._tables:
            self._tables[-1] = (self._tables[-1][0], False)
        elif tag == "tr":
            self._close_para()
            self._start_row()
        elif tag in ("td", "th"):
            self._start_cell(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img", "hr") and tag not in _SKIPPED:
            self.handle_endtag(tag)
        elif tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if (
            tag in _HEADINGS
            or tag in _BLOCK_TEXT
            or tag in ("div", "section", "article", "main", "figure", "header", "footer", "aside", "dl")
        ):
            self._close_para()
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            if tag == "div" and self._keep:
                self._keep.pop()
                self._placement.pop()
        elif tag in ("ul", "ol"):
            self._close_para()
            self._pending_item = None
            if self._lists:
                self._lists.pop()
        elif tag == "li":
            self._close_para()
            self._pending_item = None
        elif tag == "blockquote":
            self._close_para()
            self._quote = max(0, self._quote - 1)
        elif tag in ("b", "strong"):
            self._format["bold"] = max(0, self._format["bold"] - 1)
        elif tag in ("i", "em", "cite"):
            self._format["italic"] = max(0, self._format["italic"] - 1)
        elif tag in ("code", "kbd", "samp"):
            self._format["code"] = max(0, self._format["code"] - 1)
        elif tag == "table":
            self._end_table()
        elif tag in ("thead",) and self._tables:
            self._tables[-1] = (self._tables[-1][0], False)
        elif tag in ("td", "th"):
            self._end_cell(tag)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre:
            lines = data.split("\n")
            for i, line in enumerate(lines):
                if i:
                    self._current_para().runs.append(Run(line_break=True))
                if line:
                    self._add_text(line)
            return
        text = re.sub(r"\s+", " ", data)
        if not text.strip() and (self._para is None or not self._para.runs):
            return
        self._add_text(text)

    def close(self) -> None:
        super().close()
        while self._tables:
            self._end_table()
        self._close_para()


def _trim_runs(runs: list[Run]) -> None:
    """Drop the leading/trailing blanks of a paragraph (leading/trailing line breaks and spaces)."""
    while runs and runs[0].image is None and (runs[0].line_break or not runs[0].text.strip()):
        if not runs[0].line_break and runs[0].code and runs[0].text:
            break
        runs.pop(0)
    while runs and runs[-1].image is None and (runs[-1].line_break or not runs[-1].text.strip()):
        runs.pop()
    if runs and runs[0].image is None and not runs[0].code:
        runs[0].text = runs[0].text.lstrip()
    if runs and runs[-1].image is None and not runs[-1].code:
        runs[-1].text = runs[-1].text.rstrip()


def layout_of(html: str) -> str:
    """ "legal" or "sheet" when the body sits in <div class="layout-..."> (templates/base.html.j2), else "book"."""
    match = _LAYOUT.search(html)
    return match.group(1) if match else "book"


def parse_blocks(html: str, images: dict[str, bytes] | None = None) -> list:
    """The block model (Para and Table items, in document order) of a book HTML document or fragment.

    In the legal layout a horizontal rule is a page break (Para kind "break")."""
    parser = _BlockParser(images, layout_of(html))
    parser.feed(html)
    parser.close()
    return parser.blocks


# ----------------------------------------------------------------------------------------------- Word helpers


def _add_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """Append a complex field (PAGE, NUMPAGES ...) showing `placeholder` until Word/LibreOffice updates it."""
    _field_runs(paragraph, instruction, placeholder)


def _keep_row_together(row) -> None:
    """A table row never splits across two pages (w:cantSplit), in Word and LibreOffice alike."""
    tr_pr = row._tr.get_or_add_trPr()
    keep = OxmlElement("w:cantSplit")
    keep.set(qn("w:val"), "true")
    tr_pr.append(keep)


def _mark_header_row(row) -> None:
    """Repeat this table row at the top of every page the table spans."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _restarted_numbering(document, style_name: str) -> int:
    """A new numbering instance of the style's list definition that starts again at 1; returns its numId."""
    numbering = document.part.numbering_part.numbering_definitions._numbering
    style_num_id = document.styles[style_name].element.pPr.numPr.numId.val
    abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


def _set_numbering(paragraph, num_id: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def _picture_size(data: bytes, max_width: int) -> tuple[int, int] | None:
    """Width and height (EMU) of a picture at its own resolution, shrunk to `max_width` x MAX_PICTURE_HEIGHT."""
    try:
        image = DocxImage.from_blob(data)
    except (UnrecognizedImageError, ValueError, IndexError, struct.error):  # unknown format or corrupt bytes
        return None
    width, height = int(image.width), int(image.height)
    scale = min(1.0, max_width / width if width else 1.0, MAX_PICTURE_HEIGHT / height if height else 1.0)
    return int(width * scale), int(height * scale)


# ----------------------------------------------------------------------------------------------- column widths


def _cell_text(cell: Cell) -> str:
    return " ".join(b.text for b in cell.blocks if isinstance(b, Para))


def _longest_token(text: str) -> int:
    """Characters of the longest piece that must not wrap: a word, or an amount with its "Rp" ("Rp 600.000.000")."""
    return max((len(t) for t in _AMOUNT_SPACE.sub("Rp\u00a0", text).split(" ")), default=0)


def column_widths(table: Table, max_width: int) -> list[int]:
    """Widths (EMU) of the table's columns, fitted to their content and summing to `max_width`.

    Each column needs at least its longest unbreakable piece (a word, "Rp 600.000.000") and would like its longest
    text on one line. When everything fits, the spare width goes to the columns in proportion to what they would
    like; otherwise every column gets its minimum and the rest is shared by the columns that would like more. A
    column that is empty in every row (a spacer of a layout table) takes an equal share of the width.
    """
    columns = table.columns
    if not columns:
        return []
    least, wanted = [0] * columns, [0] * columns
    for row in table.rows:
        position = 0
        for cell in row.cells:
            if cell.colspan == 1 and position < columns:
                text = _cell_text(cell).replace("\u00a0", " ").strip()
                least[position] = max(least[position], _longest_token(text))
                wanted[position] = max(wanted[position], len(text))
            position += cell.colspan
    share = max_width // columns
    char = Pt((12 if table.layout else TABLE_FONT_SIZE.pt) * CHAR_WIDTH)
    empty = [w == 0 for w in wanted]
    least = [share if e else int(n * char + CELL_PADDING) for n, e in zip(least, empty)]
    wanted = [share if e else int(n * char + CELL_PADDING) for n, e in zip(wanted, empty)]
    if sum(least) >= max_width:
        # too narrow for every word: short columns (No, Tahun, a score) keep their width, so "17" never wraps to
        # "1 / 7"; the long ones share the rest in proportion
        short = int(SHORT_COLUMN_CHARS * char + CELL_PADDING)
        kept = sum(w for w in least if w <= short)
        rest = sum(w for w in least if w > short)
        if rest and kept < max_width // 2:
            return [w if w <= short else int(w * (max_width - kept) / rest) for w in least]
        return [int(w * max_width / sum(least)) for w in least]
    if sum(wanted) <= max_width:
        return [int(w * max_width / sum(wanted)) for w in wanted]
    spare = max_width - sum(least)
    extra = [w - m for w, m in zip(wanted, least)]
    return [m + int(spare * e / sum(extra)) for m, e in zip(least, extra)]


def _fix_widths(word_table, widths: list[int]) -> None:
    """Give the Word table fixed column widths (grid and every cell; autofit off writes a fixed table layout), so
    Word and LibreOffice keep them."""
    word_table.autofit = False
    for column, width in zip(word_table.columns, widths):
        column.width = Emu(width)
    for row in word_table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Emu(width)


# ----------------------------------------------------------------------------------------------- blocks -> Word


class _Writer:
    """Writes blocks into a python-docx Document (or into table cells)."""

    def __init__(self, document, chapter_level: int = 1, layout: str = "book") -> None:
        self.document = document
        self.chapter_level = chapter_level
        self.layout = layout
        self._numbering: dict[int, int] = {}
        self._written = 0
        self._chapters = 0

    def paragraph_style(self, para: Para) -> str:
        if para.kind == "heading":
            return f"Heading {min(para.level, 6)}"
        if para.kind == "list":
            base = "List Number" if para.ordered else "List Bullet"
            return base if para.level <= 1 else f"{base} {min(para.level, 3)}"
        return {"quote": "Quote", "caption": "Caption", "code": "No Spacing"}.get(para.kind, "Normal")

    def write_runs(self, paragraph, runs: list[Run], *, bold: bool = False, size=None, max_width=TEXT_WIDTH):
        for run in runs:
            if run.image is not None:
                self._picture(paragraph, run.image, max_width)
                continue
            if run.line_break:
                paragraph.add_run().add_break(WD_BREAK.LINE)
                continue
            word_run = paragraph.add_run(_AMOUNT_SPACE.sub("Rp\u00a0", run.text))
            word_run.bold = True if (run.bold or bold) else None
            word_run.italic = True if run.italic else None
            if run.code:
                word_run.font.name = MONOSPACE
            if size is not None:
                word_run.font.size = size

    def _picture(self, paragraph, data: bytes, max_width: int) -> None:
        size = _picture_size(data, max_width)
        if size is None:
            paragraph.add_run("[Gambar tidak dapat dibaca]")
            return
        paragraph.add_run().add_picture(io.BytesIO(data), width=Emu(size[0]), height=Emu(size[1]))

    def paragraph(self, container, para: Para, *, first=None, in_table: bool = False, max_width=TEXT_WIDTH):
        paragraph = first if first is not None else container.add_paragraph()
        if para.kind == "break":
            paragraph.add_run().add_break(WD_BREAK.PAGE)
            return paragraph
        if para.kind == "heading" and self.layout != "book":
            return self._centred_heading(paragraph, para)
        paragraph.style = self.document.styles[self.paragraph_style(para)]
        if para.kind == "list" and para.ordered and para.level <= 1:
            if para.list_id not in self._numbering:
                self._numbering[para.list_id] = _restarted_numbering(self.document, "List Number")
            _set_numbering(paragraph, self._numbering[para.list_id])
        if para.kind == "heading" and para.level == self.chapter_level and not in_table:
            # like the PDF (h2 ~ h2): a chapter starts a new page after another chapter, so a book's title block
            # shares its page with the first chapter instead of standing alone
            if self._chapters:
                paragraph.paragraph_format.page_break_before = True
            self._chapters += 1
        self._written += not in_table
        if para.kind == "figure":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if para.keep:
            paragraph.paragraph_format.keep_with_next = True
        if para.placement in ("center", "right"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if para.placement == "center" else WD_ALIGN_PARAGRAPH.RIGHT
        elif para.placement == "signature":
            paragraph.paragraph_format.left_indent = Emu(int(TEXT_WIDTH * SIGNATURE_INDENT))
        self.write_runs(paragraph, para.runs, size=TABLE_FONT_SIZE if in_table else None, max_width=max_width)
        return paragraph

    def _centred_heading(self, paragraph, para: Para):
        """A heading of a legal text or a sheet: body type, bold, centred, kept with the next paragraph."""
        paragraph.style = self.document.styles["Normal"]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(6 if para.level > 1 else 0)
        self.write_runs(paragraph, para.runs, bold=True)
        self._written += 1
        return paragraph

    def table(self, container, table: Table, max_width=TEXT_WIDTH) -> None:
        columns = table.columns
        word_table = container.add_table(rows=len(table.rows), cols=columns)
        if table.layout:
            word_table.style = self.document.styles["Normal Table"]
            word_table.alignment = WD_TABLE_ALIGNMENT.LEFT
        else:
            word_table.style = self.document.styles["Table Grid"]
            word_table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = column_widths(table, int(max_width))
        _fix_widths(word_table, widths)
        for row, word_row in zip(table.rows, word_table.rows):
            _keep_row_together(word_row)
            if row.header:
                _mark_header_row(word_row)
            self._fill_row(row, word_row, widths, table.layout)

    def _fill_row(self, row: Row, word_row, widths: list[int], layout: bool) -> None:
        position = 0
        for cell in row.cells:
            word_cell = word_row.cells[position]
            if cell.colspan > 1:
                word_cell = word_cell.merge(word_row.cells[min(position + cell.colspan, len(word_row.cells)) - 1])
            self.blocks(
                word_cell,
                cell.blocks,
                in_table=not layout,
                bold=row.header,
                max_width=sum(widths[position : position + cell.colspan]),
                first_in_cell=True,
            )
            if layout and len(widths) <= 2:  # a signature block stays on one page
                for paragraph in word_cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
                    paragraph.paragraph_format.space_after = Pt(0)
            position += cell.colspan

    def blocks(
        self,
        container,
        blocks: list,
        *,
        in_table: bool = False,
        bold: bool = False,
        max_width=TEXT_WIDTH,
        first_in_cell: bool = False,
    ) -> None:
        first = container.paragraphs[0] if (in_table or first_in_cell) and container.paragraphs else None
        for block in blocks:
            if isinstance(block, Table):
                self.table(container, block, max_width=max_width)
                continue
            paragraph = self.paragraph(container, block, first=first, in_table=in_table, max_width=max_width)
            first = None
            if bold:
                for run in paragraph.runs:
                    run.bold = True


# ----------------------------------------------------------------------------------------------- page furniture


STYLE_TAB_STOPS = (Inches(3.25), Inches(6.5))
"""Tab stops of the default template's Header and Footer styles (centre, right), cleared in the running lines."""


def _setup_section(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.different_first_page_header_footer = True


def _two_sided_line(paragraph, left: str) -> None:
    """Left text, then a right-aligned tab stop at the text width (the caller adds the right part). The Header and
    Footer styles' own centre and right stops are cleared: LibreOffice otherwise stops the tab at the centre and
    runs the two texts together."""
    stops = paragraph.paragraph_format.tab_stops
    for inherited in STYLE_TAB_STOPS:
        stops.add_tab_stop(inherited, WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    run = paragraph.add_run(left)
    run.font.size = Pt(8)
    paragraph.add_run("\t")


def _header_footer(document, region_name: str, stage_label: str, synthetic: bool, official: bool = False) -> None:
    """Header (region, stage) and footer ("Draf", page N of M); an `official` document (legal or presentation) has
    no header and no "Draf" label, as its PDF (bimtek.documents.pdf.page_css)."""
    section = document.sections[0]
    if not official:
        header = section.header.paragraphs[0]
        _two_sided_line(header, region_name)
        header.add_run(stage_label).font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    left = f"{DRAFT_LABEL} - {SYNTHETIC_NOTICE}" if synthetic else DRAFT_LABEL
    _two_sided_line(footer, (SYNTHETIC_NOTICE if synthetic else "") if official else left)
    footer.add_run("Halaman ")
    _add_field(footer, "PAGE")
    footer.add_run(" dari ")
    _add_field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)


def _title_page(document, *, title: str, region_name: str, stage_label: str, synthetic: bool) -> None:
    def line(text: str, size: int, *, bold=False, color=None, space_after=6, style=None):
        paragraph = document.add_paragraph(style=style)
        paragraph.paragraph_format.space_after = Pt(space_after)
        run = paragraph.add_run(text)
        run.font.size, run.bold = Pt(size), bold or None
        if color is not None:
            run.font.color.rgb = color
        return paragraph

    for _ in range(5):
        document.add_paragraph()
    line(PROGRAM_NAME.upper(), 10, color=ACCENT, space_after=24)
    line(title, 26, bold=True, color=ACCENT, space_after=18, style="Title")
    line(region_name, 16, bold=True)
    line(stage_label, 13, space_after=24)
    line(DRAFT_LABEL.upper(), 12, bold=True)
    if synthetic:
        line(SYNTHETIC_NOTICE, 13, bold=True, color=WARNING)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def chapter_level(blocks: list) -> int:
    """Heading level of the chapters: 2 when the book has a single h1 (its title, as in Buku 2), else 1.

    Chapters start on a new page and the table of contents lists the chapter level and the one below, like the
    PDF (bimtek.documents.pdf.toc_entries).
    """
    titles = sum(1 for b in blocks if isinstance(b, Para) and b.kind == "heading" and b.level == 1)
    return 2 if titles == 1 else 1


TOC_BOOKMARK = "_TocBimtek{}"
"""Bookmark on the n-th heading the contents list; its entry's page number is a PAGEREF field to it."""


def _field_runs(paragraph, instruction: str, cached: str | None = None, *, begin=True, end=True) -> None:
    """Runs of a complex field in `paragraph`: begin, instruction, separate, the cached text, end (either end
    left out when the field spans several paragraphs)."""

    def fld_char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    if begin:
        fld_char("begin")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        paragraph.add_run()._r.append(instr)
        fld_char("separate")
    if cached is not None:
        paragraph.add_run(cached)
    if end:
        fld_char("end")


def _table_of_contents(document, level: int, blocks: list) -> None:
    """Daftar Isi: one paragraph per chapter and section title (styles "TOC 1"/"TOC 2" when present), a dotted tab
    and the page number as a PAGEREF field to a bookmark on the heading (`_bookmark_headings`).

    LibreOffice computes PAGEREF fields as it lays out the pages, and Word updates them on open
    (w:updateFields in settings.xml), so both show real page numbers; a TOC field would show no page numbers in
    LibreOffice until someone updates it by hand. A book without headings gets an empty TOC field."""
    document.add_paragraph(TOC_TITLE, style="TOC Heading")
    entries = [b for b in blocks if isinstance(b, Para) and b.kind == "heading" and level <= b.level <= level + 1]
    if not entries:
        paragraph = document.add_paragraph()
        _field_runs(paragraph, f'TOC \\o "{level}-{level + 1}" \\h \\z \\u', TOC_PLACEHOLDER)
    for index, heading in enumerate(entries):
        style = "TOC 1" if heading.level == level else "TOC 2"
        paragraph = document.add_paragraph(style=style if style in _style_names(document) else None)
        paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        if heading.level > level and style not in _style_names(document):
            paragraph.paragraph_format.left_indent = Cm(0.8)
        paragraph.add_run(heading.text)
        paragraph.add_run("\t")
        _field_runs(paragraph, f"PAGEREF {TOC_BOOKMARK.format(index)} \\h", "")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _style_names(document) -> set[str]:
    return {style.name for style in document.styles}


def _bookmark_headings(document, level: int) -> None:
    """Bookmarks `TOC_BOOKMARK` on the body headings the contents list (levels `level` and `level + 1`), in
    order: the n-th gets the n-th entry's bookmark."""
    wanted = {f"Heading {level}", f"Heading {level + 1}"}
    headings = [p for p in document.paragraphs if p.style is not None and p.style.name in wanted]
    for index, paragraph in enumerate(headings):
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(index + 1))
        start.set(qn("w:name"), TOC_BOOKMARK.format(index))
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(index + 1))
        paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
        paragraph._p.append(end)


CORE_PROPERTY_MAX_CHARS = 255
"""Longest text python-docx accepts in a core property (title, subject, author); longer text is cut with "..."."""


def _property_text(text: str) -> str:
    """`text` fitted to a core property: a long region or OPD name is cut rather than failing the document."""
    if len(text) <= CORE_PROPERTY_MAX_CHARS:
        return text
    return text[: CORE_PROPERTY_MAX_CHARS - 3].rstrip() + "..."


def _use_bundled_fonts(document, family: str) -> None:
    """Every style names a bundled family (bimtek.documents.bundled_fonts) instead of a theme font (Calibri,
    Cambria) or Courier: `family` for text, MONO for code. With the files embedded, Word and LibreOffice lay the
    document out with the same fonts as the PDF whatever is installed."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        r_pr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if r_pr is not None and r_pr.find(qn("w:rFonts")) is None:
            r_pr.insert(0, OxmlElement("w:rFonts"))
    for fonts in styles.iter(qn("w:rFonts")):
        mono = "courier" in (fonts.get(qn("w:ascii")) or "").lower()
        for name in _THEME_FONT_ATTRIBUTES:
            fonts.attrib.pop(qn(name), None)
        for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(name), MONO if mono else family)
    # bullets: the template draws them with the Symbol font's private-use glyph (U+F0B7), which no bundled font
    # has; a bullet character of the text family prints the same everywhere
    for level in document.part.numbering_part.element.iter(qn("w:lvl")):
        fonts, text = level.find(qn("w:rPr") + "/" + qn("w:rFonts")), level.find(qn("w:lvlText"))
        if fonts is not None and fonts.get(qn("w:ascii")) == "Symbol" and text is not None:
            text.set(qn("w:val"), "\u2022")
            for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(name), family)


def _core_properties(document, *, title: str, region_name: str, stage_label: str, created: dt.datetime) -> None:
    props = document.core_properties
    props.title = _property_text(title)
    props.subject = _property_text(f"{region_name} - {stage_label}")
    props.author = _property_text(region_name)
    props.last_modified_by = "bimtek"
    props.comments = DRAFT_LABEL
    props.revision = 1
    props.created = created
    props.modified = created
    props.last_printed = created


def book_docx(
    html: str,
    *,
    title: str,
    region_name: str,
    stage_label: str,
    synthetic: bool,
    images: dict[str, bytes] | None = None,
    created: dt.datetime | dt.date | None = None,
    front_matter: bool = True,
    official: bool = False,
) -> bytes:
    """A Word document of the book: title page, table of contents field, then the converted HTML content.

    `images` maps an <img src> to picture bytes (PNG/JPEG) for images that are not data URIs. `created` is the
    core-property date (default FIXED_DATE), so the output does not depend on the clock. Control characters an
    OPD file may carry (NUL, vertical tab ...) are removed first with the cell sanitiser's `clean_text`: Word's XML
    cannot hold them.
    """
    html, title, region_name, stage_label = (clean_text(text) for text in (html, title, region_name, stage_label))
    when = created or FIXED_DATE
    if not isinstance(when, dt.datetime):
        when = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
    document = Document()
    _setup_section(document)
    layout = layout_of(html)
    _use_bundled_fonts(document, LAYOUT_FONTS[layout][0] if layout in LAYOUT_FONTS else SANS)
    if layout in LAYOUT_FONTS:
        normal = document.styles["Normal"]
        normal.font.name, normal.font.size = LAYOUT_FONTS[layout]
    _header_footer(document, region_name, stage_label, synthetic, official)
    if front_matter:  # books get a title page and contents; a one-page sheet (front_matter=False) does not
        _title_page(document, title=title, region_name=region_name, stage_label=stage_label, synthetic=synthetic)
    blocks = parse_blocks(html, images)
    level = chapter_level(blocks)
    if front_matter:
        _table_of_contents(document, level, blocks)
    _Writer(document, level, layout).blocks(document, blocks)
    if front_matter:
        _bookmark_headings(document, level)
    _core_properties(document, title=title, region_name=region_name, stage_label=stage_label, created=when)
    buffer = io.BytesIO()
    document.save(buffer)
    return rezip(embed_fonts(buffer.getvalue()))


__all__ = ["Cell", "Para", "Row", "Run", "Table", "book_docx", "chapter_level", "image_bytes", "parse_blocks"]
