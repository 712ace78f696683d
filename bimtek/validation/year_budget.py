"""Rules of the per-year budget columns of the program contract ("Anggaran 2027" ..., bimtek.core.columns).

They run after the units a table states are applied (so "Anggaran 2027 (Rp juta)" counts in Rupiah like
"Anggaran (Rp juta)") and before the GX suite, on the normalized frame (`check_year_budgets`):

| rule | column | a row is rejected when |
|---|---|---|
| `budget` | the year column | the year cell is not a number (or writes its own unit under a stated one): the message of the budget column |
| `budget_year_negative` | the year column | the year's figure is below 0 |
| `budget_year_outside` | the year column | a non-zero figure lies outside tahun_mulai..tahun_selesai |
| `budget_year_sum` | anggaran | the total differs from the sum of the year figures (compared in whole sen) |

A row that fills any year column states its budget per year. When its total (`anggaran`) is blank, the total is
the sum of the year figures (so the `required` rule does not fire and the `budget` range rule checks that sum);
a row rejected on a year cell is not also rejected for its blank total.
The typed column `anggaran_tahunan` (bimtek.core.year_budget) is built here for the rows that state years; the
others keep it blank, and the tables spread their total evenly, labelled "dibagi rata".

Why not in the GX suite: the suite names its columns statically, while the year columns are a range
(schemas/columns/program.json `per_year`) and a failure must point at the exact year cell the OPD wrote.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bimtek.core.columns import DatasetSpec
from bimtek.core.formatting import rupiah
from bimtek.core.year_budget import YEARLY_COLUMN, format_year_budgets
from bimtek.validation.gx_runner import Failure
from bimtek.validation.messages import MessageContext, message_for, quoted
from bimtek.validation.normalize import RID_COLUMN, typed_frame

SUM_COLUMN = "anggaran__jumlah_tahunan"
"""Helper: the sum of the year figures of a row that states them (NaN otherwise), for the `budget_year_sum` message."""


def _finite(value: float) -> bool:
    return not math.isnan(value) and not math.isinf(value)


def check_year_budgets(normalized: pd.DataFrame, spec: DatasetSpec) -> list[Failure]:
    """Fill `anggaran_tahunan`, a blank total and SUM_COLUMN from the year columns; the failures of the rules
    above, one per failing cell (module doc). `normalized` is changed in place."""
    years = {year: f"{name}__num" for year, name in spec.year_columns.items() if f"{name}__num" in normalized.columns}
    n = len(normalized)
    normalized[YEARLY_COLUMN] = pd.Series([None] * n, index=normalized.index, dtype="object")
    normalized[SUM_COLUMN] = np.full(n, np.nan)
    given = {year: column for year, column in years.items() if normalized[column].notna().any()}
    if not given:
        return []
    names = spec.year_columns
    values = {year: normalized[column].to_numpy(dtype="float64") for year, column in given.items()}
    starts = normalized["tahun_mulai__num"].to_numpy(dtype="float64")
    ends = normalized["tahun_selesai__num"].to_numpy(dtype="float64")
    totals = normalized["anggaran__num"].to_numpy(dtype="float64", copy=True)
    blank_total = normalized["anggaran__blank"].to_numpy(copy=True) if "anggaran__blank" in normalized else None
    rids = normalized[RID_COLUMN].to_numpy()
    yearly: list[str | None] = [None] * n
    sums = np.full(n, np.nan)
    failures: list[Failure] = []
    for i in range(n):
        stated = {year: v[i] for year, v in values.items() if not math.isnan(v[i])}
        if not stated:
            continue
        rid = int(rids[i])
        known_years = _finite(starts[i]) and _finite(ends[i]) and starts[i] <= ends[i]
        bad = False
        for year, amount in stated.items():
            rule = None
            if math.isinf(amount):
                rule = "budget"
            elif amount < 0:
                rule = "budget_year_negative"
            elif known_years and amount != 0 and not starts[i] <= year <= ends[i]:
                rule = "budget_year_outside"
            if rule:
                failures.append(Failure(rid, rule, names[year], float(amount)))
                bad = True
        if bad:  # the row is rejected on the year cell; a blank total is no second mistake (it would be their sum)
            if blank_total is not None:
                blank_total[i] = 0
            continue
        total_sen = sum(round(a * 100) for a in stated.values())
        sums[i] = total_sen / 100
        if math.isnan(totals[i]):
            totals[i] = total_sen / 100
            if blank_total is not None:
                blank_total[i] = 0
        elif _finite(totals[i]) and round(totals[i] * 100) != total_sen:
            failures.append(Failure(rid, "budget_year_sum", "anggaran", float(totals[i])))
            continue
        if known_years:
            span = range(int(starts[i]), int(ends[i]) + 1)
            yearly[i] = format_year_budgets({year: stated.get(year, 0.0) for year in span})
    normalized["anggaran__num"] = totals
    if blank_total is not None:
        normalized["anggaran__blank"] = blank_total
    normalized[YEARLY_COLUMN] = pd.Series(yearly, index=normalized.index, dtype="object")
    normalized[SUM_COLUMN] = sums
    return failures


def typed_program(normalized: pd.DataFrame, spec: DatasetSpec, columns: list[str]) -> pd.DataFrame:
    """Typed program rows: the contract columns as `typed_frame` types them, `anggaran_tahunan` as text or NA."""
    typed = typed_frame(normalized, spec, [c for c in columns if c != YEARLY_COLUMN])
    if YEARLY_COLUMN in normalized.columns:
        yearly = normalized[YEARLY_COLUMN]
    else:
        yearly = pd.Series([None] * len(normalized), index=normalized.index, dtype="object")
    typed[YEARLY_COLUMN] = yearly.astype("str")
    return typed[list(columns)]


def _years_of(ctx: MessageContext) -> str:
    start, end = ctx.row.get("tahun_mulai__num"), ctx.row.get("tahun_selesai__num")
    if start is None or end is None:
        return ""
    start, end = int(start), int(end)
    return str(start) if start == end else f"{start}-{end}"


@message_for("budget_year_negative")
def _budget_year_negative(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, anggaran satu tahun tidak boleh negatif. '
        "Tulis angka 0 atau lebih, atau kosongkan tahun tanpa anggaran."
    )


@message_for("budget_year_outside")
def _budget_year_outside(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, padahal program ini berjalan {_years_of(ctx)} '
        "(Tahun mulai sampai Tahun selesai). Pindahkan anggaran itu ke tahun pelaksanaan program, atau ubah "
        "tahun mulai/selesai."
    )


@message_for("budget_year_sum")
def _budget_year_sum(ctx: MessageContext) -> str:
    total = ctx.row.get(SUM_COLUMN)
    stated = f" ({rupiah(total)})" if isinstance(total, (int, float)) and _finite(float(total)) else ""
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)} ({rupiah(ctx.observed)}), tidak sama dengan jumlah '
        f"anggaran per tahun{stated}. Samakan totalnya dengan jumlah anggaran per tahun, atau kosongkan kolom "
        f'"{ctx.header}" agar totalnya dihitung dari anggaran per tahun.'
    )
