"""Sheet choice: which worksheets of a workbook hold data, and which are instructions, examples or archives.

- Hidden and very-hidden sheets (an old year's proposals, an archive, dropdown lists) and sheets named like
  instructions or examples ("Petunjuk", "Contoh Pengisian", "Sampul") are skipped even when they have a header,
  and listed in the report by name (`sheet_skip_reason`).
- A sheet without a header whose name says it holds notes or lists (`NOTE_SHEET_WORDS`) is skipped quietly; any
  other sheet with content but no header is reported as unreadable.
"""

from __future__ import annotations

EXAMPLE_SHEET_WORDS = ("contoh", "petunjuk", "instruksi", "panduan", "cara pengisian", "sampul", "cover", "arsip")
"""A worksheet whose name holds one of these words is instructions, an example or an archive: never data."""


def sheet_skip_reason(title: str, state: str) -> str | None:
    """Why a worksheet is not read as data even when it has a header (Indonesian), or None when it is read."""
    if state == "veryHidden":
        return "lembar ini disembunyikan (very hidden), jadi tidak dibaca sebagai data"
    if state == "hidden":
        return "lembar ini disembunyikan (hidden), jadi tidak dibaca sebagai data"
    name = " ".join(title.lower().split())
    if any(word in name for word in EXAMPLE_SHEET_WORDS):
        return "lembar ini berisi petunjuk, contoh atau arsip (dilihat dari namanya), jadi tidak dibaca sebagai data"
    return None


NOTE_SHEET_WORDS = ("petunjuk", "daftar", "instruksi", "keterangan", "panduan", "referensi", "contoh")
"""A worksheet whose name contains one of these words holds instructions or lists, not data: skipped quietly."""


def is_note_sheet(worksheet) -> bool:
    """Instruction/list sheets (by name) and hidden sheets are not OPD data."""
    name = worksheet.title.lower()
    return getattr(worksheet, "sheet_state", "visible") != "visible" or any(w in name for w in NOTE_SHEET_WORDS)
