"""A program's budget per year as the OPD states it, carried as one text cell through every table.

The program contract has optional per-year columns ("Anggaran 2027" ..., bimtek.core.columns `per_year`).
Validation (bimtek.validation.year_budget) turns a row that fills any of them into the typed column
`anggaran_tahunan`: every year of tahun_mulai..tahun_selesai with its amount in Rupiah (a blank year is 0), as
text, so it survives CSV files, merges and the published roadmap unchanged:

    "2027=1500000000;2028=0;2029=2250000000.5"

Years ascending, `=` between year and amount, `;` between years, amounts in whole Rupiah where whole (else up to
two decimals of sen). Blank (None/NA) means the OPD gave only a total: the tables then spread that total evenly
(bimtek.analysis.aggregate.spread_budget) and say so ("dibagi rata").
"""

from __future__ import annotations

from collections.abc import Mapping

from bimtek.core.text import is_blank

YEARLY_COLUMN = "anggaran_tahunan"
"""The typed program column holding the stated budget per year (module doc)."""

STATED, EVEN = "dinyatakan OPD", "dibagi rata"
"""How a year's figure came about (column `dasar_anggaran` of the roadmap): as the OPD stated it, or the total
spread evenly over the program's years."""


def _amount_text(amount: float) -> str:
    sen = round(amount * 100)
    whole, rest = divmod(sen, 100)
    return str(whole) if rest == 0 else f"{sen / 100:.2f}"


def format_year_budgets(amounts: Mapping[int, float]) -> str:
    """The canonical text of year -> amount (module doc); years sorted ascending."""
    return ";".join(f"{int(year)}={_amount_text(float(amounts[year]))}" for year in sorted(amounts))


def parse_year_budgets(text: object) -> dict[int, float]:
    """Year -> amount from the canonical text; {} for a blank cell. ValueError for text in another shape."""
    if is_blank(text):
        return {}
    amounts: dict[int, float] = {}
    for part in str(text).split(";"):
        year, sep, amount = part.strip().partition("=")
        if not sep:
            raise ValueError(f"anggaran_tahunan {text!r}: bagian {part!r} bukan tahun=nilai")
        amounts[int(year)] = float(amount)
    return amounts


def is_stated(text: object) -> bool:
    """True when the program states its budget per year (the cell is not blank)."""
    return not is_blank(text)
