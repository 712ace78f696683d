"""Run-level outputs of validation: report.json, quarantine.csv and the combined valid rows.

Everything here is deterministic: results are ordered by path then sheet (then row), whatever order the
caller passes them in, and the bytes carry no timestamps.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from bimtek.core.csv_files import table_csv_bytes
from bimtek.core.model import PATH_COLUMN, ROW_COLUMN, SHEET_COLUMN, Rejection, ValidationReport
from bimtek.core.personal_data import is_personal_column
from bimtek.core.questions import Answer
from bimtek.core.values import is_missing
from bimtek.validation.datasets import get_rules
from bimtek.validation.engine import META_COLUMNS, empty_valid
from bimtek.validation.receipts import reading_receipts, report_questions
from bimtek.validation.result import SheetResult

QUARANTINE_COLUMNS = ("berkas", "sheet", "baris", "alasan")
REASON_SEPARATOR = "; "


def _ordered(results: list[SheetResult]) -> list[SheetResult]:
    """Results by path then sheet name (stable for equal keys)."""
    return sorted(results, key=lambda r: (r.path, r.sheet))


def rejection_sort_key(rejection: Rejection) -> tuple:
    return (
        rejection.path,
        rejection.sheet,
        rejection.row if rejection.row is not None else -1,
        rejection.column or "",
        rejection.rule,
    )


def build_report(
    region_slug: str, results: list[SheetResult], answers: Mapping[str, Answer] | None = None
) -> ValidationReport:
    """The validation/report.json content of a run (rows_total = rows_valid + rows_rejected), with the reader's
    questions (status by `answers`) and a reading receipt per file."""
    ordered = _ordered(results)
    files = [r.file_report for r in ordered]
    rejections = sorted((rej for r in ordered for rej in r.rejections), key=rejection_sort_key)
    valid = sum(f.rows_valid for f in files)
    rejected = sum(f.rows_rejected for f in files)
    return ValidationReport(
        region=region_slug,
        files=files,
        rejections=rejections,
        rows_total=valid + rejected,
        rows_valid=valid,
        rows_rejected=rejected,
        notes=[note for r in ordered for note in r.notes],
        questions=report_questions(ordered, answers or {}, region_slug),
        receipts=reading_receipts(ordered),
    )


def report_json(report: ValidationReport) -> bytes:
    """report.json bytes: UTF-8, indent 2, non-ASCII kept, trailing newline."""
    return (json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def quarantine_csv(results: list[SheetResult]) -> bytes:
    """Rejected rows as written, with their reasons, as CSV for Excel (UTF-8 with BOM, CRLF line ends).

    Columns: berkas, sheet, baris, alasan (every reason of the row, joined with "; "), then the union of the
    files' original columns in order of first appearance, less the personal-data columns an OPD added
    (`bimtek.personal_data`: phone, e-mail, NIP, NIK, address...), because this file is shared region-wide.
    Rows by file path, sheet, row number.
    """
    ordered = _ordered(results)
    data_columns: list[str] = []
    for result in ordered:
        for name in result.rejected.columns:
            if name in META_COLUMNS or name in data_columns or name in QUARANTINE_COLUMNS:
                continue
            if not is_personal_column(name):
                data_columns.append(name)

    lines: list[list[object]] = []
    for result in ordered:
        reasons: dict[int | None, list[str]] = {}
        for rejection in result.rejections:
            reasons.setdefault(rejection.row, []).append(rejection.message)
        for _, row in result.rejected.sort_values(ROW_COLUMN, kind="stable").iterrows():
            number = int(row[ROW_COLUMN])
            lines.append(
                [
                    row[PATH_COLUMN],
                    row[SHEET_COLUMN],
                    number,
                    REASON_SEPARATOR.join(reasons.get(number, [])),
                    *(_csv_cell(row.get(name)) for name in data_columns),
                ]
            )
    return table_csv_bytes([*QUARANTINE_COLUMNS, *data_columns], lines, excel=True)


def _csv_cell(value: object) -> str:
    if is_missing(value):
        return ""
    return str(value)


def combined_valid(results: list[SheetResult], dataset: str = "program") -> pd.DataFrame:
    """All valid rows of `dataset`, typed, ordered by path, sheet and row, with a fresh 0..n-1 index."""
    frames = [r.valid for r in _ordered(results) if r.dataset == dataset and not r.valid.empty]
    if not frames:
        return empty_valid(get_rules(dataset))
    combined = pd.concat(frames, ignore_index=True)
    return combined.sort_values([PATH_COLUMN, SHEET_COLUMN, ROW_COLUMN], kind="stable", ignore_index=True)
