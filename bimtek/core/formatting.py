"""Indonesian number, money and date formatting for the books, through Babel's `id_ID` locale.

Every function accepts a missing value (None, NaN, pd.NA) and returns `MISSING` ("-") for it, so templates never
print "nan". Nothing here reads the clock: all output depends on the arguments only.

Rounding is half-up everywhere (`half_up`: Decimal ROUND_HALF_UP on the value's shortest decimal text), so 2,625
miliar prints as "2,63 miliar" and a book's parts add up to its printed total the way a reader checks them.

    rupiah(1500000)            -> "Rp 1.500.000"
    rupiah(1500000.5)          -> "Rp 1.500.000,50"
    rupiah_words(1_500_000_000) -> "Rp 1,5 miliar"
    rupiah_words(750_000_000)  -> "Rp 750 juta"
    tanggal(date(2026, 9, 12)) -> "12 September 2026"
    angka(1234567)             -> "1.234.567"
    persen(0.253)              -> "25,3%"
    shares([1, 1, 1])          -> [0.333, 0.333, 0.334]  (percentages that add up to 100,0%)
    rupiah_parts([...])        -> parts in the unit of their total, adding up to it
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import (
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
)

from bimtek.core.values import is_missing
from bimtek.core.vocabularies import int_to_roman

LOCALE = "id_ID"
MISSING = "-"
_WORDS_FROM = 1_000_000
"""rupiah_words spells amounts from one million ("juta") up; smaller amounts are written in full."""


def half_up(value: object, digits: int = 0) -> Decimal:
    """`value` rounded half-up to `digits` decimals (2.625 -> 2.63, 0.5 -> 1), through its shortest decimal text so
    a float such as 2.675 (stored as 2.67499...) rounds the way it is written."""
    exponent = Decimal(1).scaleb(-digits)
    return Decimal(repr(float(value)) if isinstance(value, float) else str(value)).quantize(exponent, ROUND_HALF_UP)


_BABEL_LIMIT = 10**18
"""From this size on, amounts are grouped here in whole Rupiah (Babel's decimal context cannot hold them)."""


def _not_a_number(value: object) -> bool:
    """True for missing values and for infinities (never printed as an amount)."""
    return is_missing(value) or not math.isfinite(float(value))  # type: ignore[arg-type]


def _grouped(amount: float) -> str:
    """Whole number with Indonesian thousands dots, for amounts too large for Babel."""
    return f"{round(amount):,}".replace(",", ".")


def rupiah(value: object) -> str:
    """Rupiah with Indonesian grouping: "Rp 1.500.000"; two decimals only when the amount has sen.

    Never raises for a number: infinities give MISSING, amounts of 10^18 and more are written in whole Rupiah.
    """
    if _not_a_number(value):
        return MISSING
    amount = float(value)  # type: ignore[arg-type]
    if abs(amount) >= _BABEL_LIMIT:
        return f"Rp {_grouped(value if isinstance(value, int) else amount)}"
    whole = math.isclose(amount, float(half_up(amount)), abs_tol=0.005)
    pattern = "¤ #,##0" if whole else "¤ #,##0.00"
    return format_currency(
        half_up(amount, 0 if whole else 2), "IDR", format=pattern, locale=LOCALE, currency_digits=False
    )


def _round_to_scale(amount: float, digits: int) -> Decimal:
    """Round half-up to `digits` decimals of the largest power of 1000 in `amount`, carrying 1000 juta up to
    1 miliar."""
    exact = half_up(amount, 2)
    scale = 1000 ** int(math.log(abs(amount), 1000))
    scaled = (exact / scale).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    if abs(scaled) >= 1000:
        scale *= 1000
        scaled = (exact / scale).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return scaled * scale


def rupiah_words(value: object, digits: int = 2) -> str:
    """Rupiah for prose: "Rp 1,5 miliar", "Rp 750 juta", "Rp 2,35 triliun"; below one million as `rupiah`."""
    if _not_a_number(value):
        return MISSING
    amount = float(value)  # type: ignore[arg-type]
    if abs(amount) < _WORDS_FROM or abs(amount) >= _BABEL_LIMIT:
        return rupiah(amount)
    rounded = _round_to_scale(amount, digits)
    words = format_compact_decimal(rounded, format_type="long", fraction_digits=digits, locale=LOCALE)
    return f"Rp {words}"


def tanggal(value: object) -> str:
    """Long Indonesian date: "12 September 2026". Accepts a date, a datetime or an ISO string."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, format="d MMMM y", locale=LOCALE)


def angka(value: object, digits: int = 0) -> str:
    """A number with Indonesian separators: 1234567 -> "1.234.567", angka(1.25, 2) -> "1,25"."""
    if _not_a_number(value):
        return MISSING
    if abs(float(value)) >= _BABEL_LIMIT:  # type: ignore[arg-type]
        return _grouped(value if isinstance(value, int) else float(value))  # type: ignore[arg-type]
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(half_up(value, digits), format=pattern, locale=LOCALE)


def persen(value: object, digits: int = 1) -> str:
    """A share (0.253) as an Indonesian percentage: "25,3%". `value` is a fraction, not a percentage."""
    if is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return format_percent(half_up(float(value) * 100, digits) / 100, format=pattern, locale=LOCALE)


_UNITS = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def apportion(values: list[object], digits: int = 0) -> list[Decimal]:
    """`values` rounded to `digits` decimals so that they add up to their rounded total (largest remainder:
    each value is rounded down, then the units still missing go to the largest remainders, ties to the first).

        apportion([15.13, 61.46, 23.41], 1) -> [15.1, 61.5, 23.4]   (half-up alone gives 15.1 + 61.5 + 23.4)
        apportion([33.333, 33.333, 33.334], 1) -> [33.3, 33.3, 33.4]
    """
    if not values:
        return []
    exact = [Decimal(repr(float(v))) for v in values]
    step = Decimal(1).scaleb(-digits)
    floors = [(v / step).to_integral_value(rounding="ROUND_FLOOR") * step for v in exact]
    missing = int(((half_up(sum(exact), digits) - sum(floors)) / step).to_integral_value())
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: max(missing, 0)]:
        floors[i] += step
    return [f.quantize(step) for f in floors]


def shares(parts: list[object], digits: int = 1) -> list[float]:
    """Each part's share of their sum (a fraction, for `persen`), apportioned so the printed percentages add up to
    100 (or 0 when the sum is 0)."""
    total = math.fsum(float(p) for p in parts)  # type: ignore[arg-type]
    if not total:
        return [0.0 for _ in parts]
    return [float(p / 100) for p in apportion([float(v) / total * 100 for v in parts], digits)]


EXACT_DIGITS = 3
"""`rupiah_parts` prints up to this many decimals when they make every part exact (43,175 miliar, never 43,17)."""


def rupiah_parts(values: list[object], digits: int = 2) -> list[str]:
    """Amounts of one table in the unit of their total ("Rp 10,58 miliar", "Rp 0,75 miliar"), apportioned so the
    printed parts add up to the printed total (`rupiah_words` of the sum). Below one million: `rupiah`.

    When `EXACT_DIGITS` decimals write every part exactly (Rp 43.175.000.000 -> "Rp 43,175 miliar"), they are used,
    so no part is cut to make the sum agree."""
    total = math.fsum(float(v) for v in values)  # type: ignore[arg-type]
    unit = next(((size, word) for size, word in _UNITS if abs(total) >= size), None)
    if unit is None:
        return [rupiah(v) for v in values]
    size, word = unit
    exact = Decimal(1).scaleb(-EXACT_DIGITS)
    if all((Decimal(repr(float(v))) / size) % exact == 0 for v in values):  # type: ignore[arg-type]
        digits = max(digits, EXACT_DIGITS)
    scaled = apportion([float(v) / size for v in values], digits)
    pattern = "#,##0." + "#" * digits
    return [f"Rp {format_decimal(v, format=pattern, locale=LOCALE)} {word}" for v in scaled]


def romawi(value: object) -> str:
    """Roman numeral of a stage or chapter number (3 -> "III"); anything that is not a positive number as text."""
    try:
        number = int(str(value))
    except ValueError:
        return str(value)
    return int_to_roman(number) if 0 < number < 400 else str(value)


FILTERS = {
    "romawi": romawi,
    "rupiah": rupiah,
    "rupiah_words": rupiah_words,
    "tanggal": tanggal,
    "angka": angka,
    "persen": persen,
}
"""Jinja filter name -> function (registered by the environments of bimtek.books.templating)."""
