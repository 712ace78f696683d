"""A region's own SIPD nomenclature export (.xlsx) read into a `bimtek.core.nomenclature.Nomenclature`.

The bundled reference holds only the few codes verified from public documents; a region plans with the whole list
its SIPD account shows, exported to a workbook. No public specification of that export was found, so the reader
accepts the layouts such lists are seen in and looks for its header row (in the first `HEADER_SCAN_ROWS` rows of
every sheet) by header names, spelled as in `HEADERS` (case, spaces and punctuation ignored):

1. one code column and one name column, any level per row ("Kode" + "Nomenklatur"/"Uraian"/"Nama"), with
   optional "Kinerja", "Indikator", "Satuan";
2. the layout of the Kepmendagri tables: the code split over "Urusan", "Bidang Urusan", "Program", "Kegiatan",
   "Sub Kegiatan" columns (each holding its part, e.g. 2 | 16 | 03 | 2.02 | 0014) followed by the name column;
3. wide rows with one code/name pair per level ("Kode Program" + "Nama Program", ..., "Kode Sub Kegiatan" +
   "Nama Sub Kegiatan"), each row giving one entry per level it fills (metadata goes to the sub kegiatan).

Every text cell is passed through `bimtek.core.sanitise.clean_text` once, here; a row whose code cannot be read
is skipped and counted (`SipdExport.skipped`), never guessed. The bytes are read once (the caller passes them).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from bimtek.core.nomenclature import Entry, Nomenclature, NomenclatureError, build, entry_from_mapping, parse_code
from bimtek.core.sanitise import clean_text
from bimtek.core.text import fold_key

HEADER_SCAN_ROWS = 15

HEADERS: dict[str, tuple[str, ...]] = {
    "kode": ("kode", "kode nomenklatur", "kode rekening", "no kode", "nomor kode", "kode program kegiatan"),
    "nama": ("nomenklatur", "uraian", "nama", "nama nomenklatur", "uraian nomenklatur", "program kegiatan"),
    "kinerja": ("kinerja", "kinerja sub kegiatan", "keluaran", "output"),
    "indikator": ("indikator", "indikator kinerja", "indikator sub kegiatan"),
    "satuan": ("satuan", "satuan indikator"),
    "part_urusan": ("urusan", "urusan unsur"),
    "part_bidang": ("bidang urusan", "bidang", "bidang urusan bidang unsur"),
    "part_program": ("program",),
    "part_kegiatan": ("kegiatan",),
    "part_sub_kegiatan": ("sub kegiatan", "subkegiatan"),
    "kode_program": ("kode program",),
    "nama_program": ("nama program",),
    "kode_kegiatan": ("kode kegiatan",),
    "nama_kegiatan": ("nama kegiatan",),
    "kode_sub_kegiatan": ("kode sub kegiatan", "kode subkegiatan"),
    "nama_sub_kegiatan": ("nama sub kegiatan", "nama subkegiatan"),
}
"""Role -> the header spellings that name it (folded with fold_key)."""
_ROLE_OF = {fold_key(spelling): role for role, spellings in HEADERS.items() for spelling in spellings}
_PARTS = ("part_urusan", "part_bidang", "part_program", "part_kegiatan", "part_sub_kegiatan")
_PAIRS = (
    ("kode_program", "nama_program"),
    ("kode_kegiatan", "nama_kegiatan"),
    ("kode_sub_kegiatan", "nama_sub_kegiatan"),
)


@dataclass
class SipdExport:
    nomenclature: Nomenclature
    skipped: int = 0
    """Data rows whose code could not be read (left out)."""
    sheets: list[str] = field(default_factory=list)
    """Sheets an entry was read from."""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)).strip()


def _roles(row: tuple) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(row):
        role = _ROLE_OF.get(fold_key(_text(cell))) if cell is not None else None
        if role and role not in roles:
            roles[role] = index
    return roles


def _layout(roles: dict[str, int]) -> str | None:
    if any(pair[0] in roles for pair in _PAIRS):
        return "wide"
    if "part_urusan" in roles and "part_bidang" in roles and "nama" in roles:
        return "parts"
    if "kode" in roles and "nama" in roles:
        return "single"
    return None


def _meta(row: tuple, roles: dict[str, int]) -> dict[str, str]:
    return {k: _text(row[roles[k]]) for k in ("kinerja", "indikator", "satuan") if k in roles and roles[k] < len(row)}


def _cell(row: tuple, roles: dict[str, int], role: str) -> str:
    index = roles.get(role)
    return _text(row[index]) if index is not None and index < len(row) else ""


def _entries_of_row(row: tuple, roles: dict[str, int], layout: str) -> list[dict]:
    if layout == "single":
        return [{"kode": _cell(row, roles, "kode"), "nama": _cell(row, roles, "nama"), **_meta(row, roles)}]
    if layout == "parts":
        parts = [_cell(row, roles, p) for p in _PARTS]
        written = [p for p in parts if p]
        if not written:
            return []
        code = ".".join(written)
        return [{"kode": code, "nama": _cell(row, roles, "nama"), **_meta(row, roles)}]
    found = []
    for code_role, name_role in _PAIRS:
        code = _cell(row, roles, code_role)
        if code:
            found.append({"kode": code, "nama": _cell(row, roles, name_role)})
    if found:
        found[-1].update(_meta(row, roles))
    return found


def read_sipd_export(data: bytes, version: str, file_name: str = "ekspor-sipd.xlsx") -> SipdExport:
    """The nomenclature in an export workbook's bytes (module doc); NomenclatureError when none is found."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_vba=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise NomenclatureError(f"{file_name}: bukan berkas Excel yang dapat dibaca ({type(exc).__name__})") from None
    entries: list[Entry] = []
    skipped = 0
    sheets: list[str] = []
    try:
        for sheet in workbook.worksheets:
            roles: dict[str, int] = {}
            layout = None
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if layout is None:
                    if number > HEADER_SCAN_ROWS:
                        break
                    roles = _roles(row)
                    layout = _layout(roles)
                    continue
                for raw in _entries_of_row(row, roles, layout):
                    if not raw["kode"] and not raw.get("nama"):
                        continue
                    if parse_code(raw["kode"]) is None:
                        skipped += 1
                        continue
                    try:
                        entries.append(entry_from_mapping(raw, sumber=file_name))
                    except NomenclatureError:
                        skipped += 1
                        continue
                    if sheet.title not in sheets:
                        sheets.append(sheet.title)
    finally:
        workbook.close()
    if not entries:
        raise NomenclatureError(
            f"{file_name}: tidak ada baris nomenklatur (kolom Kode dan Nomenklatur/Uraian tidak ditemukan)"
        )
    title = f"Ekspor SIPD daerah ({file_name})"
    return SipdExport(build(version, title, entries, origin=file_name), skipped, sheets)
