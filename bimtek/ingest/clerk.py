"""Read a worksheet as a clerk reads it: which sheets, rows and units are not program data.

OPD workbooks are made for people. Around the table a person reads, they carry things a machine must not take
for data, and that a person understands without being told:

- **Sheets that are not data**: hidden and very-hidden sheets (an old year's proposals, an archive, dropdown
  lists) and instruction or example sheets ("Petunjuk", "Contoh Pengisian", "Sampul"). They are skipped even when
  they have a header, and listed in the report by name (`sheet_skip_reason`).
- **Rows that are not programs** (`row_kind`): the template's example row ("Contoh: ..."), totals and subtotals
  ("JUMLAH", "TOTAL", "Sub Total Dimensi ...", even when the other cells were copied down), group headings (one
  cell such as "A. Smart Governance") and note rows ("Catatan: angka dalam ribuan rupiah"). A totals row is also
  recognised by arithmetic (`is_running_total`): its budget is the sum of the rows above it since the previous
  heading or total, and it names no program of its own (blank, or the name of a row above copied down).
- **Units stated outside the cell** (`unit_of`): "Anggaran (Rp juta)" in the header, "(dalam ribuan rupiah)" in
  the title block, "Rp 000" in a note. They multiply the budget cells of that table; two different units for
  one column is a conflict the reader refuses (it never guesses which one the OPD meant).

Every decision here is reported (the sheet or row, and why) so a coordinator can check it; nothing is dropped
without a word. Pure functions on cell texts: no I/O, no pandas.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bimtek.core.taxonomy import load_taxonomy

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


# ---------------------------------------------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------------------------------------------

EXAMPLE_SHEET_WORDS = ("contoh", "petunjuk", "instruksi", "panduan", "cara pengisian", "sampul", "cover", "arsip")
"""A worksheet whose name holds one of these words is instructions, an example or an archive: never data."""


def sheet_skip_reason(title: str, state: str) -> str | None:
    """Why a worksheet is not read as data even when it has a header (Indonesian), or None when it is read."""
    if state == "veryHidden":
        return "lembar ini disembunyikan (very hidden), jadi tidak dibaca sebagai data"
    if state == "hidden":
        return "lembar ini disembunyikan (hidden), jadi tidak dibaca sebagai data"
    name = " ".join(title.lower().split())
    if any(word in name for word in EXAMPLE_SHEET_WORDS):
        return "lembar ini berisi petunjuk, contoh atau arsip (dilihat dari namanya), jadi tidak dibaca sebagai data"
    return None


# ---------------------------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------------------------

_TOTAL_LABEL = re.compile(
    r"^\s*(sub[\s-]*total|subjumlah|sub[\s-]*jumlah|grand[\s-]*total|total|jumlah|jml\.?)"
    r"(\s+(anggaran|keseluruhan|seluruhnya|semua|akhir|umum|program|usulan|kegiatan|dimensi|opd|per|pagu|smart|"
    r"sementara|halaman|tahun|i{1,3}|iv|v|vi|[a-f])\b.*)?\s*[:.]?\s*$"
)
_EXAMPLE_LABEL = re.compile(r"^\s*[\(\[]?\s*contoh(\s+pengisian)?\s*[\)\]]?\s*([:\-–.].*)?$")
_NUMBERING = re.compile(r"^\s*(([a-h]|[ivx]{1,4}|\d{1,2})[.)]\s+)?((dimensi|elemen)\s*:?\s+)?")
_NOTE_LABEL = re.compile(r"^\s*(catatan|keterangan|ket\.?|nb|sumber)\s*[:.]")

ROW_KINDS = ("data", "example", "total", "heading", "note")


def row_kind(cells: Sequence[str | None], label_cells: Sequence[str | None]) -> str:
    """What a table row is, by its labels: "data", "example", "total", "heading" or "note".

    `cells` are all the row's cell texts; `label_cells` those where a person writes a label (the number and
    program-name columns, the OPD column). A row filled with numbers and a "JUMLAH" label is a total even when its
    other cells were copied down; a row with only one text cell that reads like "A. Smart Governance" is a heading.
    """
    filled = [c for c in cells if c is not None and str(c).strip()]
    if not filled:
        return "data"
    labels = [str(c).strip().lower() for c in label_cells if c is not None and str(c).strip()]
    if any(_EXAMPLE_LABEL.match(text) for text in labels):
        return "example"
    if any(_TOTAL_LABEL.match(text) for text in labels) or (len(filled) <= 3 and _is_total_text(filled)):
        return "total"
    if len(filled) == 1:
        text = str(filled[0]).strip().lower()
        if _NOTE_LABEL.match(text) or unit_of(text) is not None:
            return "note"
        if _is_taxonomy_heading(text):
            return "heading"
    return "data"


def _is_taxonomy_heading(text: str) -> bool:
    """A group heading names a dimension or an element ("A. Smart Governance", "Dimensi Smart Living",
    "2) Pelayanan Publik"); any other lone text may be an unfinished program row, which validation reports."""
    name = _NUMBERING.sub("", text, count=1).strip()
    if not name:
        return False
    taxonomy = load_taxonomy()
    if taxonomy.match_dimension(name):
        return True
    return any(taxonomy.match_element(d, name) for d in taxonomy.dimension_codes)


def _is_total_text(filled: Sequence[str]) -> bool:
    return any(_TOTAL_LABEL.match(str(c).strip().lower()) for c in filled)


def is_running_total(
    amount: float,
    names: Sequence[str | None],
    block: Sequence[tuple[float, str | None]],
    total: float | None = None,
) -> bool:
    """True when a row is a total by arithmetic: `amount` equals the sum of the `block` rows above it (at least
    two, since the previous heading or total) and the row names no program of its own: its name cells (`names`)
    are blank or repeat the name of a row in the block (copied down).

    `total`: the block's sum when the caller keeps it as rows are added (the same left-to-right float additions
    as `sum`, so the same result), which keeps a 50 000-row sheet linear instead of quadratic."""
    if len(block) < 2:
        return False
    if total is None:
        total = sum(value for value, _ in block)
    if amount <= 0 or abs(total - amount) > 0.5:
        return False
    own = [n.strip().lower() for n in names if n is not None and str(n).strip()]
    if not own:
        return True
    above = {str(name).strip().lower() for _, name in block if name is not None}
    return all(name in above for name in own)
