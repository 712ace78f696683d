"""Serialising tables into deliverable bytes, the same way for every stage (deterministic, UTF-8)."""

from __future__ import annotations

import pandas as pd


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV a script or a spreadsheet reads: UTF-8, comma, '\\n' line ends, no index, stable float text."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")

