"""Units: the money unit a table states outside its cells, and which one applies to each budget column.

A unit is written in the budget column's header ("Anggaran (Rp juta)", "Pagu (000)"), in the title block above the
header ("(dalam ribuan rupiah)") or in a note row ("Catatan: angka dalam ribuan rupiah"). What is decided:

- The header's own unit, else one unit stated by the title block, applies; both agree or the table is refused
  (two different units from header and title: the reader never guesses which one the OPD meant).
- A unit found only in a note row (below or beside the data) is a doubt, never applied on its own: notes often
  carry other money figures ("biaya pemeliharaan Rp 50 ribu per titik"). When the header or the title says
  nothing, the note's unit becomes a question (rupiah as written, or times the note's unit) and the table's rows
  are held until it is answered; when the header or title states a unit, the note only informs.

Pure functions on cell texts: no I/O, no pandas.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bimtek.core.columns import DatasetSpec
from bimtek.core.formatting import angka

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
_UNIT_CLAUSE = re.compile(
    r"\s*[\(\[]?\s*(dalam\s+|satuan\s*:?\s*)?(rp\.?|idr)?\s*(ribuan|ribu|rb|jutaan|juta|jt|miliaran|miliar|milyaran|"
    r"milyar|triliun|0{3}|x\s*1[.,]?000)\s*(rupiah|rp)?\s*[\)\]]?\s*$",
    re.IGNORECASE,
)


def unit_of(text: str | None, header: bool = False) -> int | None:
    """The money unit a text states, or None when it states none.

    A header cell states a unit by a unit word or "000" anywhere ("Anggaran (Rp juta)", "Pagu (000)"); a title or
    note row must also say it is about money ("dalam ribuan rupiah", "Rp juta", "satuan: ribu"), so a title such as
    "Usulan program 2027" or "17 ribu penduduk" is no unit.
    """
    if not text:
        return None
    folded = " ".join(str(text).lower().split())
    if _THOUSANDS_UNIT.search(folded):
        return 1_000
    match = _WORD_UNIT.search(folded)
    if match is None:
        return None
    if not header and not _MONEY_CONTEXT.search(folded):
        return None
    return UNIT_WORDS[match.group(1)]


def strip_unit(text: str) -> str:
    """A header without its trailing unit clause: "Anggaran (Rp juta)" -> "Anggaran"."""
    return _UNIT_CLAUSE.sub("", str(text)).strip() or str(text)


def table_units(
    spec: DatasetSpec,
    cells: Sequence[str | None],
    known: list[tuple[int, str]],
    title_rows: Sequence[Sequence[str | None]],
    note_units: set[int],
    place: str,
) -> tuple[dict[str, int], list[str], str | None]:
    """Unit per money column, the report notes saying so, and the conflict message when units disagree."""
    stated = {u for row in title_rows for u in (unit_of(cell) for cell in row) if u is not None} | note_units
    units: dict[str, int] = {}
    notes: list[str] = []
    for position, name in known:
        if spec.column(name).kind != "money":
            continue
        text = cells[position] if position < len(cells) else None
        own = unit_of(text, header=True)
        found = stated | ({own} if own else set())
        if len(found) > 1:
            listed = " dan ".join(UNIT_NAMES.get(u, str(u)) for u in sorted(found))
            return (
                {},
                [],
                (
                    f'Satuan kolom "{text or name}" tidak jelas: berkas menyebut {listed} sekaligus (di judul kolom, '
                    "judul tabel atau catatan). Tulis satu satuan saja, atau tulis anggaran dalam rupiah penuh, lalu "
                    "kirim ulang."
                ),
            )
        if found:
            unit = found.pop()
            units[name] = unit
            source = f'judul kolom "{text}"' if own else "judul tabel atau catatan berkas"
            notes.append(
                f'{place}: kolom "{text or name}" ditulis dalam {UNIT_NAMES.get(unit, str(unit))} (menurut '
                f"{source}); angkanya dikalikan {angka(unit)}."
            )
    return units, notes, None
