"""The cross-file `duplicate` rule: the same row key seen again later in the run.

The key is the dataset's `duplicate_key` (program: OPD and program name), folded by `bimtek.core.text.row_key`
(for programs: `program_key`, the one definition of "same program"). Only rows that are otherwise valid count. Sheets are taken in path then
sheet-name order (as in the report), rows in sheet order; the first occurrence stays valid, every later
one is moved to the rejected rows. Pure pandas: GX's uniqueness expectations flag every occurrence, not just
the later ones.
"""

from __future__ import annotations

from dataclasses import replace

from bimtek.core.model import ROW_COLUMN, Rejection
from bimtek.core.text import cell_text, key_fold
from bimtek.validation.datasets import get_rules
from bimtek.validation.messages import MessageContext, render
from bimtek.validation.result import SheetResult, counted_report


def mark_duplicates(results: list[SheetResult]) -> list[SheetResult]:
    """New results (same order as given) with later duplicates rejected under rule `duplicate`.

    The inputs are not modified; calling it twice changes nothing more.
    """
    first_seen: dict[tuple, tuple[str, str, int]] = {}
    found: dict[int, dict[int, Rejection]] = {}
    for index in sorted(range(len(results)), key=lambda i: (results[i].path, results[i].sheet)):
        result = results[index]
        key_columns = get_rules(result.dataset).duplicate_key
        if not key_columns or result.valid.empty:
            continue
        report_column = key_columns[-1]
        header = result.headers.get(report_column, report_column)
        valid = result.valid
        folded = [[key_fold(name)(v) for v in valid[name].tolist()] for name in key_columns]
        row_numbers = valid[ROW_COLUMN].tolist()
        for position, (rid, *key_values) in enumerate(zip(valid.index.tolist(), *folded)):
            key = (result.dataset, *key_values)
            here = (result.path, result.sheet, int(row_numbers[position]))
            if key not in first_seen:
                first_seen[key] = here
                continue
            row = valid.iloc[position]
            first_path, first_sheet, first_row = first_seen[key]
            value = result.raw.at[rid, header] if header in result.raw.columns else row[report_column]
            ctx = MessageContext(
                header=header,
                value=cell_text(value),
                extra={
                    "opd": row.get("opd", ""),
                    "noun": get_rules(result.dataset).row_noun,
                    "first_path": first_path,
                    "first_sheet": first_sheet,
                    "first_row": first_row,
                },
            )
            found.setdefault(index, {})[rid] = Rejection(
                result.path, result.sheet, here[2], header, "duplicate", ctx.value, render("duplicate", ctx)
            )
    return [move_to_rejected(result, found.get(i, {})) for i, result in enumerate(results)]


def move_to_rejected(result: SheetResult, duplicates: dict[int, Rejection]) -> SheetResult:
    """Copy of `result` with the rows in `duplicates` (by position) moved from valid to rejected."""
    if not duplicates:
        return result
    rejected_rids = sorted(set(result.rejected.index) | set(duplicates))
    # Stable sort on the row: a duplicate row has no other rejection, so each row's reasons keep their order.
    rejections = sorted([*result.rejections, *duplicates.values()], key=lambda r: r.row if r.row is not None else -1)
    rows = result.file_report.rows
    return replace(
        result,
        valid=result.valid.drop(index=list(duplicates)),
        rejected=result.raw.loc[rejected_rids],
        rejections=rejections,
        file_report=counted_report(result.path, result.sheet, rows, len(rejected_rids)),
    )
