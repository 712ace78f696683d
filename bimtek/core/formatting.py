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
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent

LOCALE = "id_ID"
MISSING = "-"
_WORDS_FROM = 1_000_000
"""rupiah_words spells amounts from one million ("juta") up; smaller amounts are written in full."""


def _is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # containers are not missing values
        return False


def half_up(value: object, digits: int = 0) -> Decimal:
    """`value` rounded half-up to `digits` decimals (2.625 -> 2.63, 0.5 -> 1), through its shortest decimal text so
    a float such as 2.675 (stored as 2.67499...) rounds the way it is written."""
    exponent = Decimal(1).scaleb(-digits)
    return Decimal(repr(float(value)) if isinstance(value, float) else str(value)).quantize(exponent, ROUND_HALF_UP)


def rupiah(value: object) -> str:
    """Rupiah with Indonesian grouping: "Rp 1.500.000"; two decimals only when the amount has sen."""
    if _is_missing(value):
        return MISSING
    amount = float(value)
    whole = math.isclose(amount, float(half_up(amount)), abs_tol=0.005)
    pattern = "¤ #,##0" if whole else "¤ #,##0.00"
    return format_currency(half_up(amount, 0 if whole else 2), "IDR", format=pattern, locale=LOCALE,
                           currency_digits=False)


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
    if _is_missing(value):
        return MISSING
    amount = float(value)
    if abs(amount) < _WORDS_FROM:
        return rupiah(amount)
    rounded = _round_to_scale(amount, digits)
    words = format_compact_decimal(rounded, format_type="long", fraction_digits=digits, locale=LOCALE)
    return f"Rp {words}"


def tanggal(value: object) -> str:
    """Long Indonesian date: "12 September 2026". Accepts a date, a datetime or an ISO string."""
    if _is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, format="d MMMM y", locale=LOCALE)


def angka(value: object, digits: int = 0) -> str:
    """A number with Indonesian separators: 1234567 -> "1.234.567", angka(1.25, 2) -> "1,25"."""
    if _is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(half_up(value, digits), format=pattern, locale=LOCALE)


def persen(value: object, digits: int = 1) -> str:
    """A share (0.253) as an Indonesian percentage: "25,3%". `value` is a fraction, not a percentage."""
    if _is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return format_percent(half_up(float(value) * 100, digits) / 100, format=pattern, locale=LOCALE)


FILTERS = {
    "rupiah": rupiah,
    "rupiah_words": rupiah_words,
    "tanggal": tanggal,
    "angka": angka,
    "persen": persen,
}
"""Jinja filter name -> function (registered by bimtek.books.buku_2)."""
