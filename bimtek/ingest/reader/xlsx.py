"""Reading .xlsx/.xlsm workbooks: the container checks, each worksheet's header and rows, the recorded sender."""

from __future__ import annotations

import io
import itertools
import logging
import zipfile
from collections.abc import Sequence

from bimtek.core.columns import DatasetSpec
from bimtek.core.model import SENDER_PROPERTY, Sheet
from bimtek.core.settings import Settings
from bimtek.ingest.reader.asking import Asking
from bimtek.ingest.reader.cells import row_texts
from bimtek.ingest.reader.formats import OLE_SIGNATURE, ZIP_SIGNATURE
from bimtek.ingest.reader.header import HEADER_SCAN_ROWS, column_letter, find_header, no_header_message
from bimtek.ingest.reader.limits import LimitExceeded, RowCount, check_width, megabytes
from bimtek.ingest.reader.sheets import is_note_sheet, sheet_skip_reason
from bimtek.ingest.reader.table import Seen, build_sheet, failed
from bimtek.ingest.reader.visibility import Visibility, workbook_visibility

logger = logging.getLogger(__name__)


def read_xlsx(
    path: str,
    data: bytes,
    specs: Sequence[DatasetSpec],
    limits: Settings,
    counted: RowCount | None = None,
    asking: Asking | None = None,
) -> list[Sheet]:
    """Every worksheet with a header row becomes a Sheet; other worksheets are skipped."""
    import openpyxl

    problem = _xlsx_container_problem(data, limits)
    if problem:
        return [failed(path, "", "unreadable", problem)]
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_vba=False)
    except Exception:
        logger.info("Workbook %r cannot be opened", path, exc_info=True)
        return [failed(path, "", "unreadable", XLSX_DAMAGED_MESSAGE)]
    try:
        sheets = _read_worksheets(path, workbook, specs, limits, counted, asking, workbook_visibility(data))
        sender = _recorded_sender(workbook)
        for sheet in sheets:
            sheet.sender = sender
        return sheets
    except (LimitExceeded, RecursionError):
        raise
    except Exception:
        logger.info("Workbook %r has a damaged part", path, exc_info=True)
        return [failed(path, "", "unreadable", XLSX_DAMAGED_MESSAGE)]
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
    if data.startswith(OLE_SIGNATURE):
        return XLSX_PROTECTED_MESSAGE
    if not data.startswith(ZIP_SIGNATURE):
        return XLSX_DAMAGED_MESSAGE
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return XLSX_DAMAGED_MESSAGE
    if expanded > limits.max_xlsx_expanded_bytes:
        return (
            f"Isi berkas Excel terlalu besar setelah dibuka ({megabytes(expanded)}, batas "
            f"{megabytes(limits.max_xlsx_expanded_bytes)}). Hapus lembar atau baris yang tidak diperlukan, atau "
            "pisahkan menjadi beberapa berkas."
        )
    return None


def _recorded_sender(workbook) -> str | None:
    """The OPD an intake workbook was made for (custom property SENDER_PROPERTY), None when it has none."""
    props = getattr(workbook, "custom_doc_props", None)
    for prop in getattr(props, "props", None) or []:
        if prop.name == SENDER_PROPERTY and isinstance(prop.value, str) and prop.value.strip():
            return prop.value.strip()
    return None


def _read_worksheets(
    path: str,
    workbook,
    specs: Sequence[DatasetSpec],
    limits: Settings,
    counted: RowCount | None = None,
    asking: Asking | None = None,
    visibility: dict[str, Visibility] | None = None,
) -> list[Sheet]:
    """Sheets with a header row are read; a data-looking sheet without one is reported, never dropped silently.

    Each worksheet's declared dimension is ignored (`reset_dimensions`): a sheet claiming A1:XFD1048576 is read
    by the cells it really holds, not padded to millions of blank cells. Rows and columns a person does not see,
    and struck-through rows, are not read (`visibility`); the ones after the header are named in the Sheet.
    """
    sheets: list[Sheet] = []
    headerless: list[str] = []
    skipped: list[str] = []
    any_content = False
    for worksheet in workbook.worksheets:
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()
        seen = (visibility or {}).get(worksheet.title) or Visibility()
        left_out: dict[str, list[int]] = {}
        originals: dict[int, list[str | None]] = {}
        rows = _as_seen(enumerate(worksheet.iter_rows(values_only=True), start=1), seen, left_out, originals)
        numbered = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        head = [texts for _, texts in numbered]
        for texts in head:
            check_width(len(texts), limits, worksheet.title)
        header = find_header(head, specs)
        skip = sheet_skip_reason(worksheet.title, getattr(worksheet, "sheet_state", "visible"))
        any_content = any_content or any(head)
        if skip is not None:
            if header is not None:
                skipped.append(f'{path}: lembar "{worksheet.title}" dilewati: {skip}.')
            continue
        if header is None:
            if any(head) and not is_note_sheet(worksheet):
                headerless.append(worksheet.title)
            continue
        header_row = numbered[header.row_index][0]
        records = itertools.chain(numbered[header.row_index + 1 :], rows)
        title_rows = head[: header.row_index]
        sheets.append(
            build_sheet(
                path,
                worksheet.title,
                header,
                header_row,
                records,
                limits,
                title_rows,
                counted,
                asking,
                _seen_after(seen, left_out, header_row, originals.get(header_row, [])),
            )
        )
    if sheets:
        sheets[0].notes[:0] = skipped
        return sheets + [
            failed(path, title, "unreadable", no_header_message(specs, f' lembar "{title}"')) for title in headerless
        ]
    names = ", ".join(ws.title for ws in workbook.worksheets)
    if skipped:
        hidden = "; ".join(note.split(": ", 1)[1] for note in skipped)
        return [
            failed(
                path,
                "",
                "unreadable",
                f"Berkas Excel tidak berisi lembar data yang terlihat: {hidden} Tampilkan (unhide) lembar yang "
                "memang berisi usulan terkini, hapus lembar lama atau contoh, lalu kirim ulang.",
            )
        ]
    if not any_content:
        return [failed(path, "", "empty", f"Berkas Excel tidak berisi data (lembar: {names}).")]
    return [failed(path, "", "unreadable", no_header_message(specs, f" lembar mana pun ({names})"))]


def _as_seen(rows, seen: Visibility, left_out: dict[str, list[int]], originals: dict[int, list[str | None]]):
    """(row number, cell texts) of the rows a person sees: hidden and struck-through rows are skipped (and
    recorded in `left_out`), hidden columns are blank (the first rows' texts as written go to `originals`, so a
    hidden column can be named by its header)."""
    for number, values in rows:
        if number in seen.hidden_rows:
            left_out.setdefault("hidden", []).append(number)
            continue
        texts = row_texts(values)
        if not texts:
            yield number, texts
            continue
        if seen.struck_row(number):
            left_out.setdefault("struck", []).append(number)
            continue
        if seen.hidden_columns:
            if len(originals) < HEADER_SCAN_ROWS:
                originals[number] = texts
            texts = [None if i in seen.hidden_columns else t for i, t in enumerate(texts)]
            while texts and texts[-1] is None:
                texts.pop()
        yield number, texts


def _seen_after(seen: Visibility, left_out: dict[str, list[int]], header_row: int, cells) -> Seen:
    """What `build_sheet` names: rows left out below the header, hidden columns that hold something, and the rows
    that continue a vertically merged cell, per column."""
    merged: dict[int, set[int]] = {}
    for first, last, left, right in seen.merged:
        if last > first and first >= header_row:
            for position in range(left, right + 1):
                merged.setdefault(position, set()).update(range(first + 1, last + 1))
    filled_columns = {p for row, positions in seen.filled.items() if row >= header_row for p in positions}
    hidden = [
        (p, cells[p] if p < len(cells) and cells[p] else f"Kolom {column_letter(p)}")
        for p in sorted(seen.hidden_columns & filled_columns)
    ]
    return Seen(
        left_out={reason: [n for n in rows if n > header_row] for reason, rows in left_out.items()},
        hidden_columns=hidden,
        merged_columns=merged,
    )
