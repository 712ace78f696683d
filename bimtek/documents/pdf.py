"""Books as print-ready PDF through WeasyPrint.

`book_pdf` wraps the book HTML (a full document or a body fragment) into a print document:

    cover page   title, region, stage, "Draf" and, for a synthetic region, the SYNTHETIC_NOTICE box
    Daftar Isi   one line per h1/h2 of the book with its page number (CSS target-counter); see `toc_entries`
    the book     tables repeat their header row and wrap long words; images fit the page width
    every page   running header (region left, stage right) and footer ("Halaman N dari M", "Draf" left)

Stylesheets, in cascade order: `defaults.css` (typography for a bare fragment), the book's own <style>/<link
rel="stylesheet"> elements (its typography wins), `style.css` (print layout, wins), then the running header and
footer generated here. h1-h3 without an id get one ("bagian-N") so the table of contents can point at them.

Determinism: WeasyPrint writes no creation date unless the document declares one, and the PDF gets no /ID. The
embedded font subsets would still carry the current time (fontTools stamps the font `head` table), so rendering
runs with SOURCE_DATE_EPOCH set to a fixed date (unless the caller's environment already sets it). The same
arguments therefore give byte-identical PDFs on the same machine (same WeasyPrint and fonts). Pass `created` to
record a date in the PDF metadata.

Fonts: the bundled Liberation files (fonts/, `font_faces_css`) serve every family name the stylesheets use, so the
page count of a book does not depend on the fonts installed on the machine.

Fetching: the run's own images reach the book as data: URIs (`embed_images` of the stage deliverables);
`RunImageFetcher` serves those and the bundled font files, nothing else. file:, http(s):, ftp: and data: URLs of other types (a stylesheet,
an attachment, a page) are refused without any I/O, so no text of the book can pull a local file or a network
resource into the PDF. Text inserted into CSS (the region name in the running header) goes through `css_string`,
which hex-escapes every character that could end a CSS string or the <style> element.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from bimtek.core.vocabularies import SYNTHETIC_NOTICE
from bimtek.documents.bundled_fonts import FONT_FAMILIES, FONT_STYLES, FONTS_DIR
from bimtek.documents.labels import DRAFT_LABEL, TOC_TITLE

DEFAULTS_PATH = Path(__file__).with_name("defaults.css")
"""Typography defaults, placed before the book's own styles (which win)."""
STYLE_PATH = Path(__file__).with_name("style.css")
"""Print layout (cover, contents, running heads, tables, images), placed after the book's styles (wins)."""
PROGRAM_NAME = "Gerakan Menuju Smart City"
ANCHORED_TAGS = ("h1", "h2", "h3")
"""Headings that get an id (when missing) so the table of contents can point at them."""
IMAGE_MEDIA_TYPES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")
"""Media types of the data: URIs the fetcher serves (the run's charts and logos)."""
_CSS_STRING_SAFE = re.compile(r"[A-Za-z0-9 ,.:;()\u00a0-\uffff-]")
"""Characters `css_string` writes as they are; any other (quotes, <, >, &, /, \\, controls) is hex-escaped."""
RUNNING_FONT = 'Arial, "Liberation Sans", "DejaVu Sans", sans-serif'
"""Font of the running header and footer (whatever font the book's text uses)."""
_SKIPPED_TAGS = {"html", "head", "body", "title", "meta", "base"}
WIDE_COLUMNS = 7
"""Tables with this many columns or more get class bimtek-wide (smaller type)."""
AMOUNT_COLUMNS = 3
"""Tables with long amounts in this many columns get class bimtek-amounts: amounts may wrap at their dots."""
BREAK_EVERY = 12
LONG_TOKEN = re.compile(r"[^\s<>&]{25,}")
"""Tokens this long (URLs, codes, run-together words) get <wbr> break opportunities."""
LONG_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")
FIXED_EPOCH = int(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())
"""Timestamp written into the embedded font subsets (via SOURCE_DATE_EPOCH)."""
_EPOCH_LOCK = threading.Lock()


@dataclass
class Heading:
    level: int
    anchor: str
    text: str


@dataclass
class BookParts:
    """What the wrapper needs from the book HTML."""

    body: str = ""
    """Inner HTML of <body> (or the whole fragment), with ids added to h1-h3."""
    head_styles: list[str] = field(default_factory=list)
    """<style> and <link rel="stylesheet"> elements of <head>, verbatim."""
    headings: list[Heading] = field(default_factory=list)


@dataclass
class _TableState:
    """A <table> being copied: where its start tag and its text sit in the output, what its columns hold."""

    index: int
    attrs: list[tuple[str, str | None]]
    columns: int = 0
    """Cells (with their colspan) of the first row; 0 until that row ends."""
    column: int = 0
    """Column of the cell being read."""
    next_column: int = 0
    amount_columns: set[int] = field(default_factory=set)
    """Columns holding long amounts (1.500.000.000)."""
    texts: list[int] = field(default_factory=list)
    """Output positions of the table's own text."""

    def classes(self) -> list[str]:
        names = [f"bimtek-cols-{min(self.columns, 12)}"]
        if self.columns >= WIDE_COLUMNS:
            names.append("bimtek-wide")
        if len(self.amount_columns) >= AMOUNT_COLUMNS:
            names.append("bimtek-amounts")
        return names


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    rendered = "".join(
        f' {name}="{html_lib.escape(value, quote=True)}"' if value is not None else f" {name}" for name, value in attrs
    )
    return f"<{tag}{rendered}>"


def _with_class(attrs: list[tuple[str, str | None]], *names: str) -> list[tuple[str, str | None]]:
    """`attrs` with `names` appended to the class attribute."""
    existing = " ".join(v or "" for k, v in attrs if k == "class")
    merged = " ".join(filter(None, [existing, *names]))
    return [*(a for a in attrs if a[0] != "class"), ("class", merged)]


def _long_token(match: re.Match) -> str:
    """Break opportunities (<wbr>) inside one long token: after separators, else every BREAK_EVERY characters."""
    pieces = re.findall(rf"[^/._,-]{{1,{BREAK_EVERY}}}[/._,-]*|[/._,-]+", match.group(0))
    return "<wbr>".join(pieces)


def break_hints(text: str, *, numbers: bool = False) -> str:
    """Raw HTML text with <wbr> inside tokens too long for a table column (and, when `numbers`, after the
    thousands dots of long amounts such as 22.980.000.000), so WeasyPrint can wrap them instead of overflowing."""
    text = LONG_TOKEN.sub(_long_token, text)
    if numbers:
        text = LONG_NUMBER.sub(lambda m: m.group(0).replace(".", ".<wbr>"), text)
    return text


class _BookSplitter(HTMLParser):
    """One pass over the book HTML: body markup is copied (h1-h3 get ids, tables get column classes, long words
    get break hints), head styles are kept, h1-h3 collected for the table of contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts = BookParts()
        self._body: list[str] = []
        self._in_head = False
        self._head_style: list[str] | None = None
        self._skip_depth = 0
        self._raw_text = 0
        self._heading: Heading | None = None
        self._heading_text: list[str] = []
        self._tables: list[_TableState] = []

    # -- helpers

    def _emit(self, text: str) -> None:
        if self._head_style is not None:
            self._head_style.append(text)
        elif not self._in_head and not self._skip_depth:
            self._body.append(text)

    def _heading_start(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        """Start tag of a TOC heading, with a generated id when it has none."""
        anchor = dict(attrs).get("id")
        if not anchor:
            anchor = f"bagian-{len(self.parts.headings) + 1}"
            attrs = [("id", anchor), *attrs]
        self._heading = Heading(int(tag[1]), anchor, "")
        self._heading_text = []
        return _start_tag(tag, attrs)

    def _table_start(self, attrs: list[tuple[str, str | None]]) -> None:
        self._emit(_start_tag("table", attrs))
        self._tables.append(_TableState(index=len(self._body) - 1, attrs=attrs))

    def _cell_start(self, attrs: list[tuple[str, str | None]]) -> None:
        if not self._tables:
            return
        table = self._tables[-1]
        span = dict(attrs).get("colspan") or "1"
        table.column = table.next_column
        table.next_column += int(span) if span.isdigit() else 1

    def _row_start(self) -> None:
        if self._tables:
            self._tables[-1].next_column = 0

    def _row_end(self) -> None:
        """The first row fixes the column count."""
        table = self._tables[-1] if self._tables else None
        if table is not None and not table.columns:
            table.columns = table.next_column

    def _table_end(self) -> None:
        """Mark the table with its classes; amounts of an amounts table get break hints after their dots."""
        self._row_end()
        table = self._tables.pop()
        self._body[table.index] = _start_tag("table", _with_class(table.attrs, *table.classes()))
        if "bimtek-amounts" in table.classes():
            for position in table.texts:
                self._body[position] = break_hints(self._body[position], numbers=True)

    def _table_text(self, text: str) -> None:
        """Text inside a table: remember where it is and whether its column holds amounts."""
        table = self._tables[-1]
        table.texts.append(len(self._body) - 1)
        if LONG_NUMBER.search(text):
            table.amount_columns.add(table.column)

    # -- parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self._in_head = True
        elif self._in_head and tag == "style":
            self._head_style = [self.get_starttag_text() or "<style>"]
        elif self._in_head and tag == "link" and (dict(attrs).get("rel") or "").lower() == "stylesheet":
            self.parts.head_styles.append(self.get_starttag_text() or "")
        elif tag == "title":
            self._skip_depth += 1
        elif tag in _SKIPPED_TAGS:
            return
        elif self._in_head:
            self._raw_text += tag in ("script", "style")
        elif tag in ANCHORED_TAGS:
            self._emit(self._heading_start(tag, attrs))
        elif tag == "table":
            self._table_start(attrs)
        else:
            if tag in ("td", "th"):
                self._cell_start(attrs)
            elif tag == "tr":
                self._row_start()
            self._raw_text += tag in ("script", "style")
            self._emit(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._in_head and tag == "link" and (dict(attrs).get("rel") or "").lower() == "stylesheet":
            self.parts.head_styles.append(self.get_starttag_text() or "")
        elif tag not in _SKIPPED_TAGS:
            self._emit(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        elif tag == "style" and self._head_style is not None:
            self.parts.head_styles.append("".join(self._head_style) + "</style>")
            self._head_style = None
        elif tag == "title":
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _SKIPPED_TAGS:
            return
        else:
            self._end_element(tag)

    def _end_element(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._raw_text = max(0, self._raw_text - 1)
        if tag in ANCHORED_TAGS and self._heading is not None:
            self._heading.text = " ".join("".join(self._heading_text).split())
            self.parts.headings.append(self._heading)
            self._heading = None
        if tag == "tr":
            self._row_end()
        if tag == "table" and self._tables:
            self._table_end()
        self._emit(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading_text.append(data)
        if self._raw_text or self._in_head:
            self._emit(data)
            return
        self._emit(break_hints(data))
        if self._tables and not self._skip_depth:
            self._table_text(data)

    def handle_entityref(self, name: str) -> None:
        self._entity(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._entity(f"&#{name};")

    def _entity(self, markup: str) -> None:
        """An entity passes through as written and counts as its character in heading text."""
        if self._heading is not None:
            self._heading_text.append(html_lib.unescape(markup))
        self._emit(markup)

    def close(self) -> None:
        super().close()
        self.parts.body = "".join(self._body)


def split_book(html: str) -> BookParts:
    """Body markup (with heading ids), head styles and the h1-h3 outline of a book HTML document or fragment."""
    parser = _BookSplitter()
    parser.feed(html)
    parser.close()
    return parser.parts


# ----------------------------------------------------------------------------------------------- assembly


def css_string(text: str) -> str:
    """`text` as a quoted CSS string (for `content:` of the page margin boxes).

    Every character outside letters, digits, spaces and plain punctuation becomes a CSS hex escape (`<` -> `\\3c `),
    so the value can neither close the string nor the <style> element around it. Control characters are dropped.
    """
    escaped = "".join(
        char if _CSS_STRING_SAFE.fullmatch(char) else f"\\{ord(char):x} "
        for char in text
        if char in "\t\n" or not (ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0)
    )
    return f'"{escaped}"'


def page_css(region_name: str, stage_label: str, synthetic: bool, official: bool = False) -> str:
    """Running header and footer of the content pages (the cover page has none). An `official` document (a legal
    or presentation document: bimtek.core.legal.LEGAL_DOCUMENTS) has no running header and no "Draf" label: only
    the page number and, for synthetic data, its notice."""
    left_footer = f"{DRAFT_LABEL} - {SYNTHETIC_NOTICE}" if synthetic else DRAFT_LABEL
    box = f"font-family: {RUNNING_FONT}; font-size: 8pt; font-weight: normal; color: #555;"
    head = "vertical-align: bottom; padding-bottom: 2mm; border-bottom: 0.5pt solid #999;"
    warning = "color: #b00020; font-weight: bold;" if synthetic else ""
    if official:
        notice = css_string(SYNTHETIC_NOTICE) if synthetic else "none"
        return f"""
@page {{
  @top-left {{ content: none; }}
  @top-center {{ content: none; }}
  @top-right {{ content: none; }}
  @bottom-left {{ content: {notice}; {box} {warning} }}
  @bottom-center {{ content: none; }}
  @bottom-right {{ content: "Halaman " counter(page) " dari " counter(pages); {box} }}
}}
"""
    return f"""
@page {{
  @top-left {{ content: {css_string(region_name)}; {box} {head} }}
  @top-center {{ content: none; }}
  @top-right {{ content: {css_string(stage_label)}; {box} {head} }}
  @bottom-left {{ content: {css_string(left_footer)}; {box} {warning} }}
  @bottom-center {{ content: none; }}
  @bottom-right {{ content: "Halaman " counter(page) " dari " counter(pages); {box} }}
}}
"""


def cover_html(*, title: str, region_name: str, stage_label: str, synthetic: bool) -> str:
    """The cover page section."""
    esc = html_lib.escape
    notice = f'<div class="synthetic">{esc(SYNTHETIC_NOTICE)}</div>' if synthetic else ""
    return (
        '<section class="cover"><div class="band"></div><div class="inner">'
        f'<div class="program">{esc(PROGRAM_NAME)}</div>'
        f'<div class="title">{esc(title)}</div>'
        f'<div class="region">{esc(region_name)}</div>'
        f'<div class="stage">{esc(stage_label)}</div>'
        f'<div class="status">{esc(DRAFT_LABEL)}</div>{notice}</div>'
        f'<div class="foot">{esc(region_name)} &#183; {esc(stage_label)} &#183; {esc(DRAFT_LABEL)}</div>'
        "</section>"
    )


def toc_entries(headings: list[Heading]) -> list[Heading]:
    """The headings listed in Daftar Isi, with levels renumbered from 1.

    Normally h1 and h2. A book with a single h1 uses it as its title (Buku 2: "# Buku 2 Masterplan ...", then
    "## BAB I ..." chapters and "### 1.1 ..." sections), so then h2 and h3 are listed instead.
    """
    top = 2 if sum(1 for h in headings if h.level == 1) == 1 else 1
    return [Heading(h.level - top + 1, h.anchor, h.text) for h in headings if top <= h.level <= top + 1]


def toc_html(headings: list[Heading]) -> str:
    """Daftar Isi: one entry per listed heading; the page number comes from target-counter() in style.css."""
    esc = html_lib.escape
    items = "".join(
        f'<li class="level-{h.level}"><a href="#{esc(h.anchor, quote=True)}">{esc(h.text)}</a></li>'
        for h in toc_entries(headings)
    )
    return f'<nav class="toc"><div class="toc-title">{esc(TOC_TITLE)}</div><ol>{items}</ol></nav>'


@lru_cache(maxsize=2)
def _stylesheet(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def print_document(
    html: str,
    *,
    title: str,
    region_name: str,
    stage_label: str,
    synthetic: bool,
    created: dt.date | None = None,
    front_matter: bool = True,
    official: bool = False,
) -> str:
    """The full HTML WeasyPrint renders: cover + table of contents + book, with the print stylesheets.

    `front_matter=False` leaves out the cover and contents (a one-page sheet such as a commitment sheet)."""
    parts = split_book(html)
    esc = html_lib.escape
    meta = [
        '<meta charset="utf-8">',
        f"<title>{esc(title)} - {esc(region_name)}</title>",
        f'<meta name="author" content="{esc(region_name, quote=True)}">',
        f'<meta name="description" content="{esc(stage_label, quote=True)}">',
        '<meta name="generator" content="bimtek">',
    ]
    if created is not None:
        stamp = created.isoformat()
        meta += [
            f'<meta name="dcterms.created" content="{stamp}">',
            f'<meta name="dcterms.modified" content="{stamp}">',
        ]
    head = "\n".join(
        [
            *meta,
            f"<style>{_stylesheet(DEFAULTS_PATH)}</style>",
            *parts.head_styles,
            f"<style>{_stylesheet(STYLE_PATH)}</style>",
            f"<style>{page_css(region_name, stage_label, synthetic, official)}</style>",
        ]
    )
    front = ""
    if front_matter:
        cover = cover_html(title=title, region_name=region_name, stage_label=stage_label, synthetic=synthetic)
        front = f"{cover}\n{toc_html(parts.headings)}\n"
    return (
        f'<!DOCTYPE html>\n<html lang="id">\n<head>\n{head}\n</head>\n<body>\n{front}'
        f'<main class="book">\n{parts.body}\n</main>\n</body>\n</html>\n'
    )


@contextmanager
def _fixed_font_timestamp():
    """Set SOURCE_DATE_EPOCH while rendering (fontTools reads it), unless the environment already sets it."""
    with _EPOCH_LOCK:
        if "SOURCE_DATE_EPOCH" in os.environ:
            yield
            return
        os.environ["SOURCE_DATE_EPOCH"] = str(FIXED_EPOCH)
        try:
            yield
        finally:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def _quiet_font_subsetting_warnings() -> None:
    """WeasyPrint warns once per font that it subsets with fontTools (no HarfBuzz-Subset here): not actionable."""
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)


@lru_cache(maxsize=1)
def _bundled_font_urls() -> frozenset[str]:
    return frozenset(path.as_uri() for path in FONTS_DIR.glob("*.ttf"))


@lru_cache(maxsize=1)
def font_faces_css() -> str:
    """@font-face rules giving every family name of the stylesheets (`FONT_FAMILIES`) the bundled files by URL.
    A bundled family without an italic uses its regular file (the renderer slants it)."""
    rules = []
    for stem, names in FONT_FAMILIES.items():
        for suffix, (weight, style) in FONT_STYLES.items():
            path = FONTS_DIR / f"{stem}-{suffix}.ttf"
            if not path.is_file():
                continue
            for name in names:
                rules.append(
                    f'@font-face {{ font-family: "{name}"; src: url("{path.as_uri()}"); '
                    f"font-weight: {weight}; font-style: {style}; }}"
                )
    return "\n".join(rules)


def run_image_fetcher():
    """A WeasyPrint URL fetcher serving only data: URIs of `IMAGE_MEDIA_TYPES` and the bundled font files
    (see module doc).

    Refused URLs are kept in its `refused` list (for logs and tests); WeasyPrint skips the resource and goes on.
    """
    from weasyprint.urls import URLFetcher

    class RunImageFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url in _bundled_font_urls():
                return super().fetch(url, headers)
            media_type = url[len("data:") :].split(";", 1)[0].split(",", 1)[0].strip().lower()
            if not url[:5].lower() == "data:" or media_type not in IMAGE_MEDIA_TYPES:
                self.refused.append(url)
                raise ValueError(f"Refused resource (only the run's own images are used): {url[:80]}")
            return super().fetch(url, headers)

    return RunImageFetcher()


def book_pdf(
    html: str,
    *,
    title: str,
    region_name: str,
    stage_label: str,
    synthetic: bool,
    created: dt.date | None = None,
    front_matter: bool = True,
    fetcher=None,
    official: bool = False,
) -> bytes:
    """Render a book (HTML document or body fragment) as an A4 PDF with cover, table of contents and page numbers.

    Images must be data: URIs (module doc: fetching). `created`, when given, is written as the PDF
    creation/modification date; without it the PDF carries no date at all. `fetcher` (default: a fresh
    `run_image_fetcher()`) lets a caller read which URLs were refused. `official`: no running header and no
    "Draf" label (`page_css`).
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    _quiet_font_subsetting_warnings()

    document = print_document(
        html,
        title=title,
        region_name=region_name,
        stage_label=stage_label,
        synthetic=synthetic,
        created=created,
        front_matter=front_matter,
        official=official,
    )
    with _fixed_font_timestamp():
        fetcher = fetcher or run_image_fetcher()
        fonts = FontConfiguration()
        faces = CSS(string=font_faces_css(), font_config=fonts, url_fetcher=fetcher)
        return HTML(string=document, url_fetcher=fetcher).write_pdf(stylesheets=[faces], font_config=fonts)
