"""Serialising tables into deliverable bytes, the same way for every stage (deterministic, UTF-8)."""

from __future__ import annotations

import pandas as pd

from bimtek.core.csv_files import frame_csv_bytes


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV a script or a spreadsheet reads: UTF-8, comma, '\\n' line ends, no index, every text cell sanitised."""
    return frame_csv_bytes(frame)
