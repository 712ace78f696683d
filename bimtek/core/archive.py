"""Deterministic zip files: the same entries give the same bytes on every run and machine clock.

Every zip bimtek writes goes through here: the run bundle (`bimtek.store.package.build_bundle`), .xlsx workbooks
(`bimtek.workbooks.xlsx.workbook_bytes`, through `FixedTimeZip`) and .docx documents (`rezip`). Each entry carries
`ZIP_TIMESTAMP`, the mode `ZIP_FILE_MODE`, a "created on Unix" marker and ZIP_DEFLATED compression, so bytes depend
only on names, contents and the zlib version.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
"""Date of every zip entry (the earliest a zip can hold), so no zip depends on the clock."""
ZIP_FILE_MODE = 0o100644
"""Regular file, rw-r--r--, stored in every entry's external attributes."""
ZIP_COMPRESS_LEVEL = 6


def fixed_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry header for `name` that carries nothing from the clock or the platform."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever platform writes the zip
    info.external_attr = ZIP_FILE_MODE << 16
    return info


def write_zip(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of (name, content) pairs in the order given, every entry with a `fixed_entry` header."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(fixed_entry(name), data, compresslevel=ZIP_COMPRESS_LEVEL)
    return buffer.getvalue()


def rezip(data: bytes) -> bytes:
    """Re-write a zip package (a .docx) with fixed entry headers; entry order and contents unchanged."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return write_zip((info.filename, source.read(info.filename)) for info in source.infolist())


class FixedTimeZip(zipfile.ZipFile):
    """A ZipFile for writers that add entries by name or from files (openpyxl): every entry gets `fixed_entry`."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # noqa: D102
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = fixed_entry(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type=compress_type, compresslevel=compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # noqa: D102
        # openpyxl writes each worksheet to a temporary file first; its mtime must not reach the zip.
        with open(filename, "rb") as handle:
            data = handle.read()
        self.writestr(arcname or str(filename), data, compress_type=compress_type, compresslevel=compresslevel)
