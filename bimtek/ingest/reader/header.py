"""The header row: which of the first rows names the columns, which dataset contract it is, and which column
positions are contract columns and which are extra.

- The header is the first of the first `HEADER_SCAN_ROWS` rows holding at least `header_min_known` distinct known
  column names of one candidate dataset; when several datasets qualify on that row, the one matching the most cells
  wins (ties: the earlier in the list).
- A money column's header may carry its unit ("Anggaran (Rp juta)"): it is matched without the unit
  (`units.strip_unit`), and `units.table_units` applies the unit.
- The first occurrence of a contract column wins; a repeated one is an extra column (its doubt, two candidate
  budget columns, is decided by `columns.budget_column_doubt`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bimtek.core.columns import DatasetSpec
from bimtek.core.vocabularies import AFTER_WORDS, BEFORE_WORDS
from bimtek.ingest.reader.units import strip_unit, unit_of

HEADER_SCAN_ROWS = 10
"""The header row must be among this many first rows of a table."""


@dataclass(frozen=True)
class Header:
    """Where the header is and how each of its cells maps to the contract."""

    row_index: int
    """0-based position of the header among the rows handed to `find_header`."""
    spec: DatasetSpec
    cells: tuple[str | None, ...]
    """Header text per column position (None for a blank header cell)."""


def find_header(rows: Sequence[Sequence[str | None]], specs: Sequence[DatasetSpec]) -> Header | None:
    """First row (among the first HEADER_SCAN_ROWS) that is a header of one of `specs`."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        spec = best_spec(row, specs)
        if spec is not None:
            return Header(index, spec, tuple(row))
    return None


def canonical(spec: DatasetSpec, text: str | None) -> str | None:
    """The contract column a header cell names; a money column's header may carry its unit ("Anggaran (Rp juta)",
    "Pagu (000)"): it is matched without the unit, which `units.table_units` then applies. A before/after word
    ("Anggaran Semula", "Anggaran Menjadi") is matched without the word (`before_after` tells which one it is)."""
    if text is not None and before_after(text) is not None:
        text = _BEFORE_AFTER.sub(" ", text).strip(" -/:()") or text
    found = spec.match_header(text)
    if found is not None or text is None or unit_of(text, header=True) is None:
        return found
    stripped = spec.match_header(strip_unit(text))
    return stripped if stripped is not None and spec.column(stripped).kind == "money" else None


_BEFORE_AFTER = re.compile(r"(?<![a-z])(" + "|".join(BEFORE_WORDS + AFTER_WORDS) + r")(?![a-z])", re.IGNORECASE)


def before_after(text: str | None) -> str | None:
    """ "before" for a Semula-like header cell, "after" for a Menjadi-like one, None otherwise."""
    if not text:
        return None
    words = {m.group(1).lower() for m in _BEFORE_AFTER.finditer(text)}
    if words & set(AFTER_WORDS) and not words & set(BEFORE_WORDS):
        return "after"
    if words & set(BEFORE_WORDS) and not words & set(AFTER_WORDS):
        return "before"
    return None


def with_subheader(header: Header, below: Sequence[str | None]) -> Header | None:
    """The header joined with the row below it when that row is a Semula/Menjadi sub-header (at least one cell is
    a before word and one an after word, and no other cell holds more than a short label); None otherwise.

    Each sub-header cell is appended to the header text above it, or to the nearest header text on its left when
    the cell above is blank (a merged "Anggaran" over "Semula | Menjadi")."""
    marks = [before_after(cell) for cell in below]
    if "before" not in marks or "after" not in marks:
        return None
    if any(cell is not None and mark is None and len(cell) > 40 for cell, mark in zip(below, marks)):
        return None
    cells = list(header.cells) + [None] * max(0, len(below) - len(header.cells))
    joined: list[str | None] = []
    last: str | None = None
    for position, text in enumerate(cells):
        if text is not None:
            last = text
        sub = below[position] if position < len(below) else None
        if sub is None:
            joined.append(text)
        else:
            joined.append(f"{text if text is not None else last or ''} {sub}".strip())
    return Header(header.row_index, header.spec, tuple(joined))


def best_spec(row: Sequence[str | None], specs: Sequence[DatasetSpec]) -> DatasetSpec | None:
    """The spec matching the most distinct cells of `row`, if it reaches its header_min_known (ties: first)."""
    best, best_count = None, 0
    for spec in specs:
        known = {canonical(spec, cell) for cell in row if cell is not None} - {None}
        if len(known) >= spec.header_min_known and len(known) > best_count:
            best, best_count = spec, len(known)
    return best


def column_letter(position: int) -> str:
    """Spreadsheet letter of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class ColumnPlan:
    known: list[tuple[int, str]]
    """(position, canonical name) of the contract columns read."""
    extra: list[tuple[int, str]]
    """(position, extra column name) of the other columns kept."""
    original: dict[str, str]
    """canonical name -> header text as written."""
    before: list[tuple[int, str]] = field(default_factory=list)
    """(position, header text) of Semula columns whose Menjadi twin is read instead."""
    twins: dict[str, list[int]] = field(default_factory=dict)
    """canonical money column -> further positions with the same name (two candidate budget columns)."""


def plan_columns(header: Header, width: int, used: set[int]) -> ColumnPlan:
    """Split column positions into contract columns and extra columns.

    `used` holds positions where some data row has a value (unnamed columns without data are dropped). The first
    occurrence of a contract column is read, except that a Menjadi column is read instead of a Semula or unmarked
    one; a Semula column beside a Menjadi one is left out (`before`); any other second column of the same money name
    (unmarked beside a Menjadi one, or two unmarked) is kept in `twins` for `table` to compare (a question when
    their figures differ).
    """
    cells = list(header.cells) + [None] * max(0, width - len(header.cells))
    names = [canonical(header.spec, text) for text in cells]
    marks = [before_after(text) for text in cells]
    chosen: dict[str, int] = {}
    for position, name in enumerate(names):
        if name is None:
            continue
        if name not in chosen or (marks[chosen[name]] != "after" and marks[position] == "after"):
            chosen[name] = position
    plan = ColumnPlan([], [], {})
    extra_names: set[str] = set()
    for position, text in enumerate(cells):
        name = names[position]
        if name is not None and chosen.get(name) == position:
            plan.known.append((position, name))
            plan.original[name] = text.strip()
            continue
        if name is not None and marks[position] == "before" and marks[chosen[name]] == "after":
            plan.before.append((position, text.strip()))
        elif name is not None and header.spec.column(name).kind == "money" and marks[position] != "before":
            plan.twins.setdefault(name, []).append(position)
        if text is None and position not in used:
            continue
        label = text.strip() if text is not None else f"Kolom {column_letter(position)}"
        plan.extra.append((position, _unique(label, extra_names)))
    return plan


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`... when already taken; records the result in `taken`."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    taken.add(candidate)
    return candidate


def no_header_message(specs: Sequence[DatasetSpec], where: str = "") -> str:
    expected = "; ".join(f"{spec.dataset}: {', '.join(spec.listed_names)}" for spec in specs)
    minimum = min(spec.header_min_known for spec in specs)
    return (
        f"Baris judul kolom tidak ditemukan pada {HEADER_SCAN_ROWS} baris pertama{where}: "
        f"perlu sedikitnya {minimum} nama kolom yang dikenali. Kolom yang diharapkan ({expected})."
    )


def json_no_header_message(specs: Sequence[DatasetSpec]) -> str:
    expected = "; ".join(f"{spec.dataset}: {', '.join(spec.listed_names)}" for spec in specs)
    return f"Nama kolom pada berkas JSON tidak dikenali. Kolom yang diharapkan ({expected})."
