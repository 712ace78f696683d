"""Clerk-shaped OPD workbooks, generated at test time, each with the figures a coordinator expects.

Every case is a workbook an Indonesian OPD clerk plausibly sends (title blocks, cover and instruction sheets,
hidden archive sheets, totals rows with copied-down cells, group headings, units written outside the cells) and
the programs and budget per OPD that must be published from it. `programs` are the real program rows (budget in
full Rupiah); the workbook writes them in the case's unit, with the decorations around them.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

import openpyxl

HEADER = ["No", "OPD", "Dimensi", "Nama Program", "Anggaran (Rp)", "Sumber Dana", "Tahun Mulai", "Tahun Selesai"]
OPDS = ("Dinas Kesehatan", "Dinas Komunikasi dan Informatika")
DIMENSIONS = ("Smart Governance", "Smart Living", "Smart Economy")


@dataclass
class Case:
    name: str
    data: bytes
    programs: list[dict]
    """The program rows that must be published: opd, nama_program, anggaran (full Rupiah)."""
    notes: list[str] = field(default_factory=list)
    """Substrings the report's notes must hold (sheets skipped, rows left out, unit applied)."""
    status: str = "ok"
    """Expected status of the data table ("unreadable" when the reader must refuse it)."""
    held: int = 0
    """Rows the reader must hold with a question (a reading it cannot decide alone)."""

    def per_opd(self) -> dict[str, tuple[int, float]]:
        out: dict[str, tuple[int, float]] = {}
        for row in self.programs:
            count, total = out.get(row["opd"], (0, 0.0))
            out[row["opd"]] = (count + 1, total + row["anggaran"])
        return out


def programs(rng: random.Random, opd: str, count: int, unit: int = 1) -> list[dict]:
    """`count` programs of one OPD with budgets that are whole in `unit` (so the workbook can write them in it)."""
    return [
        {
            "opd": opd,
            "dimensi": rng.choice(DIMENSIONS),
            "nama_program": f"Program {opd.split()[-1]} {i + 1}",
            "anggaran": float(rng.randint(2, 900) * max(unit, 1_000_000)),
            "sumber_dana": "APBD",
        }
        for i in range(count)
    ]


def program_row(number: int, row: dict, unit: int) -> list[object]:
    amount = row["anggaran"] / unit
    return [
        number,
        row["opd"],
        row["dimensi"],
        row["nama_program"],
        int(amount) if amount.is_integer() else amount,
        row["sumber_dana"],
        2022,
        2024,
    ]


def total_row(label: str | None, rows: list[dict], unit: int, copied_down: bool) -> list[object]:
    """A totals row: its label (or none), the budget sum, and, when the clerk copied cells down, the last row's
    other cells."""
    last = rows[-1]
    amount = sum(r["anggaran"] for r in rows) / unit
    if copied_down:
        return [label, last["opd"], last["dimensi"], label or last["nama_program"], amount, "APBD", 2022, 2024]
    return [label, None, None, None, amount]


def workbook(sheets: list[tuple[str, list[list[object]], str]]) -> bytes:
    """An .xlsx of (title, rows, state) sheets; state is visible, hidden or veryHidden."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def title_block(rng: random.Random, height: int, unit_line: str | None) -> list[list[object]]:
    lines = [
        ["PEMERINTAH KABUPATEN CONTOH"],
        ["USULAN PROGRAM SMART CITY TAHUN 2022-2024"],
        ["Disusun oleh Tim Pelaksana"],
        [None],
    ][:height]
    if unit_line:
        lines.insert(rng.randint(0, len(lines)), [unit_line])
    return lines


def build_cases(seed: int = 7) -> list[Case]:
    rng = random.Random(seed)
    cases: list[Case] = []

    # 1. Title block of varying height stating thousands; totals row with copied-down cells.
    for height in range(4):
        rows = programs(rng, OPDS[0], 3, 1_000)
        body = [program_row(i + 1, r, 1_000) for i, r in enumerate(rows)]
        body.append(total_row("JUMLAH", rows, 1_000, copied_down=True))
        sheet = [*title_block(rng, height, "(dalam ribuan rupiah)"), HEADER, *body]
        cases.append(Case(f"judul-{height}-ribuan", workbook([("Usulan", sheet, "visible")]), rows, ["ribu rupiah"]))

    # 2. Unit in the header; subtotals per dimension and a grand total, group headings.
    rows_a = programs(rng, OPDS[1], 2, 1_000_000)
    rows_b = programs(rng, OPDS[1], 3, 1_000_000)
    header = [*HEADER[:4], "Anggaran (Rp juta)", *HEADER[5:]]
    body = [["A. Smart Governance"]]
    body += [program_row(i + 1, r, 1_000_000) for i, r in enumerate(rows_a)]
    body.append(total_row("Sub Total", rows_a, 1_000_000, copied_down=False))
    body += [["B. Smart Living"]]
    body += [program_row(i + 1, r, 1_000_000) for i, r in enumerate(rows_b)]
    body.append(total_row("Sub Total", rows_b, 1_000_000, copied_down=False))
    body.append(total_row("TOTAL KESELURUHAN", rows_a + rows_b, 1_000_000, copied_down=False))
    cases.append(
        Case(
            "subtotal-juta",
            workbook([("Program", [header, *body], "visible")]),
            rows_a + rows_b,
            ["juta rupiah", "baris jumlah/subtotal", "judul kelompok"],
        )
    )

    # 3. Cover, instruction sheet with an example row, a hidden old year and a very hidden archive.
    rows = programs(rng, OPDS[0], 4)
    old = programs(rng, OPDS[0], 2)
    for row in old:
        row["nama_program"] += " (lama)"
    example = [0, OPDS[0], "Smart Living", "Contoh: Aplikasi antrean puskesmas", 150_000_000, "APBD", 2022, 2022]
    cases.append(
        Case(
            "sampul-petunjuk-tersembunyi",
            workbook(
                [
                    ("Sampul", [["USULAN PROGRAM"], ["Dinas Kesehatan"]], "visible"),
                    ("Contoh Pengisian", [HEADER, example], "visible"),
                    (
                        "Usulan 2022",
                        [HEADER, example, *(program_row(i + 1, r, 1) for i, r in enumerate(rows))],
                        "visible",
                    ),
                    ("Usulan 2021 (lama)", [HEADER, *(program_row(i + 1, r, 1) for i, r in enumerate(old))], "hidden"),
                    ("Arsip", [HEADER, *(program_row(i + 1, r, 1) for i, r in enumerate(old))], "veryHidden"),
                ]
            ),
            rows,
            ['"Usulan 2021 (lama)" dilewati', '"Arsip" dilewati', '"Contoh Pengisian" dilewati', "baris contoh"],
        )
    )

    # 4. A totals row recognised by arithmetic only: no label, the program name copied down.
    rows = programs(rng, OPDS[1], 3)
    body = [program_row(i + 1, r, 1) for i, r in enumerate(rows)]
    last = body[-1]
    body.append([None, last[1], last[2], last[3], sum(r["anggaran"] for r in rows), "APBD", 2022, 2024])
    cases.append(Case("jumlah-tanpa-label", workbook([("Data", [HEADER, *body], "visible")]), rows, ["baris jumlah"]))

    # 5. A note row under the data states millions while the header says "(Rp)": two readings, so the rows are
    # held with a question (issue 23), never multiplied on a note's word alone.
    rows = programs(rng, OPDS[0], 2, 1_000_000)
    body = [program_row(i + 1, r, 1_000_000) for i, r in enumerate(rows)]
    body.append(["Catatan: anggaran dalam jutaan rupiah"])
    cases.append(
        Case(
            "catatan-juta",
            workbook([("Data", [HEADER, *body], "visible")]),
            [],
            ["perlu konfirmasi"],
            status="rejected",
            held=2,
        )
    )

    # 6. Two units that disagree: the table is refused, nothing is guessed.
    rows = programs(rng, OPDS[0], 2, 1_000_000)
    sheet = [["(dalam ribuan rupiah)"], header, *(program_row(i + 1, r, 1_000_000) for i, r in enumerate(rows))]
    cases.append(Case("satuan-bertentangan", workbook([("Data", sheet, "visible")]), [], [], status="unreadable"))
    return cases
