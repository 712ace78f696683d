"""Aggregates of the valid programs for the masterplan (Tahap III): pure pandas, deterministic row order.

Every function takes the program frame (PROGRAM_COLUMNS of bimtek.core.model) or the roadmap of
bimtek.analysis.roadmap.build_roadmap (which keeps the same `opd, dimensi, elemen, anggaran, sumber_dana, tahun_mulai,
tahun_selesai` columns). An empty frame gives the full table with zeros.

Conventions
- The `dimensi` column of an aggregate holds the dimension's display label ("Smart Governance"), taken from
  schemas/taxonomy.json, so CSV readers see names rather than codes; rows follow the taxonomy order and all six
  dimensions are always present. Wide tables use the labels as column names in the same order.
- `elemen` holds the element's English short label ("Service"), `elemen_uraian` its Indonesian wording
  ("Pelayanan publik"). Programs without an element count for their dimension but for no element.
- Money is float Rupiah (`anggaran_total`, per-source and per-year columns).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Protocol

import numpy as np
import pandas as pd

from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.year_budget import EVEN, STATED, YEARLY_COLUMN, is_stated, parse_year_budgets

TOTAL_LABEL = "Jumlah"
"""Label of total rows and columns in wide tables."""


class PeriodLike(Protocol):
    start: int
    end: int


def _dimension_labels() -> dict[str, str]:
    """Dimension code -> label, in taxonomy order."""
    return {d.code: d.label for d in load_taxonomy().dimensions}


def by_dimension(roadmap: pd.DataFrame) -> pd.DataFrame:
    """Columns `dimensi, programs, anggaran_total, quick_win_candidates`: six rows in taxonomy order.

    `quick_win_candidates` counts the roadmap's `quick_win_candidate` flags, so pass build_roadmap() output;
    a frame without that column raises KeyError instead of silently reporting zero candidates.
    """
    if "quick_win_candidate" not in roadmap.columns:
        raise KeyError("by_dimension needs the quick_win_candidate column of bimtek.analysis.roadmap.build_roadmap()")
    labels = _dimension_labels()
    grouped = roadmap.groupby("dimensi", sort=False)
    counts = grouped.size().reindex(list(labels), fill_value=0)
    budgets = grouped["anggaran"].sum().reindex(list(labels), fill_value=0.0)
    candidates = grouped["quick_win_candidate"].sum().reindex(list(labels), fill_value=0)
    return pd.DataFrame(
        {
            "dimensi": list(labels.values()),
            "programs": counts.astype("int64").to_numpy(),
            "anggaran_total": budgets.astype(float).to_numpy(),
            "quick_win_candidates": candidates.astype("int64").to_numpy(),
        }
    )


def by_element(programs: pd.DataFrame) -> pd.DataFrame:
    """Columns `dimensi, elemen, elemen_uraian, programs, anggaran_total, gap`: all 18 elements in taxonomy order.

    `gap` is True for an element with no program.
    """
    taxonomy = load_taxonomy()
    with_element = programs[programs["elemen"].notna()] if len(programs) else programs
    grouped = with_element.groupby(["dimensi", "elemen"], sort=False)
    counts = grouped.size().to_dict()
    budgets = grouped["anggaran"].sum().to_dict()
    rows = []
    for dim in taxonomy.dimensions:
        for el in dim.elements:
            n = int(counts.get((dim.code, el.code), 0))
            rows.append(
                {
                    "dimensi": dim.label,
                    "elemen": el.label,
                    "elemen_uraian": el.label_id,
                    "programs": n,
                    "anggaran_total": float(budgets.get((dim.code, el.code), 0.0)),
                    "gap": n == 0,
                }
            )
    frame = pd.DataFrame(rows)
    return frame.astype({"programs": "int64", "anggaran_total": float, "gap": bool})


def element_gaps(programs: pd.DataFrame) -> pd.DataFrame:
    """Columns `dimensi, elemen, elemen_uraian`: the elements with no program, in taxonomy order."""
    elements = by_element(programs)
    return elements.loc[elements["gap"], ["dimensi", "elemen", "elemen_uraian"]].reset_index(drop=True)


def _funding_columns(programs: pd.DataFrame) -> list[str]:
    """Taxonomy funding sources in contract order, then any other source found (sorted)."""
    known = list(load_taxonomy().funding_sources)
    found = set(programs["sumber_dana"].dropna().astype(str)) if len(programs) else set()
    return known + sorted(found - set(known))


def budget_by_funding(programs: pd.DataFrame) -> pd.DataFrame:
    """Dimension x funding source budget matrix.

    Columns `dimensi`, one column per funding source (the ten of the taxonomy in contract order, then any
    other source), `jumlah`. Rows: the six dimensions in taxonomy order, then a `Jumlah` total row.
    """
    labels = _dimension_labels()
    sources = _funding_columns(programs)
    sums = programs.groupby(["dimensi", "sumber_dana"], sort=False)["anggaran"].sum()
    matrix = sums.unstack("sumber_dana") if len(sums) else pd.DataFrame()
    matrix = matrix.reindex(index=list(labels), columns=sources).fillna(0.0).astype(float)
    matrix["jumlah"] = matrix[sources].sum(axis=1)
    matrix.loc[TOTAL_LABEL] = matrix.sum(axis=0)
    matrix.index = [*labels.values(), TOTAL_LABEL]
    matrix.columns.name = None
    return matrix.rename_axis("dimensi").reset_index()


def spread_budget(programs: pd.DataFrame) -> pd.DataFrame:
    """Each program's budget per year over its years tahun_mulai..tahun_selesai: as the OPD stated it, else an
    even split in whole Rupiah.

    Returns columns `program` (index label of the input row), `dimensi` (code), `tahun`, `anggaran`, `dibagi_rata`
    (True where the year's figure is an even split of a total over several years). A program with `anggaran_tahunan` (bimtek.core.year_budget;
    validation made its years those of the program and their sum its total) gets its stated figure per year, 0
    for a year it does not name. Otherwise every year gets the budget divided by the number of years, rounded
    down to whole Rupiah; the remainder (and any sen) goes to the first year, so a program's yearly shares add up
    exactly to its budget (Rp 1.000.000 over 3 years -> 333.334, 333.333, 333.333). A program whose end is before
    its start counts in its start year only. The arithmetic runs in integer sen, as Python integers (object
    arrays), so no budget can overflow int64.
    """
    if programs.empty:
        return pd.DataFrame(
            {
                "program": pd.Series(dtype=object),
                "dimensi": pd.Series(dtype=object),
                "tahun": pd.Series(dtype="int64"),
                "anggaran": pd.Series(dtype=float),
                "dibagi_rata": pd.Series(dtype=bool),
            }
        )
    start = programs["tahun_mulai"].astype("int64").to_numpy()
    years = np.maximum(programs["tahun_selesai"].astype("int64").to_numpy() - start + 1, 1)
    total_sen = np.array([_sen(v) for v in programs["anggaran"].astype(float).to_numpy()], dtype=object)
    whole_years = years.astype(object)
    base_sen = (total_sen // whole_years) // 100 * 100
    first_sen = total_sen - base_sen * (whole_years - 1)
    position = np.repeat(np.arange(len(programs)), years)
    offset = np.arange(len(position)) - np.repeat(np.cumsum(years) - years, years)
    share_sen = np.where(offset == 0, first_sen[position], base_sen[position])
    year = start[position] + offset
    even = years[position] > 1  # a single-year total is the OPD's own figure for that year, not a split
    begins = np.cumsum(years) - years
    stated = programs[YEARLY_COLUMN].tolist() if YEARLY_COLUMN in programs.columns else [None] * len(programs)
    for row, text in enumerate(stated):
        amounts = parse_year_budgets(text)
        if not amounts:
            continue
        rows = range(int(begins[row]), int(begins[row] + years[row]))
        for at in rows:
            share_sen[at] = _sen(amounts.get(int(year[at]), 0.0))
        even[begins[row] : begins[row] + years[row]] = False
    return (
        pd.DataFrame(
            {
                "program": programs.index.to_numpy()[position],
                "dimensi": programs["dimensi"].to_numpy()[position],
                "tahun": year,
                "sen": share_sen,
            }
        )
        .assign(anggaran=lambda f: f["sen"].map(lambda sen: sen / 100).astype(float), dibagi_rata=even)
        .drop(columns="sen")
    )


def _sen(amount: float) -> int:
    """Whole sen of a Rupiah amount as a Python int (0 for NaN or infinity, which validation never lets through)."""
    return round(amount * 100) if math.isfinite(amount) else 0


def budget_by_year(programs: pd.DataFrame, period: PeriodLike) -> pd.DataFrame:
    """Budget per year: each program's stated year figures, else its total spread evenly (`spread_budget`).

    Columns `tahun`, the six dimension labels (taxonomy order), `jumlah`, `program_aktif` (programs running that
    year), `dinyatakan_opd` and `dibagi_rata` (the part of `jumlah` from figures the OPD gave for that year, stated
    per year or a single-year total, and from totals spread evenly over several years; they add up to `jumlah`). Rows: every year of the period plus any program year outside
    it, ascending. The `jumlah` column adds up to the total budget of `programs`.
    """
    labels = _dimension_labels()
    spread = spread_budget(programs)
    spread = spread.assign(sen=pd.Series([_sen(v) for v in spread["anggaran"]], index=spread.index, dtype=object))
    years = sorted(set(range(period.start, period.end + 1)) | set(spread["tahun"].tolist()))
    matrix = spread.groupby(["tahun", "dimensi"])["sen"].sum().unstack("dimensi") if len(spread) else pd.DataFrame()
    matrix = matrix.reindex(index=years, columns=list(labels)).astype(object).where(lambda m: m.notna(), 0)
    total = matrix.sum(axis=1)
    active = spread.groupby("tahun")["program"].nunique().reindex(years, fill_value=0)
    result = matrix.map(lambda sen: sen / 100).astype(float).rename(columns=labels)
    result.columns.name = None
    result["jumlah"] = total.map(lambda sen: sen / 100).astype(float)
    result["program_aktif"] = active.astype("int64")
    for name, part in (("dinyatakan_opd", ~spread["dibagi_rata"]), ("dibagi_rata", spread["dibagi_rata"])):
        sen = spread.loc[part.astype(bool)].groupby("tahun")["sen"].sum() if len(spread) else pd.Series(dtype=object)
        result[name] = [_rupiah_of_sen(sen.get(year, 0)) for year in years]
    return result.rename_axis("tahun").reset_index()


def _rupiah_of_sen(sen: int) -> float:
    return int(sen) / 100


def year_columns(programs: pd.DataFrame, period: PeriodLike) -> pd.DataFrame:
    """Each program's budget per year as columns (for tables with one row per program), same index as `programs`.

    Columns `anggaran_<year>` for every year of the period (plus any program year outside it), ascending, with the
    figures of `spread_budget` (blank in the years a program does not run), then `dasar_anggaran`: STATED for year
    figures the OPD stated and for a single-year total, EVEN for a total spread over several years.
    """
    spread = spread_budget(programs)
    years = sorted(set(range(period.start, period.end + 1)) | set(spread["tahun"].tolist()))
    table = (
        spread.pivot(index="program", columns="tahun", values="anggaran") if len(spread) else pd.DataFrame()
    ).reindex(index=programs.index, columns=years)
    table.columns = [f"anggaran_{year}" for year in years]
    even = spread.groupby("program")["dibagi_rata"].all().reindex(programs.index, fill_value=False)
    table["dasar_anggaran"] = even.map({True: EVEN, False: STATED}).astype(object)
    return table


def budget_basis(programs: pd.DataFrame) -> dict[str, int]:
    """How the budget per year of `programs` came about, as counts the books state beside their year tables:
    `programs`, `dinyatakan_opd` (year figures stated by the OPD), `dibagi_rata` (a total over several years,
    spread evenly), `satu_tahun` (a total for a single year: no split needed)."""
    if programs.empty:
        return {"programs": 0, "dinyatakan_opd": 0, "dibagi_rata": 0, "satu_tahun": 0}
    stated = (
        programs[YEARLY_COLUMN].map(is_stated)
        if YEARLY_COLUMN in programs.columns
        else pd.Series(False, index=programs.index)
    )
    several = programs["tahun_selesai"].astype("int64") > programs["tahun_mulai"].astype("int64")
    return {
        "programs": len(programs),
        "dinyatakan_opd": int(stated.sum()),
        "dibagi_rata": int((~stated & several).sum()),
        "satu_tahun": int((~stated & ~several).sum()),
    }


def by_horizon(roadmap: pd.DataFrame, spans: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Columns `horizon, tahun_awal, tahun_akhir, programs, anggaran_total, quick_win_candidates`.

    One row per horizon of `spans` (bimtek.analysis.roadmap.horizons), in time order; uses the roadmap's `horizon` column.
    """
    grouped = roadmap.groupby("horizon", sort=False)
    counts = grouped.size().to_dict()
    budgets = grouped["anggaran"].sum().to_dict()
    candidates = grouped["quick_win_candidate"].sum().to_dict()
    return pd.DataFrame(
        {
            "horizon": list(spans),
            "tahun_awal": [s for s, _ in spans.values()],
            "tahun_akhir": [e for _, e in spans.values()],
            "programs": [int(counts.get(h, 0)) for h in spans],
            "anggaran_total": [float(budgets.get(h, 0.0)) for h in spans],
            "quick_win_candidates": [int(candidates.get(h, 0)) for h in spans],
        }
    ).astype({"tahun_awal": "int64", "tahun_akhir": "int64", "programs": "int64", "quick_win_candidates": "int64"})


def _sorted_names(names: Iterable[str]) -> list[str]:
    return sorted(set(names), key=lambda s: (s.casefold(), s))


def opd_dimension_coverage(programs: pd.DataFrame, opd_names: Iterable[str] = ()) -> pd.DataFrame:
    """OPD x dimension program counts.

    Columns `opd`, the six dimension labels (taxonomy order), `jumlah`, `dimensi_tercakup` (dimensions with at
    least one program). Rows: every OPD found in `programs` plus every name of `opd_names` (e.g. the region's OPD
    list, so an OPD without programs shows zeros), sorted case-insensitively by name.
    """
    labels = _dimension_labels()
    names = _sorted_names([*programs["opd"].dropna().astype(str), *opd_names])
    counts = programs.groupby(["opd", "dimensi"]).size()
    matrix = counts.unstack("dimensi") if len(counts) else pd.DataFrame()
    matrix = matrix.reindex(index=names, columns=list(labels)).fillna(0).astype("int64")
    result = matrix.rename(columns=labels)
    result.columns.name = None
    result["jumlah"] = matrix.sum(axis=1).astype("int64")
    result["dimensi_tercakup"] = (matrix > 0).sum(axis=1).astype("int64")
    return result.rename_axis("opd").reset_index()


def all_aggregates(roadmap: pd.DataFrame, region, spans: dict[str, tuple[int, int]]) -> dict[str, pd.DataFrame]:
    """Every aggregate by its file stem under aggregates/ (by_dimension, by_element, ...), in a fixed order.

    `region` supplies `.period` and `.opd_names`; `spans` is bimtek.analysis.roadmap.horizons(region.period, settings).
    """
    return {
        "by_dimension": by_dimension(roadmap),
        "by_element": by_element(roadmap),
        "element_gaps": element_gaps(roadmap),
        "budget_by_funding": budget_by_funding(roadmap),
        "budget_by_year": budget_by_year(roadmap, region.period),
        "by_horizon": by_horizon(roadmap, spans),
        "opd_dimension_coverage": opd_dimension_coverage(roadmap, getattr(region, "opd_names", ())),
    }
