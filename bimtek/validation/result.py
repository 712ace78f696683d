"""`SheetResult`: the outcome of validating one Sheet, and the helpers that keep its parts consistent."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from bimtek.core.model import FileReport, Rejection

STATUS_MESSAGES = {
    "ok": "Semua baris diterima.",
    "partial": "{rejected} dari {rows} baris ditolak; baris lainnya diterima.",
    "rejected": "Semua {rows} baris ditolak.",
}


@dataclass
class SheetResult:
    """Validated rows of one Sheet. Every row of the Sheet is in exactly one of `valid` and `rejected`.

    Frames are indexed by the row's position in the Sheet (0..n-1).
    """

    path: str
    sheet: str
    dataset: str
    valid: pd.DataFrame
    """Typed columns of the dataset (e.g. PROGRAM_COLUMNS) + _path, _sheet, _row."""
    rejected: pd.DataFrame
    """Rejected rows as written: original headers, extra columns, then _path, _sheet, _row."""
    rejections: list[Rejection]
    file_report: FileReport
    raw: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    """All rows as written (same columns as `rejected`), so rows can still be moved to `rejected` later."""
    headers: dict[str, str] = field(default_factory=dict)
    """Contract column name -> its column name in `raw`/`rejected` (the header as the OPD wrote it)."""
    notes: list[str] = field(default_factory=list)
    """Indonesian remarks that reject nothing (e.g. a yes/no cell read as "no")."""
    sender: str | None = None
    """The OPD the intake workbook was made for (Sheet.sender), None when the file does not say."""
    header_row: int | None = None
    """Row number of the header read (Sheet.header_row)."""
    decisions: list = field(default_factory=list)
    """The reader's `Decision`s for this table (Sheet.decisions): what the reading receipt shows."""
    questions: list = field(default_factory=list)
    """The reader's `Question`s for this table (Sheet.questions); held rows are HELD_RULE rejections."""


def file_status(rows: int, rejected: int) -> str:
    """ok / partial / rejected for a sheet with rows; empty when it has none."""
    if rows == 0:
        return "empty"
    if rejected == 0:
        return "ok"
    return "rejected" if rejected == rows else "partial"


def counted_report(path: str, sheet: str, rows: int, rejected: int, message: str = "") -> FileReport:
    """FileReport with status and counts derived from `rows` and `rejected` (default message by status)."""
    status = file_status(rows, rejected)
    if not message:
        message = STATUS_MESSAGES.get(status, "").format(rows=rows, rejected=rejected)
    return FileReport(
        path=path,
        sheet=sheet,
        status=status,
        rows=rows,
        rows_valid=rows - rejected,
        rows_rejected=rejected,
        message=message,
    )
