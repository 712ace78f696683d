"""Tahap II program mapping and the Tahap III baseline: pure pandas over typed program frames.

A "program frame" has the typed columns of `bimtek.core.model.PROGRAM_COLUMNS` (as validation returns them, plus the
optional `_path`, `_sheet`, `_row` source columns). A program is identified across stages by its OPD and its
program name: `bimtek.core.text.program_key`, the one definition of "same program" (validation uses it too).

Published program list (`program/daftar_program.csv`, written by Tahap II, read back by Tahap III)
    Columns: PROGRAM_COLUMNS in contract order (opd, dimensi, elemen, nama_program, deskripsi, anggaran,
    sumber_dana, tahun_mulai, tahun_selesai, quick_win, sasaran, indikator, dampak, kesiapan, rujukan), then
    `_path`, `_sheet`, `_row` (the Tahap II input file, sheet and spreadsheet row of the program).
    Codes, not labels: `dimensi`/`elemen` hold taxonomy codes; `anggaran` is Rupiah; `quick_win` is True/False;
    `dampak`/`kesiapan` are 1-5 or empty. Rows follow the taxonomy order of the dimensions, then OPD and program
    name. `read_program_list` turns the CSV back into a typed frame (missing optional columns become empty).

Change table (`program/perubahan.csv`, `detect_changes`)
    Columns: opd, nama_program, status, dimensi_tahap_1, elemen_tahap_1, dimensi_tahap_2, elemen_tahap_2,
    keterangan. One row per program of the union of the Tahap I long list and the Tahap II programs, matched by
    `program_key`. `status` is one of
    - `baru`: a Tahap II program that was not a Tahap I idea of that OPD;
    - `dihapus`: a Tahap I idea of that OPD with no Tahap II program;
    - `pindah_dimensi`: in both, with another dimension in Tahap II;
    - `tetap`: in both, same dimension (a changed element is mentioned in `keterangan`).
    The names (opd, nama_program) are the Tahap II spelling when the program is in both. Dimension/element
    columns hold codes (empty when the program is absent from that stage). Rows are sorted by OPD, then program
    name (case-insensitive). When Tahap I was never published (`ideas` None) every Tahap II program gets one row
    with an empty status, its Tahap II dimension and `keterangan` = NOT_COMPARED.

Baseline merge (`merge_baseline`)
    Tahap III starts from the Tahap II program list: a Tahap III row with the same `program_key` as a baseline row
    replaces it (the Tahap III values win), a Tahap III row with a new key is added, and a baseline row no Tahap
    III row touches is carried over unchanged (its `_path` prefixed with BASELINE_PATH_PREFIX so the roadmap shows
    where it came from).
    Merges keep what they knew: a value the Tahap III row does not state (a blank cell or a column its file does
    not have: element, indicator, target, sasaran, ratings, ...) keeps the baseline value, so a Tahap III file
    without an element column never blanks the element and never creates a false element gap. The element is
    kept only when the program stays in the same dimension (an element belongs to one dimension). The identity
    (opd, nama_program) and the source location (`_path`, `_sheet`, `_row`) are the Tahap III row's.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from bimtek.analysis.aggregate import opd_dimension_coverage
from bimtek.core.model import PATH_COLUMN, PROGRAM_COLUMNS, ROW_COLUMN, SHEET_COLUMN
from bimtek.core.taxonomy import NO_ELEMENT_LABEL, load_taxonomy
from bimtek.core.text import fold_text, program_key
from bimtek.core.values import is_missing
from bimtek.core.year_budget import YEARLY_COLUMN

SOURCE_COLUMNS = (PATH_COLUMN, SHEET_COLUMN, ROW_COLUMN)
PROGRAM_LIST_COLUMNS = [*PROGRAM_COLUMNS, *SOURCE_COLUMNS]
"""Columns of program/daftar_program.csv, in order."""

CHANGE_STATUSES = ("baru", "dihapus", "pindah_dimensi", "tetap")
CHANGE_COLUMNS = [
    "opd",
    "nama_program",
    "status",
    "dimensi_tahap_1",
    "elemen_tahap_1",
    "dimensi_tahap_2",
    "elemen_tahap_2",
    "keterangan",
]
NOT_COMPARED = "Tahap I belum diterbitkan; perubahan terhadap daftar panjang ide belum dapat dihitung."
BASELINE_PATH_PREFIX = "tahap-2/"
NO_ELEMENT = NO_ELEMENT_LABEL
LIST_SEPARATOR = "; "

_DTYPES = {
    "anggaran": "float64",
    "tahun_mulai": "int64",
    "tahun_selesai": "int64",
    "quick_win": "bool",
    "dampak": "Int64",
    "kesiapan": "Int64",
    ROW_COLUMN: "int64",
}
"""dtype of the non-text columns of a program frame; every other column is text (str with NA)."""


# ----------------------------------------------------------------------------------------------- helpers


def _keys(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [program_key(o, n) for o, n in zip(frame["opd"], frame["nama_program"])], index=frame.index, dtype=object
    )


def _text(value: object) -> str | None:
    """A cell as text, None when missing."""
    if is_missing(value):
        return None
    return str(value)


def _sort_names(names: Iterable[object]) -> list[str]:
    """Distinct non-missing names, case-insensitive order."""
    present = {t for t in (_text(n) for n in names) if t}
    return sorted(present, key=lambda s: (s.casefold(), s))


def _dimension_order() -> dict[str, int]:
    return {d.code: i for i, d in enumerate(load_taxonomy().dimensions)}


def _dimension_label(code: object) -> str:
    labels = {d.code: d.label for d in load_taxonomy().dimensions}
    return labels.get(_text(code) or "", _text(code) or "-")


# ----------------------------------------------------------------------------------------------- program list


def program_list(programs: pd.DataFrame) -> pd.DataFrame:
    """The published program list (module doc): PROGRAM_LIST_COLUMNS, taxonomy order, then OPD and name."""
    frame = typed_programs(programs)
    dim_order = _dimension_order()
    sort_frame = pd.DataFrame(
        {
            "d": frame["dimensi"].map(dim_order).fillna(len(dim_order)).astype(int),
            "o": frame["opd"].map(fold_text),
            "n": frame["nama_program"].map(fold_text),
            "r": frame[ROW_COLUMN],
        },
        index=frame.index,
    )
    ordered = sort_frame.sort_values(["d", "o", "n", "r"], kind="mergesort").index
    return frame.loc[ordered].reset_index(drop=True)


def typed_programs(frame: pd.DataFrame) -> pd.DataFrame:
    """PROGRAM_LIST_COLUMNS with their dtypes; absent optional columns become empty (NA, False, 0 for _row)."""
    n = len(frame)
    columns: dict[str, pd.Series] = {}
    for name in PROGRAM_LIST_COLUMNS:
        dtype = _DTYPES.get(name, "str")
        if name in frame.columns:
            values = frame[name].reset_index(drop=True)
        elif name == "quick_win":
            values = pd.Series([False] * n)
        elif name == ROW_COLUMN:
            values = pd.Series([0] * n)
        elif name in SOURCE_COLUMNS:
            values = pd.Series([""] * n)
        else:
            values = pd.Series([pd.NA] * n, dtype=object)
        if dtype == "bool":
            values = values.map(lambda v: str(v).strip().lower() in ("true", "1") if _text(v) else False)
        elif dtype == "str":
            values = values.map(_text).astype(object)
        columns[name] = values.astype(dtype)
    typed = pd.DataFrame(columns)
    typed.index = frame.index
    return typed


def read_program_list(data: bytes) -> pd.DataFrame:
    """A typed program frame from the bytes of a published program/daftar_program.csv."""
    raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    for name in ("anggaran", "tahun_mulai", "tahun_selesai", "dampak", "kesiapan", ROW_COLUMN):
        if name in raw.columns:
            raw[name] = pd.to_numeric(raw[name])
    for name in (PATH_COLUMN, SHEET_COLUMN):
        if name in raw.columns:
            raw[name] = raw[name].fillna("")
    return typed_programs(raw)


# ----------------------------------------------------------------------------------------------- dimension x element


def per_dimension_element(programs: pd.DataFrame) -> pd.DataFrame:
    """Dimension x element table of the mapped programs.

    Columns `dimensi` (label), `elemen` (English short label, or NO_ELEMENT), `elemen_uraian`, `programs`,
    `anggaran_total`, `jumlah_opd`, `opd`, `nama_program`, `rujukan` (lists joined with "; ", case-insensitive
    order). Rows: the 18 elements in taxonomy order (an element without programs shows zeros and empty lists),
    plus one NO_ELEMENT row after a dimension's elements when some of its programs name no element.
    """
    rows = []
    for dim in load_taxonomy().dimensions:
        in_dim = programs[programs["dimensi"] == dim.code] if len(programs) else programs
        for el in dim.elements:
            rows.append(_cell_row(dim.label, el.label, el.label_id, in_dim[in_dim["elemen"] == el.code]))
        without = in_dim[in_dim["elemen"].isna()] if len(in_dim) else in_dim
        if len(without):
            rows.append(_cell_row(dim.label, NO_ELEMENT, "", without))
    return pd.DataFrame(rows).astype({"programs": "int64", "anggaran_total": "float64", "jumlah_opd": "int64"})


def _cell_row(dimension: str, element: str, element_id: str, members: pd.DataFrame) -> dict:
    opd = _sort_names(members["opd"]) if len(members) else []
    refs = _sort_names(members["rujukan"]) if len(members) and "rujukan" in members else []
    return {
        "dimensi": dimension,
        "elemen": element,
        "elemen_uraian": element_id,
        "programs": len(members),
        "anggaran_total": float(members["anggaran"].sum()) if len(members) else 0.0,
        "jumlah_opd": len(opd),
        "opd": LIST_SEPARATOR.join(opd),
        "nama_program": LIST_SEPARATOR.join(_sort_names(members["nama_program"])) if len(members) else "",
        "rujukan": LIST_SEPARATOR.join(refs),
    }


# ----------------------------------------------------------------------------------------------- OPD contribution


def opd_contribution(programs: pd.DataFrame, opd_names: Iterable[str] = ()) -> pd.DataFrame:
    """Per OPD: programs per dimension and budget.

    Columns `opd`, the six dimension labels (program counts), `jumlah`, `dimensi_tercakup` (as
    bimtek.analysis.aggregate.opd_dimension_coverage), then `anggaran_total` (Rupiah), `usulan_quick_win` (programs the OPD
    proposes as quick wins) and `berujukan` (programs with an RPJMD/Renstra reference). Rows: every OPD with a
    program plus every name of `opd_names` (zeros), case-insensitive order.
    """
    coverage = opd_dimension_coverage(programs, opd_names)
    grouped = programs.groupby("opd") if len(programs) else None

    def per_opd(values: pd.Series | None, cast: str) -> pd.Series:
        mapped = coverage["opd"].map(values) if values is not None else pd.Series(0, index=coverage.index)
        return mapped.fillna(0).astype(cast)

    coverage["anggaran_total"] = per_opd(grouped["anggaran"].sum() if grouped is not None else None, "float64")
    coverage["usulan_quick_win"] = per_opd(grouped["quick_win"].sum() if grouped is not None else None, "int64")
    has_ref = programs["rujukan"].notna() if "rujukan" in programs else pd.Series(False, index=programs.index)
    refs = has_ref.groupby(programs["opd"]).sum() if len(programs) else None
    coverage["berujukan"] = per_opd(refs, "int64")
    return coverage


# ----------------------------------------------------------------------------------------------- changes vs Tahap I


def detect_changes(ideas: pd.DataFrame | None, programs: pd.DataFrame) -> pd.DataFrame:
    """The change table of the module doc: Tahap I long list (`ideas`, or None) against Tahap II `programs`.

    `ideas` needs columns opd, dimensi, elemen, nama_program (the published analysis/daftar_panjang.csv).
    """
    if ideas is None:
        rows = [_change_row(p, None, "", NOT_COMPARED) for p in programs.to_dict("records")]
        return _change_frame(rows)
    idea_rows = {program_key(r["opd"], r["nama_program"]): r for r in ideas.to_dict("records")}
    program_rows = {program_key(r["opd"], r["nama_program"]): r for r in programs.to_dict("records")}
    rows = []
    for key, program in program_rows.items():
        idea = idea_rows.get(key)
        if idea is None:
            rows.append(_change_row(program, None, "baru", "Program baru pada Tahap II (bukan ide Tahap I)."))
        elif _text(idea["dimensi"]) != _text(program["dimensi"]):
            text = f"Dipindah dari {_dimension_label(idea['dimensi'])} ke {_dimension_label(program['dimensi'])}."
            rows.append(_change_row(program, idea, "pindah_dimensi", text))
        else:
            same_element = _text(idea.get("elemen")) == _text(program.get("elemen"))
            text = "Tetap pada dimensi yang sama." if same_element else "Tetap pada dimensi yang sama; elemen berubah."
            rows.append(_change_row(program, idea, "tetap", text))
    for key, idea in idea_rows.items():
        if key not in program_rows:
            rows.append(_change_row(None, idea, "dihapus", "Ide Tahap I tidak dilanjutkan pada Tahap II."))
    return _change_frame(rows)


def _change_row(program: dict | None, idea: dict | None, status: str, text: str) -> dict:
    named = program if program is not None else idea
    assert named is not None, "a change row describes a program, an idea, or both"
    return {
        "opd": _text(named["opd"]),
        "nama_program": _text(named["nama_program"]),
        "status": status or None,
        "dimensi_tahap_1": _text(idea["dimensi"]) if idea is not None else None,
        "elemen_tahap_1": _text(idea.get("elemen")) if idea is not None else None,
        "dimensi_tahap_2": _text(program["dimensi"]) if program is not None else None,
        "elemen_tahap_2": _text(program.get("elemen")) if program is not None else None,
        "keterangan": text,
    }


def _change_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS).astype(object)
    if frame.empty:
        return frame
    order = sorted(
        range(len(frame)),
        key=lambda i: (
            fold_text(frame.at[i, "opd"]),
            fold_text(frame.at[i, "nama_program"]),
            str(frame.at[i, "nama_program"]),
        ),
    )
    return frame.loc[order].reset_index(drop=True)


def change_counts(changes: pd.DataFrame) -> dict[str, int]:
    """Rows per status, every status of CHANGE_STATUSES present (0 when absent)."""
    counts = changes["status"].value_counts().to_dict() if len(changes) else {}
    return {status: int(counts.get(status, 0)) for status in CHANGE_STATUSES}


# ----------------------------------------------------------------------------------------------- Tahap III baseline


@dataclass(frozen=True)
class BaselineSummary:
    """What merge_baseline did: programs of the baseline, and how each ended up."""

    baseline: int
    carried_over: int
    """Baseline programs no update touched (kept as they were)."""
    updated: int
    """Baseline programs replaced by an update with the same OPD and program name."""
    added: int
    """Updates with a new OPD + program name."""
    total: int
    kept_values: int = 0
    """Values an update left blank (or had no column for) and the baseline supplied."""

    def note(self) -> str:
        """One Indonesian sentence for the run notes."""
        return (
            f"Baseline daftar program Tahap II dipakai: {self.baseline} program; {self.carried_over} dibawa tanpa "
            f"perubahan, {self.updated} diperbarui oleh berkas Tahap III, {self.added} program baru dari Tahap III; "
            f"jumlah program Tahap III {self.total}."
            + (
                f" {self.kept_values} nilai yang tidak dinyatakan berkas Tahap III (mis. elemen, indikator, target)"
                " dipertahankan dari Tahap II."
                if self.kept_values
                else ""
            )
        )


def merge_baseline(baseline: pd.DataFrame, updates: pd.DataFrame) -> tuple[pd.DataFrame, BaselineSummary]:
    """Baseline programs updated and extended by `updates` (module doc); returns (programs, summary).

    `baseline` is a program frame (read_program_list output; missing optional columns are filled as in
    typed_programs). Output columns and dtypes are those of `updates` (plus any program column `updates` lacks);
    carried-over rows come first in baseline order, then every update in its own order, its unstated values taken
    from the baseline (module doc). Index 0..n-1.
    """
    baseline = typed_programs(baseline)
    updates, kept_values = keep_known_values(updates, baseline)
    update_keys = set(_keys(updates)) if len(updates) else set()
    baseline_keys = _keys(baseline) if len(baseline) else pd.Series([], dtype=object)
    touched = baseline_keys.isin(update_keys) if len(baseline) else pd.Series([], dtype=bool)
    carried = baseline.loc[~touched.to_numpy()].copy() if len(baseline) else baseline.iloc[0:0].copy()
    if PATH_COLUMN in carried.columns:
        carried[PATH_COLUMN] = BASELINE_PATH_PREFIX + carried[PATH_COLUMN].fillna("").astype(str)
    carried = carried.reindex(columns=updates.columns)
    for name in updates.columns:
        if len(carried):
            carried[name] = carried[name].astype(updates[name].dtype)
    merged = pd.concat([carried, updates], ignore_index=True) if len(carried) else updates.reset_index(drop=True)
    known = set(baseline_keys)
    updated = len({k for k in update_keys if k in known})
    summary = BaselineSummary(
        baseline=len(baseline),
        carried_over=len(carried),
        updated=updated,
        added=len(update_keys) - updated,
        total=len(merged),
        kept_values=kept_values,
    )
    return merged, summary


def _empty_column(name: str, index: pd.Index) -> pd.Series:
    """A column of a program frame with nothing stated (NA; False for quick_win, 0 for counts)."""
    dtype = _DTYPES.get(name, "str")
    blank: object = {"bool": False, "int64": 0, "float64": float("nan")}.get(dtype, pd.NA)
    return pd.Series([blank] * len(index), index=index, dtype=object).astype(dtype)


_IDENTITY_COLUMNS = ("opd", "nama_program", *SOURCE_COLUMNS)
"""Columns an update always states itself (never taken from the baseline)."""


def keep_known_values(updates: pd.DataFrame, baseline: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """`updates` with every missing value of a program the baseline knows taken from the baseline.

    Programs match by `program_key` (first baseline row of a key). A program column `updates` lacks is added
    (typed as in typed_programs) so the baseline can fill it. Returns (frame, number of values taken).
    """
    missing_columns = [c for c in PROGRAM_COLUMNS if c not in updates.columns]
    if missing_columns:
        updates = updates.assign(**{name: _empty_column(name, updates.index) for name in missing_columns})
    if not len(updates) or not len(baseline):
        return updates, 0
    earlier = baseline.set_axis(_keys(baseline).to_numpy())
    earlier = earlier[~earlier.index.duplicated(keep="first")]
    keys = _keys(updates)
    known = keys.isin(earlier.index)
    if not known.any():
        return updates, 0
    result = updates.copy()
    taken = 0
    for name in result.columns:
        if name in _IDENTITY_COLUMNS or name not in earlier.columns:
            continue
        before = keys.map(earlier[name])
        fill = known & result[name].map(is_missing) & ~before.map(is_missing)
        if name == "elemen":  # an element belongs to a dimension: kept only while the dimension is the same
            fill &= keys.map(earlier["dimensi"]).map(_text) == result["dimensi"].map(_text)
        if name == YEARLY_COLUMN:  # year figures belong to a total and years: kept only while those are the same
            for column in ("anggaran", "tahun_mulai", "tahun_selesai"):
                fill &= keys.map(earlier[column]).astype(float) == result[column].astype(float)
        if fill.any():
            result.loc[fill, name] = before[fill].astype(result[name].dtype)
            taken += int(fill.sum())
    return result, taken
