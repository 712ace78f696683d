"""Units: the money unit a table states outside its cells, and which one applies to each budget column.

A unit is written in the budget column's header ("Anggaran (Rp juta)", "Pagu (000)"), in the title block above the
header ("(dalam ribuan rupiah)") or in a note row ("Catatan: angka dalam ribuan rupiah"). What is decided:

- The header's own unit, else one unit stated by the title block, applies; both agree or the table is refused
  (two different units from header and title: the reader never guesses which one the OPD meant). A header that
  only says "(Rp)" states no unit (it is the template's wording), so a title "(dalam ribuan rupiah)" applies.
- A unit found only in a note row (below or beside the data) is a doubt, never applied on its own: notes often
  carry other money figures ("biaya pemeliharaan Rp 50 ribu per titik"). When the header or the title says
  nothing, the note's unit becomes a question (rupiah as written, or times the note's unit) and the table's rows
  are held until it is answered; when the header or title states a unit, the note only informs.

Pure functions on cell texts: no I/O, no pandas.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bimtek.core.columns import DatasetSpec

UNIT_WORDS = {
    "ribu": 1_000,
    "ribuan": 1_000,
    "rb": 1_000,
    "juta": 1_000_000,
    "jutaan": 1_000_000,
    "jt": 1_000_000,
    "miliar": 1_000_000_000,
    "miliaran": 1_000_000_000,
    "milyar": 1_000_000_000,
    "milyaran": 1_000_000_000,
    "triliun": 1_000_000_000_000,
}
"""Indonesian money unit words and the factor each stands for (Rupiah)."""
UNIT_NAMES = {1_000: "ribu rupiah", 1_000_000: "juta rupiah", 1_000_000_000: "miliar rupiah", 10**12: "triliun rupiah"}
"""How the report names an applied unit."""

_WORD_UNIT = re.compile(r"\b(" + "|".join(sorted(UNIT_WORDS, key=len, reverse=True)) + r")\b")
_MONEY_CONTEXT = re.compile(r"\b(rp|rupiah|idr|dalam|satuan|anggaran|nilai|pagu)\b")
_THOUSANDS_UNIT = re.compile(r"(\(\s*(rp\.?\s*)?0{3}\s*(rp)?\s*\)|\brp\.?\s*0{3}\b|\bx\s*1[.,]?000\b|\(\s*000\s*\))")
_AMOUNT_BEFORE = re.compile(r"\d[\d.,]*\s*(" + "|".join(sorted(UNIT_WORDS, key=len, reverse=True)) + r")\b$")
"""A unit word right after a number ("Rp 50 ribu per titik") states an amount, not the table's unit."""
_UNIT_CLAUSE = re.compile(
    r"\s*[\(\[]?\s*(dalam\s+|satuan\s*:?\s*)?(rp\.?|idr)?\s*(ribuan|ribu|rb|jutaan|juta|jt|miliaran|miliar|milyaran|"
    r"milyar|triliun|0{3}|x\s*1[.,]?000)\s*(rupiah|rp)?\s*[\)\]]?\s*$",
    re.IGNORECASE,
)


def unit_of(text: str | None, header: bool = False) -> int | None:
    """The money unit a text states, or None when it states none.

    A header cell states a unit by a unit word or "000" anywhere ("Anggaran (Rp juta)", "Pagu (000)"); a title or
    note row must also say it is about money ("dalam ribuan rupiah", "Rp juta", "satuan: ribu"), so a title such as
    "Usulan program 2027" or "17 ribu penduduk" is no unit, and a unit word right after a number is an amount
    ("biaya pemeliharaan Rp 50 ribu per titik"), not a unit.
    """
    if not text:
        return None
    folded = " ".join(str(text).lower().split())
    if _THOUSANDS_UNIT.search(folded):
        return 1_000
    match = _WORD_UNIT.search(folded)
    if match is None:
        return None
    if not header and (not _MONEY_CONTEXT.search(folded) or _AMOUNT_BEFORE.search(folded[: match.end()])):
        return None
    return UNIT_WORDS[match.group(1)]


def strip_unit(text: str) -> str:
    """A header without its trailing unit clause: "Anggaran (Rp juta)" -> "Anggaran"."""
    return _UNIT_CLAUSE.sub("", str(text)).strip() or str(text)


@dataclass
class UnitDoubt:
    """A money column whose unit comes from a note row only, or a note that contradicts the header/title."""

    column: str
    header: str
    stated: int
    """The unit the header or title states (1: plain Rupiah, written or by default)."""
    noted: int
    evidence: str


@dataclass
class UnitReading:
    units: dict[str, int] = field(default_factory=dict)
    """canonical money column -> factor (absent: Rupiah as written)."""
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)
    """canonical money column -> (reason "header"/"title", the words that stated the unit)."""
    doubts: list[UnitDoubt] = field(default_factory=list)
    conflict: str | None = None
    """The refusal message when header and title state two different units."""


def table_units(
    spec: DatasetSpec,
    cells: Sequence[str | None],
    known: list[tuple[int, str]],
    title_rows: Sequence[Sequence[str | None]],
    notes: Sequence[tuple[int, str]],
) -> UnitReading:
    """The unit of each money column (module doc): header, else title; a note's unit is a doubt, never applied.

    `notes`: (row number, text) of the note rows that state a unit."""
    titled = [(cell, u) for row in title_rows for cell in row for u in (unit_of(cell),) if u is not None]
    title_units = {u for _, u in titled}
    reading = UnitReading()
    for position, name in known:
        if spec.column(name).kind != "money":
            continue
        text = cells[position] if position < len(cells) else None
        own = unit_of(text, header=True)
        found = title_units | ({own} if own else set())
        if len(found) > 1:
            listed = " dan ".join(UNIT_NAMES.get(u, "rupiah") for u in sorted(found))
            reading.conflict = (
                f'Satuan kolom "{text or name}" tidak jelas: berkas menyebut {listed} sekaligus (di judul kolom dan '
                "judul tabel). Tulis satu satuan saja, atau tulis anggaran dalam rupiah penuh, lalu kirim ulang."
            )
            return reading
        stated = found.pop() if found else 1
        if own:
            reading.sources[name] = ("header", str(text))
        elif title_units:
            reading.sources[name] = ("title", next(str(cell) for cell, u in titled if u == stated))
        if stated != 1:
            reading.units[name] = stated
        for row, note in notes:
            noted = unit_of(note)
            if noted is not None and noted != stated:
                evidence = f'baris {row}: "{note}"; judul kolom: "{text or name}"'
                reading.doubts.append(UnitDoubt(name, str(text or name), stated, noted, evidence))
    return reading
