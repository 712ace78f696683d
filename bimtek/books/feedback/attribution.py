"""Who sent each OPD file: the sender receives the letter with every problem of the file (bimtek.books.feedback).

The sender of a file is, in order:
1. the inbox sub-folder: a folder of the path named after an OPD of the region (name, alias or its slug, e.g.
   "dinas-pupr/usulan.xlsx" or "Dinas Kesehatan/usulan.xlsx");
2. the intake template's OPD: a workbook made by `bimtek template` records the OPD it was made for
   (bimtek.model.SENDER_PROPERTY, read by the ingest into SheetResult.sender);
3. the majority OPD of the file's rows: the row OPD cells that match the region's list (name or alias);
4. an OPD name or alias inside the file name (folded like headers, "usulan-dinkes.xlsx"; the longest match wins);
5. "Tim Pelaksana" inside the file name ("narasi-tim-pelaksana.xlsx"): the team's own file, sent by the coordinator
   office (it gets the list, never a letter from itself).
A file whose sender stays unknown gets no letter; the overview lists it under UNKNOWN_SENDER. With an empty OPD list
in the region file, row OPD cells are taken as written.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from bimtek.core.columns import SpecError, load_spec
from bimtek.core.model import (
    PATH_COLUMN,
    ROW_COLUMN,
    SHEET_COLUMN,
    FileReport,
    ValidationReport,
)
from bimtek.core.region import Region
from bimtek.core.text import fold_key, is_blank

PROBLEM_FILE_STATUSES = ("unreadable",)
"""File statuses that always need the OPD's action (an "empty" sheet only counts when the whole file is empty)."""
UNKNOWN_SENDER = "(pengirim tidak dikenali)"
"""Overview row of the files whose sender could not be determined (they get no letter)."""
TEAM_KEY = fold_key("Tim Pelaksana")
"""A file name holding this (folded) is the Tim Pelaksana's own file (module doc, step 5)."""
KeyRow = tuple[str, str, int]
"""(path, sheet, row) of one input row."""


@dataclass
class Attribution:
    """Sender of every file and validity of every known row, built from the validation results (module doc)."""

    region: Region
    rows: dict[KeyRow, str | None] = field(default_factory=dict)
    """Row -> its OPD cell (canonical when listed; None when blank), used for the majority vote."""
    valid: dict[KeyRow, bool] = field(default_factory=dict)
    votes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    """File path -> how many of its rows name each OPD (cells matching the region's list)."""
    recorded: dict[str, str] = field(default_factory=dict)
    """File path -> the OPD its intake workbook was made for (SheetResult.sender), when it is a listed OPD."""
    _senders: dict[str, str | None] = field(default_factory=dict)
    lookup: dict[str, str] = field(init=False, repr=False)
    """`region.opd_lookup()`, built once (it was rebuilt for every row)."""

    def __post_init__(self) -> None:
        self.lookup = self.region.opd_lookup()

    def canonical(self, text: object) -> str | None:
        """Canonical OPD for written text (a listed name or alias), the text itself when the region lists no OPD,
        None when blank or unknown."""
        if is_blank(text):
            return None
        lookup = self.lookup
        if not lookup:
            return " ".join(str(text).split())
        return lookup.get(fold_key(text))

    def of_folder(self, path: str) -> str | None:
        return self.region.opd_of_folder(path, self.lookup)

    def _of_rows(self, path: str) -> str | None:
        votes = self.votes.get(path)
        return votes.most_common(1)[0][0] if votes else None

    def _of_name(self, path: str) -> str | None:
        folded = fold_key(path.replace("\\", "/").rsplit("/", 1)[-1])
        best, best_len = None, 0
        for key, name in self.lookup.items():
            if key and key in folded and len(key) > best_len:
                best, best_len = name, len(key)
        return best

    def _of_team(self, path: str) -> str | None:
        coordinator = self.region.coordinator
        named = TEAM_KEY in fold_key(path.replace("\\", "/").rsplit("/", 1)[-1])
        return coordinator.office if coordinator is not None and named else None

    def of_file(self, path: str) -> str | None:
        """Sender of a file (module doc), None when unknown."""
        if path not in self._senders:
            self._senders[path] = self.of_file_content(path) or self._of_team(path)
        return self._senders[path]

    def of_file_content(self, path: str) -> str | None:
        """Sender of a file by its folder, template, rows or an OPD in its name (module doc, steps 1-4), None
        when only "Tim Pelaksana" in its name (step 5) or nothing names one."""
        return self.of_folder(path) or self.recorded.get(path) or self._of_rows(path) or self._of_name(path)

    def of_row(self, path: str, sheet: str | None, row: int | None) -> str | None:
        """Who is asked about one row: the file's sender when a folder or the intake template names it (they sent
        it); else the OPD the row itself names; else the file's sender only when every row naming an OPD names the
        same one. A row of a file that mixes several OPD and names none of them goes to no OPD (the Tim
        Pelaksana's overview lists it): no OPD is asked to fix another's row."""
        if row is None:
            return self.of_file(path)
        named = self.of_folder(path) or self.recorded.get(path)
        if named:
            return named
        owner = self.rows.get((path, sheet or "", int(row)))
        if owner:
            return owner
        votes = self.votes.get(path)
        if votes:
            return next(iter(votes)) if len(votes) == 1 else None
        return self._of_name(path) or self._of_team(path)

    def is_listed(self, name: str) -> bool:
        return name in self.region.opd_names


def _opd_column(result, frame: pd.DataFrame) -> str | None:
    """Column of `frame` holding the OPD cell as written (rejected frames keep the original headers)."""
    headers = getattr(result, "headers", None) or {}
    if headers.get("opd") in frame.columns:
        return headers["opd"]
    if "opd" in frame.columns:
        return "opd"
    try:
        spec = load_spec(getattr(result, "dataset", "") or "program")
    except SpecError:
        return None
    return next((c for c in frame.columns if spec.match_header(c) == "opd"), None)


def _frame_keys(frame: pd.DataFrame | None) -> list[KeyRow]:
    """(path, sheet, row) of every row of a valid or rejected frame, in frame order."""
    if frame is None or frame.empty or ROW_COLUMN not in frame.columns:
        return []
    sheets = ["" if is_blank(s) else str(s) for s in frame[SHEET_COLUMN].tolist()]
    return list(zip(frame[PATH_COLUMN].astype(str).tolist(), sheets, frame[ROW_COLUMN].astype("int64").tolist()))


def attribute(results: Iterable | None, region: Region) -> Attribution:
    """OPD cell and validity of every row the results know (senders follow from them, module doc).

    Column-wise, one canonical look-up per distinct OPD cell (no `iterrows`).
    """
    attribution = Attribution(region)
    owners: dict[tuple, str | None] = {}
    for result in results or []:
        recorded = attribution.canonical(getattr(result, "sender", None))
        if recorded:
            attribution.recorded[result.path] = recorded
        for is_valid, frame in ((True, getattr(result, "valid", None)), (False, getattr(result, "rejected", None))):
            keys = _frame_keys(frame)
            if frame is None or not keys:
                continue
            column = _opd_column(result, frame)
            cells = frame[column].tolist() if column else [None] * len(keys)
            for key, cell in zip(keys, cells):
                try:
                    owner = owners[(cell.__class__, cell)]
                except KeyError:
                    owner = owners[(cell.__class__, cell)] = attribution.canonical(cell) if column else None
                except TypeError:
                    owner = attribution.canonical(cell) if column else None
                attribution.rows[key] = owner
                attribution.valid[key] = is_valid
                if owner:
                    attribution.votes[key[0]][owner] += 1
    return attribution


def file_problems(report: ValidationReport) -> list[FileReport]:
    """Files (whole paths) the OPD must resend: unreadable sheets, or a file where no sheet had a data row."""
    by_path: dict[str, list[FileReport]] = defaultdict(list)
    for item in report.files:
        by_path[item.path].append(item)
    problems = []
    for items in by_path.values():
        if any(f.status in PROBLEM_FILE_STATUSES for f in items):
            problems.extend(f for f in items if f.status in PROBLEM_FILE_STATUSES)
        elif all(f.rows == 0 for f in items):
            problems.extend(items)
    return problems


def superseded_notes(report: ValidationReport) -> dict[str, list[str]]:
    """OPD -> "usulan_v1.xlsx diganti oleh usulan_v2.xlsx" lines of its superseded versions (report.superseded)."""
    notes: dict[str, list[str]] = defaultdict(list)
    for item in report.superseded:
        old, new = (str(item[k]).replace("\\", "/").rsplit("/", 1)[-1] for k in ("path", "diganti_oleh"))
        line = f"{old} diganti oleh {new}"
        if line not in notes[item["opd"]]:
            notes[item["opd"]].append(line)
    return notes
