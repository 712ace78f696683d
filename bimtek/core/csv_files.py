"""The one way a CSV is written: every text cell (header included) through `safe_cell`, UTF-8, no index.

`table_csv_bytes` writes rows; `frame_csv_bytes` writes a DataFrame with pandas' number formatting. `excel=True`
adds the UTF-8 byte-order mark and CRLF line ends, so Excel opens non-ASCII text correctly (quarantine.csv).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence

import pandas as pd

from bimtek.core.sanitise import safe_cell

BOM = "\ufeff"


def _finish(text: str, excel: bool) -> bytes:
    return ((BOM if excel else "") + text).encode("utf-8")


def table_csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]], *, excel: bool = False) -> bytes:
    """CSV bytes of `header` then `rows`; None becomes an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
    return _finish(buffer.getvalue(), excel)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose column names and text cells passed `safe_cell`; numbers stay numbers (inf: empty)."""
    safe = frame.copy()
    safe.columns = [safe_cell(name) if isinstance(name, str) else name for name in frame.columns]
    for position, dtype in enumerate(safe.dtypes):
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            column = safe.iloc[:, position]
            safe.isetitem(position, column.map(safe_cell, na_action="ignore"))
        elif pd.api.types.is_float_dtype(dtype):
            safe.isetitem(position, safe.iloc[:, position].replace([math.inf, -math.inf], math.nan))
    return safe


CSV_CHUNK_ROWS = 20_000
"""`frame_csv_bytes` sanitises and writes this many rows at a time: a 194 000-row roadmap (115 MB of CSV) then
never holds a sanitised copy of the whole frame and its whole text besides the bytes."""


def frame_csv_bytes(frame: pd.DataFrame, *, excel: bool = False) -> bytes:
    """CSV bytes of `frame` (no index, stable float text) after `safe_frame`, written CSV_CHUNK_ROWS rows at a
    time (the same bytes as in one piece: every cell is formatted on its own)."""
    out = io.BytesIO()
    if excel:
        out.write(BOM.encode("utf-8"))
    for start in range(0, max(len(frame), 1), CSV_CHUNK_ROWS):
        part = safe_frame(frame.iloc[start : start + CSV_CHUNK_ROWS])
        text = part.to_csv(index=False, header=start == 0, lineterminator="\r\n" if excel else "\n")
        out.write(text.encode("utf-8"))
    return out.getvalue()
