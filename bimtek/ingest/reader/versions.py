"""Versions: the order of the files of one submission, read from their names (which one counts is decided by
`bimtek.books.feedback.versions.settle_submissions`, with this order).

**Order** (oldest first): the portal's upload time in the name (`<YYYYMMDDTHHMMSSZ>-name`; files without one come
first), then a **date in the name** (`file_date`), then the version marker (`VERSION_NUMBER`: v2, rev2, revisi-3
give their number; a bare revisi/perbaikan/koreksi counts as 2; `final` breaks a tie), then the file time when the
store knows it, then the name. A date is read before the markers and removed from the name first, so in
"usulan_perbaikan_12-11-2026" the "12" is a day, never version 12.

**Dates** (`file_date`), as clerks write them: 12-11-2026, 12.11.2026, 12_11_2026, 2026-11-12, 12 Nov 2026,
12 November 2026 (Indonesian or English month names and their short forms: Jan, Feb, Mar, Apr, Mei/May, Jun,
Jul, Agu/Agt/Ags/Aug, Sep, Okt/Oct, Nov, Des/Dec), 12112026 (ddmmyyyy) and 20261112 (yyyymmdd). Day-month is the
Indonesian order and is taken as meant, unless another name of the same submission can only be read month-first
(11-13-2026): then a date such as 03-12-2026 may be 3 December or 12 March, and `order_certain` says whether the
two newest names keep their order under both readings; when they do not, the settling asks (a "version"
question) instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from bimtek.core.text import slugify

STAMP = re.compile(r"^(\d{8}T\d{6}Z)-")
"""The portal's upload time at the start of an inbox file name."""
VERSION_NUMBER = re.compile(r"(?<![a-z])(?:v|ver|versi|rev|revisi|perbaikan)[\s_.-]*(\d{1,3})(?!\d)")
"""A numbered version marker in a folded file name: v2, v.2, ver3, rev2, revisi-3, perbaikan 2."""
REVISION_WORD = re.compile(r"(?<![a-z])(?:revisi|perbaikan|rev|koreksi|update|fix|perbaiki)(?![a-z])")
FINAL_WORD = re.compile(r"(?<![a-z])final(?![a-z])")
COPY_MARK = re.compile(r"\(\d+\)|(?<![a-z])(?:copy|salinan|kopi)(?![a-z])")
"""What a copy adds to a name: "usulan (1).xlsx", "usulan - Copy.xlsx", "salinan usulan.xlsx"."""

MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "february": 2, "feb": 2, "pebruari": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}  # fmt: skip
"""Month names and short forms (Indonesian and English) a clerk writes in a file name."""

_SEP = r"[-._/ ]"
_NUMERIC = re.compile(rf"(?<!\d)(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})(?!\d)")
_ISO = re.compile(rf"(?<!\d)(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})(?!\d)")
_NAMED = re.compile(
    rf"(?<!\d)(\d{{1,2}}){_SEP}*("
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + rf")(?![a-z]){_SEP}*(\d{{4}})(?!\d)"
)
_COMPACT = re.compile(r"(?<!\d)(\d{8})(?!\d)")


@dataclass(frozen=True)
class FileDate:
    """A date read from a file name: `date` in the day-first reading; `other` the month-first reading when the
    numbers allow both (else None); `text` as written."""

    date: dt.date
    text: str
    other: dt.date | None = None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day) if 2000 <= year <= 2100 else None
    except ValueError:
        return None


def _folded(path: str) -> str:
    return STAMP.sub("", PurePosixPath(path.replace("\\", "/")).stem).lower()


def file_date(path: str) -> FileDate | None:
    """The date written in a file's name (module doc), None when it has none."""
    name = _folded(path)
    match = _NAMED.search(name)
    if match:
        found = _date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))
        if found:
            return FileDate(found, match.group(0))
    match = _ISO.search(name)
    if match:
        found = _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if found:
            return FileDate(found, match.group(0))
    match = _NUMERIC.search(name)
    if match:
        first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        day_first, month_first = _date(year, second, first), _date(year, first, second)
        if day_first or month_first:
            main = day_first or month_first
            other = month_first if day_first and month_first and first != second else None
            return FileDate(main, match.group(0), other)  # type: ignore[arg-type]
    match = _COMPACT.search(name)
    if match:
        digits = match.group(1)
        day_first = _date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
        year_first = _date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        if day_first or year_first:
            main = day_first or year_first
            other = year_first if day_first and year_first else None
            return FileDate(main, digits, other)  # type: ignore[arg-type]
    return None


def _without_date(name: str) -> str:
    for pattern in (_NAMED, _ISO, _NUMERIC, _COMPACT):
        name = pattern.sub(" ", name)
    return name


def version_rank(path: str) -> tuple[int, int]:
    """(marker number, final) of a file name, read after any date is removed: usulan.xlsx (0, 0) < usulan_v1
    (1, 0) < usulan_revisi (2, 0) < usulan_v2_final (2, 1) < usulan_v3 (3, 0)."""
    name = _without_date(_folded(path))
    numbers = [int(n) for n in VERSION_NUMBER.findall(name)]
    number = max(numbers) if numbers else (2 if REVISION_WORD.search(name) else 0)
    return number, 1 if FINAL_WORD.search(name) else 0


def version_order(path: str, times: Mapping[str, float] | None = None) -> tuple:
    """Sort key of a file among the versions of one submission (module doc), oldest first."""
    stamp = STAMP.match(PurePosixPath(path).name)
    found = file_date(path)
    date = found.date.isoformat() if found else ""
    return (stamp.group(1) if stamp else "", date, *version_rank(path), (times or {}).get(path, 0.0), path)


def order_certain(older: str, newer: str, group: Sequence[str] = ()) -> bool:
    """Whether `older` precedes `newer` for sure (module doc). Day-first is the Indonesian order and is taken as
    certain, unless a name of the submission (`group`) can only be read month-first (11-13-2026): then an
    ambiguous date may be either, and the order is not certain when it flips between the readings. An eight-digit
    date that reads both as ddmmyyyy and yyyymmdd is ambiguous too. Two names that neither an upload time, a date
    nor a version marker tells apart are not certain either."""
    if STAMP.match(PurePosixPath(older).name) and STAMP.match(PurePosixPath(newer).name):
        return True
    a, b = file_date(older), file_date(newer)
    if a and b:
        month_first = any(_month_first_only(p) for p in (*group, older, newer))
        readings = {
            (x, y)
            for x in {a.date, (a.other if (month_first or len(a.text) == 8) and a.other else a.date)}
            for y in {b.date, (b.other if (month_first or len(b.text) == 8) and b.other else b.date)}
        }
        return all(x < y for x, y in readings) or all(x > y for x, y in readings)
    if a or b:
        return True
    return version_rank(older) != version_rank(newer)


def _month_first_only(path: str) -> bool:
    """A numeric date in the name that is valid only as month-day-year (its second number is above 12)."""
    match = _NUMERIC.search(_folded(path))
    return bool(match) and int(match.group(1)) <= 12 < int(match.group(2))


def base_name(path: str) -> str:
    """A flat-inbox file's name without time, date, version and copy markers: what its versions share
    ("usulan_v1.xlsx", "Usulan V2 FINAL.xlsx", "usulan (1).xlsx", "usulan_12-11-2026.xlsx" -> "usulan")."""
    name = _without_date(_folded(path))
    for pattern in (VERSION_NUMBER, REVISION_WORD, FINAL_WORD, COPY_MARK):
        name = pattern.sub(" ", name)
    return slugify(name)
