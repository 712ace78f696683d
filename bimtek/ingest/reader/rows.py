"""Row kinds: which rows of a table are program data, and which a clerk would not count.

Around the rows a person reads as data, OPD tables carry rows that are not programs (`row_kind`): the template's
example row ("Contoh: ..."), totals and subtotals ("JUMLAH", "TOTAL", "Sub Total Dimensi ...", even when the other
cells were copied down), group headings (one cell such as "A. Smart Governance") and note rows ("Catatan: angka
dalam ribuan rupiah"). A totals row is also recognised by arithmetic (`is_running_total`): its budget is the sum of
the rows above it since the previous heading or total, and it names no program of its own (blank, or the name of a
row above copied down).

Every row left out is named in the report (row number and why); nothing is dropped without a word.
Pure functions on cell texts: no I/O, no pandas.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bimtek.core.columns import DatasetSpec
from bimtek.core.parsing import parse_money
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.vocabularies import CANCELLED_WORDS
from bimtek.ingest.reader.units import unit_of

_TOTAL_LABEL = re.compile(
    r"^\s*(sub[\s-]*total|subjumlah|sub[\s-]*jumlah|grand[\s-]*total|total|jumlah|jml\.?)"
    r"(\s+(anggaran|keseluruhan|seluruhnya|seluruh|semua|akhir|umum|program|usulan|kegiatan|dimensi|opd|per|pagu|smart|total|"
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


_CANCELLED = re.compile(r"^\W*(" + "|".join(w.replace(" ", r"\s+") for w in CANCELLED_WORDS) + r")(?![a-z])", re.I)


def is_cancelled(text: str | None) -> bool:
    """A status cell that says the row is no longer meant ("Batal", "DIBATALKAN - diganti", "tidak jadi")."""
    return bool(text) and bool(_CANCELLED.match(str(text).strip()))


def is_total_label(text: str | None) -> bool:
    """A cell that reads like a totals label ("JUMLAH", "Jumlah Total", "Sub Total Dimensi Living")."""
    return bool(text) and bool(_TOTAL_LABEL.match(str(text).strip().lower()))


@dataclass
class TotalDoubt:
    """A row labelled like a total that names a program of its own and whose budget is no running sum."""

    index: int
    name: str
    amount: float | None
    label: str


@dataclass
class ActivityGroup:
    """A program row and the rows under it with a blank name (its activities)."""

    program: int
    activities: list[int]
    merged: bool
    """The program name is one merged cell over all these rows (the clerk meant one program)."""
    amount: float | None
    activities_sum: float


@dataclass
class RowReading:
    keep: list[int] = field(default_factory=list)
    """Positions (in `data`) of the rows read as data, in order."""
    left_out: dict[str, list[int]] = field(default_factory=dict)
    """Reason code (bimtek.core.decisions.REASONS) -> row numbers left out."""
    evidence: dict[int, str] = field(default_factory=dict)
    """Row number -> the words that decided it was left out (a status cell, a totals label)."""
    notes: list[tuple[int, str]] = field(default_factory=list)
    """(row number, text) of note rows that state a money unit."""
    totals: list[TotalDoubt] = field(default_factory=list)
    groups: list[ActivityGroup] = field(default_factory=list)


def clerk_rows(
    spec: DatasetSpec,
    known: list[tuple[int, str]],
    extra: list[tuple[int, str]],
    data: list[list[str | None]],
    row_numbers: list[int],
    continued: set[int] = frozenset(),  # type: ignore[assignment]
    skipped: Mapping[int, str] | None = None,
) -> RowReading:
    """Which rows are data (module doc), and the doubts `table` turns into questions.

    `continued`: row numbers whose program-name cell is the lower part of a vertically merged cell. `skipped`:
    rows already left out (hidden, struck: row number -> reason). Rows with a blank name and an amount under a
    program that is left out (cancelled, hidden, struck) share its fate: they are its activities, never another
    program's."""
    kinds = {name: spec.column(name).kind for _, name in known}
    names = [p for p, name in known if kinds[name] == "text"][:1]
    labels = [p for p, _ in extra] + [p for p, name in known if kinds[name] in ("opd", "dimension", "element")] + names
    money = next((p for p, name in known if kinds[name] == "money"), None)
    status_cells = [p for p in range(max((len(t) for t in data), default=0)) if p not in names]
    if any(kind.endswith("_status") for kind in kinds.values()):
        # a dataset with a status column of its own (monev realisasi, komitmen, review) reports "dibatalkan" as a
        # value its rules check (a cancelled program needs a reason): the row is read, never left out
        status_cells = []
    # activity rows (a blank name under a program) exist only where the name identifies the row (a required name
    # column, e.g. nama_program), and only when the row names no OPD or dimension of its own: a row that does is a
    # program whose name is missing (validation's `required` rule says so)
    if names and not spec.column(next(n for p, n in known if p == names[0])).required:
        names_for_groups: list[int] = []
    else:
        names_for_groups = names
    identity = [p for p, name in known if kinds[name] in ("opd", "dimension", "element")]
    reading = RowReading()
    block: list[tuple[float, str | None]] = []
    everything: list[tuple[float, str | None]] = []
    block_sum: float = 0  # running sums of the amounts in `block` / `everything` (added in order, as `sum` does)
    everything_sum: float = 0
    group: ActivityGroup | None = None
    orphan: str | None = None  # why the program above blank-name rows was left out
    skipped = skipped or {}
    last = 0
    for index, texts in enumerate(data):
        number = row_numbers[index]
        gap = [skipped[n] for n in range(last + 1, number) if n in skipped]
        last = number
        if gap:
            group, orphan = None, gap[-1]
        kind = row_kind(texts, [cell_at(texts, p) for p in labels])
        amount = money_amount(cell_at(texts, money)) if money is not None else None
        name = cell_at(texts, names[0]) if names else None
        own = [cell_at(texts, p) for p in names]
        label = next((t for t in texts if is_total_label(t)), None)
        bare = bool(names_for_groups) and name is None and amount is not None
        bare = bare and not any(cell_at(texts, p) for p in identity)
        if kind == "data" and amount is not None:
            if is_running_total(amount, own, block, block_sum) or is_running_total(
                amount, own, everything, everything_sum
            ):
                kind = "total"
        if kind == "data" and label is not None and name is not None and not is_total_label(name):
            kind = "total"
        if kind == "total" and name is not None and not is_total_label(name) and amount is not None:
            above = {str(n).strip().lower() for _, n in everything if n is not None}
            summed = is_running_total(amount, [], block, block_sum) or is_running_total(
                amount, [], everything, everything_sum
            )
            if str(name).strip().lower() not in above and not summed:
                reading.totals.append(TotalDoubt(index, str(name), amount, label or ""))
                kind = "held"
        if kind == "data":
            cancelled = next((cell_at(texts, p) for p in status_cells if is_cancelled(cell_at(texts, p))), None)
            if cancelled is not None:
                reading.left_out.setdefault("cancelled", []).append(number)
                reading.evidence[number] = f'"{cancelled}"'
                group, orphan = None, "cancelled"
                continue
        if kind == "data" and bare and group is None and orphan:
            reading.left_out.setdefault(orphan, []).append(number)
            continue
        if kind == "data" and bare and group is not None:
            group.activities.append(index)
            group.activities_sum += amount or 0.0
            group.merged = group.merged and number in continued
            continue
        if kind in ("data", "held"):
            reading.keep.append(index)
            group, orphan = None, None
            if kind == "data" and names_for_groups and name is not None:
                group = ActivityGroup(index, [], True, amount, 0.0)
                reading.groups.append(group)
            if amount is not None and kind == "data":
                entry = (amount, name)
                block.append(entry)
                everything.append(entry)
                block_sum += amount
                everything_sum += amount
            continue
        group, orphan = None, None
        reading.left_out.setdefault(kind, []).append(number)
        if label is not None:
            reading.evidence[number] = f'"{label}"'
        if kind == "note":
            reading.notes.extend((number, t) for t in texts if t is not None and unit_of(t) is not None)
        if kind in ("total", "heading"):
            block, block_sum = [], 0
    reading.groups = [g for g in reading.groups if g.activities]
    return reading


def cell_at(texts: list[str | None], position: int) -> str | None:
    return texts[position] if position < len(texts) else None


def money_amount(text: str | None) -> float | None:
    """A budget cell as a number for the totals arithmetic (None when blank or unreadable)."""
    try:
        return parse_money(text)
    except ValueError:
        return None
