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

from collections.abc import Sequence
from dataclasses import dataclass

from bimtek.core.columns import DatasetSpec
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
    "Pagu (000)"): it is matched without the unit, which `units.table_units` then applies."""
    canonical = spec.match_header(text)
    if canonical is not None or text is None or unit_of(text, header=True) is None:
        return canonical
    stripped = spec.match_header(strip_unit(text))
    return stripped if stripped is not None and spec.column(stripped).kind == "money" else None


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


def plan_columns(
    header: Header, width: int, used: set[int]
) -> tuple[list[tuple[int, str]], list[tuple[int, str]], dict[str, str]]:
    """Split column positions into contract columns and extra columns.

    `used` holds positions where some data row has a value (unnamed columns without data are dropped).
    Returns (position, canonical name) pairs, (position, extra column name) pairs, canonical -> header text.
    """
    known: list[tuple[int, str]] = []
    extra: list[tuple[int, str]] = []
    original: dict[str, str] = {}
    extra_names: set[str] = set()
    for position in range(max(width, len(header.cells))):
        text = header.cells[position] if position < len(header.cells) else None
        column = canonical(header.spec, text)
        if column is not None and column not in original:
            known.append((position, column))
            original[column] = text.strip()
            continue
        if text is None and position not in used:
            continue
        name = text.strip() if text is not None else f"Kolom {column_letter(position)}"
        extra.append((position, _unique(name, extra_names)))
    return known, extra, original


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
