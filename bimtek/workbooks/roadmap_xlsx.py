"""The roadmap as an Excel workbook a Pemda can hand over.

Sheets
    "Ringkasan"        title, period, then per dimension: programs, budget, quick-win candidates, and a
                       "Jumlah" row with the totals (values, not formulas, so any reader sees them).
    one per dimension  named by the dimension label ("Smart Governance" ...), always all six in taxonomy order;
                       the programs of that dimension in roadmap order with Indonesian headers on row 1, header
                       frozen (A2), autofilter over the table, readable widths. After "Anggaran (Rp)": one column
                       per year of the period ("Anggaran 2027" ...) and "Dasar anggaran per tahun": the figures of
                       bimtek.analysis.aggregate.year_columns (as the OPD stated them, or "dibagi rata"), the
                       same figures as the books' year tables.

Money cells carry the number format `"Rp "#,##0` (RUPIAH_FORMAT): the cell stays a number; Excel shows the
grouping separator of the reader's locale, so with Indonesian settings 1500000 appears as "Rp 1.500.000" and
with English settings as "Rp 1,500,000".

The bytes are deterministic (fixed document-property and zip-entry timestamps, see bimtek.workbooks.xlsx).
Written in openpyxl's write-only mode: rows stream to the file as they are appended (styled WriteOnlyCells), so
memory does not grow with millions of cells; widths, frozen panes and row heights are set before the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bimtek.analysis.aggregate import year_columns
from bimtek.core.sanitise import safe_cell
from bimtek.core.taxonomy import NO_ELEMENT_LABEL, load_taxonomy
from bimtek.core.values import is_missing
from bimtek.workbooks.xlsx import (
    RUPIAH_FORMAT,
    TITLE_FONT,
    WRAP,
    fit_row_heights,
    print_setup,
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
    OutputColumn("kode_sub_kegiatan", "Kode Sub Kegiatan (SIPD)", 20),
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
    workbook = Workbook(write_only=True)
    _write_summary(workbook.create_sheet(SUMMARY_SHEET), summary, region)
    taken = {SUMMARY_SHEET}
    frame = _with_element_labels(roadmap_df)
    if {"anggaran", "tahun_mulai", "tahun_selesai"} <= set(frame.columns):
        frame = frame.join(year_columns(frame, region.period))
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


def _cell(ws, value: object, **style: Any) -> WriteOnlyCell:
    """A write-only cell holding `value` (through safe_cell) with the given style attributes."""
    return _styled(ws, safe_cell(value), style)


def _write_summary(ws, summary: pd.DataFrame, region) -> None:
    """Title rows, the per-dimension table and the total row."""
    ws.freeze_panes = f"A{SUMMARY_HEADER_ROW + 1}"
    set_widths(ws, [width for _, width in SUMMARY_COLUMNS])
    print_setup(ws, SUMMARY_HEADER_ROW)
    ws.append([_cell(ws, f"Ringkasan Peta Jalan Smart City - {region.name}", font=TITLE_FONT)])
    ws.append([safe_cell(f"Periode masterplan {region.period.start}-{region.period.end}")])
    ws.append([])
    header = [_cell(ws, title) for title, _ in SUMMARY_COLUMNS]
    style_header(header)
    ws.append(header)
    for item in summary.itertuples(index=False):
        ws.append(_summary_row(ws, item.dimensi, item.programs, item.anggaran_total, item.quick_win_candidates))
    total = _summary_row(
        ws,
        TOTAL_LABEL,
        int(summary["programs"].sum()),
        float(summary["anggaran_total"].sum()),
        int(summary["quick_win_candidates"].sum()),
    )
    for cell in total:
        cell.font = Font(bold=True)
    ws.append(total)


def _summary_row(ws, label: str, programs: int, budget: float, candidates: int) -> list[WriteOnlyCell]:
    return [
        _cell(ws, label),
        _cell(ws, int(programs)),
        _cell(ws, float(budget), number_format=RUPIAH_FORMAT),
        _cell(ws, int(candidates)),
    ]


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

    Write-only: the sheet settings and row heights first, then the rows streamed; text cells wrapped, money and
    score cells with their number format.
    """
    columns = [c for c in _sheet_columns(rows) if c.source in rows.columns]
    widths = [c.width for c in columns]
    values = [[safe_cell(_cell_value(v, column.kind)) for v in rows[column.source].tolist()] for column in columns]
    records = list(zip(*values))
    ws.freeze_panes = "A2"
    last_row = max(len(rows) + 1, 2)
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{last_row}"
    set_widths(ws, widths)
    fit_row_heights(ws, 2, widths, records)
    print_setup(ws, 1)
    header = [_cell(ws, column.header) for column in columns]
    style_header(header)
    ws.append(header)
    styles = [_column_style(column.kind) for column in columns]
    for record in records:
        ws.append(
            [
                _styled(ws, value, style) if style and value is not None else value
                for value, style in zip(record, styles)
            ]
        )


def _sheet_columns(rows: pd.DataFrame) -> list[OutputColumn]:
    """PROGRAM_SHEET_COLUMNS with the per-year budget columns (module doc) after the total budget."""
    columns: list[OutputColumn] = []
    for column in PROGRAM_SHEET_COLUMNS:
        columns.append(column)
        if column.source == "anggaran":
            for name in rows.columns:
                if name.startswith("anggaran_") and name.removeprefix("anggaran_").isdigit():
                    columns.append(OutputColumn(name, f"Anggaran {name.removeprefix('anggaran_')}", 18, "money"))
            columns.append(OutputColumn("dasar_anggaran", "Dasar anggaran per tahun", 16))
    return columns


def _column_style(kind: str) -> dict[str, Any]:
    """The style attributes of a data cell of this kind (none for int and bool columns)."""
    if kind == "text":
        return {"alignment": WRAP}
    if kind in ("money", "score"):
        return {"number_format": RUPIAH_FORMAT if kind == "money" else SCORE_FORMAT}
    return {}


def _styled(ws, value: object, style: dict[str, Any]) -> WriteOnlyCell:
    """A data cell already cleaned by safe_cell, with its column's style."""
    cell = WriteOnlyCell(ws, value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell
