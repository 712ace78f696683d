"""Readiness (kesiapan) figures from valid `kesiapan` rows: per pillar, per indicator, and the gaps.

Input columns: opd, pilar (code), indikator, nilai (Int64, 1-5). The 1-5 self-assessment scale is a modelling
choice (no public ministry scale exists); the book says so. Means are over every score given (one per OPD and
indicator) and rounded to `DIGITS` decimals; the gap threshold is compared with the rounded mean, so the book and
the CSV agree on what is a gap.
"""

from __future__ import annotations

import pandas as pd

from bimtek.core.vocabularies import PILLARS

DIGITS = 2
GAP_THRESHOLD = 3.0
"""An indicator whose mean score is below this is a readiness gap."""

INDICATOR_COLUMNS = ["pilar", "indikator", "rata_rata", "minimum", "maksimum", "jumlah_opd"]
PILLAR_COLUMNS = ["pilar", "rata_rata", "minimum", "maksimum", "jumlah_opd", "jumlah_indikator", "jumlah_nilai"]


def _scores(kesiapan: pd.DataFrame) -> pd.DataFrame:
    """The scored rows with a float score column (rows without a score are left out)."""
    scores = kesiapan[["opd", "pilar", "indikator"]].copy()
    scores["nilai"] = pd.to_numeric(kesiapan["nilai"], errors="coerce").astype("float64")
    return scores.dropna(subset=["nilai"])


def _pillar_order(frame: pd.DataFrame) -> pd.Series:
    return frame["pilar"].map({code: i for i, code in enumerate(PILLARS.codes)})


def readiness_by_indicator(kesiapan: pd.DataFrame) -> pd.DataFrame:
    """One row per (pillar, indicator): rata_rata, minimum, maksimum, jumlah_opd; pillars in order, then indicator."""
    scores = _scores(kesiapan)
    if scores.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "rata_rata" else "object") for c in INDICATOR_COLUMNS}
        )
    grouped = scores.groupby(["pilar", "indikator"], sort=False)
    table = grouped["nilai"].agg(rata_rata="mean", minimum="min", maksimum="max").reset_index()
    table["jumlah_opd"] = grouped["opd"].nunique().to_numpy()
    table["rata_rata"] = table["rata_rata"].round(DIGITS)
    table[["minimum", "maksimum"]] = table[["minimum", "maksimum"]].astype("int64")
    table["_order"] = _pillar_order(table)
    table = table.sort_values(["_order", "indikator"], kind="stable", ignore_index=True)
    return table[INDICATOR_COLUMNS]


def readiness_by_pillar(kesiapan: pd.DataFrame) -> pd.DataFrame:
    """All three pillars in order: mean/min/max score, OPD, indicators and scores counted (NaN mean when none)."""
    scores = _scores(kesiapan)
    rows = []
    for code in PILLARS.codes:
        part = scores[scores["pilar"] == code]
        rows.append(
            {
                "pilar": code,
                "rata_rata": round(float(part["nilai"].mean()), DIGITS) if len(part) else float("nan"),
                "minimum": int(part["nilai"].min()) if len(part) else pd.NA,
                "maksimum": int(part["nilai"].max()) if len(part) else pd.NA,
                "jumlah_opd": int(part["opd"].nunique()),
                "jumlah_indikator": int(part["indikator"].nunique()),
                "jumlah_nilai": len(part),
            }
        )
    table = pd.DataFrame(rows, columns=PILLAR_COLUMNS)
    table[["minimum", "maksimum"]] = table[["minimum", "maksimum"]].astype("Int64")
    return table


def readiness_gaps(by_indicator: pd.DataFrame, threshold: float = GAP_THRESHOLD) -> pd.DataFrame:
    """Indicators with rata_rata below `threshold`, lowest first (ties: pillar order, then indicator)."""
    gaps = by_indicator[by_indicator["rata_rata"] < threshold].copy()
    gaps["_order"] = _pillar_order(gaps)
    gaps = gaps.sort_values(["rata_rata", "_order", "indikator"], kind="stable", ignore_index=True)
    return gaps[INDICATOR_COLUMNS]
