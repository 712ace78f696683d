"""`validate_sheet`: one Sheet -> typed valid rows + rejected rows with their reasons.

Steps: pass unreadable/empty sheets through; reject every row when a required column is missing
(`missing_column`); otherwise normalize the frame (`normalize.py`), run the dataset's GX suite
(`gx_runner.py`) and turn each failing (row, rule, column) into a `Rejection` with an Indonesian message.
The cross-file `duplicate` rule runs later, on all results of a run (`duplicates.py`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from bimtek.core.columns import DatasetSpec
from bimtek.core.model import PATH_COLUMN, ROW_COLUMN, SHEET_COLUMN, FileReport, Rejection, Sheet
from bimtek.core.nomenclature import Nomenclature
from bimtek.core.parsing import money_unit
from bimtek.core.questions import HELD_RULE, HELD_STATUS
from bimtek.core.region import Region
from bimtek.core.text import cell_text
from bimtek.validation.datasets import DatasetRules, get_rules, suite_parameters
from bimtek.validation.gx_runner import Failure, run_suite
from bimtek.validation.messages import MessageContext, render
from bimtek.validation.normalize import RID_COLUMN, UNREADABLE
from bimtek.validation.owners import fill_blank_opd
from bimtek.validation.result import SheetResult, counted_report

META_COLUMNS = (PATH_COLUMN, SHEET_COLUMN, ROW_COLUMN)
EMPTY_MESSAGE = "Tabel tidak berisi baris data."


def validate_sheet(
    sheet: Sheet, region: Region, dataset: str = "program", nomenclature: Nomenclature | None = None
) -> SheetResult:
    """Validate one Sheet against the rules of `dataset`; every row ends up valid or rejected."""
    return validate_dataset([sheet], region, dataset, nomenclature)[0]


def validate_sheets(sheets: list[Sheet], region: Region, nomenclature: Nomenclature | None = None) -> list[SheetResult]:
    """Validate every Sheet of a run: one GX suite run per dataset (`Sheet.dataset`, default "program").

    Results come back in the order of `sheets`, one per Sheet, exactly as `validate_sheet` would give them.
    `nomenclature`: the region's loaded SIPD export (bimtek.ingest.sipd_export); None uses the bundled reference of
    the region's version (bimtek.validation.nomenclature_rules).
    """
    groups: dict[str, list[int]] = {}
    for index, sheet in enumerate(sheets):
        groups.setdefault(sheet.dataset or "program", []).append(index)
    results: list[SheetResult | None] = [None] * len(sheets)
    for dataset, indexes in groups.items():
        for index, result in zip(
            indexes, validate_dataset([sheets[i] for i in indexes], region, dataset, nomenclature)
        ):
            results[index] = result
    return [r for r in results if r is not None]


def validate_dataset(
    sheets: list[Sheet], region: Region, dataset: str = "program", nomenclature: Nomenclature | None = None
) -> list[SheetResult]:
    """Validate Sheets of one dataset together; one SheetResult per Sheet, in the given order.

    The readable sheets with every required column are concatenated and normalized as one frame, checked by one
    run of the dataset's GX suite (its cost is per expectation, not per row), and the failing rows are split back
    to their Sheet by position. All expectations are row-wise, so the verdicts equal those of one run per Sheet.
    """
    rules = get_rules(dataset)
    sheets = [fill_blank_opd(sheet, region, rules.spec) for sheet in sheets]
    results: list[SheetResult] = []
    pending: list[int] = []
    for index, sheet in enumerate(sheets):
        result, checkable = _screened(sheet, rules, region, dataset)
        results.append(result)
        if checkable:
            pending.append(index)
    if not pending:
        return results
    spec = rules.spec
    frames = [_contract_columns(sheets[i].frame, spec) for i in pending]
    bounds = np.cumsum([0, *(len(frame) for frame in frames)])
    normalized = rules.normalizer(pd.concat(frames, ignore_index=True), spec, region)
    apply_units(normalized, [sheets[i].units for i in pending], bounds)
    failures = rules.after_units(normalized, spec) if rules.after_units else []
    failures += run_suite(rules.suite_path, normalized, suite_parameters(region))
    if rules.region_checks:
        failures += rules.region_checks(normalized, spec, region, nomenclature)
    per_sheet: dict[int, list[Failure]] = {}
    for failure in failures:
        part = int(np.searchsorted(bounds, failure.rid, side="right")) - 1
        per_sheet.setdefault(part, []).append(replace(failure, rid=failure.rid - int(bounds[part])))
    for part, index in enumerate(pending):
        piece = normalized.iloc[bounds[part] : bounds[part + 1]].reset_index(drop=True)
        piece[RID_COLUMN] = np.arange(len(piece), dtype="int64")
        _record_verdicts(results[index], sheets[index], rules, piece, per_sheet.get(part, []), region)
    return results


def apply_units(normalized: pd.DataFrame, units: list[dict[str, int]], bounds: np.ndarray) -> None:
    """Multiply each Sheet's parsed money cells (`<column>__num`, rows bounds[i]:bounds[i+1]) by the unit the
    Sheet states outside its cells (`Sheet.units`, e.g. "Rp juta"); blank and unreadable cells stay as they are.

    A cell that writes its own unit under a stated one ("Rp 1,5 M" in a column "Anggaran (Rp juta)") could mean
    either; it is made unreadable, so the `budget` rule rejects it with a message saying why (never a guess)."""
    for part, stated in enumerate(units):
        for name, factor in stated.items():
            column = f"{name}__num"
            if factor == 1 or column not in normalized.columns:
                continue
            values = normalized[column].to_numpy(dtype="float64", copy=True)
            texts = normalized[name].tolist()[bounds[part] : bounds[part + 1]]
            piece = values[bounds[part] : bounds[part + 1]]
            finite = np.isfinite(piece)
            piece[finite] = piece[finite] * factor
            piece[[money_unit(text) is not None for text in texts]] = UNREADABLE
            normalized[column] = values


def _contract_columns(frame: pd.DataFrame, spec: DatasetSpec) -> pd.DataFrame:
    """The contract columns a Sheet frame has (what the normalizer reads), with a fresh 0..n-1 index."""
    names = set(spec.names)
    return frame[[c for c in frame.columns if c in names]].reset_index(drop=True)


def _screened(sheet: Sheet, rules: DatasetRules, region: Region, dataset: str) -> tuple[SheetResult, bool]:
    """The result of a Sheet that needs no suite run (unreadable, empty, missing column), or a started one.

    The flag says whether the Sheet still goes through the suite.
    """
    spec = rules.spec
    frame = sheet.frame.reset_index(drop=True)
    raw, headers = raw_rows(sheet, spec)
    result = SheetResult(
        path=sheet.path,
        sheet=sheet.sheet,
        dataset=dataset,
        valid=empty_valid(rules),
        rejected=raw.iloc[0:0],
        rejections=[],
        file_report=counted_report(sheet.path, sheet.sheet, len(frame), 0),
        raw=raw,
        headers=headers,
        notes=list(sheet.notes),
        sender=sheet.sender,
        header_row=sheet.header_row,
        decisions=list(sheet.decisions),
        questions=list(sheet.questions),
    )
    if sheet.status != "ok" or frame.empty:
        status = sheet.status if sheet.status != "ok" else "empty"
        result.raw = raw.iloc[0:0]
        result.file_report = FileReport(sheet.path, sheet.sheet, status, 0, 0, 0, sheet.message or EMPTY_MESSAGE)
        return result, False

    missing = [name for name in spec.required_columns if name not in frame.columns]
    if missing:
        rows = row_numbers(frame)
        labels = [header_of(sheet, spec, name) for name in missing]
        column = ", ".join(labels)
        message = render("missing_column", MessageContext(column, None, region, extra={"headers": labels}))
        result.rejections = [
            Rejection(sheet.path, sheet.sheet, int(row), column, "missing_column", None, message) for row in rows
        ]
        result.rejected = raw
        result.file_report = counted_report(sheet.path, sheet.sheet, len(rows), len(rows), message)
        return result, False
    return result, True


def _record_verdicts(
    result: SheetResult,
    sheet: Sheet,
    rules: DatasetRules,
    normalized: pd.DataFrame,
    failures: list[Failure],
    region: Region,
) -> None:
    """Fill `result` from the Sheet's normalized rows and its failures (rids local to the Sheet)."""
    spec = rules.spec
    frame = sheet.frame.reset_index(drop=True)
    rows = row_numbers(frame)
    order = {name: i for i, name in enumerate(spec.names)}
    failing = sorted(set(failures), key=lambda f: (f.rid, order.get(f.column, len(order)), f.rule))
    if failing:
        records = normalized.iloc[sorted({f.rid for f in failing})].to_dict("index")
        cells = {name: frame[name].tolist() for name in frame.columns}
    for failure in failing:
        rejection = _rejection(sheet, spec, cells, records[failure.rid], int(rows.iloc[failure.rid]), failure, region)
        if failure.severity == "critical":
            result.rejections.append(rejection)
        else:
            result.notes.append(f"{_where(sheet, rejection.row)}: {rejection.message}")

    rejected = np.zeros(len(frame), dtype=bool)
    rejected[[f.rid for f in failing if f.severity == "critical"]] = True
    _hold(result, sheet, rows, rejected)
    result.valid = typed_valid(rules, spec, normalized.loc[~rejected], sheet, rows)
    result.rejected = result.raw.loc[rejected]
    result.file_report = counted_report(sheet.path, sheet.sheet, len(frame), int(rejected.sum()))


def _hold(result: SheetResult, sheet: Sheet, rows: pd.Series, rejected: np.ndarray) -> None:
    """Rows the reader holds (`Sheet.held`) leave the valid rows as HELD_RULE rejections (value: the question id),
    also when another rule rejects them under the reading in doubt (a budget below the floor may be right in the
    other unit): no published figure carries a row whose reading is in doubt."""
    if not sheet.held:
        return
    texts = {q.id: q.text for q in sheet.questions}
    for rid, row in enumerate(rows.tolist()):
        qid = sheet.held.get(int(row))
        if qid is None:
            continue
        rejected[rid] = True
        message = f"Baris ditahan ({HELD_STATUS}): {texts.get(qid, '')} Jawab pertanyaan {qid} agar baris ini dihitung."
        result.rejections.append(Rejection(sheet.path, sheet.sheet, int(row), None, HELD_RULE, qid, message))


def _rejection(
    sheet: Sheet,
    spec: DatasetSpec,
    cells: dict[str, list],
    normalized_row: dict,
    row: int,
    failure: Failure,
    region: Region,
) -> Rejection:
    """The Rejection of one failing cell, with the value as written and the rule's message."""
    header = header_of(sheet, spec, failure.column)
    column_cells = cells.get(failure.column)
    value = cell_text(column_cells[failure.rid]) if column_cells is not None else None
    ctx = MessageContext(header=header, value=value, region=region, observed=failure.observed, row=normalized_row)
    return Rejection(sheet.path, sheet.sheet, row, header, failure.rule, value, render(failure.rule, ctx))


def _where(sheet: Sheet, row: int | None) -> str:
    place = sheet.path + (f" ({sheet.sheet})" if sheet.sheet else "")
    return f"{place} baris {row}"


def header_of(sheet: Sheet, spec: DatasetSpec, name: str) -> str:
    """The column as the OPD wrote it; the contract label (or name) when the header is not known."""
    if sheet.original_headers.get(name):
        return sheet.original_headers[name]
    try:
        return spec.column(name).label or name
    except KeyError:
        return name


def row_numbers(frame: pd.DataFrame) -> pd.Series:
    """Spreadsheet row numbers (ROW_COLUMN; when absent: position + 2, the header being row 1)."""
    if ROW_COLUMN in frame.columns:
        return frame[ROW_COLUMN].astype("int64").reset_index(drop=True)
    return pd.Series(range(2, len(frame) + 2), dtype="int64")


def raw_rows(sheet: Sheet, spec: DatasetSpec) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rows as written: contract columns under their original headers, then extra columns, then meta columns.

    Also returns contract name -> column name in that frame (headers made unique with " (2)", " (3)"...).
    """
    frame = sheet.frame.reset_index(drop=True)
    columns: dict[str, pd.Series] = {}
    headers: dict[str, str] = {}

    def put(name: str, values: pd.Series) -> str:
        unique, n = name, 2
        while unique in columns or unique in META_COLUMNS:
            unique, n = f"{name} ({n})", n + 1
        columns[unique] = pd.Series(values.tolist(), dtype="object")
        return unique

    for name in frame.columns:
        if name not in META_COLUMNS:
            headers[name] = put(header_of(sheet, spec, name), frame[name])
    if sheet.extra is not None and len(sheet.extra) == len(frame):
        for name in sheet.extra.columns:
            put(str(name), sheet.extra[name])
    raw = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))
    raw = raw.astype("object").where(raw.notna(), None) if len(raw.columns) else raw
    raw[PATH_COLUMN] = sheet.path
    raw[SHEET_COLUMN] = sheet.sheet
    raw[ROW_COLUMN] = row_numbers(frame).to_numpy()
    return raw, headers


_EMPTY_VALID: dict[int, tuple[DatasetRules, pd.DataFrame]] = {}


def empty_valid(rules: DatasetRules) -> pd.DataFrame:
    """A valid-rows frame with no rows but the right columns and dtypes (a fresh copy each call).

    Built once per dataset's rules (it does not depend on the region): every Sheet starts with one, and building
    it runs the whole normalizer and typer (a tenth of a region's validation time when rebuilt per Sheet)."""
    known = _EMPTY_VALID.get(id(rules))
    if known is None or known[0] is not rules:
        normalized = rules.normalizer(pd.DataFrame(), rules.spec, None)
        known = (rules, typed_valid(rules, rules.spec, normalized, None, pd.Series([], dtype="int64")))
        _EMPTY_VALID[id(rules)] = known
    return known[1].copy()


def typed_valid(
    rules: DatasetRules, spec: DatasetSpec, normalized: pd.DataFrame, sheet: Sheet | None, rows: pd.Series
) -> pd.DataFrame:
    """Typed dataset columns + _path, _sheet, _row for the given normalized rows (index kept)."""
    typed = rules.typer(normalized, spec, list(rules.typed_columns))
    typed[PATH_COLUMN] = pd.Series(sheet.path if sheet else "", index=typed.index, dtype="str")
    typed[SHEET_COLUMN] = pd.Series(sheet.sheet if sheet else "", index=typed.index, dtype="str")
    typed[ROW_COLUMN] = pd.Series(
        rows.to_numpy()[normalized.index.to_numpy(dtype="int64")], index=typed.index, dtype="int64"
    )
    return typed
