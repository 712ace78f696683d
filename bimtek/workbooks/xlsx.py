"""Shared .xlsx helpers of every workbook (intake templates, roadmap workbook, feedback lists): deterministic .xlsx bytes, safe sheet names, the common cell styles and `put`, the one way a value enters a cell
(through `safe_cell`: no live formula, no control character). The only formulas a workbook holds are the ones
this code builds, written with `put_formula`.

Deterministic bytes: openpyxl's `save_workbook` stamps docProps/core.xml with the current time and the zip
entries with the local clock. `workbook_bytes` instead sets `created`/`modified` to `FIXED_TIMESTAMP` and writes
through `ExcelWriter` into a `bimtek.core.archive.FixedTimeZip` (fixed entry headers), so the same content gives the same bytes
on every run (checked by the tests).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from bimtek.core.archive import FixedTimeZip
from bimtek.core.sanitise import clean_text, safe_cell

FIXED_TIMESTAMP = dt.datetime(2000, 1, 1, 0, 0, 0)
"""created/modified written into every workbook's document properties."""
SHEET_NAME_MAX = 31
_FORBIDDEN_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

RUPIAH_FORMAT = '"Rp "#,##0'
"""Excel number format for Rupiah. Excel shows the grouping separator of the reader's locale: with Indonesian
regional settings 1500000 displays as "Rp 1.500.000", with English settings as "Rp 1,500,000". The cell keeps the
plain number, so sums and filters work."""

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")

__all__ = [
    "FIXED_TIMESTAMP",
    "RUPIAH_FORMAT",
    "put",
    "put_formula",
    "safe_sheet_name",
    "workbook_bytes",
]


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx bytes of `workbook`, independent of the clock (fixed document and zip timestamps)."""
    workbook.properties.created = FIXED_TIMESTAMP
    workbook.properties.modified = FIXED_TIMESTAMP
    workbook.properties.creator = "bimtek"
    workbook.properties.lastModifiedBy = None
    buffer = io.BytesIO()
    archive = FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def safe_sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name: forbidden characters replaced, at most 31 characters.

    Excel forbids [ ] : * ? / \\ , a leading or trailing apostrophe, blank names and names that differ only in case.
    """
    text = _FORBIDDEN_SHEET_CHARS.sub("-", clean_text(str(name))).strip().strip("'").strip() or "Lembar"
    text = text[:SHEET_NAME_MAX]
    if taken is None:
        return text
    folded = {t.lower() for t in taken}
    candidate, n = text, 1
    while candidate.lower() in folded:
        n += 1
        suffix = f" ({n})"
        candidate = text[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


def set_widths(worksheet, widths: list[float]) -> None:
    """Column widths (in Excel character units) for columns A, B, C ... in order."""
    for position, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(position)].width = width


LINE_HEIGHT = 15.0
"""Height in points of one line of 11 pt text, for rows of wrapped cells."""


def fit_row_heights(worksheet, first_row: int, widths: list[float], rows: Iterable[Sequence] | None = None) -> None:
    """Give the rows from `first_row` on the height their wrapped text needs (LibreOffice, unlike Excel, keeps
    the default height of a row written by openpyxl, so long wrapped text would overlap the next row).

    `rows`: the values just written from `first_row` on, one sequence per row (read from the cells when None;
    passing them skips openpyxl's cell look-ups, which dominate for tens of thousands of rows)."""
    import math

    if rows is None:
        rows = ([cell.value for cell in row] for row in worksheet.iter_rows(min_row=first_row))
    for number, row in enumerate(rows, start=first_row):
        lines = 1
        for value, width in zip(row, widths):
            text = "" if value is None else str(value)
            if len(text) <= width - 1 and "\n" not in text:
                continue  # one line: the common case, decided without splitting
            lines = max(lines, sum(max(1, math.ceil(len(part) / max(width - 1, 1))) for part in text.split("\n")))
        if lines > 1:
            worksheet.row_dimensions[number].height = lines * LINE_HEIGHT


def print_setup(worksheet, header_row: int) -> None:
    """Print on A4 landscape, all columns on one page width (as many pages down as needed), header row repeated
    on every printed page."""
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.print_title_rows = f"{header_row}:{header_row}"
    worksheet.print_options.horizontalCentered = True


def style_header(cells) -> None:
    """Bold white text on dark blue, wrapped: the look of every header row."""
    for cell in cells:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def put(worksheet, row: int, column: int, value: object):
    """Write `value` into the cell at (row, column) through `safe_cell` and return the cell."""
    return worksheet.cell(row, column, safe_cell(value))


def put_formula(worksheet, coordinate: str, formula: str):
    """Write a formula this code built (never user text alone; literals inside it are cleaned by the caller)."""
    if not formula.startswith("="):
        raise ValueError(f"Not a formula: {formula!r}")
    cell = worksheet[coordinate]
    cell.value = clean_text(formula)
    return cell
