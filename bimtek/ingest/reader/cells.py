"""Cell text: what one cell of a file says, as a person reads it (numbers without binary noise, dates as dates).

Pure functions on values already read; no I/O.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from decimal import Decimal


def raw_cell_text(value: object) -> str | None:
    """Raw text of one cell as read from a file: None for blank; workbook values written the way a person would
    read them; text kept as written (not stripped, unlike `bimtek.core.text.cell_text` on parsed values).

    Whole floats lose the ".0" (2025.0 -> "2025"), other floats keep at most 15 significant digits (no binary
    noise, no exponent), dates become ISO dates ("2025-01-31"; date-times with a time keep it), booleans become
    "TRUE"/"FALSE" as spreadsheets show them. Strings are kept as written; white-space-only strings are blank.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if text.strip() else None


def _float_text(value: float) -> str | None:
    if math.isnan(value):
        return None
    if math.isinf(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    text = format(value, ".15g")
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def row_texts(row: Iterable[object]) -> list[str | None]:
    """Cell texts of one row with trailing blank cells dropped (an all-blank row gives [])."""
    texts = [raw_cell_text(v) for v in row]
    while texts and texts[-1] is None:
        texts.pop()
    return texts


class SharedTexts:
    """One string object per distinct short cell text of a table (OPD names, dimensions, years repeat on every
    row), so a large sheet holds each such value once; bounded, so a sheet of distinct values costs no more."""

    MAX_LENGTH = 40
    MAX_ENTRIES = 100_000

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def __call__(self, text: str | None) -> str | None:
        if text is None or len(text) > self.MAX_LENGTH:
            return text
        shared = self._texts.get(text)
        if shared is not None:
            return shared
        if len(self._texts) < self.MAX_ENTRIES:
            self._texts[text] = text
        return text
