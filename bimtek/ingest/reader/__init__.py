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

The package's modules say what they decide: `sheets` (which worksheets are data), `header` (the header row and
column plan), `rows` (which rows are programs), `visibility` (what a person does not see or reads as not meant),
`units` (the money unit), `versions` (which file of a submission counts); `decisions` holds the records of those
choices. This module is the entry point and keeps the public names of `bimtek.ingest.reader`.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Mapping
from pathlib import PurePosixPath

from bimtek.core.columns import load_spec
from bimtek.core.model import Sheet
from bimtek.core.questions import Answer
from bimtek.core.settings import Settings, get_settings
from bimtek.ingest.reader.asking import Asking
from bimtek.ingest.reader.cells import raw_cell_text
from bimtek.ingest.reader.formats import (
    RESAVE_SUFFIXES,
    SUPPORTED_SUFFIXES,
    ZIP_SIGNATURE,
    is_supported,
    unsupported_message,
)
from bimtek.ingest.reader.limits import LimitExceeded, RowCount, megabytes, stage_budget_message, too_deep_message
from bimtek.ingest.reader.table import failed
from bimtek.ingest.reader.text_files import read_csv, read_json
from bimtek.ingest.reader.xlsx import XLSX_DAMAGED_MESSAGE, XLSX_PROTECTED_MESSAGE, read_xlsx

__all__ = [
    "RESAVE_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "XLSX_DAMAGED_MESSAGE",
    "XLSX_PROTECTED_MESSAGE",
    "EmptyInboxError",
    "LimitExceeded",
    "is_supported",
    "raw_cell_text",
    "read_table",
    "refused_file",
    "row_bound",
    "stage_budget_message",
    "unsupported_message",
]

DEFAULT_DATASETS = ("program",)

logger = logging.getLogger(__name__)


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
    answers: Mapping[str, Answer] | None = None,
) -> list[Sheet]:
    """Read one input file into Sheets (one per table found); never raises for bad content.

    `path` is the file path relative to the inputs location (used for the Sheet and the extension only);
    `data` is the file content. `datasets` are the candidate column contracts (default ["program"]).
    `limits` are the input limits (default: the settings). `rows_left`: the data rows the stage budget
    (`max_stage_rows`) still admits; reading stops as soon as the file holds more (its tables are never built) and
    the file is one "unreadable" Sheet with the stage-budget message (None: no stage budget).
    `answers`: question id -> the answer given (`bimtek.store.answers.load_answers`, loaded by the tasks layer):
    an answered question's reading is applied, an open one holds its rows (`Sheet.held`, `Sheet.questions`).
    """
    limits = limits or get_settings()
    asking = Asking.for_file(path, data, answers)
    specs = [load_spec(name) for name in (datasets or DEFAULT_DATASETS)]
    suffix = PurePosixPath(path).suffix.lower()
    rows = RowCount(rows_left, limits.max_stage_rows)
    try:
        if suffix in (".xlsx", ".xlsm"):
            return read_xlsx(path, data, specs, limits, rows, asking)
        if suffix == ".csv":
            return [read_csv(path, data, specs, limits, rows, asking)]
        if suffix == ".json":
            return [read_json(path, data, specs, limits, rows, asking)]
    except LimitExceeded as exc:
        return [failed(path, "", "unreadable", str(exc))]
    except RecursionError:
        return [failed(path, "", "unreadable", too_deep_message(limits))]
    except Exception:
        logger.exception("Unexpected failure reading %r", path)
        return [failed(path, "", "unreadable", UNEXPECTED_MESSAGE)]
    return [failed(path, "", "unreadable", unsupported_message(suffix))]


UNEXPECTED_MESSAGE = (
    "Berkas tidak dapat dibaca: isinya tidak sesuai dengan jenis berkasnya. Buka berkas di Excel, simpan ulang "
    "sebagai .xlsx atau .csv, lalu kirim kembali."
)
"""What the OPD reads when reading failed in a way no rule foresaw (the details go to the developers' log)."""


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
        shown = f" ({megabytes(size)})" if size is not None else ""
        message = (
            f"Berkas terlalu besar{shown}: batasnya {megabytes(limit)}. Pisahkan menjadi beberapa berkas yang lebih "
            "kecil atau hapus lembar yang tidak diperlukan."
        )
    else:
        message = REFUSED_MESSAGES.get(reason, REFUSED_MESSAGES["not_a_file"])
    return failed(path, "", "unreadable", message)


def row_bound(path: str, data: bytes, limits: Settings) -> int:
    """Most data rows the file can hold under the per-table limits, from its name and (for a workbook) its zip
    directory only: `max_rows_per_sheet` per table. A stage budget at least this large cannot refuse the file."""
    if PurePosixPath(path).suffix.lower() not in (".xlsx", ".xlsm") or not data.startswith(ZIP_SIGNATURE):
        return limits.max_rows_per_sheet
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sum(
                1 for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return limits.max_rows_per_sheet
    return max(sheets, 1) * limits.max_rows_per_sheet
