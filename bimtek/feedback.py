"""Feedback for the OPD that sent files with problems, and a submission overview for the coordinator.

A letter goes to whoever SENT the file, and every problem of a file goes into its sender's letter (a row naming an
unknown OPD included: that OPD does not exist, so it cannot receive a letter). The sender of a file is, in order:
1. the inbox sub-folder: a folder of the path named after an OPD of the region (name, alias or its slug, e.g.
   "dinas-pupr/usulan.xlsx" or "Dinas Kesehatan/usulan.xlsx");
2. the majority OPD of the file's rows: the row OPD cells that match the region's list (name or alias);
3. an OPD name or alias inside the file name (folded like headers, "usulan-dinkes.xlsx"; the longest match wins).
A file whose sender stays unknown (an unreadable file with a meaningless name) gets no letter: the coordinator's
overview lists it under UNKNOWN_SENDER. With an empty OPD list in the region file, row OPD cells are taken as
written. (The intake workbook of `bimtek template` carries the OPD in its rows, so step 2 finds it.)

`feedback_by_opd` returns one `FeedbackDoc` per OPD with something to fix: rejected rows, or a file that could
not be read / held no rows. The HTML letter (templates/feedback-opd.html.j2) groups the problems by file and row and
reuses the Indonesian messages of the validation report; the .xlsx lists the same problems one per line.

`submission_overview` gives the coordinator one row per OPD: files sent, rows, valid, rejected and a status:
"belum mengirim" (a listed OPD with no file; only when the region lists its OPD), "perlu perbaikan" (a rejected
row, an unreadable file, or a file without any data row), "lengkap" (everything accepted).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from bimtek.columns import SpecError, load_spec
from bimtek.formatting import FILTERS
from bimtek.model import (
    PATH_COLUMN,
    ROW_COLUMN,
    SHEET_COLUMN,
    FileReport,
    Rejection,
    ValidationReport,
)
from bimtek.paths import TEMPLATES_DIR
from bimtek.region import Region
from bimtek.text import fold_key, is_blank
from bimtek.workbooks import (
    TITLE_FONT,
    WRAP,
    print_setup,
    set_widths,
    slugify,
    style_header,
    workbook_bytes,
)

FEEDBACK_TEMPLATE = "feedback-opd.html.j2"
OVERVIEW_TEMPLATE = "feedback-overview.html.j2"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
STATUS_MISSING = "belum mengirim"
STATUS_COMPLETE = "lengkap"
STATUS_FIX = "perlu perbaikan"
PROBLEM_FILE_STATUSES = ("unreadable",)
"""File statuses that always need the OPD's action (an "empty" sheet only counts when the whole file is empty)."""

FEEDBACK_COLUMNS = {
    "berkas": "Berkas",
    "lembar": "Lembar",
    "baris": "Baris",
    "kolom": "Kolom",
    "nilai": "Nilai tertulis",
    "masalah": "Masalah dan cara memperbaiki",
}
"""Columns of FeedbackDoc.rows (and headers of its .xlsx), in order."""

OVERVIEW_COLUMNS = {
    "opd": "OPD",
    "terdaftar": "Terdaftar",
    "berkas": "Berkas dikirim",
    "baris": "Baris",
    "valid": "Valid",
    "ditolak": "Ditolak",
    "status": "Status",
}
"""Columns of submission_overview() and their Indonesian headers in the renderings."""
UNKNOWN_SENDER = "(pengirim tidak dikenali)"
"""Overview row of the files whose sender could not be determined (they get no letter)."""

KeyRow = tuple[str, str, int]
"""(path, sheet, row) of one input row."""


@dataclass
class FeedbackDoc:
    """What one OPD receives: an HTML letter and an .xlsx list of the same problems."""

    opd: str
    html: str
    xlsx: bytes
    rows: pd.DataFrame
    """One line per problem: FEEDBACK_COLUMNS."""
    listed: bool = False
    """True when `opd` is an OPD of the region list (not raw text or a file name)."""

    @property
    def slug(self) -> str:
        """File-name stem for the two files, e.g. "umpan-balik-dinas-kesehatan"."""
        return f"umpan-balik-{slugify(self.opd) or 'opd'}"

    def files(self) -> dict[str, bytes]:
        """The two documents by file name."""
        return {f"{self.slug}.html": self.html.encode("utf-8"), f"{self.slug}.xlsx": self.xlsx}


# ---------------------------------------------------------------------------------------------------------------
# Attribution
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Attribution:
    """Sender of every file and validity of every known row, built from the validation results (module doc)."""

    region: Region
    rows: dict[KeyRow, str] = field(default_factory=dict)
    """Row -> its OPD cell (canonical when listed), used for the majority vote."""
    valid: dict[KeyRow, bool] = field(default_factory=dict)
    votes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    """File path -> how many of its rows name each OPD (cells matching the region's list)."""
    _senders: dict[str, str | None] = field(default_factory=dict)

    def canonical(self, text: object) -> str | None:
        """Canonical OPD for written text (a listed name or alias), the text itself when the region lists no OPD,
        None when blank or unknown."""
        if is_blank(text):
            return None
        lookup = self.region.opd_lookup()
        if not lookup:
            return " ".join(str(text).split())
        return lookup.get(fold_key(text))

    def _of_folder(self, path: str) -> str | None:
        folders = path.replace("\\", "/").split("/")[:-1]
        lookup = self.region.opd_lookup()
        slugs = {slugify(key): name for key, name in lookup.items()}
        for folder in reversed(folders):
            found = lookup.get(fold_key(folder)) or slugs.get(slugify(folder))
            if found:
                return found
        return None

    def _of_rows(self, path: str) -> str | None:
        votes = self.votes.get(path)
        return votes.most_common(1)[0][0] if votes else None

    def _of_name(self, path: str) -> str | None:
        folded = fold_key(path.replace("\\", "/").rsplit("/", 1)[-1])
        best, best_len = None, 0
        for key, name in self.region.opd_lookup().items():
            if key and key in folded and len(key) > best_len:
                best, best_len = name, len(key)
        return best

    def of_file(self, path: str) -> str | None:
        """Sender of a file (module doc), None when unknown."""
        if path not in self._senders:
            self._senders[path] = self._of_folder(path) or self._of_rows(path) or self._of_name(path)
        return self._senders[path]

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


def _frame_rows(frame: pd.DataFrame | None) -> Iterable[tuple[KeyRow, pd.Series]]:
    if frame is None or frame.empty or ROW_COLUMN not in frame.columns:
        return []
    return (
        ((str(r[PATH_COLUMN]), str(r[SHEET_COLUMN] or ""), int(r[ROW_COLUMN])), r) for _, r in frame.iterrows()
    )


def _attribute(results: Iterable | None, region: Region) -> _Attribution:
    """OPD cell and validity of every row the results know (senders follow from them, module doc)."""
    attribution = _Attribution(region)
    for result in results or []:
        for is_valid, frame in ((True, getattr(result, "valid", None)), (False, getattr(result, "rejected", None))):
            if frame is None:
                continue
            column = _opd_column(result, frame)
            for key, record in _frame_rows(frame):
                owner = attribution.canonical(record[column]) if column else None
                attribution.rows[key] = owner
                attribution.valid[key] = is_valid
                if owner:
                    attribution.votes[key[0]][owner] += 1
    return attribution


# ---------------------------------------------------------------------------------------------------------------
# Feedback documents
# ---------------------------------------------------------------------------------------------------------------


def _file_problems(report: ValidationReport) -> list[FileReport]:
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


def _problem_rows(report: ValidationReport, attribution: _Attribution) -> dict[str, list[dict]]:
    """Sender -> problem lines (FEEDBACK_COLUMNS keys), file problems first, then rejections by file and row.
    Problems of files without a known sender are left out (the overview lists those files)."""
    lines: dict[str | None, list[dict]] = defaultdict(list)
    for item in _file_problems(report):
        lines[attribution.of_file(item.path)].append(
            {"berkas": item.path, "lembar": item.sheet, "baris": None, "kolom": None, "nilai": None,
             "masalah": item.message or "Berkas tidak berisi data yang dapat dibaca."}
        )
    for rejection in report.rejections:
        lines[attribution.of_file(rejection.path)].append(_rejection_line(rejection))
    return {owner: sorted(items, key=_line_order) for owner, items in lines.items() if owner is not None}


def _rejection_line(rejection: Rejection) -> dict:
    return {
        "berkas": rejection.path, "lembar": rejection.sheet, "baris": rejection.row, "kolom": rejection.column,
        "nilai": rejection.value, "masalah": rejection.message,
    }


def _line_order(line: dict) -> tuple:
    return (line["berkas"], line["lembar"] or "", line["baris"] if line["baris"] is not None else -1)


def _group(lines: list[dict]) -> list[dict]:
    """Lines grouped by file (and sheet), then by row: [{berkas, lembar, baris: [{nomor, masalah: [...]}]}]."""
    files: dict[tuple[str, str], dict[object, list[dict]]] = {}
    for line in lines:
        rows = files.setdefault((line["berkas"], line["lembar"] or ""), {})
        rows.setdefault(line["baris"], []).append(line)
    return [
        {"berkas": path, "lembar": sheet, "baris": [{"nomor": number, "masalah": items} for number, items in rows.items()]}
        for (path, sheet), rows in files.items()
    ]


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def next_event(region: Region, stage: int | None) -> tuple[str, object] | None:
    """(Indonesian name, date) of the calendar event after `stage`: the next Bimtek, or the rakor after Tahap IV.

    Results stay editable for weeks after a workshop, so the letter asks for corrections before the next event
    rather than by the (already past) date of the stage itself.
    """
    if not stage:
        return None
    following = int(stage) + 1
    key, name = (f"tahap-{following}", f"Bimtek Tahap {ROMAN.get(following, following)}") if following <= 4 \
        else ("rakor", "rapat koordinasi penutupan")
    due = region.calendar.get(key)
    return (name, due) if due else None


def letter_date(region: Region, stage: int | None):
    """Date of the letters of a stage: the stage's Bimtek date from the region calendar (the letters follow that
    workshop; nothing reads the clock), None when the calendar has none."""
    return region.calendar.get(f"tahap-{stage}") if stage else None


def render_feedback_html(opd: str, lines: list[dict], region: Region, stage: int | None = None,
                         sequence: int = 1) -> str:
    """The polite Indonesian letter for one OPD (templates/feedback-opd.html.j2): dated (letter_date), numbered
    with the region's letter pattern (`sequence` is {n}) and signed by the Tim Pelaksana lead of the region file."""
    template = _environment().get_template(FEEDBACK_TEMPLATE)
    when = letter_date(region, stage)
    return template.render(
        opd=opd,
        region=region,
        stage=stage,
        next_event=next_event(region, stage),
        files=_group(lines),
        row_count=len({(x["berkas"], x["lembar"], x["baris"]) for x in lines if x["baris"] is not None}),
        problem_count=len(lines),
        whole_file=any(x["baris"] is None for x in lines),
        date=when,
        number=region.letters.format(sequence, when.year if when else "...."),
        signer=region.officials.team_lead,
    )


def _table_xlsx(title: str, subtitle: str, frame: pd.DataFrame, headers: dict[str, str],
                widths: list[float], sheet_name: str) -> bytes:
    """A one-sheet workbook: title, subtitle, header on row 4 (frozen, autofilter), the frame's rows."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_name
    ws["A1"] = title
    ws["A1"].font = TITLE_FONT
    ws["A2"] = subtitle
    header_row = 4
    for position, key in enumerate(headers, start=1):
        ws.cell(header_row, position, headers[key])
    style_header(ws[header_row][: len(headers)])
    for offset, record in enumerate(frame.itertuples(index=False), start=1):
        for position, value in enumerate(record, start=1):
            cell = ws.cell(header_row + offset, position, None if is_blank(value) else _plain(value))
            cell.alignment = WRAP
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{header_row + max(len(frame), 1)}"
    set_widths(ws, widths)
    print_setup(ws, header_row)
    return workbook_bytes(workbook)


def _plain(value: object) -> object:
    """numpy scalars -> Python values openpyxl accepts."""
    return value.item() if hasattr(value, "item") else value


def feedback_by_opd(report: ValidationReport, results: Iterable | None, region: Region,
                    stage: int | None = None) -> dict[str, FeedbackDoc]:
    """One FeedbackDoc per OPD with rejected rows or unusable files, keyed by the OPD (module doc: attribution).

    `results` are the SheetResults of the run (None: attribute by file only). `stage` (optional) names the
    Bimtek stage and its date from the region calendar in the letter.
    """
    attribution = _attribute(results, region)
    docs: dict[str, FeedbackDoc] = {}
    for sequence, (owner, lines) in enumerate(sorted(_problem_rows(report, attribution).items()), start=1):
        frame = pd.DataFrame(lines, columns=list(FEEDBACK_COLUMNS))
        frame["baris"] = frame["baris"].astype("Int64")
        subtitle = f"{region.name} - {len(lines)} masalah yang perlu diperbaiki"
        xlsx = _table_xlsx(f"Umpan balik isian Smart City - {owner}", subtitle, frame, FEEDBACK_COLUMNS,
                           [32, 18, 8, 20, 26, 90], "Perbaikan")
        html = render_feedback_html(owner, lines, region, stage, sequence)
        docs[owner] = FeedbackDoc(opd=owner, html=html, xlsx=xlsx, rows=frame, listed=attribution.is_listed(owner))
    return docs


# ---------------------------------------------------------------------------------------------------------------
# Submission overview
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Tally:
    files: set[str] = field(default_factory=set)
    valid: set[KeyRow] = field(default_factory=set)
    rejected: set[KeyRow] = field(default_factory=set)
    needs_fix: bool = False


def _tally(report: ValidationReport, attribution: _Attribution, use_results: bool) -> dict[str, _Tally]:
    """Per sender (UNKNOWN_SENDER when unknown): files, valid and rejected rows, and whether a file problem needs
    the OPD's action. Every file and row is counted once, for the sender of its file."""
    tallies: dict[str, _Tally] = defaultdict(_Tally)

    def tally_of(path: str) -> _Tally:
        tally = tallies[attribution.of_file(path) or UNKNOWN_SENDER]
        tally.files.add(path)
        return tally

    if use_results:
        for key, is_valid in attribution.valid.items():
            (tally_of(key[0]).valid if is_valid else tally_of(key[0]).rejected).add(key)
    for rejection in report.rejections:
        key = (rejection.path, rejection.sheet, rejection.row if rejection.row is not None else -1)
        tally = tally_of(rejection.path)
        tally.rejected.add(key)
        tally.valid.discard(key)
    for item in report.files:
        tally = tally_of(item.path)
        if not use_results and item.rows_valid:
            tally.valid.update((item.path, item.sheet, -n - 2) for n in range(item.rows_valid))
    for item in _file_problems(report):
        tally_of(item.path).needs_fix = True
    return tallies


def _status(tally: _Tally | None) -> str:
    if tally is None or not tally.files:
        return STATUS_MISSING
    return STATUS_FIX if tally.rejected or tally.needs_fix else STATUS_COMPLETE


def submission_overview(report: ValidationReport, results: Iterable | None, region: Region) -> pd.DataFrame:
    """One row per OPD (OVERVIEW_COLUMNS): listed OPD in region order first, then other senders by name.

    Row counts come from `results` when given (each row counted for its own OPD), otherwise from the report's
    file counts (each file counted for the OPD its path names).
    """
    results = list(results) if results is not None else None
    attribution = _attribute(results, region)
    tallies = _tally(report, attribution, use_results=results is not None)
    owners = list(region.opd_names) + sorted(set(tallies) - set(region.opd_names))
    rows = []
    for owner in owners:
        tally = tallies.get(owner)
        valid = len(tally.valid) if tally else 0
        rejected = len(tally.rejected) if tally else 0
        rows.append({
            "opd": owner,
            "terdaftar": attribution.is_listed(owner),
            "berkas": len(tally.files) if tally else 0,
            "baris": valid + rejected,
            "valid": valid,
            "ditolak": rejected,
            "status": _status(tally),
        })
    frame = pd.DataFrame(rows, columns=list(OVERVIEW_COLUMNS))
    for name in ("berkas", "baris", "valid", "ditolak"):
        frame[name] = frame[name].astype("int64")
    frame["terdaftar"] = frame["terdaftar"].astype(bool)
    return frame


def _overview_display(overview: pd.DataFrame) -> pd.DataFrame:
    return overview.assign(terdaftar=overview["terdaftar"].map({True: "ya", False: "tidak"}))


def overview_xlsx(overview: pd.DataFrame, region: Region) -> bytes:
    """The overview as a one-sheet workbook for the coordinator."""
    counts = overview["status"].value_counts()
    subtitle = ", ".join(f"{status}: {int(counts.get(status, 0))}" for status in
                         (STATUS_COMPLETE, STATUS_FIX, STATUS_MISSING))
    return _table_xlsx(f"Rekap pengiriman berkas OPD - {region.name}", subtitle, _overview_display(overview),
                       OVERVIEW_COLUMNS, [44, 11, 14, 9, 9, 9, 18], "Rekap")


def overview_html(overview: pd.DataFrame, region: Region) -> str:
    """The overview as a small stand-alone HTML page for the coordinator."""
    template = _environment().get_template(OVERVIEW_TEMPLATE)
    counts = overview["status"].value_counts()
    return template.render(
        region=region,
        headers=list(OVERVIEW_COLUMNS.values()),
        rows=_overview_display(overview).to_dict("records"),
        counts=[(s, int(counts.get(s, 0))) for s in (STATUS_COMPLETE, STATUS_FIX, STATUS_MISSING)],
    )

