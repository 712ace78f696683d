"""Slide decks (16:9) through python-pptx: the rakor pack as PowerPoint, beside its landscape PDF.

`deck_pptx(slides, ...)` takes plain slide specs (`Slide`: a title, an optional headline, text lines, an optional
table, an optional PNG chart) so the same figures the rakor template prints go onto the slides; nothing here
computes a figure.

Layout rules (a deck the Bupati projects, in PowerPoint or in LibreOffice without Calibri):
- every run names `FONT` (Arial: LibreOffice maps it to the metric-compatible Liberation Sans it ships, the font
  bimtek.documents.bundled_fonts bundles), and every box is as tall as its text measured with that bundled font
  (`text_lines`), so the body always starts below the title however many lines the title takes;
- no text smaller than `MIN_PT` (14 pt) but the footer; table columns are as wide as their longest cell needs;
- a chart is fitted into the room left, keeping its aspect ratio and centred;
- every slide but the title slide carries its number ("n / N") in the footer.

Determinism: fixed core properties (FIXED_DATE) and the package re-zipped with fixed entry times
(bimtek.core.archive.rezip), so the same slides give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Mm, Pt

from bimtek.core.archive import rezip
from bimtek.documents.bundled_fonts import FONTS_DIR
from bimtek.documents.docx import FIXED_DATE

WIDTH, HEIGHT = Mm(338.67), Mm(190.5)
"""13.333 x 7.5 inches: PowerPoint's 16:9 slide."""
MARGIN = Mm(14)
NAVY = RGBColor(0x12, 0x3C, 0x69)
RED = RGBColor(0xA0, 0x00, 0x00)
BLANK_LAYOUT = 6
FONT = "Arial"
TITLE_PT, HEADLINE_PT, BODY_PT, TABLE_PT, FOOTER_PT = 28, 24, 18, 14, 12
MIN_PT = 14
"""No text of a slide is smaller than this (the footer excepted), so it stays readable when projected."""
LINE_SPACING = 1.2
"""Line height as a multiple of the font size (PowerPoint's single spacing for Arial is about 1.15)."""
BOX_PADDING = Mm(2.6)
"""Top + bottom inset of a PowerPoint text box (0.05 in each) plus a little air."""
FOOTER_TOP = HEIGHT - Mm(12)


@dataclass
class Slide:
    title: str
    lines: list[str] = field(default_factory=list)
    """Bullet lines, in order (plain text)."""
    table: tuple[list[str], list[list[str]]] | None = None
    """(header, rows) of one table, cells as printed text."""
    image: bytes | None = None
    """A PNG chart placed below the text."""
    image_ref: str | None = None
    """Where the same chart is for the HTML/PDF deck (a relative path); unused here."""
    bold_last: bool = False
    """The table's last row is its totals row (bold)."""
    headline: str | None = None
    """One large line under the title (a quick win's baseline -> target)."""


@lru_cache(maxsize=8)
def _font(size: int, bold: bool):
    from PIL import ImageFont

    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    return ImageFont.truetype(str(FONTS_DIR / name), size * 20)  # 20 units per point: sub-point precision


def text_lines(text: str, width: Emu, size: int, bold: bool = False) -> int:
    """How many lines `text` takes in a box `width` wide at `size` pt (words wrapped as PowerPoint wraps them),
    measured with the bundled Liberation Sans, metric-compatible with Arial."""
    font = _font(size, bold)
    room = (int(width) - int(Mm(5.1))) / 12700 * 20  # EMU -> 1/20 pt, less the box's left and right insets
    lines, current = 0, ""
    for paragraph in str(text).split("\n"):
        lines += 1
        current = ""
        for word in paragraph.split(" "):
            if not word:
                continue
            trial = f"{current} {word}".strip()
            if current and font.getlength(trial) > room:
                lines += 1
                current = word
            else:
                current = trial
    return max(lines, 1)


def _box_height(lines: list[str], width: Emu, size: int, bold: bool = False) -> Emu:
    count = sum(text_lines(line, width, size, bold) for line in lines)
    return Emu(int(Pt(size) * LINE_SPACING * count) + int(BOX_PADDING) + int(Pt(size * 0.3)) * (len(lines) - 1))


def _text_box(
    slide, left, top, width, lines: list[str], size: int, bold: bool = False, color: RGBColor | None = None
) -> Emu:
    """A text box as tall as its measured text; returns its bottom edge."""
    height = _box_height(lines, width, size, bold)
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if i:
            paragraph.space_before = Pt(size * 0.3)
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.name = FONT
        run.font.bold = bold
        if color is not None:
            run.font.color.rgb = color
    return top + height


_AMOUNT = re.compile(r"\bRp (\d[\d.,]*)(?: (miliar|juta|ribu))?")


def keep_amounts(text: str) -> str:
    """`text` with every "Rp 1,43 miliar" held together by no-break spaces (a table never wraps an amount)."""
    return _AMOUNT.sub(lambda m: "\u00a0".join(p for p in ("Rp", m.group(1), m.group(2)) if p), text)


def column_widths(header: list[str], rows: list[list[str]], width: Emu) -> list[Emu]:
    """Widths of a table's columns, together `width`: each column first gets room for its longest word (bold:
    header and totals row; an amount held by no-break spaces is one word), the rest in proportion to how much its
    longest cell still lacks, so a "No" column stays narrow and a name column gets the room."""
    bold = _font(TABLE_PT, True)
    needs = []
    for c, head in enumerate(header):
        cells = [(head, bold), *((row[c], bold) for row in rows if c < len(row))]  # bold: a totals row
        longest_word = max((f.getlength(w) for cell, f in cells for w in str(cell).split(" ")), default=0.0)
        longest_cell = max((f.getlength(str(cell)) for cell, f in cells), default=0.0)
        needs.append((longest_word, longest_cell))
    floor = [w + 18 * 20 for w, _ in needs]  # the longest word fits, plus the cell's insets (0.1 in each side)
    room = int(width) / 12700 * 20
    extra = room - sum(floor)
    wish = [max(0.0, cell + 18 * 20 - f) for f, (_, cell) in zip(floor, needs)]
    if extra < 0:  # not even the longest words fit: shrink in proportion (PowerPoint then breaks inside words)
        widths, scale = floor, room / sum(floor)
    else:  # every column gets its floor; the rest goes to the columns whose whole cells still wrap
        share = [w / sum(wish) for w in wish] if sum(wish) else [1 / len(floor)] * len(floor)
        widths, scale = [f + extra * part for f, part in zip(floor, share)], 1.0
    emus = [Emu(int(w * scale / 20 * 12700)) for w in widths]
    emus[-1] = Emu(int(width) - sum(int(e) for e in emus[:-1]))
    return emus


def _table(slide, top, header: list[str], rows: list[list[str]], bold_last: bool = False) -> Emu:
    """Place a table below `top` (the last row bold when `bold_last`: a totals row), columns sized by content and
    rows by their measured text; returns its bottom edge."""
    width = WIDTH - 2 * MARGIN
    header = [keep_amounts(str(text)) for text in header]
    rows = [[keep_amounts(str(text)) for text in row] for row in rows]
    widths = column_widths(header, rows, width)
    heights = []
    for r, row in enumerate([header, *rows]):
        bold = r == 0 or (bold_last and r == len(rows))
        lines = max(text_lines(text, w, TABLE_PT, bold) for text, w in zip(row, widths))
        heights.append(Emu(int(Pt(TABLE_PT) * LINE_SPACING * lines) + int(Mm(2.6))))
    shape = slide.shapes.add_table(len(rows) + 1, len(header), MARGIN, top, width, Emu(sum(int(h) for h in heights)))
    table = shape.table
    for c, w in enumerate(widths):
        table.columns[c].width = w
    for r, h in enumerate(heights):
        table.rows[r].height = h
    for c, text in enumerate(header):
        table.cell(0, c).text = text
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for r in range(len(rows) + 1):
        for c in range(len(header)):
            for paragraph in table.cell(r, c).text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(TABLE_PT)
                    run.font.name = FONT
                    run.font.bold = r == 0 or (bold_last and r == len(rows))
    return top + Emu(sum(int(h) for h in heights))


def _picture(slide, image: bytes, top: Emu) -> None:
    """The chart fitted into the room between `top` and the footer, aspect kept, centred."""
    from PIL import Image

    with Image.open(io.BytesIO(image)) as picture:
        ratio = picture.width / picture.height
    room_w, room_h = int(WIDTH - 2 * MARGIN), int(FOOTER_TOP - top - Mm(2))
    width, height = (room_w, int(room_w / ratio)) if room_w / ratio <= room_h else (int(room_h * ratio), room_h)
    slide.shapes.add_picture(io.BytesIO(image), Emu((int(WIDTH) - width) // 2), top, Emu(width), Emu(height))


def deck_pptx(
    slides: list[Slide],
    *,
    title: str,
    region_name: str,
    synthetic: bool,
    synthetic_notice: str = "",
    created: dt.datetime | None = None,
) -> bytes:
    """A 16:9 deck: one slide per `Slide` (title, headline, lines, table, chart, each below the measured one
    before: module doc), a footer with the region name (for a synthetic region with the notice, in red) and the
    slide number on every slide but the first."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    body_width = WIDTH - 2 * MARGIN
    for number, spec in enumerate(slides, start=1):
        slide = deck.slides.add_slide(deck.slide_layouts[BLANK_LAYOUT])
        top = _text_box(slide, MARGIN, Mm(8), body_width, [spec.title], TITLE_PT, bold=True, color=NAVY)
        if spec.headline:
            top = _text_box(slide, MARGIN, top, body_width, [spec.headline], HEADLINE_PT, bold=True)
        if spec.lines:
            top = _text_box(slide, MARGIN, top + Mm(1), body_width, spec.lines, BODY_PT)
        if spec.table is not None:
            top = _table(slide, top + Mm(2), *spec.table, bold_last=spec.bold_last)
        if spec.image is not None:
            _picture(slide, spec.image, top + Mm(2))
        footer = region_name + (f" · {synthetic_notice}" if synthetic and synthetic_notice else "")
        page = f"{number} / {len(slides)}" if number > 1 else ""
        _text_box(slide, MARGIN, FOOTER_TOP, body_width - Mm(30), [footer], FOOTER_PT, color=RED if synthetic else None)
        if page:
            _text_box(slide, WIDTH - MARGIN - Mm(30), FOOTER_TOP, Mm(30), [page], FOOTER_PT)
            slide.shapes[-1].text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
    when = created or FIXED_DATE
    props = deck.core_properties
    props.title, props.author, props.last_modified_by, props.revision = title, region_name, "bimtek", 1
    props.created = props.modified = props.last_printed = when
    buffer = io.BytesIO()
    deck.save(buffer)
    return rezip(buffer.getvalue())
