"""Building a Sheet from a found header and the rows after it: rows kept and left out, units, the frames.

Shared by the three formats (xlsx, csv, json).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from bimtek.core.decisions import REASONS, Decision, rows_text
from bimtek.core.formatting import angka, rupiah_words
from bimtek.core.model import ROW_COLUMN, Sheet
from bimtek.core.parsing import money_unit
from bimtek.core.questions import HELD_STATUS, Option, Question
from bimtek.core.settings import Settings
from bimtek.ingest.reader.asking import Asking
from bimtek.ingest.reader.cells import SharedTexts
from bimtek.ingest.reader.header import Header, column_letter, plan_columns, with_subheader
from bimtek.ingest.reader.limits import LimitExceeded, RowCount, check_width, sheet_place
from bimtek.ingest.reader.rows import cell_at, clerk_rows, money_amount
from bimtek.ingest.reader.units import UNIT_NAMES, table_units


@dataclass
class Seen:
    """What the format reader found about the sheet as a person sees it (xlsx only; empty for CSV and JSON)."""

    left_out: dict[str, list[int]] = field(default_factory=dict)
    """"hidden"/"struck" -> row numbers not read (after the header)."""
    hidden_columns: list[tuple[int, str]] = field(default_factory=list)
    """(position, header text or column letter) of hidden columns that hold something."""
    merged_columns: dict[int, set[int]] = field(default_factory=dict)
    """column position -> rows that continue a merged cell above them in that column."""


def build_sheet(
    path: str,
    sheet_name: str,
    header: Header,
    header_row: int | None,
    records: Iterable[tuple[int, list[str | None]]],
    limits: Settings,
    title_rows: Sequence[Sequence[str | None]] = (),
    counted: RowCount | None = None,
    asking: Asking | None = None,
    seen: Seen | None = None,
) -> Sheet:
    """Sheet from a found header and the (row number, cell texts) records after it (limits checked as read).

    Rows a clerk would not count (`rows`), hidden or struck rows and hidden columns (`visibility`, via `seen`) are
    left out; a Semula/Menjadi sub-header makes the Menjadi columns the ones read (`header.with_subheader`); the
    unit comes from `units`. Every such choice is a `Decision` in `Sheet.decisions` (and a line of `Sheet.notes`);
    every doubt is a `Question` (via `asking`) whose rows are in `Sheet.held` until it is answered.
    """
    asking = asking or Asking(path, "")
    seen = seen or Seen()
    data: list[list[str | None]] = []
    row_numbers: list[int] = []
    width, used = 0, set()
    shared = SharedTexts()
    check_width(len(header.cells), limits, sheet_name)
    for number, texts in records:
        if not texts:
            continue
        check_width(len(texts), limits, sheet_name)
        if len(data) >= limits.max_rows_per_sheet:
            raise LimitExceeded(
                f"{sheet_place(sheet_name)}berisi lebih dari {angka(limits.max_rows_per_sheet)} baris data (batas per "
                "tabel). Pisahkan menjadi beberapa berkas."
            )
        if counted is not None:
            counted.add()
        data.append([shared(text) for text in texts])
        row_numbers.append(number)
        width = max(width, len(texts))
        used.update(i for i, v in enumerate(texts) if v is not None)
    reading = _Reading(path, sheet_name, asking)
    for reason, numbers in seen.left_out.items():
        reading.leave_out(reason, numbers)
    for position, text in seen.hidden_columns:
        reading.decide("column_left_out", "hidden", column=f"{text} (kolom {column_letter(position)})")
    joined = with_subheader(header, data[0]) if data else None
    if joined is not None:
        header = joined
        reading.leave_out("subheader", [row_numbers[0]])
        data, row_numbers = data[1:], row_numbers[1:]
    plan = plan_columns(header, width, used)
    for position, text in plan.before:
        reading.decide("after_values", "before", column=f"{text} (kolom {column_letter(position)})", evidence=text)
    names = [p for p, name in plan.known if header.spec.column(name).kind == "text"][:1]
    continued = seen.merged_columns.get(names[0], set()) if names else set()
    skipped = {n: reason for reason, numbers in seen.left_out.items() for n in numbers}
    rows = clerk_rows(header.spec, plan.known, plan.extra, data, row_numbers, continued, skipped)
    for reason, left in rows.left_out.items():
        reading.leave_out(reason, left, rows.evidence)
    units = table_units(header.spec, header.cells, plan.known, title_rows, rows.notes)
    if units.conflict:
        return failed(path, sheet_name, "unreadable", units.conflict, header.spec.dataset)
    keep = list(rows.keep)
    _twin_columns(reading, header, plan, data, row_numbers, keep, units.units)
    _unit_doubts(reading, plan, units, data, row_numbers, keep)
    _rupiah_cells(reading, plan, units.units, data, row_numbers, keep)
    _total_doubts(reading, rows, data, row_numbers, keep, plan, units.units, header.spec)
    keep = _activity_groups(reading, rows, data, row_numbers, keep, plan, units.units, header.spec)
    for name, (source, words) in units.sources.items():
        factor = units.units.get(name, 1)
        reading.decide("unit", source, column=plan.original.get(name, name), evidence=words, value=str(factor))
        if factor != 1:
            reading.notes.append(
                f'{reading.place}: kolom "{plan.original.get(name, name)}" ditulis dalam '
                f"{UNIT_NAMES.get(factor, str(factor))} (menurut "
                f'{"judul kolom" if source == "header" else "judul tabel"} "{words}"); angkanya dikalikan '
                f"{angka(factor)}."
            )
    if len(keep) < len(data):
        data = [data[i] for i in keep]
        row_numbers = [row_numbers[i] for i in keep]
    frame = frame_of(data, plan.known, row_numbers)
    frame[ROW_COLUMN] = pd.array(row_numbers, dtype="int64")
    sheet = Sheet(
        path=path,
        sheet=sheet_name,
        frame=frame,
        dataset=header.spec.dataset,
        header_row=header_row,
        original_headers=plan.original,
        extra=frame_of(data, plan.extra, row_numbers),
        units=dict(units.units),
        notes=reading.all_notes(),
        decisions=reading.decisions,
        questions=reading.questions,
        held={row: qid for row, qid in reading.held.items() if row in set(row_numbers)},
    )
    if not data:
        sheet.status = "empty"
        sheet.message = "Baris judul kolom ditemukan, tetapi tidak ada baris data di bawahnya" + (
            " (hanya baris contoh, jumlah, judul kelompok atau catatan)." if reading.left_out else "."
        )
    return sheet


class _Reading:
    """The decisions, questions and held rows of one table as they are made."""

    def __init__(self, path: str, sheet: str, asking: Asking) -> None:
        self.path, self.sheet, self.asking = path, sheet, asking
        self.place = path + (f" ({sheet})" if sheet else "")
        self.decisions: list[Decision] = []
        self.questions: list[Question] = []
        self.held: dict[int, str] = {}
        self.left_out: dict[str, list[int]] = {}
        self.notes: list[str] = []

    def decide(self, kind: str, reason: str, rows: Sequence[int] = (), **fields: str) -> None:
        self.decisions.append(Decision(kind, reason, self.path, self.sheet, tuple(rows), **fields))

    def leave_out(self, reason: str, rows: Sequence[int], evidence: Mapping[int, str] | None = None) -> None:
        if not rows:
            return
        self.left_out.setdefault(reason, []).extend(rows)
        words = sorted({evidence[r] for r in rows if r in evidence}) if evidence else []
        self.decide("row_left_out", reason, rows, evidence=", ".join(words))

    def ask(self, kind: str, rows: Sequence[int], text: str, options: tuple[Option, ...], evidence: str) -> str | None:
        question, chosen = self.asking.ask(
            kind, self.sheet, tuple(rows), text, options, evidence, self.decisions, detail=evidence
        )
        if all(q.id != question.id for q in self.questions):
            self.questions.append(question)
        if chosen is None:
            for row in rows:
                self.held.setdefault(row, question.id)
            self.notes.append(f"{self.place} baris {rows_text(list(rows))}: {HELD_STATUS}: {text}")
        return chosen

    def all_notes(self) -> list[str]:
        left = [f"{self.place} baris {rows_text(sorted(rows))}: {REASONS[r]}." for r, rows in self.left_out.items()]
        columns = [
            f"{self.place}: kolom {d.column} tidak dibaca: {d.reason_text}."
            for d in self.decisions
            if d.kind in ("column_left_out", "after_values")
        ]
        return [*left, *columns, *self.notes]


def _total(data: list[list[str | None]], keep: Sequence[int], position: int) -> float:
    return sum(money_amount(cell_at(data[i], position)) or 0.0 for i in keep)


def _twin_columns(reading, header, plan, data, row_numbers, keep, units) -> None:
    """Two columns of one budget name: rows where they differ are a question (which column is the budget)."""
    for name, others in plan.twins.items():
        first = next(p for p, n in plan.known if n == name)
        positions = [first, *others]
        differ = [
            i
            for i in keep
            if len({money_amount(cell_at(data[i], p)) for p in positions} - {None}) > 1
            or (money_amount(cell_at(data[i], first)) is None) != (money_amount(cell_at(data[i], others[0])) is None)
        ]
        if not differ:
            continue
        factor = units.get(name, 1)
        options = tuple(
            Option(
                key=chr(ord("a") + n),
                label=f'kolom {column_letter(p)} "{header.cells[p]}": {rupiah_words(_total(data, differ, p) * factor)}',
                detail=f"jumlah baris yang berbeda menurut kolom {column_letter(p)}",
            )
            for n, p in enumerate(positions)
        )
        rows = [row_numbers[i] for i in differ]
        chosen = reading.ask(
            "column",
            rows,
            f'Ada {len(positions)} kolom "{plan.original[name]}". Kolom mana yang berisi anggaran yang dimaksud?',
            options,
            ", ".join(f'kolom {column_letter(p)} "{header.cells[p]}"' for p in positions),
        )
        if chosen is not None:
            picked = positions[ord(chosen) - ord("a")]
            plan.known[:] = [(picked if n == name else p, n) for p, n in plan.known]


def _unit_doubts(reading, plan, units, data, row_numbers, keep) -> None:
    """A unit stated only by a note (or a note against the header): both readings, all rows held."""
    for doubt in units.doubts:
        position = next(p for p, n in plan.known if n == doubt.column)
        total = _total(data, keep, position)
        stated_where = "judul kolom/judul tabel" if doubt.column in units.sources else "rupiah sebagaimana tertulis"
        options = (
            Option(
                "a",
                rupiah_words(total * doubt.stated),
                f"satuan {UNIT_NAMES.get(doubt.stated, 'rupiah')} ({stated_where})",
            ),
            Option(
                "b", rupiah_words(total * doubt.noted), f"satuan {UNIT_NAMES.get(doubt.noted, 'rupiah')} (dari catatan)"
            ),
        )
        rows = [row_numbers[i] for i in keep]
        chosen = reading.ask(
            "unit",
            rows,
            f'Satuan kolom "{doubt.header}" tidak pasti: jumlah tabel ini {options[0].label} atau {options[1].label}?',
            options,
            doubt.evidence,
        )
        if chosen is not None:
            factor = doubt.noted if chosen == "b" else doubt.stated
            units.units.pop(doubt.column, None)
            units.sources.pop(doubt.column, None)
            if factor != 1:
                units.units[doubt.column] = factor
            reading.decide("unit", "answer", column=doubt.header, evidence=doubt.evidence, value=str(factor))


_RUPIAH_CELL = re.compile(r"^\s*(rp|idr)\b", re.IGNORECASE)


def _rupiah_cells(reading, plan, units, data, row_numbers, keep) -> None:
    """Cells that write "Rp ..." in a column whose header or title states a unit ("Rp 349.000.000" under
    "Anggaran (Rp 000)"): the amount as written in Rupiah, or times the column's unit? Held until answered."""
    for position, name in plan.known:
        factor = units.get(name, 1)
        if factor == 1:
            continue
        for i in keep:
            text = cell_at(data[i], position)
            amount = money_amount(text)
            if text is None or amount is None or not _RUPIAH_CELL.match(text) or money_unit(text) is not None:
                continue  # a cell with its own unit word ("Rp 1,5 M") is rejected by validation, not asked
            options = (
                Option("a", rupiah_words(amount * factor), f"dikalikan satuan kolom ({UNIT_NAMES.get(factor)})"),
                Option("b", rupiah_words(amount), "rupiah sebagaimana tertulis di sel"),
            )
            chosen = reading.ask(
                "unit",
                [row_numbers[i]],
                f'Sel anggaran baris {row_numbers[i]} menulis "{text}" di kolom "{plan.original[name]}": '
                f"{options[0].label} atau {options[1].label}?",
                options,
                f'baris {row_numbers[i]}: "{text}"; judul kolom: "{plan.original[name]}"',
            )
            if chosen == "b":
                _set_amount(data[i], position, amount / factor)


def _total_doubts(reading, rows, data, row_numbers, keep, plan, units, spec) -> None:
    """A totals-like row that names a program of its own: a total (left out) or a program?"""
    money = next((n for _, n in plan.known if spec.column(n).kind == "money"), "")
    factor = units.get(money, 1)
    for doubt in rows.totals:
        number = row_numbers[doubt.index]
        amount = rupiah_words((doubt.amount or 0) * factor)
        options = (
            Option("a", "baris jumlah, tidak dihitung", f'label "{doubt.label}"'),
            Option("b", f'program "{doubt.name}" sebesar {amount}', "dihitung sebagai program"),
        )
        chosen = reading.ask(
            "totals_row",
            [number],
            f'Baris {number} berlabel jumlah ("{doubt.label}") tetapi menamai program "{doubt.name}" ({amount}). '
            "Baris jumlah atau program?",
            options,
            f'baris {number}: "{doubt.label}", "{doubt.name}"',
        )
        if chosen == "a":
            keep.remove(doubt.index)
            reading.leave_out("total", [number], {number: f'"{doubt.label}"'})


def _activity_groups(reading, rows, data, row_numbers, keep, plan, units, spec) -> list[int]:
    """A program row with activity rows under it: one program (sum) when the name is merged over them, the
    activities as detail when they add up to the program's budget, else a question."""
    money = next((p for p, n in plan.known if spec.column(n).kind == "money"), None)
    if money is None:
        return keep
    factor = units.get(next(n for p, n in plan.known if p == money), 1)
    for group in rows.groups:
        program = row_numbers[group.program]
        activity_rows = [row_numbers[i] for i in group.activities]
        all_rows = [program, *activity_rows]
        if group.amount is not None and abs(group.amount - group.activities_sum) <= 0.5:
            reading.leave_out("activity_detail", activity_rows)
            continue
        whole = (group.amount or 0.0) + group.activities_sum
        if group.amount is None or group.merged:
            _set_amount(data[group.program], money, whole)
            reading.leave_out("activity", activity_rows)
            reading.decide(
                "activity_rows",
                "activity",
                all_rows,
                evidence="nama program digabung (merge) di atas baris kegiatannya"
                if group.merged
                else "baris program tanpa anggaran, baris kegiatan di bawahnya beranggaran",
                value=str(whole * factor),
            )
            continue
        options = (
            Option("a", f"satu program: {rupiah_words(whole * factor)}", f"baris {rows_text(all_rows)} dijumlahkan"),
            Option(
                "b",
                f"hanya baris {program}: {rupiah_words(group.amount * factor)}",
                f"baris {rows_text(activity_rows)} tidak dihitung",
            ),
        )
        name = cell_at(data[group.program], next((p for p, n in plan.known if spec.column(n).kind == "text"), 0))
        chosen = reading.ask(
            "activity_rows",
            all_rows,
            f'Program "{name}" (baris {program}) diikuti baris tanpa nama program (baris {rows_text(activity_rows)}). '
            "Apakah baris-baris itu kegiatan dari program ini?",
            options,
            f"baris {rows_text(activity_rows)}: kolom nama program kosong",
        )
        if chosen == "a":
            _set_amount(data[group.program], money, whole)
        reading.leave_out(
            "activity" if chosen == "a" else "activity_not_counted" if chosen == "b" else "activity_held",
            activity_rows,
        )
    return keep


def _set_amount(texts: list[str | None], position: int, value: float) -> None:
    """Write a computed amount into a row's cell (six decimals: never read as thousands dots)."""
    while len(texts) <= position:
        texts.append(None)
    texts[position] = f"{value:.6f}"


def frame_of(data: list[list[str | None]], columns: list[tuple[int, str]], row_numbers: list[int]) -> pd.DataFrame:
    """Object-dtype frame (str or None cells) of the chosen column positions."""
    if not columns:
        return pd.DataFrame(index=pd.RangeIndex(len(row_numbers)))
    positions = [p for p, _ in columns]
    rows = [[texts[p] if p < len(texts) else None for p in positions] for texts in data]
    return pd.DataFrame(rows, columns=[n for _, n in columns], dtype=object)


def failed(path: str, sheet_name: str, status: str, message: str, dataset: str = "") -> Sheet:
    """A Sheet that carries no rows, only a status and the reason."""
    frame = pd.DataFrame({ROW_COLUMN: pd.array([], dtype="int64")})
    return Sheet(path=path, sheet=sheet_name, frame=frame, dataset=dataset, status=status, message=message)
