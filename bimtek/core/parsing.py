"""Pure parsers for the raw cell text of OPD spreadsheets (money, yes/no, whole numbers).

Convention (the same for every parser here):

- blank input (None, NaN, "" or white space only) -> ``None``; `parse_bool` is the one exception and returns
  ``False`` for blank, because a blank "quick win" cell means "no";
- a value that can be read -> a plain Python value (``float``, ``bool`` or ``int``);
- a non-blank value that cannot be read -> ``ValueError`` (with an Indonesian message that can be shown to the
  OPD). Nothing else is ever raised.

Callers therefore write::

    try:
        amount = parse_money(cell)
    except ValueError:
        ...  # reject the row

Cells may also hold values already typed by the workbook (``int``/``float``/``bool`` from openpyxl).

Money (`parse_money`) rules, in order:

1. A prefix ``Rp``, ``Rp.``, ``IDR`` (any case, with or without a space) and a trailing ``,-`` or ``.-`` are
   dropped; a leading ``-`` (before or after the prefix) or surrounding parentheses make the number negative.
2. An optional unit word multiplies the number: ``ribu``/``rb`` x10^3, ``juta``/``jt`` x10^6,
   ``miliar``/``milyar``/``M`` x10^9 (Indonesian usage: ``M`` is miliar, not million), ``triliun`` x10^12.
3. Separators in the number:
   - both ``.`` and ``,`` present: the one that comes last is the decimal mark and the other groups thousands
     (``1.500.000,50`` = 1500000.5, ``1,500,000.00`` = 1500000.0);
   - only ``,``: one comma is the decimal mark (``1,5`` = 1.5, so ``1,500`` = 1.5 too), several commas group
     thousands (``1,500,000`` = 1500000);
   - only ``.``: several dots group thousands (``1.500.000``); a single dot groups thousands when it follows
     1-3 digits (not a lone ``0``) and is followed by exactly 3 digits (``1.500`` = 1500), otherwise it is the
     decimal mark (``1500000.5``, ``2025.0``, ``0.125``, ``1500.125``);
   - digit groups separated by single spaces (``1 500 000``) are thousands.
   Thousands groups must have exactly three digits (``1.50.000`` is unreadable).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from bimtek.core.text import is_blank

__all__ = ["parse_money", "parse_bool", "parse_int"]

_UNITS = {
    "ribu": 10**3,
    "rb": 10**3,
    "juta": 10**6,
    "jt": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "m": 10**9,
    "triliun": 10**12,
}

_MONEY = re.compile(
    r"""^
    (?P<sign1>-)?\s*
    (?:rp\.?|idr)?\s*
    (?P<sign2>-)?\s*
    (?P<number>\d[\d., ]*?)
    \s*(?P<unit>ribu|rb|juta|jt|miliar|milyar|m|triliun)?\.?
    \s*(?:[,.]-)?
    $""",
    re.VERBOSE,
)
_MONEY_MAX_CHARS = 60
"""Longer money texts are unreadable at once (no amount needs more; it keeps the regex time bounded)."""
_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:X\d{3})+$")  # X stands for the thousands separator
_PLAIN = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+\.\d+$")
_INT = re.compile(r"^[+-]?\d{1,15}(?:[.,]0+)?$")
_INT_LIMIT = 10**15
"""parse_int reads whole numbers below this size (years and scores); longer digit runs are unreadable."""

_TRUE = frozenset({"ya", "yes", "y", "true", "1", "benar"})
_FALSE = frozenset({"tidak", "no", "n", "false", "0", "salah"})


def parse_money(value: object) -> float | None:
    """Rupiah amount of a cell as float; None when blank; ValueError when unreadable (rules in module doc)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' bukan jumlah uang")
    if isinstance(value, (int, float)):
        try:
            return _finite(float(value), value)
        except OverflowError:
            raise ValueError("angka terlalu besar untuk jumlah uang") from None
    text = str(value).replace("\u00a0", " ").strip()
    if len(text) > _MONEY_MAX_CHARS:
        raise ValueError(f"'{_shortened(text)}' terlalu panjang untuk sebuah jumlah uang")
    negative, body = _strip_parentheses(text)
    match = _MONEY.match(body.lower())
    if not match:
        raise ValueError(f"'{_shortened(text)}' bukan jumlah uang yang dikenali (contoh: 1500000, Rp 1.500.000, 1,5 M)")
    number = _read_number(match["number"].strip(), text)
    if match["unit"]:
        number *= _UNITS[match["unit"]]
    if negative or match["sign1"] or match["sign2"]:
        number = -number
    return _finite(float(number), text)


def money_unit(value: object) -> str | None:
    """The unit word a money cell carries itself ("Rp 1,5 M" -> "m", "500 juta" -> "juta"), None when it has none
    or is no money text. A cell with its own unit under a table that states one is ambiguous (validation refuses it)."""
    if value is None:
        return None
    text = str(value).replace("\u00a0", " ").strip().lower()
    if len(text) > _MONEY_MAX_CHARS:
        return None
    _, body = _strip_parentheses(text)
    match = _MONEY.match(body)
    return match["unit"] if match else None


def _shortened(text: str, limit: int = 60) -> str:
    """`text` cut to `limit` characters for a message (a cell may hold a whole paragraph)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _strip_parentheses(text: str) -> tuple[bool, str]:
    """Accounting style "(1.500.000)" is negative."""
    if text.startswith("(") and text.endswith(")"):
        return True, text[1:-1].strip()
    return False, text


def _finite(number: float, original: object) -> float:
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"'{original}' bukan jumlah uang")
    return number


def _read_number(number: str, original: str) -> Decimal:
    """Decimal value of the digits-and-separators part of a money text."""
    has_dot, has_comma, has_space = "." in number, "," in number, " " in number
    if has_space:
        if has_dot or has_comma:
            return _decimal(_mixed_with_spaces(number, original), original)
        return _decimal(_thousands(number, " ", original), original)
    if has_dot and has_comma:
        decimal_mark = "." if number.rfind(".") > number.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        whole, _, fraction = number.rpartition(decimal_mark)
        if not fraction.isdigit():
            raise _unreadable(original)
        return _decimal(f"{_thousands(whole, group_mark, original)}.{fraction}", original)
    if has_comma:
        if number.count(",") == 1:
            return _decimal(number.replace(",", "."), original)
        return _decimal(_thousands(number, ",", original), original)
    if has_dot:
        if number.count(".") > 1 or _GROUPED.match(number.replace(".", "X")):
            return _decimal(_thousands(number, ".", original), original)
        return _decimal(number, original)
    return _decimal(number, original)


def _mixed_with_spaces(number: str, original: str) -> str:
    """'1 500 000,50' -> '1500000.50': spaces group thousands, the single , or . is the decimal mark."""
    for mark in (",", "."):
        whole, sep, fraction = number.rpartition(mark)
        if sep and fraction.isdigit() and mark not in whole and ("," if mark == "." else ".") not in whole:
            return f"{_thousands(whole, ' ', original)}.{fraction}"
    raise _unreadable(original)


def _thousands(number: str, mark: str, original: str) -> str:
    """Digits of a thousands-grouped integer part, after checking every group has three digits."""
    if _PLAIN.match(number):
        return number
    if not _GROUPED.match(number.replace(mark, "X")):
        raise _unreadable(original)
    return number.replace(mark, "")


def _decimal(number: str, original: str) -> Decimal:
    if not (_PLAIN.match(number) or _DECIMAL.match(number)):
        raise _unreadable(original)
    try:
        return Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the regexes above only let digits through
        raise _unreadable(original) from exc


def _unreadable(original: str) -> ValueError:
    return ValueError(f"'{original}' bukan jumlah uang yang dikenali (pemisah ribuan tidak sesuai)")


def parse_bool(value: object) -> bool:
    """Yes/no cell as bool: ya/tidak, yes/no, y/n, true/false, 1/0, benar/salah (any case).

    Blank -> False. Anything else -> ValueError.
    """
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower().rstrip(".")
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"'{value}' bukan jawaban ya/tidak (isi: ya, tidak, atau kosongkan)")


def parse_int(value: object) -> int | None:
    """Whole number of a cell (years, 1-5 scores); None when blank; ValueError when unreadable.

    Accepts "2025", " 2025 ", "2025.0"/"2025,0" (a workbook float written out) and int or whole float values;
    "2025.5", "2.025,5" or words are unreadable.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' bukan bilangan bulat")
    if isinstance(value, int):
        if abs(value) < _INT_LIMIT:
            return value
        raise ValueError("angka terlalu besar untuk bilangan bulat")
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < _INT_LIMIT:
            return int(value)
        raise ValueError(f"'{value}' bukan bilangan bulat")
    text = str(value).replace("\u00a0", " ").strip()
    if not _INT.match(text):
        raise ValueError(f"'{_shortened(text)}' bukan bilangan bulat (contoh: 2025)")
    return int(re.split(r"[.,]", text, maxsplit=1)[0])


_PERCENT = re.compile(r"^(?P<number>[+-]?\d+(?:[.,]\d+)?)\s*%?$")


def parse_percent(value: object) -> float | None:
    """A percentage as a number: "80", "80%", "80,5 %", "80.5" -> 80.0 / 80.5; a spreadsheet fraction cell keeps its
    number (0.8 stays 0.8: a cell formatted as % holds the fraction, so the template formats the column as a plain
    number). None when blank; ValueError when unreadable."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' bukan persentase")
    if isinstance(value, (int, float)):
        return _finite(float(value), value)
    text = str(value).replace("\u00a0", " ").strip()
    match = _PERCENT.match(text)
    if not match:
        raise ValueError(f"'{_shortened(text)}' bukan persentase (contoh: 80 atau 80%)")
    return _finite(float(match["number"].replace(",", ".")), text)
