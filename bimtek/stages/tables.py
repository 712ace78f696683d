"""Serialising tables into deliverable bytes, the same way for every stage (deterministic, UTF-8)."""

from __future__ import annotations

import json

import pandas as pd


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV a script or a spreadsheet reads: UTF-8, comma, '\\n' line ends, no index, stable float text."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def json_bytes(data: object) -> bytes:
    """Pretty, deterministic JSON (keys in insertion order, non-ASCII kept)."""
    return (json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")
