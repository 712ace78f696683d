"""A row keeps its OPD when the file says nothing: a blank OPD cell takes the sender's name.

A template filled by a tool (openpyxl, a script) leaves the OPD column's formula without a cached value; a clerk
leaves the OPD cell of a CSV empty because the link is already the OPD's own. The reader reads a cached value when
there is one (bimtek.ingest); where the cell is still blank after reading, the row belongs to whoever sent the file:
the OPD the intake template was made for (`Sheet.sender`), else the OPD whose inbox folder the file is in (its
upload link). A file with no sender keeps its blank cells (and the `required` rule rejects them, as before).

Only a required `opd` column is filled (an optional OPD column, such as the Tim Pelaksana's "OPD (untuk quick
win)", means "no OPD" when blank), and the sheet's notes say how many rows were filled and from what.
"""

from __future__ import annotations

from dataclasses import replace

from bimtek.core.columns import DatasetSpec
from bimtek.core.model import Sheet
from bimtek.core.region import Region
from bimtek.core.text import fold_key, is_blank


def sender_of(sheet: Sheet, region: Region) -> tuple[str | None, str]:
    """The OPD that sent `sheet` and how that is known ("templat" or "folder"), (None, "") when unknown."""
    lookup = region.opd_lookup()
    recorded = lookup.get(fold_key(sheet.sender)) if sheet.sender else None
    if recorded:
        return recorded, "templat"
    folder = region.opd_of_folder(sheet.path, lookup)
    return (folder, "folder") if folder else (None, "")


def fill_blank_opd(sheet: Sheet, region: Region, spec: DatasetSpec) -> Sheet:
    """`sheet` with its blank OPD cells set to the sender's name (module doc); `sheet` itself when nothing to do."""
    if sheet.status != "ok" or sheet.frame.empty or "opd" not in sheet.frame.columns:
        return sheet
    if "opd" not in spec.required_columns:
        return sheet
    blank = sheet.frame["opd"].map(is_blank).astype(bool)
    if not blank.any():
        return sheet
    sender, source = sender_of(sheet, region)
    if sender is None:
        return sheet
    frame = sheet.frame.copy()
    frame.loc[blank, "opd"] = sender
    where = "templat isian OPD itu" if source == "templat" else "tautan unggah/folder OPD itu"
    note = (
        f'{sheet.sheet or sheet.path}: kolom OPD kosong pada {int(blank.sum())} baris; diisi "{sender}" '
        f"(pengirim berkas, dari {where})."
    )
    return replace(sheet, frame=frame, notes=[*sheet.notes, note])
