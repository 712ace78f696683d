"""Reading text files: CSV (encoding and delimiter found from the content) and JSON (a list of objects)."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
from collections.abc import Iterator, Sequence

from bimtek.core.columns import DatasetSpec
from bimtek.core.model import Sheet
from bimtek.core.settings import Settings
from bimtek.ingest.reader.asking import Asking
from bimtek.ingest.reader.cells import row_texts
from bimtek.ingest.reader.formats import OLE_SIGNATURE, ZIP_SIGNATURE
from bimtek.ingest.reader.header import (
    HEADER_SCAN_ROWS,
    Header,
    canonical,
    find_header,
    json_no_header_message,
    no_header_message,
)
from bimtek.ingest.reader.limits import RowCount, too_deep_message
from bimtek.ingest.reader.table import build_sheet, failed

CSV_DELIMITERS = (",", ";", "\t")
CSV_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


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
        yield start, row_texts(row)
        start = reader.line_num + 1


def _pick_delimiter(text: str, specs: Sequence[DatasetSpec]) -> tuple[str, Header | None]:
    """The delimiter under which a header is found (most known cells wins), else the most frequent one."""
    best: tuple[int, str, Header | None] = (0, "", None)
    for delimiter in CSV_DELIMITERS:
        head = [texts for _, texts in itertools.islice(_csv_records(text, delimiter), HEADER_SCAN_ROWS)]
        header = find_header(head, specs)
        if header is not None:
            count = len({canonical(header.spec, c) for c in header.cells} - {None})
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


def read_csv(
    path: str,
    data: bytes,
    specs: Sequence[DatasetSpec],
    limits: Settings,
    counted: RowCount | None = None,
    asking: Asking | None = None,
) -> Sheet:
    if data.startswith((ZIP_SIGNATURE, OLE_SIGNATURE)):
        return failed(path, "", "unreadable", CSV_BINARY_MESSAGE)
    try:
        text = _decode(data)
    except _BinaryContent:
        return failed(path, "", "unreadable", CSV_BINARY_MESSAGE)
    if not text.strip():
        return failed(path, "", "empty", "Berkas CSV kosong.")
    csv.field_size_limit(max(len(text), 131072))
    try:
        delimiter, header = _pick_delimiter(text, specs)
        if header is None:
            return failed(path, "", "unreadable", no_header_message(specs))
        titles = [texts for _, texts in itertools.islice(_csv_records(text, delimiter), header.row_index)]
        records = itertools.islice(_csv_records(text, delimiter), header.row_index + 1, None)
        line = _header_line(text, delimiter, header.row_index)
        return build_sheet(path, "", header, line, records, limits, titles, counted, asking)
    except csv.Error:
        return failed(
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


def read_json(
    path: str,
    data: bytes,
    specs: Sequence[DatasetSpec],
    limits: Settings,
    counted: RowCount | None = None,
    asking: Asking | None = None,
) -> Sheet:
    """A list of objects, or {"rows": [...]}; keys are the headers, row number = position in the list."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return failed(path, "", "unreadable", "Berkas JSON tidak dapat dibaca: isinya bukan teks UTF-8.")
    except json.JSONDecodeError as exc:
        return failed(
            path,
            "",
            "unreadable",
            f"Berkas JSON tidak dapat dibaca: penulisan JSON salah di baris {exc.lineno} kolom {exc.colno}.",
        )
    except ValueError:  # e.g. an integer of more digits than Python converts
        return failed(path, "", "unreadable", "Berkas JSON tidak dapat dibaca: berisi angka yang terlalu panjang.")
    if _depth(document) > limits.max_json_depth:
        return failed(path, "", "unreadable", too_deep_message(limits))
    items = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(items, list):
        return failed(
            path, "", "unreadable", 'Berkas JSON harus berisi daftar objek, atau objek {"rows": [...]} berisi daftar.'
        )
    bad = next((i for i, item in enumerate(items, start=1) if not isinstance(item, dict)), None)
    if bad is not None:
        return failed(path, "", "unreadable", f"Berkas JSON: baris ke-{bad} bukan objek {{...}}.")
    if not items:
        return failed(path, "", "empty", "Berkas JSON tidak berisi baris data.")
    keys = list(dict.fromkeys(key for item in items for key in item))
    header = find_header([keys], specs)
    if header is None:
        return failed(path, "", "unreadable", json_no_header_message(specs))
    records = ((n, row_texts(item.get(k) for k in keys)) for n, item in enumerate(items, start=1))
    return build_sheet(path, "", header, None, records, limits, counted=counted, asking=asking)


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
