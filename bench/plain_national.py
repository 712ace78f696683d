"""The plain-pandas national path of bench/bench_national.py: a cohort's per-region table with pandas alone.

What an analyst would write for a first national table: for each region read every input file of every stage
(CSV with the separator sniffed, XLSX with the header row found as the first row naming a known column), count
the rows, and from the Tahap III proposals count programs and sum budget per dimension (the project's taxonomy
and money parser). It applies none of the validation rules (no GX, no per-row verdicts, no duplicates, no
commitments), so its counts are an upper bound and its time a floor: it is the denominator of the flow's cost,
not a second implementation to compare figures with.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from bimtek.core.parsing import parse_money
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.text import fold_key

DIMENSION_HEADERS = {"dimensi"}
BUDGET_HEADERS = {"anggaran", "anggaran_rp"}


def read_any(path: Path) -> pd.DataFrame:
    """One input file as a text frame (first sheet of a workbook); an unreadable file gives an empty frame."""
    data = path.read_bytes()
    try:
        if path.suffix == ".csv":
            return pd.read_csv(io.BytesIO(data), sep=None, engine="python", dtype=str, keep_default_na=False)
        if path.suffix == ".xlsx":
            raw = pd.read_excel(io.BytesIO(data), header=None, dtype=str, keep_default_na=False)
            for i, row in raw.head(10).iterrows():
                keys = {fold_key(v) for v in row}
                if keys & DIMENSION_HEADERS or "opd" in keys or "perangkat_daerah" in keys:
                    frame = raw.iloc[i + 1 :]
                    frame.columns = list(row)
                    return frame[frame.ne("").any(axis=1)]
            return raw
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile):
        return pd.DataFrame()
    return pd.DataFrame()


def region_row(folder: Path) -> dict:
    taxonomy = load_taxonomy()
    row: dict = {"slug": folder.name, "rows": 0, "program": 0, "anggaran": 0.0}
    for stage_folder in sorted((folder / "inputs").glob("tahap-*")):
        for path in sorted(stage_folder.iterdir()):
            frame = read_any(path)
            row["rows"] += len(frame)
            if stage_folder.name != "tahap-3" or frame.empty:
                continue
            columns = {fold_key(c): c for c in frame.columns}
            dimension = next((columns[k] for k in DIMENSION_HEADERS if k in columns), None)
            budget = next((columns[k] for k in BUDGET_HEADERS if k in columns), None)
            if dimension is None:
                continue
            codes = frame[dimension].map(taxonomy.match_dimension)
            row["program"] += int(codes.notna().sum())
            if budget is not None:
                row["anggaran"] += float(frame[budget].map(_money).sum())
    return row


def _money(value: object) -> float:
    try:
        return parse_money(value) or 0.0
    except ValueError:
        return 0.0


def run(cohort: Path) -> pd.DataFrame:
    """One row per region of `cohort` (`<slug>/region.yaml` + `inputs/tahap-N`)."""
    return pd.DataFrame([region_row(p.parent) for p in sorted(Path(cohort).glob("*/region.yaml"))])
