"""Tahap IV datasets: commitment sheets (`komitmen`), chapter review (`review`) and final quick wins
(`quick_win_final`).

Registered here (imported at the end of `bimtek.validation`): one `DatasetRules` per dataset, with a normalizer
that adds the Tahap IV helper columns to the shared ones of `bimtek.validation.normalize`, and a typer that turns
them into typed values. The GX suites are `schemas/gx/komitmen.json`, `review.json` and `quick_win_final.json`.

Helper columns (besides the shared `__blank`, `opd__key`, `opd__name`):

| kind | helper | content |
|---|---|---|
| commitment_status | `<col>__code` | "ditandatangani" or "belum" (synonyms folded), the text as written otherwise, None when blank |
| review_status | `<col>__code` | "disetujui" or "revisi" (synonyms folded), the text as written otherwise, None when blank |
| date | `<col>__iso`, `<col>__unreadable` | ISO date ("2026-10-13") when readable; the text that is not a date, else None |
| chapter | `<col>__num`, `<col>__title` | chapter number (3 from "3", "III", "Bab 3", "BAB III - Judul") or None; the title part |

Rule ids added by Tahap IV: `commitment_status`, `review_status`, `date` (GX suites) and `quick_win_unknown`,
a cross-stage rule: `reject_unknown_quick_wins` moves a final quick win that is not a program of the Tahap III
roadmap from the valid to the rejected rows (see `reject_rows`, the generic way to add such a rule).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

import pandas as pd

from bimtek.core.columns import DatasetSpec
from bimtek.core.model import Rejection
from bimtek.core.region import Region
from bimtek.core.text import cell_text, fold_text, program_key
from bimtek.core.vocabularies import (
    APPROVED,
    COMMITMENT_STATUSES,
    REVIEW_STATUSES,
    REVISION,
    SIGNED,
    UNSIGNED,
    Vocabulary,
    roman_to_int,
)
from bimtek.validation import normalize as _normalize
from bimtek.validation.datasets import DatasetRules
from bimtek.validation.duplicates import move_to_rejected
from bimtek.validation.messages import MessageContext, message_for, quoted, render
from bimtek.validation.result import SheetResult
from bimtek.validation.stage_1_rules import normalize_stage_1, typed_stage_1

MONTHS_ID = (
    "januari",
    "februari",
    "maret",
    "april",
    "mei",
    "juni",
    "juli",
    "agustus",
    "september",
    "oktober",
    "november",
    "desember",
)

KOMITMEN_COLUMNS = ("opd", "nama_pejabat", "jabatan", "status", "tanggal")
REVIEW_COLUMNS = ("bab", "bab_nomor", "bab_judul", "status", "catatan")
QUICK_WIN_FINAL_COLUMNS = ("opd", "nama_program")
ACTION_PLAN_COLUMNS = (
    "opd",
    "nama_program",
    "triwulan",
    "langkah",
    "penanggung_jawab",
    "keluaran",
    "anggaran",
    "mata_anggaran",
)


# ----------------------------------------------------------------------------------------------- parsers


def status_code(text: str | None, vocabulary: Vocabulary) -> str | None:
    """Canonical status (a code of `vocabulary`) for a cell's text; the text as written when unknown; None when blank."""
    if text is None:
        return None
    return vocabulary.match(text) or text


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})\s+([a-z]+)\s+(\d{4})$")


def parse_date(text: str | None) -> dt.date | None:
    """A date from ISO text ("2026-10-13", with or without a time), day-first text ("13/10/2026", "13-10-2026",
    "13.10.2026") or an Indonesian long date ("13 Oktober 2026"). None when blank; ValueError when unreadable."""
    if text is None or not str(text).strip():
        return None
    value = str(text).strip()
    try:
        if match := _ISO_DATE.match(value):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := _DAY_FIRST.match(value):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if (match := _DAY_MONTH_NAME.match(value.lower())) and match.group(2) in MONTHS_ID:
            return dt.date(int(match.group(3)), MONTHS_ID.index(match.group(2)) + 1, int(match.group(1)))
    except ValueError:
        pass
    raise ValueError(f"{value!r} bukan tanggal")


_CHAPTER = re.compile(r"^(?:bab\s*)?(\d{1,3}|[ivxlc]+)(?=$|[\s.:)\-–—])[\s.:)\-–—]*(.*)$", re.IGNORECASE)
_CHAPTER_WORD = re.compile(r"^bab\b[\s.:\-–—]*", re.IGNORECASE)


def parse_chapter(text: str | None) -> tuple[int | None, str | None]:
    """(number, title) of a chapter cell: "Bab IV Arah Pengembangan" -> (4, "Arah Pengembangan"), "3" -> (3, None),
    "Penutup" -> (None, "Penutup"). Blank -> (None, None)."""
    if text is None or not str(text).strip():
        return None, None
    value = " ".join(str(text).split())
    match = _CHAPTER.match(value)
    if match:
        raw, title = match.group(1), match.group(2).strip() or None
        number = int(raw) if raw.isdigit() else roman_to_int(raw)
        if number:
            return number, title
    return None, _CHAPTER_WORD.sub("", value) or value


# ----------------------------------------------------------------------------------------------- normalize / type


def normalize_stage_4(frame: pd.DataFrame, spec: DatasetSpec, region: Region | None) -> pd.DataFrame:
    """The shared normalized frame plus the Tahap IV helper columns (module doc)."""
    out = _normalize.normalize(frame, spec, region)
    for col in spec.columns:
        values = out[col.name].tolist()
        if col.kind == "commitment_status":
            out[f"{col.name}__code"] = pd.Series([status_code(v, COMMITMENT_STATUSES) for v in values], dtype="object")
        elif col.kind == "review_status":
            out[f"{col.name}__code"] = pd.Series([status_code(v, REVIEW_STATUSES) for v in values], dtype="object")
        elif col.kind == "date":
            iso, unreadable = [], []
            for v in values:
                try:
                    day = parse_date(v)
                except ValueError:
                    day = None
                    unreadable.append(v)
                else:
                    unreadable.append(None)
                iso.append(day.isoformat() if day else None)
            out[f"{col.name}__iso"] = pd.Series(iso, dtype="object")
            out[f"{col.name}__unreadable"] = pd.Series(unreadable, dtype="object")
        elif col.kind == "chapter":
            parsed = [parse_chapter(v) for v in values]
            out[f"{col.name}__num"] = pd.array([n for n, _ in parsed], dtype="Int64")
            out[f"{col.name}__title"] = pd.Series([t for _, t in parsed], dtype="object")
    return out


_STAGE_4_SOURCE = {"commitment_status": "__code", "review_status": "__code", "date": "__iso"}
"""kind -> helper column holding the typed value (text, None when blank)."""


def type_stage_4(normalized: pd.DataFrame, spec: DatasetSpec, columns: list[str]) -> pd.DataFrame:
    """Typed values: status codes, ISO date text (None when blank), chapter number (Int64) and title; other
    columns as `bimtek.validation.normalize.typed_frame` types them. `bab_nomor`/`bab_judul` come from `bab`."""
    typed: dict[str, pd.Series] = {}
    shared = [c for c in columns if c in spec.names and spec.column(c).kind not in (*_STAGE_4_SOURCE, "chapter")]
    base = _normalize.typed_frame(normalized, spec, shared)
    for name in columns:
        if name in base.columns:
            typed[name] = base[name]
        elif name.endswith("_nomor"):
            typed[name] = normalized[f"{name.removesuffix('_nomor')}__num"].astype("Int64")
        elif name.endswith("_judul"):
            typed[name] = normalized[f"{name.removesuffix('_judul')}__title"].astype("object")
        elif spec.column(name).kind == "chapter":
            typed[name] = normalized[name].astype("str")
        else:
            typed[name] = normalized[f"{name}{_STAGE_4_SOURCE[spec.column(name).kind]}"].astype("object")
    return pd.DataFrame(typed, index=normalized.index)


KOMITMEN = DatasetRules(
    name="komitmen",
    typed_columns=KOMITMEN_COLUMNS,
    duplicate_key=("opd",),
    normalizer=normalize_stage_4,
    typer=type_stage_4,
    row_noun="Komitmen",
)
REVIEW = DatasetRules(name="review", typed_columns=REVIEW_COLUMNS, normalizer=normalize_stage_4, typer=type_stage_4)
QUICK_WIN_FINAL = DatasetRules(
    name="quick_win_final",
    typed_columns=QUICK_WIN_FINAL_COLUMNS,
    duplicate_key=("opd", "nama_program"),
    normalizer=normalize_stage_4,
    typer=type_stage_4,
)
ACTION_PLAN = DatasetRules(
    name="rencana_aksi_quick_win",
    typed_columns=ACTION_PLAN_COLUMNS,
    normalizer=normalize_stage_1,
    typer=typed_stage_1,
    row_noun="Langkah",
)
RULES = (KOMITMEN, REVIEW, QUICK_WIN_FINAL, ACTION_PLAN)
"""The Tahap IV datasets, registered by `bimtek.validation.DATASETS`."""


# ----------------------------------------------------------------------------------------------- cross-stage rules


def reject_rows(
    results: Iterable[SheetResult],
    dataset: str,
    rule: str,
    column: str,
    check: Callable[[pd.Series], dict | None],
    region: Region | None = None,
) -> list[SheetResult]:
    """Apply a rule that needs data outside the sheet (e.g. an earlier stage's output) to the valid rows.

    For every valid row of `dataset`, `check(row)` returns None (row passes) or a dict of facts for the rule's
    message (`MessageContext.extra`). A failing row gets a `Rejection` of `rule` against `column` (the header as
    the OPD wrote it, with the value as written) and moves from `valid` to `rejected`; the file report is
    recounted. Other results are returned unchanged; inputs are not modified. Build the ValidationReport after
    this step so report.json and quarantine.csv include these rows.
    """
    out = []
    for result in results:
        if result.dataset != dataset or result.valid.empty:
            out.append(result)
            continue
        header = result.headers.get(column, column)
        found: dict[int, Rejection] = {}
        for rid, row in result.valid.iterrows():
            facts = check(row)
            if facts is None:
                continue
            value = result.raw.at[rid, header] if header in result.raw.columns else row.get(column)
            ctx = MessageContext(header=header, value=cell_text(value), region=region, extra=facts)
            found[rid] = Rejection(
                result.path, result.sheet, int(row["_row"]), header, rule, ctx.value, render(rule, ctx)
            )
        out.append(move_to_rejected(result, found))
    return out


def roadmap_keys(roadmap: pd.DataFrame) -> set[tuple[str, str]]:
    """`program_key` of every roadmap program: how a final quick win is matched."""
    return {program_key(o, p) for o, p in zip(roadmap["opd"], roadmap["nama_program"])}


def reject_unknown_quick_wins(
    results: Iterable[SheetResult], roadmap: pd.DataFrame, region: Region | None = None
) -> list[SheetResult]:
    """The `quick_win_unknown` rule: a final quick win must be a Tahap III roadmap program of the same OPD
    (program name compared with `fold_text`: case and runs of spaces ignored)."""
    known = roadmap_keys(roadmap)
    by_name: dict[str, list[str]] = {}
    for opd, name in zip(roadmap["opd"], roadmap["nama_program"]):
        by_name.setdefault(fold_text(name), []).append(str(opd))

    def check(row: pd.Series) -> dict | None:
        if program_key(row["opd"], row["nama_program"]) in known:
            return None
        return {"opd": row["opd"], "other_opd": sorted(by_name.get(fold_text(row["nama_program"]), []))}

    return reject_rows(results, "quick_win_final", "quick_win_unknown", "nama_program", check, region)


def reject_unknown_action_plans(
    results: Iterable[SheetResult], final_keys: Iterable[tuple[str, str]], region: Region | None = None
) -> list[SheetResult]:
    """The `action_plan_unknown` rule: a step of `rencana_aksi_quick_win` must belong to a FINAL quick win (same
    OPD, program name compared with `fold_text`); run after the final quick wins are chosen."""
    finals = [(str(o), str(n)) for o, n in final_keys]
    known = {program_key(o, n) for o, n in finals}
    names = [n for _, n in finals]

    def check(row: pd.Series) -> dict | None:
        if program_key(row["opd"], row["nama_program"]) in known:
            return None
        return {"opd": row["opd"], "finals": names}

    return reject_rows(results, "rencana_aksi_quick_win", "action_plan_unknown", "nama_program", check, region)


# ----------------------------------------------------------------------------------------------- messages


@message_for("commitment_status")
def _commitment_status(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan status lembar komitmen yang dikenal. '
        f'Isi "{SIGNED}" bila lembar komitmen sudah ditandatangani, atau "{UNSIGNED}" bila belum.'
    )


@message_for("review_status")
def _review_status(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan hasil reviu bab yang dikenal. '
        f'Isi "{APPROVED}" bila bab sudah disepakati, atau "{REVISION}" bila bab masih perlu diperbaiki.'
    )


@message_for("date")
def _date(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)} yang tidak dapat dibaca sebagai tanggal. '
        "Tulis tanggal seperti 13/10/2026, 2026-10-13 atau 13 Oktober 2026, atau kosongkan."
    )


@message_for("quick_win_unknown")
def _quick_win_unknown(ctx: MessageContext) -> str:
    opd = ctx.extra.get("opd", "")
    text = (
        f'Program {quoted(ctx.value)} dari OPD "{opd}" tidak ada dalam roadmap Tahap III, sehingga tidak dapat '
        "ditetapkan sebagai quick win final."
    )
    others = ctx.extra.get("other_opd") or []
    if others:
        return text + f" Program dengan nama itu tercatat untuk {', '.join(others)}; periksa kolom OPD."
    return text + " Tulis nama program persis seperti pada roadmap Tahap III (roadmap/roadmap.csv)."


@message_for("quarter")
def _quarter(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan triwulan yang dikenal. '
        "Isi Triwulan I, Triwulan II, Triwulan III atau Triwulan IV."
    )


@message_for("action_plan_unknown")
def _action_plan_unknown(ctx: MessageContext) -> str:
    finals = ctx.extra.get("finals") or []
    listed = "; ".join(finals) if finals else "belum ada"
    return (
        f'Program {quoted(ctx.value)} dari OPD "{ctx.extra.get("opd", "")}" bukan quick win final Tahap IV, sehingga '
        f"rencana aksinya tidak dipakai. Quick win final: {listed}. Tulis nama program persis seperti "
        "pada daftar quick win final."
    )
