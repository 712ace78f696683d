"""Slide decks (16:9) through python-pptx: the rakor pack as PowerPoint, beside its landscape PDF.

`deck_pptx(slides, ...)` takes plain slide specs (`Slide`: a title, text lines, an optional table, an optional
PNG chart) so the same figures the rakor template prints go onto the slides; nothing here computes a figure.

Determinism: fixed core properties (FIXED_DATE) and the package re-zipped with fixed entry times
(bimtek.core.archive.rezip), so the same slides give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Mm, Pt

from bimtek.core.archive import rezip
from bimtek.documents.docx import FIXED_DATE

WIDTH, HEIGHT = Mm(338.67), Mm(190.5)
"""13.333 x 7.5 inches: PowerPoint's 16:9 slide."""
MARGIN = Mm(14)
TITLE_HEIGHT = Mm(22)
NAVY = RGBColor(0x12, 0x3C, 0x69)
RED = RGBColor(0xA0, 0x00, 0x00)
BLANK_LAYOUT = 6
LINE_CHARS = 95
"""About how many characters of 16 pt text fit on one line of a slide: a long line takes several (the box below
starts under it)."""


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


def _text_box(
    slide, left, top, width, height, lines: list[str], size: int, bold: bool = False, color: RGBColor | None = None
) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        if color is not None:
            run.font.color.rgb = color


def _table(slide, top, header: list[str], rows: list[list[str]], bold_last: bool = False) -> Emu:
    """Place a table below `top` (the last row bold when `bold_last`: a totals row); returns its bottom edge."""
    height = Mm(7) * (len(rows) + 1)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), MARGIN, top, WIDTH - 2 * MARGIN, height)
    table = shape.table
    for c, text in enumerate(header):
        table.cell(0, c).text = text
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for r in range(len(rows) + 1):
        for c in range(len(header)):
            for paragraph in table.cell(r, c).text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(12)
                    run.font.bold = r == 0 or (bold_last and r == len(rows))
    return top + height


def deck_pptx(
    slides: list[Slide],
    *,
    title: str,
    region_name: str,
    synthetic: bool,
    synthetic_notice: str = "",
    created: dt.datetime | None = None,
) -> bytes:
    """A 16:9 deck: one slide per `Slide` (title band, lines, table, chart), a footer with the region name and,
    for a synthetic region, the notice in red on every slide."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    for spec in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[BLANK_LAYOUT])
        _text_box(slide, MARGIN, Mm(8), WIDTH - 2 * MARGIN, TITLE_HEIGHT, [spec.title], 28, bold=True, color=NAVY)
        top = Mm(8) + TITLE_HEIGHT
        if spec.lines:
            height = Mm(9) * sum(max(1, math.ceil(len(line) / LINE_CHARS)) for line in spec.lines)
            _text_box(slide, MARGIN, top, WIDTH - 2 * MARGIN, height, spec.lines, 16)
            top += height
        if spec.table is not None:
            top = _table(slide, top + Mm(2), *spec.table, bold_last=spec.bold_last)
        if spec.image is not None:
            room = HEIGHT - top - Mm(18)
            slide.shapes.add_picture(io.BytesIO(spec.image), MARGIN, top + Mm(2), height=room)
        footer = [region_name + (f" · {synthetic_notice}" if synthetic and synthetic_notice else "")]
        _text_box(
            slide, MARGIN, HEIGHT - Mm(12), WIDTH - 2 * MARGIN, Mm(8), footer, 10, color=RED if synthetic else None
        )
    when = created or FIXED_DATE
    props = deck.core_properties
    props.title, props.author, props.last_modified_by, props.revision = title, region_name, "bimtek", 1
    props.created = props.modified = props.last_printed = when
    buffer = io.BytesIO()
    deck.save(buffer)
    return rezip(buffer.getvalue())
