"""Read one input file (CSV, XLSX or JSON bytes) into `Sheet`s: raw text cells under canonical headers.

What `read_table` guarantees:

- It never raises for a bad file: a file that cannot be opened, or where no header row is found, gives one
  Sheet with status "unreadable"; a file with no content at all, or a header without data rows, gives status
  "empty". Either way `message` says why, in Indonesian.
- Header row: the first of the first `HEADER_SCAN_ROWS` rows that holds at least `header_min_known` distinct
  known column names of one of the candidate datasets (title rows above it are skipped). When several
  datasets qualify on that row, the one matching the most header cells wins (ties: the earlier in the list).
- `frame`: one column per matched canonical name (first occurrence wins), each cell a `str` exactly as written
  (numbers from workbooks written out, see `raw_cell_text`) or None when blank, plus ROW_COLUMN. Rows that are
  entirely blank are skipped. Columns the contract does not know (and repeated canonical columns, and
  unnamed columns that hold data) go to `extra` under their header text, with the same index as `frame`.
- Limits (`bimtek.settings.Settings`: max_rows_per_sheet, max_columns_per_sheet, max_xlsx_expanded_bytes,
  max_json_depth) are checked while reading; a file over one of them is "unreadable" with a message naming the
  limit. The zip of an .xlsx is checked against its declared uncompressed sizes before any parsing. With
  `rows_left` (what the stage-wide budget `max_stage_rows` still admits) the file's data rows are counted as they
  are read and reading stops at the first row past it: the file is "unreadable" before any of its frames exists
  (rows are counted before example/total rows are left out, so the budget bounds what reading holds). No message
  ever carries an exception's English text: unexpected failures are logged for developers and reported to the
  OPD in Indonesian.
- Row numbers (ROW_COLUMN) are what the OPD sees: the worksheet row for XLSX, the line in the file where the
  record starts for CSV (1-based, so the header line counts), and the 1-based position of the object in the
  list for JSON (JSON has no header row, so `header_row` is None).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import json
import logging
import math
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath

import pandas as pd

from bimtek.core.columns import DatasetSpec, load_spec
from bimtek.core.formatting import angka
from bimtek.core.model import ROW_COLUMN, SENDER_PROPERTY, Sheet
from bimtek.core.parsing import parse_money
from bimtek.core.settings import Settings, get_settings
from bimtek.ingest.clerk import UNIT_NAMES, is_running_total, row_kind, sheet_skip_reason, strip_unit, unit_of

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".json")
"""File name endings `read_table` understands (compared case-insensitively); .xlsm is read without its macros."""
RESAVE_SUFFIXES = {
    ".xls": "format Excel lama (.xls)",
    ".xlsb": "format Excel biner (.xlsb)",
    ".ods": "format OpenDocument (.ods)",
    ".numbers": "format Apple Numbers",
    ".tsv": "format TSV",
    ".txt": "teks biasa",
}
"""Spreadsheet formats an OPD may send that are not read: the message asks to save the file again as .xlsx/.csv."""
HEADER_SCAN_ROWS = 10
"""The header row must be among this many first rows of a table."""
DEFAULT_DATASETS = ("program",)
CSV_DELIMITERS = (",", ";", "\t")
CSV_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Start of old .xls files and of password-protected workbooks."""
_ZIP_SIGNATURE = b"PK\x03\x04"

logger = logging.getLogger(__name__)


class LimitExceeded(Exception):
    """A file goes over one of the input limits; the message (Indonesian) names the limit."""


RawRow = Sequence[object]


@dataclass(frozen=True)
class _Header:
    """Where the header is and how each of its cells maps to the contract."""

    row_index: int
    """0-based position of the header among the rows handed to `_find_header`."""
    spec: DatasetSpec
    cells: tuple[str | None, ...]
    """Header text per column position (None for a blank header cell)."""


# ---------------------------------------------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------------------------------------------


def is_supported(path: str) -> bool:
    """True when `read_table` understands the file's extension."""
    return PurePosixPath(path).suffix.lower() in SUPPORTED_SUFFIXES


class EmptyInboxError(ValueError):
    """The inputs location holds no file at all: nothing to validate, nothing to publish."""

    def __init__(self, location: str):
        self.location = location
        super().__init__(
            f"Tidak ada berkas OPD di {location}. Periksa lokasi input (folder atau s3://bucket/prefix) "
            "atau tunggu sampai OPD mengirim berkasnya; tidak ada hasil yang diterbitkan."
        )


def read_table(
    path: str,
    data: bytes,
    datasets: list[str] | None = None,
    limits: Settings | None = None,
    rows_left: int | None = None,
) -> list[Sheet]:
    """Read one input file into Sheets (one per table found); never raises for bad content.

    `path` is the file path relative to the inputs location (used for the Sheet and the extension only);
    `data` is the file content. `datasets` are the candidate column contracts (default ["program"]).
    `limits` are the input limits (default: the settings). `rows_left`: the data rows the stage budget
    (`max_stage_rows`) still admits; reading stops as soon as the file holds more (its tables are never built) and
    the file is one "unreadable" Sheet with the stage-budget message (None: no stage budget).
    """
    limits = limits or get_settings()
    specs = [load_spec(name) for name in (datasets or DEFAULT_DATASETS)]
    suffix = PurePosixPath(path).suffix.lower()
    rows = _RowCount(rows_left, limits.max_stage_rows)
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path, data, specs, limits, rows)
        if suffix == ".csv":
            return [_read_csv(path, data, specs, limits, rows)]
        if suffix == ".json":
            return [_read_json(path, data, specs, limits, rows)]
    except LimitExceeded as exc:
        return [_failed(path, "", "unreadable", str(exc))]
    except RecursionError:
        return [_failed(path, "", "unreadable", _too_deep_message(limits))]
    except Exception:
        logger.exception("Unexpected failure reading %r", path)
        return [_failed(path, "", "unreadable", UNEXPECTED_MESSAGE)]
    return [_failed(path, "", "unreadable", unsupported_message(suffix))]


UNEXPECTED_MESSAGE = (
    "Berkas tidak dapat dibaca: isinya tidak sesuai dengan jenis berkasnya. Buka berkas di Excel, simpan ulang "
    "sebagai .xlsx atau .csv, lalu kirim kembali."
)
"""What the OPD reads when reading failed in a way no rule foresaw (the details go to the developers' log)."""


def unsupported_message(suffix: str) -> str:
    """Why a file of this extension is not read, and what to send instead."""
    allowed = ", ".join(SUPPORTED_SUFFIXES)
    if suffix in RESAVE_SUFFIXES:
        return (
            f"Berkas berformat {RESAVE_SUFFIXES[suffix]} tidak dibaca. Buka di Excel dan simpan ulang sebagai .xlsx "
            "(Excel Workbook) atau .csv, lalu kirim kembali."
        )
    shown = f"'{suffix}'" if suffix else "tanpa akhiran nama"
    return f"Jenis berkas {shown} tidak didukung (gunakan {allowed})."


REFUSED_MESSAGES = {
    "outside": (
        "Berkas ini adalah tautan (symlink) ke lokasi di luar folder input, jadi tidak dibaca. Salin berkas "
        "aslinya ke folder input."
    ),
    "not_a_file": "Entri ini bukan berkas biasa (folder, tautan atau perangkat), jadi tidak dibaca.",
    "bad_key": "Nama berkas ini tidak dapat dipakai untuk membaca berkas. Ganti nama berkas lalu kirim kembali.",
    "vanished": (
        "Berkas hilang atau dipindahkan saat sedang dibaca (atau tautannya tidak menunjuk ke berkas mana pun). "
        "Kirim ulang berkasnya."
    ),
    "hidden": (
        "Berkas tersembunyi atau sementara (nama diawali titik atau ~$, misalnya berkas kunci Excel/LibreOffice) "
        "tidak diproses; kirim ulang dengan nama biasa."
    ),
    "storage": "Berkas tidak dapat diambil dari penyimpanan setelah beberapa kali dicoba. Jalankan ulang tahap ini.",
}
"""Why `refused_file` did not read a file, by the storage's reason code ("too_large" is worded with its figures)."""


def refused_file(path: str, reason: str, size: int | None = None, limits: Settings | None = None) -> Sheet:
    """The Sheet of a file the storage would not hand over (link outside the inbox, too large, vanished...)."""
    if reason == "too_large":
        limit = (limits or get_settings()).max_file_bytes
        shown = f" ({_megabytes(size)})" if size is not None else ""
        message = (
            f"Berkas terlalu besar{shown}: batasnya {_megabytes(limit)}. Pisahkan menjadi beberapa berkas yang lebih "
            "kecil atau hapus lembar yang tidak diperlukan."
        )
    else:
        message = REFUSED_MESSAGES.get(reason, REFUSED_MESSAGES["not_a_file"])
    return _failed(path, "", "unreadable", message)


def stage_budget_message(rows_left: int, budget: int) -> str:
    """Why a file was refused by the stage-wide row budget (`max_stage_rows`), in the words the OPD reads."""
    return (
        f"Batas baris satu tahap terlampaui: berkas ini berisi lebih banyak baris data daripada sisa batas tahap ini "
        f"({angka(max(rows_left, 0))} dari {angka(budget)} baris, BIMTEK_MAX_STAGE_ROWS). Berkas tidak diperiksa; "
        "kirim ulang dalam tahap terpisah atau kurangi barisnya."
    )


def row_bound(path: str, data: bytes, limits: Settings) -> int:
    """Most data rows the file can hold under the per-table limits, from its name and (for a workbook) its zip
    directory only: `max_rows_per_sheet` per table. A stage budget at least this large cannot refuse the file."""
    if PurePosixPath(path).suffix.lower() not in (".xlsx", ".xlsm") or not data.startswith(_ZIP_SIGNATURE):
        return limits.max_rows_per_sheet
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sum(
                1 for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return limits.max_rows_per_sheet
    return max(sheets, 1) * limits.max_rows_per_sheet


class _RowCount:
    """Data rows of one file counted as they are read, against what the stage budget still admits."""

    def __init__(self, rows_left: int | None, budget: int):
        self.left, self.budget, self.rows = rows_left, budget, 0

    def add(self) -> None:
        """One more data row; raises LimitExceeded (stage-budget message) when the file holds more than is left."""
        self.rows += 1
        if self.left is not None and self.rows > self.left:
            raise LimitExceeded(stage_budget_message(self.left, self.budget))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _too_deep_message(limits: Settings) -> str:
    return (
        f"Berkas JSON bersarang terlalu dalam (lebih dari {limits.max_json_depth} tingkat). Kirim daftar objek "
        "yang datar: satu objek per baris data."
    )


# ---------------------------------------------------------------------------------------------------------------
# Cell text
# ---------------------------------------------------------------------------------------------------------------


def raw_cell_text(value: object) -> str | None:
    """Raw text of one cell as read from a file: None for blank; workbook values written the way a person would
    read them; text kept as written (not stripped, unlike `bimtek.core.text.cell_text` on parsed values).

    Whole floats lose the ".0" (2025.0 -> "2025"), other floats keep at most 15 significant digits (no binary
    noise, no exponent), dates become ISO dates ("2025-01-31"; date-times with a time keep it), booleans become
    "TRUE"/"FALSE" as spreadsheets show them. Strings are kept as written; white-space-only strings are blank.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if text.strip() else None


def _float_text(value: float) -> str | None:
    if math.isnan(value):
        return None
    if math.isinf(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    text = format(value, ".15g")
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def _row_texts(row: Iterable[object]) -> list[str | None]:
    """Cell texts of one row with trailing blank cells dropped (an all-blank row gives [])."""
    texts = [raw_cell_text(v) for v in row]
    while texts and texts[-1] is None:
        texts.pop()
    return texts


# ---------------------------------------------------------------------------------------------------------------
# Header detection and table building (shared by the three formats)
# ---------------------------------------------------------------------------------------------------------------


def _find_header(rows: Sequence[Sequence[str | None]], specs: Sequence[DatasetSpec]) -> _Header | None:
    """First row (among the first HEADER_SCAN_ROWS) that is a header of one of `specs`."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        spec = _best_spec(row, specs)
        if spec is not None:
            return _Header(index, spec, tuple(row))
    return None


def _canonical(spec: DatasetSpec, text: str | None) -> str | None:
    """The contract column a header cell names; a money column's header may carry its unit ("Anggaran (Rp juta)",
    "Pagu (000)"): it is matched without the unit, which `_header_units` then applies."""
    canonical = spec.match_header(text)
    if canonical is not None or text is None or unit_of(text, header=True) is None:
        return canonical
    stripped = spec.match_header(strip_unit(text))
    return stripped if stripped is not None and spec.column(stripped).kind == "money" else None


def _best_spec(row: Sequence[str | None], specs: Sequence[DatasetSpec]) -> DatasetSpec | None:
    """The spec matching the most distinct cells of `row`, if it reaches its header_min_known (ties: first)."""
    best, best_count = None, 0
    for spec in specs:
        known = {_canonical(spec, cell) for cell in row if cell is not None} - {None}
        if len(known) >= spec.header_min_known and len(known) > best_count:
            best, best_count = spec, len(known)
    return best


def _column_letter(position: int) -> str:
    """Spreadsheet letter of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _plan_columns(
    header: _Header, width: int, used: set[int]
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
        canonical = _canonical(header.spec, text)
        if canonical is not None and canonical not in original:
            known.append((position, canonical))
            original[canonical] = text.strip()
            continue
        if text is None and position not in used:
            continue
        name = text.strip() if text is not None else f"Kolom {_column_letter(position)}"
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


def _build_sheet(
    path: str,
    sheet_name: str,
    header: _Header,
    header_row: int | None,
    records: Iterable[tuple[int, list[str | None]]],
    limits: Settings,
    title_rows: Sequence[Sequence[str | None]] = (),
    counted: _RowCount | None = None,
) -> Sheet:
    """Sheet from a found header and the (row number, cell texts) records after it (limits checked as read).

    Rows a clerk would not count (example, totals, group headings, notes: `bimtek.ingest.clerk`) are left out and
    named in `Sheet.notes`; a unit stated in a money column's header, the title rows above the header or a note
    row goes to `Sheet.units` (two different units for one column make the table unreadable).
    """
    data: list[list[str | None]] = []
    row_numbers: list[int] = []
    width, used = 0, set()
    shared = _SharedTexts()
    _check_width(len(header.cells), limits, sheet_name)
    for number, texts in records:
        if not texts:
            continue
        _check_width(len(texts), limits, sheet_name)
        if len(data) >= limits.max_rows_per_sheet:
            raise LimitExceeded(
                f"{_where(sheet_name)}berisi lebih dari {_count(limits.max_rows_per_sheet)} baris data (batas per "
                "tabel). Pisahkan menjadi beberapa berkas."
            )
        if counted is not None:
            counted.add()
        data.append([shared(text) for text in texts])
        row_numbers.append(number)
        width = max(width, len(texts))
        used.update(i for i, v in enumerate(texts) if v is not None)
    known, extra, original = _plan_columns(header, width, used)
    keep, left_out, note_units = _clerk_rows(header.spec, known, extra, data, row_numbers)
    place = path + (f" ({sheet_name})" if sheet_name else "")
    units, unit_notes, conflict = _table_units(header, known, title_rows, note_units, place)
    if conflict:
        return _failed(path, sheet_name, "unreadable", conflict, header.spec.dataset)
    if len(keep) < len(data):
        data = [data[i] for i in keep]
        row_numbers = [row_numbers[i] for i in keep]
    frame = _frame(data, known, row_numbers)
    frame[ROW_COLUMN] = pd.array(row_numbers, dtype="int64")
    sheet = Sheet(
        path=path,
        sheet=sheet_name,
        frame=frame,
        dataset=header.spec.dataset,
        header_row=header_row,
        original_headers=original,
        extra=_frame(data, extra, row_numbers),
        units=units,
        notes=[*(_left_out_note(place, kind, rows) for kind, rows in left_out.items()), *unit_notes],
    )
    if not data:
        sheet.status = "empty"
        sheet.message = "Baris judul kolom ditemukan, tetapi tidak ada baris data di bawahnya" + (
            " (hanya baris contoh, jumlah, judul kelompok atau catatan)." if left_out else "."
        )
    return sheet


LEFT_OUT_TEXTS = {
    "example": "baris contoh pengisian, tidak dihitung",
    "total": "baris jumlah/subtotal, tidak dihitung sebagai baris data (anggarannya tidak dijumlahkan dua kali)",
    "heading": "judul kelompok (dimensi/elemen), bukan baris data",
    "note": "catatan, bukan baris data",
}
"""How the report names each kind of row `bimtek.ingest.clerk.row_kind` leaves out."""


def _left_out_note(place: str, kind: str, rows: list[int]) -> str:
    shown = ", ".join(str(n) for n in rows[:20]) + (f" dan {len(rows) - 20} lainnya" if len(rows) > 20 else "")
    return f"{place} baris {shown}: {LEFT_OUT_TEXTS[kind]}."


def _clerk_rows(
    spec: DatasetSpec,
    known: list[tuple[int, str]],
    extra: list[tuple[int, str]],
    data: list[list[str | None]],
    row_numbers: list[int],
) -> tuple[list[int], dict[str, list[int]], set[int]]:
    """Positions of the rows to keep, the row numbers left out per kind, and the units stated in note rows."""
    kinds = {name: spec.column(name).kind for _, name in known}
    names = [p for p, name in known if kinds[name] == "text"][:1]
    labels = [p for p, _ in extra] + [p for p, name in known if kinds[name] in ("opd", "dimension", "element")] + names
    money = next((p for p, name in known if kinds[name] == "money"), None)
    keep: list[int] = []
    left_out: dict[str, list[int]] = {}
    note_units: set[int] = set()
    block: list[tuple[float, str | None]] = []
    everything: list[tuple[float, str | None]] = []
    block_sum: float = 0  # running sums of the amounts in `block` / `everything` (added in order, as `sum` does)
    everything_sum: float = 0
    for index, texts in enumerate(data):
        kind = row_kind(texts, [_cell(texts, p) for p in labels])
        amount = _amount(_cell(texts, money)) if money is not None else None
        if kind == "data" and amount is not None:
            own = [_cell(texts, p) for p in names]
            if is_running_total(amount, own, block, block_sum) or is_running_total(
                amount, own, everything, everything_sum
            ):
                kind = "total"
        if kind == "data":
            keep.append(index)
            if amount is not None:
                entry = (amount, _cell(texts, names[0]) if names else None)
                block.append(entry)
                everything.append(entry)
                block_sum += amount
                everything_sum += amount
            continue
        left_out.setdefault(kind, []).append(row_numbers[index])
        if kind == "note":
            note_units.update(u for u in (unit_of(t) for t in texts) if u is not None)
        if kind in ("total", "heading"):
            block, block_sum = [], 0
    return keep, left_out, note_units


def _cell(texts: list[str | None], position: int) -> str | None:
    return texts[position] if position < len(texts) else None


def _amount(text: str | None) -> float | None:
    """A budget cell as a number for the totals arithmetic (None when blank or unreadable)."""
    try:
        return parse_money(text)
    except ValueError:
        return None


def _table_units(
    header: _Header,
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
        if header.spec.column(name).kind != "money":
            continue
        text = header.cells[position] if position < len(header.cells) else None
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
                f"{source}); angkanya dikalikan {_count(unit)}."
            )
    return units, notes, None


class _SharedTexts:
    """One string object per distinct short cell text of a table (OPD names, dimensions, years repeat on every
    row), so a large sheet holds each such value once; bounded, so a sheet of distinct values costs no more."""

    MAX_LENGTH = 40
    MAX_ENTRIES = 100_000

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def __call__(self, text: str | None) -> str | None:
        if text is None or len(text) > self.MAX_LENGTH:
            return text
        shared = self._texts.get(text)
        if shared is not None:
            return shared
        if len(self._texts) < self.MAX_ENTRIES:
            self._texts[text] = text
        return text


def _count(number: int) -> str:
    """Whole number with Indonesian thousands dots (50000 -> "50.000")."""
    return f"{number:,}".replace(",", ".")


def _where(sheet_name: str) -> str:
    return f'Lembar "{sheet_name}" ' if sheet_name else "Berkas ini "


def _check_width(width: int, limits: Settings, sheet_name: str = "") -> None:
    if width > limits.max_columns_per_sheet:
        raise LimitExceeded(
            f"{_where(sheet_name)}memiliki {width} kolom, lebih dari batas {limits.max_columns_per_sheet} kolom per "
            "tabel. Hapus kolom yang tidak diperlukan."
        )


def _frame(data: list[list[str | None]], columns: list[tuple[int, str]], row_numbers: list[int]) -> pd.DataFrame:
    """Object-dtype frame (str or None cells) of the chosen column positions."""
    if not columns:
        return pd.DataFrame(index=pd.RangeIndex(len(row_numbers)))
    positions = [p for p, _ in columns]
    rows = [[texts[p] if p < len(texts) else None for p in positions] for texts in data]
    return pd.DataFrame(rows, columns=[n for _, n in columns], dtype=object)


def _failed(path: str, sheet_name: str, status: str, message: str, dataset: str = "") -> Sheet:
    """A Sheet that carries no rows, only a status and the reason."""
    frame = pd.DataFrame({ROW_COLUMN: pd.array([], dtype="int64")})
    return Sheet(path=path, sheet=sheet_name, frame=frame, dataset=dataset, status=status, message=message)


def _no_header_message(specs: Sequence[DatasetSpec], where: str = "") -> str:
    expected = "; ".join(f"{spec.dataset}: {', '.join(spec.listed_names)}" for spec in specs)
    minimum = min(spec.header_min_known for spec in specs)
    return (
        f"Baris judul kolom tidak ditemukan pada {HEADER_SCAN_ROWS} baris pertama{where}: "
        f"perlu sedikitnya {minimum} nama kolom yang dikenali. Kolom yang diharapkan ({expected})."
    )


# ---------------------------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------------------------


def _read_xlsx(
    path: str, data: bytes, specs: Sequence[DatasetSpec], limits: Settings, counted: _RowCount | None = None
) -> list[Sheet]:
    """Every worksheet with a header row becomes a Sheet; other worksheets are skipped."""
    import openpyxl

    problem = _xlsx_container_problem(data, limits)
    if problem:
        return [_failed(path, "", "unreadable", problem)]
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_vba=False)
    except Exception:
        logger.info("Workbook %r cannot be opened", path, exc_info=True)
        return [_failed(path, "", "unreadable", XLSX_DAMAGED_MESSAGE)]
    try:
        sheets = _read_worksheets(path, workbook, specs, limits, counted)
        sender = _recorded_sender(workbook)
        for sheet in sheets:
            sheet.sender = sender
        return sheets
    except (LimitExceeded, RecursionError):
        raise
    except Exception:
        logger.info("Workbook %r has a damaged part", path, exc_info=True)
        return [_failed(path, "", "unreadable", XLSX_DAMAGED_MESSAGE)]
    finally:
        workbook.close()


XLSX_DAMAGED_MESSAGE = (
    "Berkas tidak dapat dibuka sebagai Excel (.xlsx): isi berkas bukan berkas Excel yang utuh (mungkin rusak saat "
    "diunduh atau dikirim, atau hanya diganti namanya menjadi .xlsx). Buka berkas dengan Excel, simpan ulang "
    "sebagai .xlsx (atau .csv), lalu kirim ulang."
)
XLSX_PROTECTED_MESSAGE = (
    "Berkas tidak dapat dibuka sebagai Excel (.xlsx): berkas ini format Excel lama (.xls) atau dilindungi "
    "kata sandi. Simpan ulang sebagai .xlsx tanpa kata sandi."
)


def _xlsx_container_problem(data: bytes, limits: Settings) -> str | None:
    """Why the bytes are not a workbook worth parsing (checked on the zip directory only), or None.

    The sum of the uncompressed sizes the zip declares is compared with `max_xlsx_expanded_bytes`: Python's
    zip reader never inflates an entry beyond its declared size, so this bounds what parsing can expand.
    """
    if data.startswith(_OLE_SIGNATURE):
        return XLSX_PROTECTED_MESSAGE
    if not data.startswith(_ZIP_SIGNATURE):
        return XLSX_DAMAGED_MESSAGE
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return XLSX_DAMAGED_MESSAGE
    if expanded > limits.max_xlsx_expanded_bytes:
        return (
            f"Isi berkas Excel terlalu besar setelah dibuka ({_megabytes(expanded)}, batas "
            f"{_megabytes(limits.max_xlsx_expanded_bytes)}). Hapus lembar atau baris yang tidak diperlukan, atau "
            "pisahkan menjadi beberapa berkas."
        )
    return None


NOTE_SHEET_WORDS = ("petunjuk", "daftar", "instruksi", "keterangan", "panduan", "referensi", "contoh")
"""A worksheet whose name contains one of these words holds instructions or lists, not data: skipped quietly."""


def _is_note_sheet(worksheet) -> bool:
    """Instruction/list sheets (by name) and hidden sheets are not OPD data."""
    name = worksheet.title.lower()
    return getattr(worksheet, "sheet_state", "visible") != "visible" or any(w in name for w in NOTE_SHEET_WORDS)


def _recorded_sender(workbook) -> str | None:
    """The OPD an intake workbook was made for (custom property SENDER_PROPERTY), None when it has none."""
    props = getattr(workbook, "custom_doc_props", None)
    for prop in getattr(props, "props", None) or []:
        if prop.name == SENDER_PROPERTY and isinstance(prop.value, str) and prop.value.strip():
            return prop.value.strip()
    return None


def _read_worksheets(
    path: str, workbook, specs: Sequence[DatasetSpec], limits: Settings, counted: _RowCount | None = None
) -> list[Sheet]:
    """Sheets with a header row are read; a data-looking sheet without one is reported, never dropped silently.

    Each worksheet's declared dimension is ignored (`reset_dimensions`): a sheet claiming A1:XFD1048576 is read
    by the cells it really holds, not padded to millions of blank cells.
    """
    sheets: list[Sheet] = []
    headerless: list[str] = []
    skipped: list[str] = []
    any_content = False
    for worksheet in workbook.worksheets:
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()
        rows = worksheet.iter_rows(values_only=True)
        head = [_row_texts(r) for r in itertools.islice(rows, HEADER_SCAN_ROWS)]
        for texts in head:
            _check_width(len(texts), limits, worksheet.title)
        header = _find_header(head, specs)
        skip = sheet_skip_reason(worksheet.title, getattr(worksheet, "sheet_state", "visible"))
        any_content = any_content or any(head)
        if skip is not None:
            if header is not None:
                skipped.append(f'{path}: lembar "{worksheet.title}" dilewati: {skip}.')
            continue
        if header is None:
            if any(head) and not _is_note_sheet(worksheet):
                headerless.append(worksheet.title)
            continue
        after_header = zip(itertools.count(header.row_index + 2), head[header.row_index + 1 :])
        remaining = ((n, _row_texts(r)) for n, r in zip(itertools.count(len(head) + 1), rows))
        records = itertools.chain(after_header, remaining)
        title_rows = head[: header.row_index]
        sheets.append(
            _build_sheet(path, worksheet.title, header, header.row_index + 1, records, limits, title_rows, counted)
        )
    if sheets:
        sheets[0].notes[:0] = skipped
        return sheets + [
            _failed(path, title, "unreadable", _no_header_message(specs, f' lembar "{title}"')) for title in headerless
        ]
    names = ", ".join(ws.title for ws in workbook.worksheets)
    if skipped:
        hidden = "; ".join(note.split(": ", 1)[1] for note in skipped)
        return [
            _failed(
                path,
                "",
                "unreadable",
                f"Berkas Excel tidak berisi lembar data yang terlihat: {hidden} Tampilkan (unhide) lembar yang "
                "memang berisi usulan terkini, hapus lembar lama atau contoh, lalu kirim ulang.",
            )
        ]
    if not any_content:
        return [_failed(path, "", "empty", f"Berkas Excel tidak berisi data (lembar: {names}).")]
    return [_failed(path, "", "unreadable", _no_header_message(specs, f" lembar mana pun ({names})"))]


# ---------------------------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------------------------


class _BinaryContent(ValueError):
    """The bytes are not text in any encoding an OPD's spreadsheet would write."""


_CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13} | {127}
BINARY_SHARE = 0.05
"""A CSV whose first 8 KB hold more than this share of control bytes (NUL, ESC...) is binary data, not text."""


def _decode(data: bytes) -> str:
    """Text of a CSV file: UTF-16 with a BOM, or UTF-16 without one (every other byte NUL), else UTF-8 (BOM or
    not), else cp1252, else latin-1. Raises `_BinaryContent` when the bytes are mostly control bytes (binary data);
    a stray control character in a text cell is kept (outputs remove it when they write the cell)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    sample = data[:8192]
    if b"\x00" in sample:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
    if sum(byte in _CONTROL_BYTES for byte in sample) > BINARY_SHARE * len(sample):
        raise _BinaryContent("binary")
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 LE/BE text when every other byte of the start is mostly NUL (ASCII-range text), else None."""
    sample = data[:4096]
    for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros and zeros.count(0) >= 0.6 * len(zeros):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str | None]]]:
    """(line number where the record starts, cell texts) for every record of the CSV text."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for row in reader:
        yield start, _row_texts(row)
        start = reader.line_num + 1


def _pick_delimiter(text: str, specs: Sequence[DatasetSpec]) -> tuple[str, _Header | None]:
    """The delimiter under which a header is found (most known cells wins), else the most frequent one."""
    best: tuple[int, str, _Header | None] = (0, "", None)
    for delimiter in CSV_DELIMITERS:
        head = [texts for _, texts in itertools.islice(_csv_records(text, delimiter), HEADER_SCAN_ROWS)]
        header = _find_header(head, specs)
        if header is not None:
            count = len({_canonical(header.spec, c) for c in header.cells} - {None})
            if count > best[0]:
                best = (count, delimiter, header)
    if best[2] is not None:
        return best[1], best[2]
    sample = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])
    return max(CSV_DELIMITERS, key=sample.count), None


CSV_BINARY_MESSAGE = (
    "Berkas ini berisi data biner, bukan teks CSV (mungkin berkas Excel atau gambar yang diberi nama .csv). "
    "Buka di Excel dan simpan ulang sebagai CSV atau .xlsx."
)


def _read_csv(
    path: str, data: bytes, specs: Sequence[DatasetSpec], limits: Settings, counted: _RowCount | None = None
) -> Sheet:
    if data.startswith((_ZIP_SIGNATURE, _OLE_SIGNATURE)):
        return _failed(path, "", "unreadable", CSV_BINARY_MESSAGE)
    try:
        text = _decode(data)
    except _BinaryContent:
        return _failed(path, "", "unreadable", CSV_BINARY_MESSAGE)
    if not text.strip():
        return _failed(path, "", "empty", "Berkas CSV kosong.")
    csv.field_size_limit(max(len(text), 131072))
    try:
        delimiter, header = _pick_delimiter(text, specs)
        if header is None:
            return _failed(path, "", "unreadable", _no_header_message(specs))
        titles = [texts for _, texts in itertools.islice(_csv_records(text, delimiter), header.row_index)]
        records = itertools.islice(_csv_records(text, delimiter), header.row_index + 1, None)
        line = _header_line(text, delimiter, header.row_index)
        return _build_sheet(path, "", header, line, records, limits, titles, counted)
    except csv.Error:
        return _failed(
            path,
            "",
            "unreadable",
            "Berkas CSV tidak dapat dibaca: strukturnya rusak (misalnya tanda kutip yang tidak ditutup). Buka di "
            "Excel dan simpan ulang sebagai CSV.",
        )


def _header_line(text: str, delimiter: str, row_index: int) -> int:
    """Line number where the header record starts."""
    number, _ = next(itertools.islice(_csv_records(text, delimiter), row_index, None))
    return number


# ---------------------------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------------------------


def _read_json(
    path: str, data: bytes, specs: Sequence[DatasetSpec], limits: Settings, counted: _RowCount | None = None
) -> Sheet:
    """A list of objects, or {"rows": [...]}; keys are the headers, row number = position in the list."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return _failed(path, "", "unreadable", "Berkas JSON tidak dapat dibaca: isinya bukan teks UTF-8.")
    except json.JSONDecodeError as exc:
        return _failed(
            path,
            "",
            "unreadable",
            f"Berkas JSON tidak dapat dibaca: penulisan JSON salah di baris {exc.lineno} kolom {exc.colno}.",
        )
    except ValueError:  # e.g. an integer of more digits than Python converts
        return _failed(path, "", "unreadable", "Berkas JSON tidak dapat dibaca: berisi angka yang terlalu panjang.")
    if _depth(document) > limits.max_json_depth:
        return _failed(path, "", "unreadable", _too_deep_message(limits))
    items = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(items, list):
        return _failed(
            path, "", "unreadable", 'Berkas JSON harus berisi daftar objek, atau objek {"rows": [...]} berisi daftar.'
        )
    bad = next((i for i, item in enumerate(items, start=1) if not isinstance(item, dict)), None)
    if bad is not None:
        return _failed(path, "", "unreadable", f"Berkas JSON: baris ke-{bad} bukan objek {{...}}.")
    if not items:
        return _failed(path, "", "empty", "Berkas JSON tidak berisi baris data.")
    keys = list(dict.fromkeys(key for item in items for key in item))
    header = _find_header([keys], specs)
    if header is None:
        return _failed(path, "", "unreadable", _json_no_header_message(specs))
    records = ((n, _row_texts(item.get(k) for k in keys)) for n, item in enumerate(items, start=1))
    return _build_sheet(path, "", header, None, records, limits, counted=counted)


def _depth(document: object) -> int:
    """Deepest nesting of lists and objects (a scalar is 0, a flat list of flat objects is 2), without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def _json_no_header_message(specs: Sequence[DatasetSpec]) -> str:
    expected = "; ".join(f"{spec.dataset}: {', '.join(spec.listed_names)}" for spec in specs)
    return f"Nama kolom pada berkas JSON tidak dikenali. Kolom yang diharapkan ({expected})."
