"""Building a Sheet from a found header and the rows after it: rows kept and left out, units, the frames.

Shared by the three formats (xlsx, csv, json).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from bimtek.core.formatting import angka
from bimtek.core.model import ROW_COLUMN, Sheet
from bimtek.core.settings import Settings
from bimtek.ingest.reader.cells import SharedTexts
from bimtek.ingest.reader.header import Header, plan_columns
from bimtek.ingest.reader.limits import LimitExceeded, RowCount, check_width, sheet_place
from bimtek.ingest.reader.rows import clerk_rows, left_out_note
from bimtek.ingest.reader.units import table_units


def build_sheet(
    path: str,
    sheet_name: str,
    header: Header,
    header_row: int | None,
    records: Iterable[tuple[int, list[str | None]]],
    limits: Settings,
    title_rows: Sequence[Sequence[str | None]] = (),
    counted: RowCount | None = None,
) -> Sheet:
    """Sheet from a found header and the (row number, cell texts) records after it (limits checked as read).

    Rows a clerk would not count (example, totals, group headings, notes: `rows`) are left out and
    named in `Sheet.notes`; a unit stated in a money column's header, the title rows above the header or a note
    row goes to `Sheet.units` (two different units for one column make the table unreadable).
    """
    data: list[list[str | None]] = []
    row_numbers: list[int] = []
    width, used = 0, set()
    shared = SharedTexts()
    check_width(len(header.cells), limits, sheet_name)
    for number, texts in records:
        if not texts:
            continue
        check_width(len(texts), limits, sheet_name)
        if len(data) >= limits.max_rows_per_sheet:
            raise LimitExceeded(
                f"{sheet_place(sheet_name)}berisi lebih dari {angka(limits.max_rows_per_sheet)} baris data (batas per "
                "tabel). Pisahkan menjadi beberapa berkas."
            )
        if counted is not None:
            counted.add()
        data.append([shared(text) for text in texts])
        row_numbers.append(number)
        width = max(width, len(texts))
        used.update(i for i, v in enumerate(texts) if v is not None)
    known, extra, original = plan_columns(header, width, used)
    keep, left_out, note_units = clerk_rows(header.spec, known, extra, data, row_numbers)
    place = path + (f" ({sheet_name})" if sheet_name else "")
    units, unit_notes, conflict = table_units(header.spec, header.cells, known, title_rows, note_units, place)
    if conflict:
        return failed(path, sheet_name, "unreadable", conflict, header.spec.dataset)
    if len(keep) < len(data):
        data = [data[i] for i in keep]
        row_numbers = [row_numbers[i] for i in keep]
    frame = frame_of(data, known, row_numbers)
    frame[ROW_COLUMN] = pd.array(row_numbers, dtype="int64")
    sheet = Sheet(
        path=path,
        sheet=sheet_name,
        frame=frame,
        dataset=header.spec.dataset,
        header_row=header_row,
        original_headers=original,
        extra=frame_of(data, extra, row_numbers),
        units=units,
        notes=[*(left_out_note(place, kind, rows) for kind, rows in left_out.items()), *unit_notes],
    )
    if not data:
        sheet.status = "empty"
        sheet.message = "Baris judul kolom ditemukan, tetapi tidak ada baris data di bawahnya" + (
            " (hanya baris contoh, jumlah, judul kelompok atau catatan)." if left_out else "."
        )
    return sheet


def frame_of(data: list[list[str | None]], columns: list[tuple[int, str]], row_numbers: list[int]) -> pd.DataFrame:
    """Object-dtype frame (str or None cells) of the chosen column positions."""
    if not columns:
        return pd.DataFrame(index=pd.RangeIndex(len(row_numbers)))
    positions = [p for p, _ in columns]
    rows = [[texts[p] if p < len(texts) else None for p in positions] for texts in data]
    return pd.DataFrame(rows, columns=[n for _, n in columns], dtype=object)


def failed(path: str, sheet_name: str, status: str, message: str, dataset: str = "") -> Sheet:
    """A Sheet that carries no rows, only a status and the reason."""
    frame = pd.DataFrame({ROW_COLUMN: pd.array([], dtype="int64")})
    return Sheet(path=path, sheet=sheet_name, frame=frame, dataset=dataset, status=status, message=message)
