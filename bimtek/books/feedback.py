"""Feedback for the OPD whose rows were rejected, and a submission overview for the coordinator.

Who a rejected row belongs to (in this order):
1. the row's OPD cell, when it matches the region's OPD list (name or alias) -> the canonical OPD name;
2. the row's OPD cell as written (trimmed), when it is not blank;
3. the file: when the file path contains an OPD name or alias of the region (folded like headers, so
   "usulan-tahap-3-dinas-kesehatan.xlsx" or "dinkes/usulan.xlsx" -> "Dinas Kesehatan"; the longest match wins);
4. otherwise the file path itself (e.g. "kiriman/program.xlsx").
Rows are looked up in the validation results (`SheetResult.valid` has the canonical `opd`, `SheetResult.rejected`
the OPD cell as written); without results, or for problems that concern a whole file (unreadable, empty,
missing_column without a row OPD), steps 3-4 apply.

`feedback_by_opd` returns one `FeedbackDoc` per OPD with something to fix: rejected rows, or a file that could
not be read / held no rows. The HTML letter (templates/feedback-opd.html.j2) groups the problems by file and row and
reuses the Indonesian messages of the validation report; the .xlsx lists the same problems one per line.

`submission_overview` gives the coordinator one row per OPD: files sent, rows, valid, rejected and a status:
"belum mengirim" (a listed OPD with no file; only when the region lists its OPD), "perlu perbaikan" (a rejected
row, an unreadable file, or a file without any data row), "lengkap" (everything accepted).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from bimtek.core.columns import SpecError, load_spec
from bimtek.core.formatting import FILTERS
from bimtek.core.model import PATH_COLUMN, ROW_COLUMN, SHEET_COLUMN, FileReport, Rejection, ValidationReport
from bimtek.core.paths import TEMPLATES_DIR
from bimtek.core.region import Region
from bimtek.core.text import fold_key, is_blank, slugify
from bimtek.workbooks.xlsx import TITLE_FONT, WRAP, set_widths, style_header, workbook_bytes

FEEDBACK_TEMPLATE = "feedback-opd.html.j2"
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
    """Owner of every known row, plus per-row validity, built from the validation results."""

    region: Region
    rows: dict[KeyRow, str] = field(default_factory=dict)
    valid: dict[KeyRow, bool] = field(default_factory=dict)

    def canonical(self, text: object) -> str | None:
        """Canonical OPD for written text (steps 1-2 of the module doc), None when blank."""
        if is_blank(text):
            return None
        return self.region.opd_lookup().get(fold_key(text)) or " ".join(str(text).split())

    def of_file(self, path: str) -> str:
        """Owner of a file by its path (steps 3-4 of the module doc)."""
        folded = fold_key(path)
        best, best_len = None, 0
        for key, name in self.region.opd_lookup().items():
            if key and key in folded and len(key) > best_len:
                best, best_len = name, len(key)
        return best or path

    def of_row(self, path: str, sheet: str, row: int | None) -> str:
        if row is not None and (path, sheet, int(row)) in self.rows:
            return self.rows[(path, sheet, int(row))]
        return self.of_file(path)

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
    """Owner and validity of every row the results know."""
    attribution = _Attribution(region)
    for result in results or []:
        for is_valid, frame in ((True, getattr(result, "valid", None)), (False, getattr(result, "rejected", None))):
            if frame is None:
                continue
            column = _opd_column(result, frame)
            for key, record in _frame_rows(frame):
                owner = attribution.canonical(record[column]) if column else None
                attribution.rows[key] = owner or attribution.of_file(key[0])
                attribution.valid[key] = is_valid
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
    """Owner -> problem lines (FEEDBACK_COLUMNS keys), file problems first, then rejections by file and row."""
    lines: dict[str, list[dict]] = defaultdict(list)
    for item in _file_problems(report):
        lines[attribution.of_file(item.path)].append(
            {"berkas": item.path, "lembar": item.sheet, "baris": None, "kolom": None, "nilai": None,
             "masalah": item.message or "Berkas tidak berisi data yang dapat dibaca."}
        )
    for rejection in report.rejections:
        lines[attribution.of_row(rejection.path, rejection.sheet, rejection.row)].append(_rejection_line(rejection))
    return {owner: sorted(items, key=_line_order) for owner, items in lines.items()}


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


def render_feedback_html(opd: str, lines: list[dict], region: Region, stage: int | None = None) -> str:
    """The polite Indonesian letter for one OPD (templates/feedback-opd.html.j2)."""
    template = _environment().get_template(FEEDBACK_TEMPLATE)
    return template.render(
        opd=opd,
        region=region,
        stage=stage,
        next_event=next_event(region, stage),
        files=_group(lines),
        row_count=len({(x["berkas"], x["lembar"], x["baris"]) for x in lines if x["baris"] is not None}),
        problem_count=len(lines),
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
    for owner, lines in sorted(_problem_rows(report, attribution).items()):
        frame = pd.DataFrame(lines, columns=list(FEEDBACK_COLUMNS))
        frame["baris"] = frame["baris"].astype("Int64")
        subtitle = f"{region.name} - {len(lines)} masalah yang perlu diperbaiki"
        xlsx = _table_xlsx(f"Umpan balik isian Smart City - {owner}", subtitle, frame, FEEDBACK_COLUMNS,
                           [32, 18, 8, 20, 26, 90], "Perbaikan")
        html = render_feedback_html(owner, lines, region, stage)
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
    """Per owner: files, valid and rejected rows, and whether a file problem needs the OPD's action."""
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    if use_results:
        for key, owner in attribution.rows.items():
            tallies[owner].files.add(key[0])
            (tallies[owner].valid if attribution.valid[key] else tallies[owner].rejected).add(key)
    for rejection in report.rejections:
        owner = attribution.of_row(rejection.path, rejection.sheet, rejection.row)
        tallies[owner].files.add(rejection.path)
        key = (rejection.path, rejection.sheet, rejection.row if rejection.row is not None else -1)
        tallies[owner].rejected.add(key)
        tallies[owner].valid.discard(key)
    covered = {path for tally in tallies.values() for path in tally.files}
    for item in report.files:
        if not use_results and item.rows_valid:
            owner = attribution.of_file(item.path)
            tallies[owner].files.add(item.path)
            tallies[owner].valid.update((item.path, item.sheet, -n - 2) for n in range(item.rows_valid))
        elif item.path not in covered:
            tallies[attribution.of_file(item.path)].files.add(item.path)
    for item in _file_problems(report):
        tallies[attribution.of_file(item.path)].needs_fix = True
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


_OVERVIEW_HTML = """<!DOCTYPE html>
<html lang="id">
<head><meta charset="utf-8"><title>Rekap pengiriman berkas OPD - {{ region.name }}</title>
<style>
body { font-family: sans-serif; margin: 2em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #999; padding: 4px 8px; text-align: left; }
th { background: #1f4e78; color: #fff; }
td.angka { text-align: right; }
tr.belum-mengirim td { background: #f3f3f3; }
tr.perlu-perbaikan td.status { color: #c00000; font-weight: bold; }
</style></head>
<body>
<h1>Rekap pengiriman berkas OPD</h1>
<p>{{ region.name }}, {{ region.province }}.
{% for status, count in counts %}{{ status|capitalize }}: {{ count }}{% if not loop.last %}; {% endif %}{% endfor %}.</p>
<table>
<thead><tr>{% for header in headers %}<th>{{ header }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}
<tr class="{{ row.status|replace(' ', '-') }}"><td>{{ row.opd }}</td><td>{{ row.terdaftar }}</td><td class="angka">{{ row.berkas }}</td><td class="angka">{{ row.baris|angka }}</td><td class="angka">{{ row.valid|angka }}</td><td class="angka">{{ row.ditolak|angka }}</td><td class="status">{{ row.status }}</td></tr>
{% endfor %}
</tbody>
</table>
</body>
</html>
"""


def overview_html(overview: pd.DataFrame, region: Region) -> str:
    """The overview as a small stand-alone HTML page for the coordinator."""
    template = _environment().from_string(_OVERVIEW_HTML)
    counts = overview["status"].value_counts()
    return template.render(
        region=region,
        headers=list(OVERVIEW_COLUMNS.values()),
        rows=_overview_display(overview).to_dict("records"),
        counts=[(s, int(counts.get(s, 0))) for s in (STATUS_COMPLETE, STATUS_FIX, STATUS_MISSING)],
    )

