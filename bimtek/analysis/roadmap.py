"""Roadmap of Tahap III: horizon, score and quick-win candidates for every valid program.

Horizons
    The masterplan period is cut into "Jangka pendek" (the first `settings.short_term_years` years),
    "Jangka menengah" (the next `settings.medium_term_years` years) and "Jangka panjang" (the rest).
    Period 2020-2026 with 1/4 -> pendek 2020, menengah 2021-2024, panjang 2025-2026. A horizon with no year in the
    period (2024-2028 has no long term) is left out of `horizons()`.
    A program is placed in the horizon in which it ENDS (`tahun_selesai`): the roadmap says when a result is
    delivered, so a 2020-2026 program is long term even though work starts in 2020. Years before the period
    count as the first horizon, years after it as the last one.

Score (column `skor`, 0-1, rounded to 4 decimals)
    skor = 0.5 * dampak_norm + 0.3 * kesiapan_norm + 0.2 * biaya_norm
    dampak_norm   = (dampak - 1) / 4      dampak 1-5, missing -> 3 (neutral, 0.5)
    kesiapan_norm = (kesiapan - 1) / 4    kesiapan 1-5, missing -> 3 (neutral, 0.5)
    biaya_norm    = 1 - (r - 1) / (n - 1) r = average rank of the program's anggaran among the n programs of the
                                          region (1 = cheapest); cheapest -> 1, most expensive -> 0, ties share
                                          the mean, a single program -> 0.5 (neutral).
    `peringkat` ranks all programs: skor high first, then anggaran low first, then dimension (taxonomy order),
    OPD, program name and source location, so ties are broken the same way on every run.

Quick-win candidates (rules and keyword lists in schemas/quick_win_rules.json)
    A program is a candidate (`quick_win_candidate`) when it meets all four criteria of the Bimtek guidance:
    1. `kriteria_satu_tahun`: finishes within one budget year (tahun_selesai - tahun_mulai <= 0);
    2. `kriteria_jangka_pendek`: starts no later than the last year of the short term;
    3. `kriteria_dirasakan_warga`: felt directly by citizens (a citizen keyword in name, description or target);
    4. `kriteria_layanan_ada`: improves an existing service (an improvement keyword and no new-infrastructure
       phrase such as "pembangunan gedung" or "pengadaan").
    The OPD's own proposal (`quick_win_usulan`) does not replace the criteria; among candidates it comes first.
    `alasan_quick_win` states, in Indonesian, the criteria a candidate meets or those a program fails (never the
    keywords that were matched); the OPD's own justification is `alasan_quick_win_opd` (its column in the program
    contract), shown beside it in the books.
    Candidate priority: OPD proposal first, then `peringkat`. `quick_win_dimensi` marks the best candidate of each
    dimension. `peringkat_quick_win` orders the candidates best-of-each-dimension first (in priority order), then
    the second best of each dimension, and so on; the first `settings.quick_win_count` are `quick_win_terpilih`
    (so the short list spreads over dimensions, as the guidance sharpens per-dimension picks to about three).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import pandas as pd

from bimtek.core.model import PATH_COLUMN, ROW_COLUMN, SHEET_COLUMN
from bimtek.core.paths import SCHEMAS_DIR
from bimtek.core.settings import Settings
from bimtek.core.taxonomy import NO_ELEMENT_LABEL, load_taxonomy
from bimtek.core.values import is_missing
from bimtek.core.year_budget import YEARLY_COLUMN

SHORT, MEDIUM, LONG = "Jangka pendek", "Jangka menengah", "Jangka panjang"
HORIZON_NAMES = (SHORT, MEDIUM, LONG)

WEIGHT_IMPACT, WEIGHT_READINESS, WEIGHT_COST = 0.5, 0.3, 0.2
NEUTRAL_SCORE = 3
SCORE_DIGITS = 4

CRITERIA = ("kriteria_satu_tahun", "kriteria_jangka_pendek", "kriteria_dirasakan_warga", "kriteria_layanan_ada")

PLAN_COLUMNS = (
    "deskripsi",
    "sasaran",
    "indikator",
    "target",
    "alasan_quick_win_opd",
    "anggaran",
    "sumber_dana",
    "tahun_mulai",
    "tahun_selesai",
    "horizon",
)
"""What a program plans (text, budget, years, horizon), in the order every program table lists it."""

MATRIX_COLUMNS = ("rujukan", "opd_pendukung", "baseline", YEARLY_COLUMN, "kode_sub_kegiatan")
"""Optional program columns the program matrix and the RPJMD alignment read (empty when the OPD left them out);
`anggaran_tahunan` is the budget per year as the OPD stated it (bimtek.core.year_budget); `kode_sub_kegiatan` the
SIPD code the OPD gave (validated against the region's nomenclature, issue 25)."""

ROADMAP_COLUMNS = [
    "opd",
    "dimensi",
    "dimensi_label",
    "elemen",
    "elemen_label",
    "nama_program",
    *PLAN_COLUMNS,
    "dampak",
    "kesiapan",
    "skor",
    "peringkat",
    "quick_win_usulan",
    *CRITERIA,
    "quick_win_candidate",
    "alasan_quick_win",
    "peringkat_quick_win",
    "quick_win_dimensi",
    "quick_win_terpilih",
    *MATRIX_COLUMNS,
    PATH_COLUMN,
    SHEET_COLUMN,
    ROW_COLUMN,
]
"""Columns of build_roadmap(), in this order."""


class PeriodLike(Protocol):
    start: int
    end: int


@dataclass(frozen=True)
class QuickWinRules:
    max_duration_years: int
    text_fields: tuple[str, ...]
    citizen_keywords: tuple[str, ...]
    improvement_keywords: tuple[str, ...]
    new_infrastructure_keywords: tuple[str, ...]


def _fold_words(value: object) -> str:
    """Lowercase ASCII words separated by single spaces ("E-KTP  Online!" -> "e ktp online")."""
    if is_missing(value):
        return ""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


@lru_cache(maxsize=1)
def load_quick_win_rules() -> QuickWinRules:
    """Read schemas/quick_win_rules.json once per process (keywords folded like the program text)."""
    raw = json.loads((SCHEMAS_DIR / "quick_win_rules.json").read_text(encoding="utf-8"))

    def words(key: str) -> tuple[str, ...]:
        return tuple(_fold_words(k) for k in raw[key])

    return QuickWinRules(
        max_duration_years=int(raw["max_duration_years"]),
        text_fields=tuple(raw["text_fields"]),
        citizen_keywords=words("citizen_keywords"),
        improvement_keywords=words("improvement_keywords"),
        new_infrastructure_keywords=words("new_infrastructure_keywords"),
    )


# ----------------------------------------------------------------------------------------------- horizons


def horizons(period: PeriodLike, settings: Settings) -> dict[str, tuple[int, int]]:
    """Horizon name -> (first year, last year), in time order; horizons with no year in the period are left out."""
    short_end = min(period.start + settings.short_term_years - 1, period.end)
    medium_end = min(short_end + settings.medium_term_years, period.end)
    bounds = {
        SHORT: (period.start, short_end),
        MEDIUM: (short_end + 1, medium_end),
        LONG: (medium_end + 1, period.end),
    }
    return {name: (start, end) for name, (start, end) in bounds.items() if start <= end}


def horizon_of(year: int, spans: dict[str, tuple[int, int]]) -> str:
    """The horizon holding `year`; before the period -> first horizon, after it -> last horizon."""
    names = list(spans)
    for name in names:
        if year <= spans[name][1]:
            return name
    return names[-1]


# ----------------------------------------------------------------------------------------------- score


def _normalise_rating(values: pd.Series) -> pd.Series:
    """1-5 rating -> 0-1; missing counts as the neutral 3."""
    return (values.astype("Float64").fillna(NEUTRAL_SCORE).astype(float) - 1.0) / 4.0


def cost_norm(budgets: pd.Series) -> pd.Series:
    """1 - (average rank - 1) / (n - 1) of each budget: cheapest 1, most expensive 0, one program 0.5."""
    n = len(budgets)
    if n <= 1:
        return pd.Series(0.5, index=budgets.index, dtype=float)
    ranks = budgets.astype(float).rank(method="average")
    return 1.0 - (ranks - 1.0) / (n - 1)


def score(programs: pd.DataFrame) -> pd.Series:
    """The documented skor (module docstring) of every program, rounded to 4 decimals."""
    if programs.empty:
        return pd.Series(dtype=float, index=programs.index)
    raw = (
        WEIGHT_IMPACT * _normalise_rating(programs["dampak"])
        + WEIGHT_READINESS * _normalise_rating(programs["kesiapan"])
        + WEIGHT_COST * cost_norm(programs["anggaran"])
    )
    return raw.round(SCORE_DIGITS)


# ----------------------------------------------------------------------------------------------- quick wins


def _matches(text: str, keywords: tuple[str, ...]) -> list[str]:
    """Keywords found at the start of a word of the folded text, in keyword-list order."""
    padded = f" {text} "
    return [k for k in keywords if f" {k}" in padded]


def _program_text(row: Mapping, rules: QuickWinRules) -> str:
    return " ".join(_fold_words(row.get(field)) for field in rules.text_fields)


def _assess(row: Mapping, short_end: int | None, rules: QuickWinRules) -> dict:
    """The four criteria of one program and the Indonesian explanation."""
    start, end = int(row["tahun_mulai"]), int(row["tahun_selesai"])
    text = _program_text(row, rules)
    citizen = _matches(text, rules.citizen_keywords)
    improve = _matches(text, rules.improvement_keywords)
    infra = _matches(text, rules.new_infrastructure_keywords)
    result: dict[str, object] = {
        "kriteria_satu_tahun": end - start <= rules.max_duration_years,
        "kriteria_jangka_pendek": short_end is not None and start <= short_end,
        "kriteria_dirasakan_warga": bool(citizen),
        "kriteria_layanan_ada": bool(improve) and not infra,
    }
    result["alasan_quick_win"] = _explain(result, row, start, end, short_end, bool(infra))
    return result


def _explain(flags: dict, row: Mapping, start: int, end: int, short_end: int | None, infra: bool) -> str:
    """Indonesian sentence stating the criteria met (candidate) or the criteria failed (not a candidate)."""
    years = f"{start}" if start == end else f"{start}–{end}"
    met = {
        "kriteria_satu_tahun": f"hasilnya selesai dalam satu tahun anggaran ({years})",
        "kriteria_jangka_pendek": "dimulai pada jangka pendek",
        "kriteria_dirasakan_warga": "manfaatnya langsung dirasakan warga",
        "kriteria_layanan_ada": "meningkatkan layanan yang sudah ada",
    }
    short_text = f"sampai {short_end}" if short_end is not None else "periode ini tanpa tahun jangka pendek"
    failed = {
        "kriteria_satu_tahun": f"program berjalan {end - start + 1} tahun ({years}), sedangkan quick win selesai "
        "dalam satu tahun anggaran",
        "kriteria_jangka_pendek": f"program dimulai {start}, sedangkan quick win dimulai pada jangka pendek "
        f"({short_text})",
        "kriteria_dirasakan_warga": "uraian program belum menyebut layanan atau manfaat yang langsung diterima warga",
        "kriteria_layanan_ada": (
            "program mencakup pembangunan atau pengadaan infrastruktur baru, sedangkan quick win meningkatkan "
            "layanan yang sudah ada"
            if infra
            else "uraian program belum menyebut layanan yang sudah berjalan yang ditingkatkan"
        ),
    }
    proposed = bool(row["quick_win_usulan"])
    misses = [failed[c] for c in CRITERIA if not flags[c]]
    if not misses:
        prefix = "Diusulkan OPD dan memenuhi semua kriteria" if proposed else "Memenuhi semua kriteria"
        return f"{prefix}: " + "; ".join(met[c] for c in CRITERIA) + "."
    prefix = "Kriteria quick win yang belum terpenuhi" if proposed else "Bukan kandidat"
    return f"{prefix}: " + "; ".join(misses) + "."


ASSESS_CHUNK_ROWS = 20_000
"""Programs turned into row dicts at a time for `_assess` (only the columns it reads): 194 000 programs as dicts of
every roadmap column at once were a few hundred MB."""


def _with_criteria(frame: pd.DataFrame, short_end: int | None) -> pd.DataFrame:
    """Add the four criteria, quick_win_candidate and alasan_quick_win columns."""
    rules = load_quick_win_rules()
    wanted = dict.fromkeys(("tahun_mulai", "tahun_selesai", "quick_win_usulan", *rules.text_fields))
    read = [c for c in wanted if c in frame.columns]
    assessed = [
        _assess(row, short_end, rules)
        for start in range(0, len(frame), ASSESS_CHUNK_ROWS)
        for row in frame.iloc[start : start + ASSESS_CHUNK_ROWS][read].to_dict("records")
    ]
    columns = [*CRITERIA, "alasan_quick_win"]
    extra = pd.DataFrame(assessed, index=frame.index, columns=columns)
    for name in CRITERIA:
        extra[name] = extra[name].astype(bool)
    extra["alasan_quick_win"] = extra["alasan_quick_win"].astype(object)
    frame = pd.concat([frame, extra], axis=1)
    frame["quick_win_candidate"] = frame[list(CRITERIA)].all(axis=1).astype(bool)
    return frame


def _select_quick_wins(frame: pd.DataFrame, count: int) -> pd.DataFrame:
    """Rank candidates (peringkat_quick_win), mark the best per dimension and the overall short list."""
    frame["peringkat_quick_win"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["quick_win_dimensi"] = False
    frame["quick_win_terpilih"] = False
    candidates = frame[frame["quick_win_candidate"]].copy()
    if candidates.empty:
        return frame
    candidates["_prioritas"] = (~candidates["quick_win_usulan"]).astype(int)
    candidates = candidates.sort_values(["_prioritas", "peringkat"], kind="mergesort")
    candidates["_urut_dimensi"] = candidates.groupby("dimensi", sort=False).cumcount()
    candidates = candidates.sort_values(["_urut_dimensi", "_prioritas", "peringkat"], kind="mergesort")
    order = pd.Series(range(1, len(candidates) + 1), index=candidates.index)
    frame.loc[order.index, "peringkat_quick_win"] = order.astype("Int64")
    frame.loc[candidates.index[candidates["_urut_dimensi"] == 0], "quick_win_dimensi"] = True
    frame.loc[order.index[order <= count], "quick_win_terpilih"] = True
    return frame


# ----------------------------------------------------------------------------------------------- roadmap


def _ensure_source_columns(programs: pd.DataFrame) -> pd.DataFrame:
    """Frames built by hand may lack _path/_sheet/_row: fill neutral values so sorting stays defined."""
    frame = programs.copy()
    defaults = {PATH_COLUMN: "", SHEET_COLUMN: "", ROW_COLUMN: 0}
    for name, value in defaults.items():
        if name not in frame.columns:
            frame[name] = value
    for name in ("deskripsi", "sasaran", "indikator", "target", "alasan_quick_win_opd", "elemen", *MATRIX_COLUMNS):
        if name not in frame.columns:
            frame[name] = pd.NA
    for name in ("dampak", "kesiapan"):
        if name not in frame.columns:
            frame[name] = pd.array([pd.NA] * len(frame), dtype="Int64")
    if "quick_win" not in frame.columns:
        frame["quick_win"] = False
    return frame


def _labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Dimension/element display labels and the taxonomy order of the dimension (`_dim_order`)."""
    taxonomy = load_taxonomy()
    dim_label = {d.code: d.label for d in taxonomy.dimensions}
    dim_order = {d.code: i for i, d in enumerate(taxonomy.dimensions)}
    el_label = {(d.code, e.code): e.label_id for d in taxonomy.dimensions for e in d.elements}
    frame["dimensi_label"] = frame["dimensi"].map(dim_label).astype(object)
    frame["elemen_label"] = pd.Series(
        [
            el_label.get((d, e), pd.NA) if isinstance(e, str) and e.strip() else NO_ELEMENT_LABEL
            for d, e in zip(frame["dimensi"], frame["elemen"])
        ],
        index=frame.index,
        dtype=object,
    )
    frame["_dim_order"] = frame["dimensi"].map(dim_order).fillna(len(dim_order)).astype(int)
    return frame


def _rank_overall(frame: pd.DataFrame) -> pd.DataFrame:
    """`peringkat` 1..n: skor desc, anggaran asc, dimension, OPD, name, source location."""
    keys = ["skor", "anggaran", "_dim_order", "opd", "nama_program", PATH_COLUMN, SHEET_COLUMN, ROW_COLUMN]
    ascending = [False, True, True, True, True, True, True, True]
    ordered = frame.sort_values(keys, ascending=ascending, kind="mergesort")
    frame["peringkat"] = pd.Series(range(1, len(ordered) + 1), index=ordered.index, dtype="int64")
    return frame


def build_roadmap(programs: pd.DataFrame, region, settings: Settings) -> pd.DataFrame:
    """One row per valid program with horizon, skor, peringkat and the quick-win assessment (ROADMAP_COLUMNS).

    Rows are sorted by dimension (taxonomy order), horizon, tahun_mulai, tahun_selesai and peringkat; the index is
    0..n-1. `region` needs only `.period` (start, end). An empty `programs` gives an empty frame with all columns.
    """
    spans = horizons(region.period, settings)
    short_end = spans[SHORT][1] if SHORT in spans else None
    frame = _ensure_source_columns(programs).reset_index(drop=True)
    frame = frame.drop(columns=["alasan_quick_win"], errors="ignore").rename(columns={"quick_win": "quick_win_usulan"})
    frame["quick_win_usulan"] = frame["quick_win_usulan"].fillna(False).astype(bool)
    frame["anggaran"] = frame["anggaran"].astype(float)
    frame["tahun_mulai"] = frame["tahun_mulai"].astype("int64")
    frame["tahun_selesai"] = frame["tahun_selesai"].astype("int64")
    frame = _labels(frame)
    frame["horizon"] = pd.Series(
        [horizon_of(int(y), spans) for y in frame["tahun_selesai"]], index=frame.index, dtype=object
    )
    frame["skor"] = score(frame).astype(float)
    frame = _rank_overall(frame)
    frame = _with_criteria(frame, short_end)
    frame = _select_quick_wins(frame, settings.quick_win_count)
    frame["_hz_order"] = frame["horizon"].map({name: i for i, name in enumerate(HORIZON_NAMES)}).astype("int64")
    frame = frame.sort_values(
        ["_dim_order", "_hz_order", "tahun_mulai", "tahun_selesai", "peringkat"], kind="mergesort"
    )
    return frame[ROADMAP_COLUMNS].reset_index(drop=True)
