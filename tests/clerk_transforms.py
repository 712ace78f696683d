"""Clerk transforms: the things an OPD clerk does to a valid proposal table, as small composable functions.

A `Draft` is a proposal as the clerk will save it: the programs the clerk means (`meant`: name -> OPD and budget in
full Rupiah) and the rows, columns, sheets and decorations around them. Each transform in `TRANSFORMS` changes the
draft the way a clerk does (hides a row, strikes one, writes "batal", turns the table into Semula/Menjadi, merges a
program name over its activity rows, moves the unit to a note...) and keeps `meant` true to what the clerk meant;
a transform that makes the reading genuinely uncertain adds the program to `doubtful` (the reader may hold it).
`render` writes the .xlsx. The property (tests/test_clerk_transforms.py): every published program is meant, with
exactly the meant budget; a meant program that is not published has a rejection or a held row with a message.

Budgets are whole millions so every unit (ribu, juta) writes them exactly.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

OPDS = ("Dinas Kesehatan", "Dinas Komunikasi dan Informatika")
DIMENSIONS = ("Smart Governance", "Smart Living", "Smart Economy", "Smart Society")
COLUMNS = ["no", "opd", "dimensi", "nama", "anggaran", "sumber", "mulai", "selesai", "ket"]
HEADERS = {
    "no": "No",
    "opd": "OPD",
    "dimensi": "Dimensi",
    "nama": "Nama Program",
    "anggaran": "Anggaran (Rp)",
    "sumber": "Sumber Dana",
    "mulai": "Tahun Mulai",
    "selesai": "Tahun Selesai",
    "ket": "Keterangan",
}
UNIT_WORDS = {1_000: "ribu", 1_000_000: "juta"}


@dataclass
class Row:
    """One worksheet row below the header. `cells` by column key (amounts in full Rupiah under "anggaran"; written
    in the draft's unit by `render`); `text` rows are written as they are (notes, headings, totals labels)."""

    cells: dict[str, object] = field(default_factory=dict)
    text: list[object] | None = None
    hidden: bool = False
    struck: bool = False
    raw_amount: bool = False
    """The amount cell is already text as the clerk typed it (never divided by the unit)."""
    activity: bool = False
    """An activity row under its program (nothing is inserted between a program and its activities)."""


@dataclass
class Draft:
    meant: dict[str, tuple[str, float]]
    rows: list[Row]
    columns: list[str] = field(default_factory=lambda: list(COLUMNS))
    headers: dict[str, str] = field(default_factory=lambda: dict(HEADERS))
    title: list[list[object]] = field(default_factory=list)
    unit: int = 1
    unit_placed: str = ""
    """"" or where the unit is written: "header", "title", "note" (one place per draft)."""
    doubtful: set[str] = field(default_factory=set)
    not_meant: set[str] = field(default_factory=set)
    """Program names written in the file that the clerk does not mean (hidden, struck, cancelled, old)."""
    hidden_columns: list[str] = field(default_factory=list)
    extra_columns: dict[str, str] = field(default_factory=dict)
    """column key -> header of columns added after the standard ones (an old budget, a Menjadi column)."""
    subheader: dict[str, str] | None = None
    merges: list[tuple[str, Row, Row]] = field(default_factory=list)
    """(column key, first row, last row) of vertically merged cells."""
    sheets_before: list[tuple[str, list[list[object]], str]] = field(default_factory=list)
    sheets_after: list[tuple[str, list[list[object]], str]] = field(default_factory=list)
    file_name: str = "usulan.xlsx"
    applied: list[str] = field(default_factory=list)
    rupiah_cells: set[str] = field(default_factory=set)
    """Programs whose amount cell says "Rp ..." in full Rupiah (a unit stated later makes them a doubt)."""


def proposal(rng: random.Random, count: int | None = None) -> Draft:
    """A valid proposal of one OPD: 2-6 programs with whole-million budgets."""
    opd = rng.choice(OPDS)
    count = count or rng.randint(2, 6)
    rows, meant = [], {}
    for i in range(count):
        name = f"Program {opd.split()[-1]} {rng.randint(100, 999)}-{i}"
        amount = float(rng.randint(1, 900) * 1_000_000)
        meant[name] = (opd, amount)
        rows.append(Row(_program_cells(i + 1, opd, rng.choice(DIMENSIONS), name, amount)))
    return Draft(meant=meant, rows=rows)


def _program_cells(number: int, opd: str, dimension: str, name: str, amount: float | None) -> dict[str, object]:
    return {
        "no": number,
        "opd": opd,
        "dimensi": dimension,
        "nama": name,
        "anggaran": amount,
        "sumber": "APBD",
        "mulai": 2022,
        "selesai": 2024,
    }


def _program_rows(draft: Draft) -> list[int]:
    return [
        i
        for i, r in enumerate(draft.rows)
        if r.text is None and r.cells.get("nama") in draft.meant and isinstance(r.cells.get("no"), int)
    ]


def _any_opd(draft: Draft) -> str:
    return next(iter(draft.meant.values()))[0]


def _not_meant_row(draft: Draft, rng: random.Random, **row: object) -> Row:
    name = f"Program Lama {rng.randint(1000, 9999)}"
    draft.not_meant.add(name)
    cells = _program_cells(0, _any_opd(draft), rng.choice(DIMENSIONS), name, float(rng.randint(1, 900) * 1_000_000))
    return Row(cells, **row)  # type: ignore[arg-type]


def _free_position(draft: Draft, rng: random.Random) -> int:
    """Where a row can go: anywhere but between a program and its activity rows."""
    free = [i for i in range(len(draft.rows) + 1) if i == len(draft.rows) or not draft.rows[i].activity]
    return rng.choice(free)


def _insert(draft: Draft, rng: random.Random, row: Row) -> None:
    draft.rows.insert(_free_position(draft, rng), row)


# --- transforms -------------------------------------------------------------------------------------------------


def _unit_taken(draft: Draft) -> bool:
    """A unit is already written, or amounts were typed in full without "Rp" (a unit stated after that would
    make them wrong in a way only the plausibility check against the APBD can see: not composed here)."""
    plain = any(r.raw_amount and str(r.cells.get("nama")) not in draft.rupiah_cells for r in draft.rows)
    return bool(draft.unit_placed) or plain


def title_block(draft: Draft, rng: random.Random) -> None:
    lines = [["PEMERINTAH KABUPATEN CONTOH"], ["USULAN PROGRAM SMART CITY 2026-2027"], ["Dinas pengusul"], [None]]
    draft.title = lines[: rng.randint(1, 4)] + draft.title


def unit_in_title(draft: Draft, rng: random.Random) -> None:
    if _unit_taken(draft):
        return
    draft.unit = rng.choice([1_000, 1_000_000])
    draft.unit_placed = "title"
    draft.title.append([f"(dalam {UNIT_WORDS[draft.unit]}an rupiah)"])


def unit_in_header(draft: Draft, rng: random.Random) -> None:
    if _unit_taken(draft) or "menjadi" in draft.columns:
        return
    draft.unit = rng.choice([1_000, 1_000_000])
    draft.unit_placed = "header"
    draft.headers["anggaran"] = f"Anggaran (Rp {UNIT_WORDS[draft.unit]})"


def unit_as_thousands_header(draft: Draft, rng: random.Random) -> None:
    if _unit_taken(draft) or "menjadi" in draft.columns:
        return
    draft.unit = 1_000
    draft.unit_placed = "header"
    draft.headers["anggaran"] = rng.choice(["Anggaran (Rp 000)", "Anggaran (000)", "Anggaran (x 1.000)"])


def unit_in_note(draft: Draft, rng: random.Random) -> None:
    """The unit only in a note below the table: a doubt (the header says "(Rp)"), so every program may be held."""
    if _unit_taken(draft):
        return
    draft.unit = rng.choice([1_000, 1_000_000])
    draft.unit_placed = "note"
    draft.rows.append(Row(text=[f"Catatan: angka anggaran dalam {UNIT_WORDS[draft.unit]}an rupiah"]))
    draft.doubtful.update(draft.meant)


def note_with_numbers(draft: Draft, rng: random.Random) -> None:
    amount = rng.choice(["50 ribu", "1,5 juta", "750 ribu"])
    draft.rows.append(Row(text=[f"Catatan: biaya pemeliharaan ± Rp {amount} per titik per bulan"]))


def footnote(draft: Draft, rng: random.Random) -> None:
    draft.rows.append(Row(text=[rng.choice(["Sumber: Renstra OPD 2026-2031", "NB: data sementara", "Keterangan: -"])]))


def hidden_old_row(draft: Draft, rng: random.Random) -> None:
    _insert(draft, rng, _not_meant_row(draft, rng, hidden=True))


def collapsed_group(draft: Draft, rng: random.Random) -> None:
    """Two old rows in an outline group the clerk collapsed (Excel writes them hidden)."""
    at = _free_position(draft, rng)
    for _ in range(2):
        draft.rows.insert(at, _not_meant_row(draft, rng, hidden=True))


def struck_row(draft: Draft, rng: random.Random) -> None:
    _insert(draft, rng, _not_meant_row(draft, rng, struck=True))


def hidden_and_struck_row(draft: Draft, rng: random.Random) -> None:
    _insert(draft, rng, _not_meant_row(draft, rng, struck=True, hidden=True))


def _cancelled(word: str) -> Callable[[Draft, random.Random], None]:
    def cancel(draft: Draft, rng: random.Random) -> None:
        row = _not_meant_row(draft, rng)
        row.cells["ket"] = word
        _insert(draft, rng, row)

    cancel.__name__ = f"cancelled_{word.split()[0].lower()}"
    return cancel


def cancel_a_meant_program(draft: Draft, rng: random.Random) -> None:
    """The clerk writes "dibatalkan" on one of the programs: it is no longer meant."""
    rows = _program_rows(draft)
    if len(rows) < 2:
        return
    row = draft.rows[rng.choice(rows)]
    name = str(row.cells["nama"])
    row.cells["ket"] = rng.choice(["Dibatalkan", "batal - diganti program lain", "DIHAPUS"])
    draft.meant.pop(name)
    draft.not_meant.add(name)


def hidden_old_budget_column(draft: Draft, rng: random.Random) -> None:
    """An old "Anggaran" column hidden next to the one the clerk means."""
    if "lama" in draft.extra_columns or draft.subheader or "menjadi" in draft.columns:
        return
    draft.extra_columns["lama"] = "Anggaran"
    draft.hidden_columns.append("lama")
    for row in draft.rows:
        if row.text is None and isinstance(row.cells.get("anggaran"), float):
            row.cells["lama"] = float(row.cells["anggaran"]) + 7_000_000


def semula_menjadi(draft: Draft, rng: random.Random) -> None:
    """A before/after table: the old budget (Semula) and the new one (Menjadi) under one merged "Anggaran"."""
    if draft.extra_columns or draft.subheader is not None or "menjadi" in draft.columns:
        return
    draft.columns.insert(draft.columns.index("anggaran") + 1, "menjadi")
    draft.headers["menjadi"] = None  # type: ignore[assignment]
    draft.subheader = {"anggaran": "Semula", "menjadi": "Menjadi"}
    for row in draft.rows:
        if row.text is None and isinstance(row.cells.get("anggaran"), float):
            row.cells["menjadi"] = row.cells["anggaran"]
            row.cells["anggaran"] = float(row.cells["anggaran"]) + 5_000_000


def semula_menjadi_one_row(draft: Draft, rng: random.Random) -> None:
    """Before/after as two header cells: "Anggaran Semula" and "Anggaran Menjadi"."""
    if draft.extra_columns or draft.subheader is not None or draft.unit_placed == "header":
        return
    if "menjadi" in draft.columns:
        return
    draft.columns.insert(draft.columns.index("anggaran") + 1, "menjadi")
    draft.headers["menjadi"] = "Anggaran Menjadi (Rp)"
    draft.headers["anggaran"] = "Anggaran Semula (Rp)"
    for row in draft.rows:
        if row.text is None and isinstance(row.cells.get("anggaran"), float):
            row.cells["menjadi"] = row.cells["anggaran"]
            row.cells["anggaran"] = float(row.cells["anggaran"]) * 2


def twin_budget_columns(draft: Draft, rng: random.Random) -> None:
    """Two visible "Anggaran" columns with different figures: which one is meant is a question."""
    if draft.extra_columns or draft.subheader is not None or "menjadi" in draft.columns:
        return
    draft.extra_columns["lain"] = draft.headers["anggaran"]
    draft.doubtful.update(draft.meant)
    for row in draft.rows:
        if row.text is None and isinstance(row.cells.get("anggaran"), float):
            row.cells["lain"] = float(row.cells["anggaran"]) + 3_000_000


def _splittable(draft: Draft) -> list[int]:
    """Visible program rows whose amount is a number (not typed as text)."""
    return [
        i
        for i in _program_rows(draft)
        if not draft.rows[i].hidden and isinstance(draft.rows[i].cells.get("anggaran"), float)
    ]


def _split(amount: float, parts: int, rng: random.Random) -> list[float]:
    millions = int(amount // 1_000_000)
    if millions < parts:
        return [amount]
    cuts = sorted(rng.sample(range(1, millions), parts - 1))
    return [float((b - a) * 1_000_000) for a, b in zip([0, *cuts], [*cuts, millions])]


def merged_activity_rows(draft: Draft, rng: random.Random) -> None:
    """A program name merged over its activity rows, each with part of the budget: one program, the sum."""
    rows = _splittable(draft)
    if not rows or draft.merges:
        return
    at = rng.choice(rows)
    row = draft.rows[at]
    parts = _split(float(row.cells["anggaran"]), rng.randint(2, 3), rng)
    if len(parts) < 2:
        return
    row.cells["anggaran"] = parts[0]
    added = [Row({"anggaran": part}, activity=True) for part in parts[1:]]
    draft.rows[at + 1 : at + 1] = added
    draft.merges.append(("nama", row, added[-1]))


def blank_name_activity_rows(draft: Draft, rng: random.Random) -> None:
    """Activity rows under a program without a merge: one program or several? A question."""
    rows = _splittable(draft)
    if not rows or draft.merges:
        return
    at = rng.choice(rows)
    row = draft.rows[at]
    parts = _split(float(row.cells["anggaran"]), 2, rng)
    if len(parts) < 2:
        return
    row.cells["anggaran"] = parts[0]
    draft.rows.insert(at + 1, Row({"anggaran": parts[1]}, activity=True))
    draft.doubtful.add(str(row.cells["nama"]))


def activity_details(draft: Draft, rng: random.Random) -> None:
    """Activity rows that detail a program whose own row carries the total: the program keeps its budget."""
    rows = _splittable(draft)
    if not rows or draft.merges:
        return
    at = rng.choice(rows)
    parts = _split(float(draft.rows[at].cells["anggaran"]), 2, rng)
    if len(parts) < 2:
        return
    for offset, part in enumerate(parts, start=1):
        draft.rows.insert(at + offset, Row({"anggaran": part, "ket": f"kegiatan {offset}"}, activity=True))


def copied_down_total(draft: Draft, rng: random.Random) -> None:
    """ "Jumlah Total" under the last row, the other cells copied down from it (its name too)."""
    rows = _program_rows(draft)
    visible = [i for i in rows if not draft.rows[i].hidden and not draft.rows[i].struck]
    if not visible:
        return
    last = draft.rows[visible[-1]]
    cells = dict(last.cells)
    cells["no"] = rng.choice(["Jumlah Total", "JUMLAH", "TOTAL"])
    cells["anggaran"] = sum(amount for _, amount in draft.meant.values())
    cells.pop("ket", None)
    draft.rows.append(Row(cells, raw_amount=False))


def totals_row(draft: Draft, rng: random.Random) -> None:
    draft.rows.append(Row({"no": "JUMLAH", "anggaran": sum(amount for _, amount in draft.meant.values())}))


def group_headings(draft: Draft, rng: random.Random) -> None:
    rows = _program_rows(draft)
    if not rows:
        return
    draft.rows.insert(
        rows[0], Row(text=[rng.choice(["A. Smart Governance", "Dimensi Smart Living", "I. Smart Economy"])])
    )


def example_row(draft: Draft, rng: random.Random) -> None:
    cells = _program_cells(0, _any_opd(draft), "Smart Living", "Contoh: Aplikasi antrean puskesmas", 150_000_000.0)
    draft.rows.insert(0, Row(cells))


def blank_separator_rows(draft: Draft, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 3)):
        _insert(draft, rng, Row(text=[None]))


def repeated_header(draft: Draft, rng: random.Random) -> None:
    """A second table on the same sheet: the header written again above the second half of the programs."""
    rows = _program_rows(draft)
    if len(rows) < 2 or draft.subheader is not None or draft.extra_columns:
        return
    at = rows[len(rows) // 2]
    draft.rows.insert(at, Row(text=[draft.headers[c] for c in draft.columns]))


def hidden_old_sheet(draft: Draft, rng: random.Random) -> None:
    old = [[HEADERS[c] for c in COLUMNS], [1, _any_opd(draft), "Smart Living", "Program 2025", 99_000_000, "APBD"]]
    draft.not_meant.add("Program 2025")
    draft.sheets_after.append(("Usulan 2025", old, rng.choice(["hidden", "veryHidden"])))


def instruction_sheet(draft: Draft, rng: random.Random) -> None:
    draft.sheets_before.append(("Petunjuk", [["Isi satu baris per program."], ["Anggaran dalam rupiah."]], "visible"))


def cover_sheet(draft: Draft, rng: random.Random) -> None:
    draft.sheets_before.insert(0, ("Sampul", [["USULAN PROGRAM SMART CITY"], [_any_opd(draft)]], "visible"))


def amounts_as_text(draft: Draft, rng: random.Random) -> None:
    """Amounts typed as text with thousands dots ("1.250.000.000") or "Rp 1.250.000.000" (full Rupiah)."""
    if draft.unit != 1:
        return
    prefix = rng.choice(["", "Rp ", "Rp. "])
    for row in draft.rows:
        if row.text is None and isinstance(row.cells.get("anggaran"), float):
            row.cells["anggaran"] = prefix + f"{int(row.cells['anggaran']):,}".replace(",", ".")
            row.raw_amount = True
            if prefix:  # "Rp ..." written in full: under a unit stated later, the reader must ask
                draft.rupiah_cells.add(str(row.cells.get("nama")))


def unknown_column(draft: Draft, rng: random.Random) -> None:
    if "catatan" in draft.extra_columns:
        return
    draft.extra_columns["catatan"] = rng.choice(["Catatan OPD", "Lokasi", "Penanggung Jawab"])
    for row in draft.rows:
        if row.text is None:
            row.cells["catatan"] = rng.choice(["Kec. Lubuk Alung", "sesuai Renstra", None])


def _file_name(name: str) -> Callable[[Draft, random.Random], None]:
    def rename(draft: Draft, rng: random.Random) -> None:
        draft.file_name = name

    rename.__name__ = "file_name_" + name.split(".")[0].replace(" ", "_")
    return rename


TRANSFORMS: list[Callable[[Draft, random.Random], None]] = [
    title_block,
    unit_in_title,
    unit_in_header,
    unit_as_thousands_header,
    unit_in_note,
    note_with_numbers,
    footnote,
    hidden_old_row,
    collapsed_group,
    struck_row,
    hidden_and_struck_row,
    _cancelled("batal"),
    _cancelled("Dibatalkan"),
    _cancelled("dihapus"),
    _cancelled("tidak jadi"),
    cancel_a_meant_program,
    hidden_old_budget_column,
    semula_menjadi,
    semula_menjadi_one_row,
    twin_budget_columns,
    merged_activity_rows,
    blank_name_activity_rows,
    activity_details,
    copied_down_total,
    totals_row,
    group_headings,
    example_row,
    blank_separator_rows,
    repeated_header,
    hidden_old_sheet,
    instruction_sheet,
    cover_sheet,
    amounts_as_text,
    unknown_column,
    _file_name("usulan_perbaikan_12-11-2026.xlsx"),
    _file_name("usulan 12 November 2026 final.xlsx"),
]
"""Every kind of change a clerk makes, composable in any order (each keeps `meant` what the clerk means)."""


def clerk_draft(rng: random.Random, steps: int | None = None) -> Draft:
    """A random valid proposal with 1-6 random transforms applied, in a random order."""
    draft = proposal(rng)
    for transform in rng.sample(TRANSFORMS, steps or rng.randint(1, 6)):
        transform(draft, rng)
        draft.applied.append(transform.__name__)
    if draft.unit != 1:
        # "Rp 349.000.000" typed in full under a unit stated elsewhere: the amount meant is the one written, but
        # which one was meant is a question for the reader
        draft.doubtful.update(draft.rupiah_cells)
    return draft


def render(draft: Draft) -> bytes:
    """The draft as the .xlsx the clerk sends."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, state in draft.sheets_before:
        _plain_sheet(book, title, rows, state)
    sheet = book.create_sheet("Usulan")
    columns = draft.columns + list(draft.extra_columns)
    headers = {**draft.headers, **draft.extra_columns}
    for line in draft.title:
        sheet.append(line)
    sheet.append([headers.get(c) for c in columns])
    header_row = sheet.max_row
    if draft.subheader:
        sheet.append([draft.subheader.get(c) for c in columns])
        position = columns.index("anggaran") + 1
        sheet.merge_cells(start_row=header_row, start_column=position, end_row=header_row, end_column=position + 1)
    first = sheet.max_row + 1
    index = {id(row): i for i, row in enumerate(draft.rows)}
    for row in draft.rows:
        values = row.text if row.text is not None else [_written(draft, row, c) for c in columns]
        sheet.append(values if any(v is not None for v in values) else [None])
        number = sheet.max_row
        if row.hidden:
            sheet.row_dimensions[number].hidden = True
        if row.struck:
            for cell in sheet[number]:
                cell.font = Font(strike=True)
    for key, start, end in draft.merges:
        position = columns.index(key) + 1
        sheet.merge_cells(
            start_row=first + index[id(start)],
            start_column=position,
            end_row=first + index[id(end)],
            end_column=position,
        )
    for key in draft.hidden_columns:
        sheet.column_dimensions[get_column_letter(columns.index(key) + 1)].hidden = True
    for title, rows, state in draft.sheets_after:
        _plain_sheet(book, title, rows, state)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _written(draft: Draft, row: Row, column: str) -> object:
    value = row.cells.get(column)
    if column in ("anggaran", "menjadi", "lama", "lain") and isinstance(value, float) and not row.raw_amount:
        scaled = value / draft.unit
        return int(scaled) if scaled.is_integer() else scaled
    return value


def _plain_sheet(book, title: str, rows: list[list[object]], state: str) -> None:
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    sheet.sheet_state = state
