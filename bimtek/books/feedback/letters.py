"""Letters to the OPD that sent files with problems: one HTML letter and one .xlsx list per sender.

Each letter (templates/feedback-opd.html.j2, a naskah dinas: bimtek.books.naskah_dinas) groups every problem of the
sender's files by file and row and reuses the Indonesian messages of the validation report; its date, number,
addressee, signature and tembusan come from `letter_head` like every other letter. Senders:
bimtek.books.feedback.attribution.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from bimtek.books.feedback.attribution import Attribution, attribute, file_problems, superseded_notes
from bimtek.books.naskah_dinas import Occasion, letter_head
from bimtek.books.templating import html_environment
from bimtek.core.model import Rejection, ValidationReport
from bimtek.core.region import Region
from bimtek.core.sanitise import NAME_MAX_BYTES, unique_names
from bimtek.core.text import is_blank
from bimtek.core.values import plain_value
from bimtek.core.vocabularies import stage_name
from bimtek.workbooks.xlsx import (
    TITLE_FONT,
    WRAP,
    fit_row_heights,
    print_setup,
    put,
    set_widths,
    style_header,
    workbook_bytes,
)

FEEDBACK_TEMPLATE = "feedback-opd.html.j2"
FEEDBACK_PREFIX = "umpan-balik-"
FEEDBACK_COLUMNS = {
    "berkas": "Berkas",
    "lembar": "Lembar",
    "baris": "Baris",
    "kolom": "Kolom",
    "nilai": "Nilai tertulis",
    "masalah": "Masalah dan cara memperbaiki",
}
"""Columns of FeedbackDoc.rows (and headers of its .xlsx), in order."""


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
    name: str = "opd"
    """This OPD's file-name part, distinct from every other OPD's letter of the run (see `unique_names`)."""

    @property
    def slug(self) -> str:
        """File-name stem for the two files, e.g. "umpan-balik-dinas-kesehatan"."""
        return f"{FEEDBACK_PREFIX}{self.name}"

    def files(self) -> dict[str, bytes]:
        """The two documents by file name (only the .xlsx list for the coordinator's own office: no office writes a
        letter to itself)."""
        files = {f"{self.slug}.xlsx": self.xlsx}
        if self.html:
            files[f"{self.slug}.html"] = self.html.encode("utf-8")
        return files


def _problem_rows(report: ValidationReport, attribution: Attribution) -> dict[str, list[dict]]:
    """Sender -> problem lines (FEEDBACK_COLUMNS keys), file problems first, then rejections by file and row.
    Problems of files without a known sender are left out (the overview lists those files)."""
    lines: dict[str | None, list[dict]] = defaultdict(list)
    for item in file_problems(report):
        lines[attribution.of_file(item.path)].append(
            {
                "berkas": item.path,
                "lembar": item.sheet,
                "baris": None,
                "kolom": None,
                "nilai": None,
                "masalah": item.message or "Berkas tidak berisi data yang dapat dibaca.",
            }
        )
    for rejection in report.rejections:
        lines[attribution.of_row(rejection.path, rejection.sheet, rejection.row)].append(_rejection_line(rejection))
    return {owner: sorted(items, key=_line_order) for owner, items in lines.items() if owner is not None}


def _rejection_line(rejection: Rejection) -> dict:
    return {
        "berkas": rejection.path,
        "lembar": rejection.sheet,
        "baris": rejection.row,
        "kolom": rejection.column,
        "nilai": rejection.value,
        "masalah": rejection.message,
    }


def _line_order(line: dict) -> tuple:
    return (line["berkas"], line["lembar"] or "", line["baris"] if line["baris"] is not None else -1)


def _group(lines: list[dict]) -> list[dict]:
    """Lines grouped by file (and sheet), then by row: [{berkas, lembar, baris: [{nomor, masalah: [...]}]}]."""
    files: dict[tuple[str, str], dict[object, list[dict]]] = {}
    for line in lines:
        rows = files.setdefault((line["berkas"], line["lembar"] or ""), {})
        rows.setdefault(line["baris"], []).append(line)
    return [{"berkas": path, "lembar": sheet, "baris": _merge_rows(rows)} for (path, sheet), rows in files.items()]


def _merge_rows(rows: dict[object, list[dict]]) -> list[dict]:
    """Rows with exactly the same problems (a missing column reported on every row) as one entry whose `nomor`
    lists them ("2, 3"): the letter states each problem once."""
    merged: dict[tuple, dict] = {}
    for number, items in rows.items():
        if number is None:
            merged[("file", id(items))] = {"nomor": None, "masalah": items}
            continue
        key = tuple((x["kolom"], x["nilai"], x["masalah"]) for x in items)
        entry = merged.setdefault(key, {"nomor": [], "masalah": items})
        entry["nomor"].append(number)
    return [
        {**entry, "nomor": ", ".join(str(n) for n in entry["nomor"])} if entry["nomor"] is not None else entry
        for entry in merged.values()
    ]


def next_event(region: Region, stage: int | None, semester: object = None) -> tuple[str, object] | None:
    """(Indonesian name, date) of the calendar event after `stage`: the next Bimtek, or the rakor after Tahap IV;
    for monev (stage 5 with its `semester`) the deadline of the next semester when the calendar has it.

    Results stay editable for weeks after a workshop, so the letter asks for corrections before the next event
    rather than by the (already past) date of the stage itself.
    """
    occasion = Occasion.of(stage, semester)
    if occasion.is_monev:
        if occasion.semester is None:
            return None
        half = occasion.semester.half
        following = Occasion.of(stage, f"{occasion.semester.year + half - 1}-S{3 - half}")
        due = following.date(region)
        return (f"batas laporan monev {following.semester.label}", due) if due and following.semester else None
    if not stage or int(stage) > 4:
        return None
    after = int(stage) + 1
    key, name = (
        (f"tahap-{after}", f"Bimtek {stage_name(after)}") if after <= 4 else ("rakor", "rapat koordinasi penutupan")
    )
    due = region.calendar.get(key)
    return (name, due) if due else None


def letter_date(region: Region, stage: int | None, semester: object = None):
    """Date of the letters of a stage (or of a monev `semester`): bimtek.books.naskah_dinas.Occasion.date, None when
    the calendar has none."""
    return Occasion.of(stage, semester).date(region)


def render_feedback_html(
    opd: str,
    lines: list[dict],
    region: Region,
    stage: int | None = None,
    sequence: int = 1,
    replaced: list[str] | None = None,
    semester: object = None,
    questions: list[dict] | None = None,
    receipts: list[dict] | None = None,
) -> str:
    """The polite Indonesian letter for one OPD (templates/feedback-opd.html.j2): a naskah dinas whose head (date,
    number with `sequence` as {n}, signer, tembusan) is bimtek.books.naskah_dinas.letter_head. `semester`: the
    monev semester of a stage-5 run. `replaced`: "a.xlsx diganti oleh b.xlsx" lines of the OPD's superseded
    versions (the revision rule applied). `questions`, `receipts`: the reader's questions and reading receipts of
    this OPD's files (report.json form), rendered by the partial templates/_perlu-konfirmasi.html.j2."""
    template = html_environment().get_template(FEEDBACK_TEMPLATE)
    occasion = Occasion.of(stage, semester)
    perihal = f"Perbaikan isian Gerakan Menuju Smart City {occasion.subject}".strip()
    head = letter_head(
        region, opd, occasion, sequence=sequence, perihal=perihal, lampiran="1 (satu) berkas daftar perbaikan"
    )
    return template.render(
        head=head,
        opd=opd,
        region=region,
        purpose=occasion.purpose(region.name),
        next_event=next_event(region, stage, semester),
        files=_group(lines),
        row_count=len({(x["berkas"], x["lembar"], x["baris"]) for x in lines if x["baris"] is not None}),
        problem_count=len(lines),
        whole_file=any(x["baris"] is None for x in lines),
        replaced=replaced or [],
        questions=questions or [],
        receipts=receipts or [],
    )


def table_xlsx(
    title: str, subtitle: str, frame: pd.DataFrame, headers: dict[str, str], widths: list[float], sheet_name: str
) -> bytes:
    """A one-sheet workbook: title, subtitle, header on row 4 (frozen, autofilter), the frame's rows."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_name
    put(ws, 1, 1, title).font = TITLE_FONT
    put(ws, 2, 1, subtitle)
    header_row = 4
    for position, key in enumerate(headers, start=1):
        put(ws, header_row, position, headers[key])
    style_header(ws[header_row][: len(headers)])
    for offset, record in enumerate(frame.itertuples(index=False), start=1):
        for position, value in enumerate(record, start=1):
            cell = put(ws, header_row + offset, position, None if is_blank(value) else plain_value(value))
            cell.alignment = WRAP
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{header_row + max(len(frame), 1)}"
    set_widths(ws, widths)
    fit_row_heights(ws, header_row + 1, widths)
    print_setup(ws, header_row)
    return workbook_bytes(workbook)


def letter_recipients(report: ValidationReport, results: Iterable | None, region: Region) -> list[str]:
    """The OPD that get a letter, in numbering order: every sender with a problem but the coordinator office
    itself (no office writes a letter to itself; it gets the .xlsx list only)."""
    own_office = region.coordinator.office if region.coordinator else None
    problems = _problem_rows(report, attribute(results, region))
    return [owner for owner in sorted(problems) if owner != own_office]


def feedback_by_opd(
    report: ValidationReport,
    results: Iterable | None,
    region: Region,
    stage: int | None = None,
    numbers: list[int] | None = None,
    semester: object = None,
) -> dict[str, FeedbackDoc]:
    """One FeedbackDoc per OPD with rejected rows or unusable files, keyed by the OPD (module doc: attribution).

    `results` are the SheetResults of the run (None: attribute by file only). `stage` (optional) names the
    Bimtek stage and its date from the region calendar in the letter (`semester`: the monev semester of stage 5). `numbers`: the letter numbers claimed in the
    store for `letter_recipients` (bimtek.store.letter_numbers), in that order; without them the letters are
    numbered 1, 2, ... within the run.
    """
    attribution = attribute(results, region)
    docs: dict[str, FeedbackDoc] = {}
    problems = _problem_rows(report, attribution)
    replaced = superseded_notes(report)
    names = unique_names(problems, fallback="opd", max_bytes=NAME_MAX_BYTES - len(FEEDBACK_PREFIX))
    recipients = letter_recipients(report, results, region)
    sequence = dict(zip(recipients, numbers if numbers is not None else range(1, len(recipients) + 1)))
    for owner, lines in sorted(problems.items()):
        frame = pd.DataFrame(lines, columns=list(FEEDBACK_COLUMNS))
        frame["baris"] = frame["baris"].astype("Int64")
        subtitle = f"{region.name} - {len(lines)} masalah yang perlu diperbaiki"
        xlsx = table_xlsx(
            f"Umpan balik isian Smart City - {owner}",
            subtitle,
            frame,
            FEEDBACK_COLUMNS,
            [32, 18, 8, 20, 26, 90],
            "Perbaikan",
        )
        html = (
            render_feedback_html(
                owner,
                lines,
                region,
                stage,
                sequence[owner],
                replaced.get(owner),
                semester,
                questions=[q for q in report.questions if attribution.of_file(q["file"]) == owner],
                receipts=[r for r in report.receipts if attribution.of_file(r["berkas"]) == owner],
            )
            if owner in sequence
            else ""
        )
        docs[owner] = FeedbackDoc(
            opd=owner, html=html, xlsx=xlsx, rows=frame, listed=attribution.is_listed(owner), name=names[owner]
        )
    return docs
