"""Monev (Tahap V) datasets: each OPD's realisation of its masterplan programs (`realisasi`) and the Tim
Pelaksana's region-level items (`monev_wilayah`).

Registered here (listed in `bimtek.validation.DATASETS`): one `DatasetRules` per dataset, with a normalizer adding
the monev helper columns to the shared ones of `bimtek.validation.normalize`. Suites: `schemas/gx/realisasi.json`
and `schemas/gx/monev_wilayah.json`.

| kind | helper | content |
|---|---|---|
| percent | `<col>__num` | number (80 from "80%"), NaN when blank, -inf when unreadable |
| monev_status | `<col>__code` | belum_mulai / berjalan / selesai / dibatalkan, the text as written when unknown |
| monev_item | `<col>__code` | an item code of MONEV_ITEMS, the text as written when unknown |
| monev_item_status | `<col>__code`, `<col>__mismatch` | item or program status code; the text when it does not fit the row's item |
| semester | `<col>__code` | `2027-S1` (spaces, lowercase folded), the text as written when unreadable |
| (realisasi) | `alasan__needed` | the status text when a cancelled program has no reason |
| (monev_wilayah) | `nama_program__needed` | the item text when a quick-win row names no program |

Cross-stage rules (`apply_monev_rules`, after the suites, before the report): `semester_other` (a row of another
semester than the run's), `year_other` (a realisation year other than the semester's), `program_unplanned` (a
realisation row, or a quick-win row, naming a program that is not in the final Tahap IV plan: the message names the
plan run) and `program_not_this_year` (a planned program whose years do not include the semester's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pandas as pd

from bimtek.core.columns import DatasetSpec
from bimtek.core.model import ROW_COLUMN
from bimtek.core.monev import Semester, SemesterError
from bimtek.core.parsing import parse_percent
from bimtek.core.region import Region
from bimtek.core.text import program_key
from bimtek.core.values import is_missing
from bimtek.core.vocabularies import MONEV_ITEM_STATUSES, MONEV_ITEMS, MONEV_PROGRAM_STATUSES, Vocabulary
from bimtek.validation import normalize as _normalize
from bimtek.validation.datasets import DatasetRules
from bimtek.validation.messages import MessageContext, message_for, quoted
from bimtek.validation.result import SheetResult
from bimtek.validation.stage_4_rules import reject_rows, status_code

REALISASI_COLUMNS = (
    "opd",
    "nama_program",
    "tahun",
    "indikator",
    "baseline",
    "target",
    "anggaran_rencana",
    "anggaran_realisasi",
    "capaian_indikator",
    "capaian_persen",
    "status",
    "alasan",
    "bukti",
    "semester",
    "kode_sub_kegiatan",
)
WILAYAH_COLUMNS = ("butir", "uraian", "status", "opd", "nama_program", "bukti", "semester")
QUICK_WIN_ITEM = "quick_win"
CANCELLED = "dibatalkan"


def semester_code(text: str | None) -> str | None:
    """`2027-S1` for a readable semester cell, the text as written otherwise, None when blank."""
    if text is None:
        return None
    try:
        return str(Semester.parse(text))
    except SemesterError:
        return text


def _codes(values: list, vocabulary: Vocabulary) -> pd.Series:
    return pd.Series([status_code(v, vocabulary) for v in values], dtype="object")


def normalize_stage_5(frame: pd.DataFrame, spec: DatasetSpec, region: Region | None) -> pd.DataFrame:
    """The shared normalized frame plus the monev helper columns (module doc)."""
    out = _normalize.normalize(frame, spec, region)
    for col in spec.columns:
        values = out[col.name].tolist()
        if col.kind == "percent":
            out[f"{col.name}__num"] = [_normalize.parse_number(v, parse_percent) for v in values]
            out[f"{col.name}__num"] = out[f"{col.name}__num"].astype("float64")
        elif col.kind == "monev_status":
            out[f"{col.name}__code"] = _codes(values, MONEV_PROGRAM_STATUSES)
        elif col.kind == "monev_item":
            out[f"{col.name}__code"] = _codes(values, MONEV_ITEMS)
        elif col.kind == "semester":
            out[f"{col.name}__code"] = pd.Series([semester_code(v) for v in values], dtype="object")
    if spec.dataset == "realisasi":
        cancelled = out["status__code"].eq(CANCELLED) & out["alasan"].isna()
        out["alasan__needed"] = out["status"].where(cancelled, None).astype("object")
    if spec.dataset == "monev_wilayah":
        _item_helpers(out)
    return out


def _item_helpers(out: pd.DataFrame) -> None:
    """status__code / status__mismatch / nama_program__needed of the region items (module doc)."""
    codes, mismatch, needed = [], [], []
    for item, status, program in zip(out["butir__code"], out["status"], out["nama_program"]):
        quick_win = item == QUICK_WIN_ITEM
        own = MONEV_PROGRAM_STATUSES if quick_win else MONEV_ITEM_STATUSES
        code = own.match(status) if status is not None else None
        codes.append(code or status)
        mismatch.append(status if status is not None and code is None and item in MONEV_ITEMS.codes else None)
        needed.append(MONEV_ITEMS.label(item) if quick_win and program is None else None)
    out["status__code"] = pd.Series(codes, dtype="object")
    out["status__mismatch"] = pd.Series(mismatch, dtype="object")
    out["nama_program__needed"] = pd.Series(needed, dtype="object")


_SOURCES = {"monev_status": "__code", "monev_item": "__code", "monev_item_status": "__code", "semester": "__code"}


def type_stage_5(normalized: pd.DataFrame, spec: DatasetSpec, columns: list[str]) -> pd.DataFrame:
    """Typed values: codes for statuses, items and semesters, float for percentages; other kinds as
    `bimtek.validation.normalize.typed_frame` types them."""
    shared = [c for c in columns if spec.column(c).kind not in (*_SOURCES, "percent")]
    base = _normalize.typed_frame(normalized, spec, shared)
    typed: dict[str, pd.Series] = {}
    for name in columns:
        kind = spec.column(name).kind
        if name in base.columns:
            typed[name] = base[name]
        elif kind == "percent":
            typed[name] = normalized[f"{name}__num"].astype("float64")
        else:
            typed[name] = normalized[f"{name}{_SOURCES[kind]}"].astype("str")
    return pd.DataFrame(typed, index=normalized.index)


REALISASI = DatasetRules(
    name="realisasi",
    typed_columns=REALISASI_COLUMNS,
    duplicate_key=("opd", "nama_program", "tahun"),
    normalizer=normalize_stage_5,
    typer=type_stage_5,
)
MONEV_WILAYAH = DatasetRules(
    name="monev_wilayah",
    typed_columns=WILAYAH_COLUMNS,
    normalizer=normalize_stage_5,
    typer=type_stage_5,
    row_noun="Butir",
)
RULES = (REALISASI, MONEV_WILAYAH)
"""The monev datasets, registered by `bimtek.validation.DATASETS`."""


# ----------------------------------------------------------------------------------------------- cross-stage rules


def match_by_code(
    results: Iterable[SheetResult], plan_codes: dict[tuple[str, str], list[str]], plan_names: set[tuple[str, str]]
) -> list[SheetResult]:
    """Realisation rows whose program name is not in the plan but whose OPD and kode sub kegiatan name exactly one
    planned program are that program (a program renamed in a later Renja is still the same program, issue 25):
    their `nama_program` becomes the plan's name and the Sheet's notes say so. `plan_codes` maps (folded OPD, code)
    to the planned names with that code; `plan_names` holds the `program_key`s of the plan. Other rows are kept as
    they are (an unplanned name without a matching code is rejected by `program_unplanned` as before)."""
    out = []
    for result in results:
        valid = result.valid
        if result.dataset != "realisasi" or valid.empty or "kode_sub_kegiatan" not in valid.columns:
            out.append(result)
            continue
        valid = valid.copy()
        notes = list(result.notes)
        for index, row in valid.iterrows():
            code = row["kode_sub_kegiatan"]
            if is_missing(code) or program_key(row["opd"], row["nama_program"]) in plan_names:
                continue
            names = plan_codes.get((program_key(row["opd"], "")[0], str(code)), [])
            if len(names) != 1:
                continue
            notes.append(
                f'{result.path} baris {row[ROW_COLUMN]}: program "{row["nama_program"]}" dicocokkan dengan program '
                f'rencana "{names[0]}" lewat kode sub kegiatan {code} (nama program berubah).'
            )
            valid.at[index, "nama_program"] = names[0]
        out.append(replace(result, valid=valid, notes=notes))
    return out


def apply_monev_rules(
    results: Iterable[SheetResult],
    semester: Semester,
    plan_years: dict[tuple[str, str], tuple[int, int]],
    quick_win_keys: set[tuple[str, str]],
    plan_run: str,
    region: Region | None = None,
) -> list[SheetResult]:
    """`semester_other` on both datasets; then for realisation rows `year_other` (the row's year is not the
    semester's), `program_unplanned` (no program of the final Tahap IV plan: `plan_years` maps `program_key` of
    OPD and name to its first and last year) and `program_not_this_year` (planned, but not in this year); for
    quick-win rows `program_unplanned` (not a final quick win). So no valid row is left out of the score unseen."""
    wanted = str(semester)
    out = list(results)

    def same_semester(row: pd.Series) -> dict | None:
        return None if row["semester"] == wanted else {"semester": wanted}

    for dataset in ("realisasi", "monev_wilayah"):
        out = reject_rows(out, dataset, "semester_other", "semester", same_semester, region)

    def this_year(row: pd.Series) -> dict | None:
        return None if int(row["tahun"]) == semester.year else {"semester": wanted, "year": semester.year}

    def planned(row: pd.Series) -> dict | None:
        if program_key(row["opd"], row["nama_program"]) in plan_years:
            return None
        return {"opd": row["opd"], "plan_run": plan_run, "kind": "program"}

    def scheduled(row: pd.Series) -> dict | None:
        start, end = plan_years[program_key(row["opd"], row["nama_program"])]
        if start <= semester.year <= end:
            return None
        return {"start": start, "end": end, "plan_run": plan_run, "year": semester.year}

    def planned_quick_win(row: pd.Series) -> dict | None:
        if row["butir"] != QUICK_WIN_ITEM:
            return None
        if any(name == program_key("", row["nama_program"])[1] for _, name in quick_win_keys):
            return None
        return {"opd": row.get("opd"), "plan_run": plan_run, "kind": "quick_win"}

    out = reject_rows(out, "realisasi", "year_other", "tahun", this_year, region)
    out = reject_rows(out, "realisasi", "program_unplanned", "nama_program", planned, region)
    out = reject_rows(out, "realisasi", "program_not_this_year", "nama_program", scheduled, region)
    return reject_rows(out, "monev_wilayah", "program_unplanned", "nama_program", planned_quick_win, region)


# ----------------------------------------------------------------------------------------------- messages


@message_for("percent")
def _percent(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan persentase 0 sampai 500. '
        "Tulis capaian terhadap target sebagai angka, mis. 80 atau 80%, atau kosongkan."
    )


@message_for("monev_status")
def _monev_status(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan status pelaksanaan yang dikenal. '
        f"Isi salah satu dari: {', '.join(MONEV_PROGRAM_STATUSES.labels)}."
    )


@message_for("cancel_reason")
def _cancel_reason(ctx: MessageContext) -> str:
    return (
        f'Program berstatus "dibatalkan" tetapi kolom "{ctx.header}" kosong. '
        "Tulis alasan pembatalan (mis. anggaran dialihkan, diganti program lain)."
    )


@message_for("semester")
def _semester(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan semester monev. '
        "Tulis seperti 2027-S1 (Januari-Juni) atau 2027-S2 (Juli-Desember)."
    )


@message_for("semester_other")
def _semester_other(ctx: MessageContext) -> str:
    return (
        f"Baris ini untuk semester {quoted(ctx.value)}, sedangkan monev yang dijalankan adalah semester "
        f'"{ctx.extra.get("semester", "")}". Kirim baris semester lain pada monev semester tersebut, '
        "atau perbaiki kolom semester."
    )


@message_for("year_other")
def _year_other(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, sedangkan semester "{ctx.extra.get("semester", "")}" '
        f"menilai realisasi tahun {ctx.extra.get('year', '')}. Laporkan tahun lain pada semester tahun tersebut."
    )


@message_for("program_not_this_year")
def _program_not_this_year(ctx: MessageContext) -> str:
    return (
        f"Program {quoted(ctx.value)} dijadwalkan {ctx.extra.get('start')}-{ctx.extra.get('end')} dalam masterplan "
        f"(Tahap IV run {ctx.extra.get('plan_run', '')}), bukan tahun {ctx.extra.get('year')}, sehingga "
        "realisasinya belum dinilai semester ini. Bila program dimajukan, ubah dulu jadwalnya dalam masterplan."
    )


@message_for("monev_item")
def _monev_item(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan butir monev yang dikenal. '
        f"Isi salah satu dari: {', '.join(MONEV_ITEMS.labels)}."
    )


@message_for("item_status")
def _item_status(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan status yang cocok untuk butir ini. '
        f"Untuk status quick win isi {', '.join(MONEV_PROGRAM_STATUSES.labels)}; untuk butir lain isi "
        f"{', '.join(MONEV_ITEM_STATUSES.labels)}."
    )


@message_for("quick_win_program")
def _quick_win_program(ctx: MessageContext) -> str:
    return (
        f'Baris "Status quick win" harus menyebut program quick win-nya, tetapi kolom "{ctx.header}" kosong. '
        "Tulis nama program quick win final persis seperti pada hasil Tahap IV."
    )


@message_for("program_unplanned")
def _program_unplanned(ctx: MessageContext) -> str:
    plan = ctx.extra.get("plan_run", "")
    if ctx.extra.get("kind") == "quick_win":
        return (
            f"Program {quoted(ctx.value)} bukan quick win final dalam masterplan (Tahap IV run {plan}), "
            "sehingga statusnya tidak dapat dinilai. Tulis nama quick win persis seperti pada "
            "quick_win/quick_win_final.csv run tersebut."
        )
    return (
        f'Program {quoted(ctx.value)} dari OPD "{ctx.extra.get("opd", "")}" tidak ada dalam masterplan yang '
        f"ditetapkan (Tahap IV run {plan}), sehingga realisasinya tidak dapat dinilai. Pakai templat realisasi "
        "yang sudah terisi program OPD, atau tulis nama program persis seperti pada roadmap/roadmap.csv run tersebut."
    )
