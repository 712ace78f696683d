"""Serialising tables into deliverable bytes, the same way for every stage (deterministic, UTF-8)."""

from __future__ import annotations

import json

import pandas as pd

from bimtek.core.csv_files import frame_csv_bytes


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV a script or a spreadsheet reads: UTF-8, comma, '\\n' line ends, no index, every text cell sanitised."""
    return frame_csv_bytes(frame)


def json_bytes(data: object) -> bytes:
    """Pretty, deterministic JSON (keys in insertion order, non-ASCII kept)."""
    return (json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")
