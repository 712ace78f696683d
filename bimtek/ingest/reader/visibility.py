"""Visibility: what a person reading the sheet on screen or on paper does not see, or reads as not meant.

- **Hidden rows and columns** (`<row hidden="1">`, `<col hidden="1">`, which Excel also writes for the members of a
  collapsed outline group) are not read: a hidden row is left out, a hidden column is blanked (an old "Anggaran"
  column hidden beside the new one is never the budget read).
- **Struck-through rows**: a row where most filled cells are struck through (font `<strike/>`) is read as
  crossed out, not meant.
- **Merged cells**: the ranges are kept, so a program name merged over its activity rows is recognised
  (`rows.activity_groups`).
- **Status words** (`CANCELLED_WORDS` in `bimtek.core.vocabularies`): a row whose status cell says batal,
  dibatalkan, dihapus or tidak jadi is read as cancelled (decided in `rows`, since CSV files carry them too); not in
  a dataset with a status column of its own (monev realisasi), where "dibatalkan" is a status its rules check.

Read straight from the workbook's XML parts (openpyxl's read-only mode does not expose row and column
dimensions or fonts); the zip's expanded size is already bounded by `max_xlsx_expanded_bytes`.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


@dataclass
class Visibility:
    """What one worksheet hides: row numbers (1-based), column positions (0-based), struck cells per row,
    merged ranges as (first row, last row, first column, last column) (rows 1-based, columns 0-based)."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    struck: dict[int, set[int]] = field(default_factory=dict)
    filled: dict[int, set[int]] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def struck_row(self, row: int) -> bool:
        """Most of the row's filled cells are struck through."""
        struck = self.struck.get(row, set())
        filled = self.filled.get(row, set())
        return bool(struck) and 2 * len(struck & filled) > len(filled)


def column_position(letters: str) -> int:
    """0-based position of a column letter ("A" -> 0, "AA" -> 26)."""
    position = 0
    for letter in letters:
        position = position * 26 + (ord(letter) - ord("A") + 1)
    return position - 1


def workbook_visibility(data: bytes) -> dict[str, Visibility]:
    """Worksheet title -> what it hides; an empty dict when the parts cannot be read (then nothing is hidden)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            struck_styles = _struck_styles(archive, names)
            found: dict[str, Visibility] = {}
            for title, part in _sheet_parts(archive, names).items():
                found[title] = _sheet_visibility(archive.read(part), struck_styles)
            return found
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, OSError, EOFError):
        return {}


def _sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Worksheet title -> its XML part, from xl/workbook.xml and its relationships."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    targets: dict[str | None, str] = {}
    for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(f"{_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = path
    parts = {}
    for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_REL}id"))
        if part is not None and part in names:
            parts[sheet.get("name", "")] = part
    return parts


def _struck_styles(archive: zipfile.ZipFile, names: set[str]) -> set[int]:
    """Indexes of the cell formats (`s` attribute of a cell) whose font is struck through."""
    if "xl/styles.xml" not in names:
        return set()
    root = ElementTree.fromstring(archive.read("xl/styles.xml"))
    fonts = root.find(f"{_MAIN}fonts")
    struck_fonts = set()
    for index, font in enumerate(fonts if fonts is not None else []):
        strike = font.find(f"{_MAIN}strike")
        if strike is not None and strike.get("val", "1").lower() not in ("0", "false"):
            struck_fonts.add(index)
    formats = root.find(f"{_MAIN}cellXfs")
    return {
        index
        for index, xf in enumerate(formats if formats is not None else [])
        if int(xf.get("fontId", "0") or 0) in struck_fonts
    }


def _sheet_visibility(xml: bytes, struck_styles: set[int]) -> Visibility:
    seen = Visibility()
    for _, element in ElementTree.iterparse(io.BytesIO(xml)):
        tag = element.tag
        if tag == f"{_MAIN}row":
            if _true(element.get("hidden")):
                seen.hidden_rows.add(int(element.get("r", "0")))
            element.clear()
        elif tag == f"{_MAIN}c":
            _cell(element, seen, struck_styles)
        elif tag == f"{_MAIN}col" and _true(element.get("hidden")):
            first, last = int(element.get("min", "1")), int(element.get("max", "1"))
            seen.hidden_columns.update(range(first - 1, min(last, 16384)))
        elif tag == f"{_MAIN}mergeCell":
            _merge(element.get("ref", ""), seen)
    return seen


def _cell(element, seen: Visibility, struck_styles: set[int]) -> None:
    match = _CELL_REF.match(element.get("r", ""))
    has_value = element.find(f"{_MAIN}v") is not None or element.find(f"{_MAIN}is") is not None
    if match is None or not has_value:
        return
    row, position = int(match.group(2)), column_position(match.group(1))
    if struck_styles or seen.hidden_columns:
        seen.filled.setdefault(row, set()).add(position)
    style = element.get("s")
    if style is not None and style.isdigit() and int(style) in struck_styles:
        seen.struck.setdefault(row, set()).add(position)


def _merge(ref: str, seen: Visibility) -> None:
    if ":" not in ref:
        return
    first, last = (_CELL_REF.match(part) for part in ref.split(":", 1))
    if first is None or last is None:
        return
    seen.merged.append(
        (
            int(first.group(2)),
            int(last.group(2)),
            column_position(first.group(1)),
            column_position(last.group(1)),
        )
    )


def _true(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true")
