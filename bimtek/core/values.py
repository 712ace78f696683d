"""Cell values between pandas and the rest of the world: one test for "missing", one frame-to-records converter.

`is_missing` is the only definition of a missing value (None, NaN of any float type, NaT, pd.NA); `is_blank` in
`bimtek.core.text` adds white-space-only text. `plain_value` / `frame_records` turn numpy and pandas scalars into
the Python values templates, JSON and openpyxl expect.
"""

from __future__ import annotations

from typing import Any


def is_missing(value: object) -> bool:
    """True for None, NaN (Python or numpy), NaT and pd.NA; False for anything else, text and containers included."""
    if value is None:
        return True
    if isinstance(value, float):
        return bool(value != value)
    if isinstance(value, (str, bytes, int, list, tuple, dict, set)):
        return False
    import pandas as pd  # lazily: core.text uses this without needing pandas loaded

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def plain_value(value: object) -> Any:
    """A numpy/pandas scalar as the Python value (np.int64 -> int); missing (see `is_missing`) -> None."""
    if is_missing(value):
        return None
    return value.item() if hasattr(value, "item") else value


def frame_records(frame) -> list[dict[str, Any]]:
    """The rows of a DataFrame as dicts of plain Python values (`plain_value`), in row order."""
    return [{key: plain_value(value) for key, value in row.items()} for row in frame.to_dict(orient="records")]
