"""The roadmap as an Excel workbook a Pemda can hand over.

Sheets
    "Ringkasan"        title, period, then per dimension: programs, budget, quick-win candidates, and a
                       "Jumlah" row with the totals (values, not formulas, so any reader sees them).
    one per dimension  named by the dimension label ("Smart Governance" ...), always all six in taxonomy order;
                       the programs of that dimension in roadmap order with Indonesian headers on row 1, header
                       frozen (A2), autofilter over the table, readable widths.

Money cells carry the number format `"Rp "#,##0` (RUPIAH_FORMAT): the cell stays a number; Excel shows the
grouping separator of the reader's locale, so with Indonesian settings 1500000 appears as "Rp 1.500.000" and
with English settings as "Rp 1,500,000".

The bytes are deterministic (fixed document-property and zip-entry timestamps, see bimtek.workbooks.xlsx).
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bimtek.core.sanitise import safe_cell
from bimtek.core.taxonomy import NO_ELEMENT_LABEL, load_taxonomy
from bimtek.core.values import is_missing
from bimtek.workbooks.xlsx import (
    RUPIAH_FORMAT,
    TITLE_FONT,
    WRAP,
    fit_row_heights,
    print_setup,
    put,
    safe_sheet_name,
    set_widths,
    style_header,
    workbook_bytes,
)

SUMMARY_SHEET = "Ringkasan"
TOTAL_LABEL = "Jumlah"
SUMMARY_HEADER_ROW = 4
SCORE_FORMAT = "0.0000"


@dataclass(frozen=True)
class OutputColumn:
    """A roadmap column shown on the dimension sheets."""

    source: str
    header: str
    width: float
    kind: str = "text"
    """text, money, int, score, bool (shown as Ya/Tidak)."""


PROGRAM_SHEET_COLUMNS = (
    OutputColumn("peringkat", "Peringkat", 11, "int"),
    OutputColumn("opd", "OPD", 34),
    OutputColumn("elemen_label", "Elemen", 20),
    OutputColumn("nama_program", "Nama program", 42),
    OutputColumn("deskripsi", "Deskripsi", 48),
    OutputColumn("sasaran", "Sasaran", 32),
    OutputColumn("indikator", "Indikator", 32),
    OutputColumn("target", "Target", 28),
    OutputColumn("anggaran", "Anggaran (Rp)", 20, "money"),
    OutputColumn("sumber_dana", "Sumber dana", 15),
    OutputColumn("tahun_mulai", "Tahun mulai", 12, "int"),
    OutputColumn("tahun_selesai", "Tahun selesai", 12, "int"),
    OutputColumn("horizon", "Horizon", 18),
    OutputColumn("skor", "Skor", 10, "score"),
    OutputColumn("quick_win_usulan", "Diusulkan quick win", 14, "bool"),
    OutputColumn("quick_win_candidate", "Kandidat quick win", 14, "bool"),
    OutputColumn("quick_win_terpilih", "Quick win terpilih", 14, "bool"),
    OutputColumn("alasan_quick_win", "Alasan quick win", 60),
)
"""Columns of a dimension sheet, in order; columns missing from the roadmap frame are left out."""

SUMMARY_COLUMNS = (
    ("Dimensi", 24),
    ("Jumlah program", 16),
    ("Anggaran (Rp)", 22),
    ("Kandidat quick win", 18),
)


def roadmap_workbook(roadmap_df: pd.DataFrame, region, by_dimension_df: pd.DataFrame | None = None) -> bytes:
    """The roadmap workbook (module doc) as deterministic .xlsx bytes.

    `roadmap_df` is bimtek.analysis.roadmap.build_roadmap() output (a hand-made frame needs at least dimensi,
    nama_program and anggaran). `by_dimension_df` is bimtek.analysis.aggregate.by_dimension() output; when None the
    summary is computed from `roadmap_df`. `region` needs `name` and `period`.
    """
    summary = summary_table(roadmap_df, by_dimension_df)
    workbook = Workbook()
    ws = workbook.active
    ws.title = SUMMARY_SHEET
    _write_summary(ws, summary, region)
    taken = {SUMMARY_SHEET}
    frame = _with_element_labels(roadmap_df)
    for dimension in load_taxonomy().dimensions:
        rows = frame[frame["dimensi"].map(_dimension_code) == dimension.code]
        sheet = workbook.create_sheet(safe_sheet_name(dimension.label, taken))
        _write_programs(sheet, rows)
    return workbook_bytes(workbook)


# ---------------------------------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------------------------------


def _dimension_code(value: object) -> str | None:
    """Dimension code of a code or label ("living", "Smart Living")."""
    return load_taxonomy().match_dimension(value) if isinstance(value, str) else None


def summary_table(roadmap_df: pd.DataFrame, by_dimension_df: pd.DataFrame | None) -> pd.DataFrame:
    """Six rows in taxonomy order: dimensi (label), programs, anggaran_total, quick_win_candidates."""
    dimensions = load_taxonomy().dimensions
    source = by_dimension_df if by_dimension_df is not None else _summarise(roadmap_df)
    codes = source["dimensi"].map(_dimension_code)
    indexed = source.assign(_code=codes).set_index("_code")
    rows = []
    for d in dimensions:
        found = d.code in indexed.index
        rows.append(
            {
                "dimensi": d.label,
                "programs": int(indexed.at[d.code, "programs"]) if found else 0,
                "anggaran_total": float(indexed.at[d.code, "anggaran_total"]) if found else 0.0,
                "quick_win_candidates": int(indexed.at[d.code, "quick_win_candidates"]) if found else 0,
            }
        )
    return pd.DataFrame(rows)


def _summarise(roadmap_df: pd.DataFrame) -> pd.DataFrame:
    """by_dimension-like table computed from the roadmap itself."""
    frame = roadmap_df.assign(_code=roadmap_df["dimensi"].map(_dimension_code))
    flags = frame["quick_win_candidate"] if "quick_win_candidate" in frame else pd.Series(False, index=frame.index)
    frame = frame.assign(_qw=flags.fillna(False).astype(bool))
    grouped = frame.groupby("_code", sort=False)
    return pd.DataFrame(
        {
            "dimensi": list(grouped.groups),
            "programs": grouped.size().to_numpy(),
            "anggaran_total": grouped["anggaran"].sum().astype(float).to_numpy(),
            "quick_win_candidates": grouped["_qw"].sum().to_numpy(),
        }
    )


def _write_summary(ws, summary: pd.DataFrame, region) -> None:
    """Title rows, the per-dimension table and the total row."""
    put(ws, 1, 1, f"Ringkasan Peta Jalan Smart City - {region.name}").font = TITLE_FONT
    put(ws, 2, 1, f"Periode masterplan {region.period.start}-{region.period.end}")
    for position, (header, _) in enumerate(SUMMARY_COLUMNS, start=1):
        put(ws, SUMMARY_HEADER_ROW, position, header)
    style_header(ws[SUMMARY_HEADER_ROW][: len(SUMMARY_COLUMNS)])
    row = SUMMARY_HEADER_ROW
    for item in summary.itertuples(index=False):
        row += 1
        _summary_row(ws, row, item.dimensi, item.programs, item.anggaran_total, item.quick_win_candidates)
    total_row = row + 1
    _summary_row(
        ws,
        total_row,
        TOTAL_LABEL,
        int(summary["programs"].sum()),
        float(summary["anggaran_total"].sum()),
        int(summary["quick_win_candidates"].sum()),
    )
    for cell in ws[total_row][: len(SUMMARY_COLUMNS)]:
        cell.font = Font(bold=True)
    ws.freeze_panes = f"A{SUMMARY_HEADER_ROW + 1}"
    set_widths(ws, [width for _, width in SUMMARY_COLUMNS])
    print_setup(ws, SUMMARY_HEADER_ROW)


def _summary_row(ws, row: int, label: str, programs: int, budget: float, candidates: int) -> None:
    put(ws, row, 1, label)
    put(ws, row, 2, int(programs))
    put(ws, row, 3, float(budget)).number_format = RUPIAH_FORMAT
    put(ws, row, 4, int(candidates))


# ---------------------------------------------------------------------------------------------------------------
# Dimension sheets
# ---------------------------------------------------------------------------------------------------------------


def _with_element_labels(roadmap_df: pd.DataFrame) -> pd.DataFrame:
    """Add `elemen_label` from the element code when a hand-made frame lacks it."""
    if "elemen_label" in roadmap_df.columns or "elemen" not in roadmap_df.columns:
        return roadmap_df
    taxonomy = load_taxonomy()
    labels = {(d.code, e.code): e.label for d in taxonomy.dimensions for e in d.elements}
    values = [
        NO_ELEMENT_LABEL if is_missing(e) else labels.get((_dimension_code(d), e))
        for d, e in zip(roadmap_df["dimensi"], roadmap_df["elemen"])
    ]
    return roadmap_df.assign(elemen_label=pd.Series(values, index=roadmap_df.index, dtype=object))


def _cell_value(value: Any, kind: str) -> object:
    """A frame value as an Excel cell value (None for missing, Ya/Tidak for flags, plain int/float numbers)."""
    if is_missing(value):
        return None
    if kind == "bool":
        return "Ya" if bool(value) else "Tidak"
    if kind == "money" or kind == "score":
        return float(value)
    if kind == "int":
        return int(value)
    return str(value)


def _write_programs(ws, rows: pd.DataFrame) -> None:
    """Header on row 1 (frozen, autofilter), one row per program, Rupiah format on the budget column.

    Written in bulk: values converted per column, rows appended, then the formats set per formatted column.
    """
    columns = [c for c in PROGRAM_SHEET_COLUMNS if c.source in rows.columns]
    for position, column in enumerate(columns, start=1):
        put(ws, 1, position, column.header)
    style_header(ws[1][: len(columns)])
    values = [[safe_cell(_cell_value(v, column.kind)) for v in rows[column.source].tolist()] for column in columns]
    records = list(zip(*values))
    for record in records:
        ws.append(record)
    for position, column in enumerate(columns, start=1):
        if column.kind not in ("money", "score", "text") or rows.empty:
            continue
        cells = [cell for (cell,) in ws.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=position, max_col=position)]
        if column.kind == "text":
            cells[0].alignment = WRAP
        else:
            cells[0].number_format = RUPIAH_FORMAT if column.kind == "money" else SCORE_FORMAT
        for cell in cells[1:]:  # the same style ids as the first cell, without openpyxl's style look-up per cell
            cell._style = copy(cells[0]._style)
    ws.freeze_panes = "A2"
    last_row = max(len(rows) + 1, 2)
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{last_row}"
    set_widths(ws, [c.width for c in columns])
    fit_row_heights(ws, 2, [c.width for c in columns], records)
    print_setup(ws, 1)
