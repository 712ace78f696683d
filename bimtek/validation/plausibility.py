"""Plausibility against the region's scale: an amount no region could mean is asked about, never published.

The region file states its APBD (`apbd`, full Rupiah per year) and, optionally, each OPD's pagu indikatif
(`opd[].pagu`). Two doubts are held as questions (bimtek.core.questions, kind "plausibility"):

- **One amount above a share of the APBD** (setting `plausible_apbd_share`, 5 %): a program's `anggaran`, or a
  monev row's `anggaran_rencana` / `anggaran_realisasi`. Rp 125 000 000 000 000 (a stray "00") or a full-Rupiah
  amount typed into a "(Rp 000)" column are the usual causes. The readings offered: the amount as written, the
  amount divided by 1 000 (and by 1 000 000 when 1 000 is not enough) and "I will send a corrected file".
- **An OPD's program total above its pagu**: the total of the OPD's rows still counted, per file; the readings:
  as written (the OPD really plans above its pagu), every amount of those rows divided by 1 000 (when that total
  fits the pagu) and "I will send a corrected file".

Until answered, the rows leave the valid rows as a `Rejection` with rule HELD_RULE whose value is the question id:
no published figure carries them. With an answer (bimtek.store.answers) the next check applies it: "as written"
keeps the row, a division keeps the row with the divided amounts (and a note says so), "corrected file" keeps it
held. A question's id is made from the file's inbox-relative path, sheet, rows and amounts, so the portal's upload
check and the stage run ask (and apply) the same question.

Pure functions of the results and the region; the caller loads the answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from bimtek.core.formatting import rupiah_words
from bimtek.core.model import ROW_COLUMN, Rejection
from bimtek.core.questions import HELD_RULE, HELD_STATUS, Answer, Option, Question, question_id
from bimtek.core.region import Region
from bimtek.validation.duplicates import move_to_rejected
from bimtek.validation.messages import quoted
from bimtek.validation.result import SheetResult

KIND = "plausibility"
AMOUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "program": ("anggaran",),
    "realisasi": ("anggaran_rencana", "anggaran_realisasi"),
}
"""Dataset -> its money columns measured against the APBD. Only `program` rows add up to an OPD's pagu."""
AS_WRITTEN, DIVIDED, CORRECTED, DIVIDED_MORE = "a", "b", "c", "d"
"""Option keys: the amount as written, divided by 1 000, "I will send a corrected file", divided by 1 000 000."""
DIVISORS = {DIVIDED: 1_000, DIVIDED_MORE: 1_000_000}
"""Readings offered for an implausible amount: divided by 1 000 always (a full-Rupiah amount in a "(Rp 000)"
column, a stray "000"), by 1 000 000 too when 1 000 does not bring it within the limit."""


@dataclass
class Plausibility:
    """What `hold_implausible` returns: the results with held (or answered) rows, and every question asked."""

    results: list[SheetResult]
    questions: list[Question] = field(default_factory=list)


def hold_implausible(
    results: list[SheetResult],
    region: Region,
    max_share: float,
    answers: Mapping[str, Answer] | None = None,
    stage: str = "",
) -> Plausibility:
    """Hold every amount above `max_share` of the APBD, then every OPD total above its pagu (module doc)."""
    answers = answers or {}
    if not region.apbd and not any(entry.pagu for entry in region.opd):
        return Plausibility(list(results))
    questions: list[Question] = []
    checked = []
    for result in results:
        checked.append(_hold_amounts(result, region, max_share, answers, stage, questions))
    checked = _hold_over_pagu(checked, region, answers, stage, questions)
    return Plausibility(checked, questions)


def _amount_question(
    result: SheetResult, row: int, column: str, amount: float, limit: float, region: Region, stage: str, name: str
) -> Question:
    header = result.headers.get(column, column)
    written, plausible = rupiah_words(amount), rupiah_words(amount / DIVISORS[DIVIDED])
    share = f"{limit / float(region.apbd or 1):.0%}".replace(".", ",")
    text = (
        f"Isian {quoted(header)} {f'program {quoted(name)} ' if name else ''}tertulis {written}, lebih dari {share} APBD "
        f"{region.name} ({rupiah_words(region.apbd)}). Apakah {written} atau {plausible}?"
    )
    options = [
        Option(AS_WRITTEN, f"{written} (sesuai tertulis)", "angka dipakai apa adanya"),
        Option(DIVIDED, plausible, "angka dibagi 1.000"),
    ]
    if amount / DIVISORS[DIVIDED] > limit:
        options.append(Option(DIVIDED_MORE, rupiah_words(amount / DIVISORS[DIVIDED_MORE]), "angka dibagi 1.000.000"))
    options.append(
        Option(CORRECTED, "Semuanya salah: saya kirim berkas perbaikan", "baris tetap ditahan sampai berkas baru")
    )
    return Question(
        id=question_id(KIND, "", result.sheet, (row,), f"{result.path}|{column}|{amount:.0f}"),
        kind=KIND,
        region=region.slug,
        stage=stage,
        opd=_row_opd(result, row) or (result.sender or ""),
        file=result.path,
        sheet=result.sheet,
        rows=(row,),
        text=text,
        options=tuple(options),
        evidence=f"{header} baris {row}: {written}; batas {rupiah_words(limit)} ({share} APBD)",
    )


def _row_opd(result: SheetResult, row: int) -> str:
    if "opd" not in result.valid.columns:
        return ""
    match = result.valid.loc[result.valid[ROW_COLUMN] == row, "opd"]
    return str(match.iloc[0]) if len(match) and pd.notna(match.iloc[0]) else ""


def _held(result: SheetResult, row: int, column: str, question: Question) -> Rejection:
    """The rejection that holds one row for `question` (rule HELD_RULE, value the question id)."""
    return Rejection(
        result.path,
        result.sheet,
        row,
        result.headers.get(column, column),
        HELD_RULE,
        question.id,
        f"{HELD_STATUS.capitalize()}: {question.text} Jawab pertanyaan ini di halaman unggah, atau kirim berkas "
        "perbaikan.",
    )


def _hold_amounts(
    result: SheetResult,
    region: Region,
    max_share: float,
    answers: Mapping[str, Answer],
    stage: str,
    questions: list[Question],
) -> SheetResult:
    columns = [c for c in AMOUNT_COLUMNS.get(result.dataset, ()) if c in result.valid.columns]
    if not region.apbd or not columns or result.valid.empty:
        return result
    limit = float(region.apbd) * max_share
    asked = len(questions)
    held: dict[int, Rejection] = {}
    changes: dict[tuple[int, str], float] = {}
    notes: list[str] = []
    for rid in result.valid.index:
        row = int(result.valid.at[rid, ROW_COLUMN])
        name = str(result.valid.at[rid, "nama_program"]) if "nama_program" in result.valid.columns else ""
        for column in columns:
            amount = pd.to_numeric(result.valid.at[rid, column], errors="coerce")
            if pd.isna(amount) or float(amount) <= limit:
                continue
            question = _amount_question(result, row, column, float(amount), limit, region, stage, name)
            questions.append(question)
            answer = answers.get(question.id)
            if answer is None or answer.option not in (AS_WRITTEN, *DIVISORS):
                held[rid] = _held(result, row, column, question)
                continue
            if answer.option in DIVISORS:
                changes[(rid, column)] = float(amount) / DIVISORS[answer.option]
            notes.append(_answered_note(question, answer, row))
    return _with_questions(_updated(result, held, changes, notes), questions[asked:])


def _with_questions(result: SheetResult, questions: list[Question]) -> SheetResult:
    """`result` carrying `questions` beside the reader's own (report.json lists every question of a result)."""
    return replace(result, questions=[*result.questions, *questions]) if questions else result


def _answered_note(question: Question, answer: Answer, row: int) -> str:
    chosen = next(o for o in question.options if o.key == answer.option)
    return f"{question.sheet or question.file} baris {row}: dibaca {chosen.label} sesuai jawaban {answer.answered_by}."


def _updated(
    result: SheetResult, held: dict[int, Rejection], changes: dict[tuple[int, str], float], notes: list[str]
) -> SheetResult:
    if changes:
        valid = result.valid.copy()
        for (rid, column), value in changes.items():
            valid.at[rid, column] = value
        result = replace(result, valid=valid, notes=[*result.notes, *notes])
    return move_to_rejected(result, held)


def _hold_over_pagu(
    results: list[SheetResult], region: Region, answers: Mapping[str, Answer], stage: str, questions: list[Question]
) -> list[SheetResult]:
    pagu = {entry.name: float(entry.pagu) for entry in region.opd if entry.pagu}
    programs = [r for r in results if r.dataset == "program" and not r.valid.empty and "opd" in r.valid.columns]
    if not pagu or not programs:
        return results
    totals: dict[str, float] = {}
    for result in programs:
        for opd, amount in result.valid.groupby("opd")["anggaran"].sum().items():
            totals[str(opd)] = totals.get(str(opd), 0.0) + float(amount)
    over = {opd: total for opd, total in totals.items() if opd in pagu and total > pagu[opd]}
    if not over:
        return results
    program_ids = {id(r) for r in programs}
    updated = []
    for result in results:
        if id(result) not in program_ids:
            updated.append(result)
            continue
        held: dict[int, Rejection] = {}
        changes: dict[tuple[int, str], float] = {}
        notes: list[str] = []
        asked = len(questions)
        for opd, total in over.items():
            rows = result.valid.index[result.valid["opd"] == opd].tolist()
            if not rows:
                continue
            question = _pagu_question(result, rows, opd, total, pagu[opd], region, stage)
            questions.append(question)
            answer = answers.get(question.id)
            if answer is not None and answer.option in (AS_WRITTEN, DIVIDED):
                divisor = DIVISORS.get(answer.option, 1)
                for rid in rows:
                    changes[(rid, "anggaran")] = float(result.valid.at[rid, "anggaran"]) / divisor
                notes.append(_answered_note(question, answer, question.rows[0]))
                continue
            for rid in rows:
                held[rid] = _held(result, int(result.valid.at[rid, ROW_COLUMN]), "anggaran", question)
        updated.append(_with_questions(_updated(result, held, changes, notes), questions[asked:]))
    return updated


def _pagu_question(
    result: SheetResult, rids: list[int], opd: str, total: float, pagu: float, region: Region, stage: str
) -> Question:
    rows = tuple(sorted(int(result.valid.at[rid, ROW_COLUMN]) for rid in rids))
    in_file = float(result.valid.loc[rids, "anggaran"].sum())
    written, smaller = rupiah_words(in_file), rupiah_words(in_file / 1_000)
    text = (
        f"Jumlah anggaran program {opd} {rupiah_words(total)} melebihi pagu indikatifnya {rupiah_words(pagu)} "
        f"(berkas region {region.name}). Baris pada berkas ini berjumlah {written}: apakah {written} atau {smaller}?"
    )
    options = [Option(AS_WRITTEN, f"{written} (sesuai tertulis, memang melebihi pagu)", "angka dipakai apa adanya")]
    if total - in_file + in_file / 1_000 <= pagu:
        options.append(Option(DIVIDED, smaller, "setiap anggaran pada baris ini dibagi 1.000"))
    options.append(Option(CORRECTED, "Semuanya salah: saya kirim berkas perbaikan", "baris tetap ditahan"))
    return Question(
        id=question_id(KIND, "", result.sheet, rows, f"{result.path}|pagu|{opd}|{in_file:.0f}|{pagu:.0f}"),
        kind=KIND,
        region=region.slug,
        stage=stage,
        opd=opd,
        file=result.path,
        sheet=result.sheet,
        rows=rows,
        text=text,
        options=tuple(options),
        evidence=f"jumlah {opd} {rupiah_words(total)}; pagu {rupiah_words(pagu)}",
    )
