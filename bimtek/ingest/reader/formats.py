"""File formats: which file name endings are read, which are asked to be saved again, and the byte signatures
that tell a workbook from text."""

from __future__ import annotations

from pathlib import PurePosixPath

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

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Start of old .xls files and of password-protected workbooks."""
ZIP_SIGNATURE = b"PK\x03\x04"


def is_supported(path: str) -> bool:
    """True when `read_table` understands the file's extension."""
    return PurePosixPath(path).suffix.lower() in SUPPORTED_SUFFIXES


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
