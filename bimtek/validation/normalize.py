"""Turn a Sheet's raw-text frame into the frame the GX suite checks, and valid rows into typed columns.

Pure pandas, no rule decisions: this module only reads, folds and matches cells. Whether a value is acceptable
is decided by the expectations of `schemas/gx/<dataset>.json`, which look at the helper columns built here.

The normalized frame has one row per Sheet row (same order) and, driven by each column's `kind` in the column
contract (`schemas/columns/<dataset>.json`):

| column | content |
|---|---|
| `_rid` | position of the row in the Sheet (0..n-1): the row id GX reports unexpected rows by |
| `<name>` | stripped text, None when blank (missing optional columns are all None) |
| `<name>__blank` (required columns) | 1 when the cell is blank, else 0 |
| `<name>__code` (dimension, element) | taxonomy code, or the text as written when nothing matched; None when blank. Elements are matched within the row's dimension and left None when that dimension is not valid |
| `<name>__label` (funding) | canonical funding label, or the text as written |
| `<name>__key` (opd) | folded text (`fold_key`), only when the region lists OPD; `<name>__name` = canonical name |
| `<name>__num` (money, year, score) | parsed number as float; NaN when blank; `UNREADABLE` (-inf) when text is given but is not a number, so every range expectation fails it |
| `<name>__flag`, `<name>__unreadable` (bool) | yes/no as bool (blank or unreadable = False); the unreadable text, else None |

Design choice (documented in the report): a sentinel instead of GX `row_condition` for "given but unreadable"
keeps one expectation per rule and column (GX costs ~10-20 ms per expectation, whatever the row count).
`row_condition` does work in GX 1.24 with pandas; the suite uses it once, to keep unreadable years out of
`year_order`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from bimtek.core.columns import DatasetSpec
from bimtek.core.nomenclature import parse_code
from bimtek.core.parsing import parse_bool, parse_int, parse_money
from bimtek.core.region import Region
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.text import cell_text, fold_key

RID_COLUMN = "_rid"
UNREADABLE = -math.inf
"""Value of a `__num` helper cell whose text is not a number."""

_NUMBER_PARSERS: dict[str, Callable[[object], float | int | None]] = {
    "money": parse_money,
    "year": parse_int,
    "score": parse_int,
}


def parse_number(value: object, parser: Callable[[object], float | int | None]) -> float:
    """Parsed number as float: NaN when blank, UNREADABLE when the parser refuses the text."""
    try:
        number = parser(value)
    except ValueError:
        return UNREADABLE
    return math.nan if number is None else float(number)


def per_distinct(values: list, convert: Callable[[object], object]) -> list:
    """`[convert(v) for v in values]`, calling `convert` once per distinct value (cells repeat a lot: OPD names,
    dimensions, funding sources, years). Unhashable values are converted one by one.
    """
    cache: dict = {}
    out = []
    for value in values:
        key = (value.__class__, value)  # 1, 1.0 and True are equal keys but different cells
        try:
            result = cache[key]
        except KeyError:
            result = cache[key] = convert(value)
        except TypeError:
            result = convert(value)
        out.append(result)
    return out


def _bool_or_unreadable(value: object) -> tuple[bool, object]:
    """(flag, None) for a readable yes/no cell; (False, the text) when it cannot be read."""
    try:
        return parse_bool(value), None
    except ValueError:
        return False, value


def normalize(frame: pd.DataFrame, spec: DatasetSpec, region: Region | None) -> pd.DataFrame:
    """Build the normalized frame (see module doc) for a Sheet frame of dataset `spec` (index ignored).

    `region` None means no OPD list (used to build empty frames).
    """
    taxonomy = load_taxonomy()
    opd_lookup = region.opd_lookup() if region is not None else {}
    n = len(frame)
    out: dict[str, object] = {RID_COLUMN: np.arange(n, dtype="int64")}
    text: dict[str, list[str | None]] = {}
    for col in spec.columns:
        # a column the sheet does not have (most of the per-year columns) is all blank: nothing to read
        text[col.name] = per_distinct(frame[col.name].tolist(), cell_text) if col.name in frame.columns else [None] * n
        out[col.name] = pd.Series(text[col.name], dtype="object")
        if col.required:
            out[f"{col.name}__blank"] = np.array([v is None for v in text[col.name]], dtype="int64")

    dimension_codes: list[str | None] = [None] * n
    for col in spec.columns:
        values = text[col.name]
        name = col.name
        if col.kind == "dimension":
            codes = per_distinct(values, lambda v: None if v is None else taxonomy.match_dimension(v) or v)
            dimension_codes = [c if c in taxonomy.dimension_codes else None for c in codes]
            out[f"{name}__code"] = pd.Series(codes, dtype="object")
        elif col.kind == "funding":
            out[f"{name}__label"] = pd.Series(
                per_distinct(values, lambda v: None if v is None else taxonomy.match_funding(v) or v), dtype="object"
            )
        elif col.kind == "opd":
            out[f"{name}__key"] = pd.Series(
                per_distinct(values, lambda v: fold_key(v) if v is not None and opd_lookup else None), dtype="object"
            )
            out[f"{name}__name"] = pd.Series(
                per_distinct(values, lambda v: None if v is None else opd_lookup.get(fold_key(v), v)), dtype="object"
            )
        elif col.kind in _NUMBER_PARSERS:
            parser = _NUMBER_PARSERS[col.kind]
            if name not in frame.columns:
                out[f"{name}__num"] = np.full(n, np.nan)
                continue
            out[f"{name}__num"] = np.array(per_distinct(values, partial(parse_number, parser=parser)), dtype="float64")
        elif col.kind == "sipd_code":
            out[f"{name}__code"] = pd.Series(
                per_distinct(values, lambda v: None if v is None else parse_code(v) or v), dtype="object"
            )
        elif col.kind == "bool":
            parsed = per_distinct(values, _bool_or_unreadable)
            out[f"{name}__flag"] = np.array([flag for flag, _ in parsed], dtype="bool")
            out[f"{name}__unreadable"] = pd.Series([text for _, text in parsed], dtype="object")

    # Elements need the row's dimension, so they are matched after all dimension columns.
    for col in spec.columns:
        if col.kind == "element":
            out[f"{col.name}__code"] = pd.Series(
                per_distinct(
                    list(zip(text[col.name], dimension_codes)),
                    lambda pair: None if None in pair else taxonomy.match_element(pair[1], pair[0]) or pair[0],  # type: ignore[index,operator]
                ),
                dtype="object",
            )
    return pd.DataFrame(out)


_TYPED_SOURCE = {
    "opd": ("__name", "str"),
    "dimension": ("__code", "str"),
    "element": ("__code", "str"),
    "funding": ("__label", "str"),
    "money": ("__num", "float64"),
    "bool": ("__flag", "bool"),
    "sipd_code": ("__code", "str"),
}
"""kind -> (helper column suffix, dtype) of the typed value; other kinds: the stripped text as str."""


def typed_frame(normalized: pd.DataFrame, spec: DatasetSpec, columns: list[str]) -> pd.DataFrame:
    """Typed values of `columns` for the rows of `normalized` (call it on valid rows only).

    Types by kind: opd -> canonical name (str), dimension/element -> code, funding -> label, text -> str,
    money -> float64, year -> int64 when required else Int64, score -> Int64, bool -> bool. Index is kept.
    """
    typed: dict[str, pd.Series] = {}
    for name in columns:
        col = spec.column(name)
        if col.kind in ("year", "score"):
            dtype = "int64" if col.required and col.kind == "year" else "Int64"
            typed[name] = normalized[f"{name}__num"].astype("float64").astype("Int64").astype(dtype)
        else:
            source, dtype = _TYPED_SOURCE.get(col.kind, ("", "str"))
            typed[name] = normalized[f"{name}{source}"].astype(dtype)
    return pd.DataFrame(typed, index=normalized.index)
