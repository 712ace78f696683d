"""The plain-pandas data path of the benchmark: read the inbox, apply the program rules, write the aggregates.

What a careful analyst would write with pandas alone: one frame for the whole inbox, vocabulary look-ups and
number parsing once per distinct cell (`Series.map` over a dict), vectorised comparisons for the ranges, and
`duplicated` for the cross-file rule. It uses the project's vocabularies and parsers (the same rules) but none of
its validation, Prefect or GX code, so the verdicts can be compared row for row with the pipeline's.
Only the layout the benchmark inbox uses is read (CSV with ";" and a header row; XLSX with a title row).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from bimtek.core.parsing import parse_int, parse_money
from bimtek.core.region import Region
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.text import fold_key, fold_text

COLUMNS = {
    "OPD": "opd",
    "Dimensi": "dimensi",
    "Elemen": "elemen",
    "Nama Program": "nama_program",
    "Anggaran (Rp)": "anggaran",
    "Sumber Dana": "sumber_dana",
    "Tahun Mulai": "tahun_mulai",
    "Tahun Selesai": "tahun_selesai",
    "Usulan Quick Win": "quick_win",
    "Dampak": "dampak",
    "Kesiapan": "kesiapan",
}
REQUIRED = ["opd", "dimensi", "nama_program", "anggaran", "sumber_dana", "tahun_mulai", "tahun_selesai"]


def read_inbox(folder: Path) -> pd.DataFrame:
    """Every file of the inbox as one text frame with `_path` and `_row` (spreadsheet row number)."""
    frames = []
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if path.suffix == ".csv":
            frame, first_row = pd.read_csv(io.BytesIO(data), sep=";", dtype=str, keep_default_na=False), 2
        else:
            frame, first_row = pd.read_excel(io.BytesIO(data), header=1, dtype=str, keep_default_na=False), 3
        frame = frame.rename(columns=COLUMNS)
        frame["_path"] = path.name
        frame["_row"] = np.arange(first_row, first_row + len(frame))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _mapped(series: pd.Series, convert) -> pd.Series:
    """`convert` applied once per distinct value."""
    distinct = series.unique()
    return series.map(dict(zip(distinct, (convert(v) for v in distinct))))


def _number(parser):
    def convert(text):
        try:
            value = parser(text)
        except ValueError:
            return -np.inf
        return np.nan if value is None else float(value)

    return convert


def verdicts(inbox: pd.DataFrame, region: Region) -> pd.DataFrame:
    """The inbox with a `valid` column (the rules of schemas/gx/program.json plus the duplicate rule)."""
    taxonomy = load_taxonomy()
    frame = inbox.copy()
    for name in REQUIRED + ["elemen", "dampak", "kesiapan"]:
        frame[name] = frame[name].astype(str).str.strip()
    blank = frame[REQUIRED].eq("").any(axis=1)
    dimension = _mapped(frame["dimensi"], taxonomy.match_dimension)
    pairs = dimension.fillna("") + "\x1f" + frame["elemen"]
    element_ok = (
        frame["elemen"].eq("")
        | dimension.isna()
        | _mapped(pairs, lambda pair: taxonomy.match_element(*pair.split("\x1f")) is not None).astype(bool)
    )
    funding_ok = _mapped(frame["sumber_dana"], taxonomy.match_funding).notna()
    budget = _mapped(frame["anggaran"], _number(parse_money))
    start = _mapped(frame["tahun_mulai"], _number(parse_int))
    end = _mapped(frame["tahun_selesai"], _number(parse_int))
    period = (region.period.start, region.period.end)
    in_period = start.between(*period) & end.between(*period)
    ordered = ~(np.isfinite(start) & np.isfinite(end)) | (end >= start)
    scores_ok = pd.Series(True, index=frame.index)
    for name in ("dampak", "kesiapan"):
        score = _mapped(frame[name], _number(parse_int))
        scores_ok &= score.isna() | score.between(1, 5)
    lookup = region.opd_lookup()
    opd_key = _mapped(frame["opd"], fold_key)
    opd_ok = opd_key.isin(lookup) if lookup else pd.Series(True, index=frame.index)
    valid = (
        ~blank & dimension.notna() & element_ok & funding_ok & (budget >= 0) & in_period & ordered & scores_ok & opd_ok
    )
    frame["dimensi_code"] = dimension
    frame["anggaran_num"] = budget
    frame["opd_name"] = opd_key.map(lookup).fillna(frame["opd"])
    key = pd.DataFrame(
        {"opd": _mapped(frame["opd_name"], fold_text), "nama": _mapped(frame["nama_program"], fold_text)}
    )
    order = frame.sort_values(["_path", "_row"], kind="stable").index
    duplicate = pd.Series(False, index=frame.index)
    candidates = key.loc[order][valid.loc[order]]
    duplicate.loc[candidates.index[candidates.duplicated()]] = True
    frame["valid"] = valid & ~duplicate
    return frame


def aggregates(frame: pd.DataFrame, out: Path) -> dict[str, pd.DataFrame]:
    """Programs and budget per dimension and per element of the valid rows, written as CSV to `out`."""
    valid = frame[frame["valid"]]
    tables = {
        "by_dimension": valid.groupby("dimensi_code")
        .agg(programs=("nama_program", "size"), anggaran_total=("anggaran_num", "sum"))
        .reset_index(),
        "by_element": valid.groupby(["dimensi_code", "elemen"])
        .agg(programs=("nama_program", "size"), anggaran_total=("anggaran_num", "sum"))
        .reset_index(),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_csv(out / f"{name}.csv", index=False)
    return tables


def run(folder: Path, region: Region, out: Path) -> pd.DataFrame:
    """Read, check and aggregate; the checked frame (with `valid`)."""
    frame = verdicts(read_inbox(folder), region)
    aggregates(frame, out)
    return frame
