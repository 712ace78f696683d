"""Submissions with versions, and rows bound to the upload link they came through (README "Revisi berkas").

One function, `settle_submissions`, decides which rows of an inbox count; the stage run (flows/intake.py) and the
portal's live status (portal/submissions.py) both call it, so they always agree.

**A submission** is what one sender sends for one dataset of a stage: `(sender OPD, dataset)`; in a flat inbox
(no OPD sub-folder) also the file's name without time, version and copy markers (`base_name`: "usulan_v1.xlsx" and
"usulan_v2_final.xlsx" are versions of one submission, "usulan.xlsx" and "rekap-dinkes.xlsx" are two; rows they
share then meet the `duplicate` rule, a clear rejection rather than a guess). Every file of a submission is a
*version* of it; the newest counts, the older ones are
*superseded*: kept in the input archive, listed in `report.json` (`superseded`) and the overview ("diganti oleh"),
never validated against the newer one (no `duplicate` across versions) and never counted. Different datasets of one
stage (e.g. Tahap III programs and the narrative workbook) are different submissions, so one OPD may send several
files; in an OPD's sub-folder a second file of the *same* dataset replaces the first (an OPD that wants to add rows
resends the whole list, or uploads through the portal as "berkas tambahan", which makes the file a submission of
its own).

**The sender** of a file for versioning is, in order: its OPD sub-folder (the portal's upload folder or one placed by
hand), the OPD the intake template was made for, or the one OPD every row of the file names. A file whose rows
name several OPD and that has neither (a compiled list) is never a version of anything: it stands on its own, and
its rows meet the `duplicate` rule as before. Files with no data row (unreadable, empty) never supersede anything.

**Order of versions** (oldest first): `bimtek.ingest.reader.versions.version_order`: the upload time in the name
(written by the portal), then a date in the name (12-11-2026, 2026-11-12, 12 Nov 2026, 12112026), then the version
marker (v2, revisi, final), then the file time, then the name. The same content (sha256) sent twice is one version.
When the order of the two newest versions is not certain (`order_certain`: an ambiguous date such as 03-12-2026,
or two names nothing tells apart), the run does not guess: it asks a "version" question and holds the rows of both
files (HELD_RULE) until it is answered (or a coordinator lists the version in `OVERRIDE_FILE`).

**Override**: a coordinator lists, one per line, the inbox-relative path of the version that must count in
`versi-berlaku.txt` at the top of the inbox (`OVERRIDE_FILE`); lines starting with `#` are comments.

**The link is the sender**: a row in an OPD's sub-folder naming another OPD is rejected (`opd_link`): it never
counts for either office.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from bimtek.books.feedback.attribution import Attribution, attribute
from bimtek.core.columns import TEAM_DATASETS
from bimtek.core.model import ROW_COLUMN, Rejection
from bimtek.core.questions import HELD_RULE, HELD_STATUS, Answer, Option, Question, question_id
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.core.text import cell_text
from bimtek.ingest.reader.versions import (
    STAMP,
    base_name,
    file_date,
    order_certain,
    version_order,
)
from bimtek.validation import SheetResult, mark_duplicates
from bimtek.validation.duplicates import move_to_rejected
from bimtek.validation.messages import MessageContext, render
from bimtek.validation.plausibility import hold_implausible

OVERRIDE_FILE = "versi-berlaku.txt"
"""Inbox-relative name of the coordinator's override file (never ingested as an OPD file)."""
EXTRA_MARKER = "tambahan"
"""First word of a portal upload's name (after the time) that makes it a submission of its own."""


@dataclass
class Superseded:
    """One file's rows of one dataset that no longer count, and the file that replaced them."""

    path: str
    dataset: str
    opd: str
    replaced_by: str
    rows: int
    chosen_by_coordinator: bool = False

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "dataset": self.dataset,
            "opd": self.opd,
            "diganti_oleh": self.replaced_by,
            "baris": self.rows,
            "pilihan_koordinator": self.chosen_by_coordinator,
        }


@dataclass
class Settled:
    results: list[SheetResult]
    """The current versions' results, link-bound and with the `duplicate` rule applied."""
    superseded: list[Superseded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    """Doubts about the counted rows (bimtek.validation.plausibility): their rows are held until answered."""


def is_extra(path: str) -> bool:
    """A portal upload sent as "berkas tambahan" (its own submission, never replacing an earlier file)."""
    return STAMP.sub("", PurePosixPath(path).name).startswith(f"{EXTRA_MARKER}-")


def read_override(text: str) -> list[str]:
    """Paths listed in an override file (blank lines and `#` comments skipped)."""
    lines = (line.strip() for line in text.splitlines())
    return [line.lstrip("/") for line in lines if line and not line.startswith("#")]


def bind_to_link(result: SheetResult, sender: str | None) -> SheetResult:
    """`result` with its valid rows naming another OPD than `sender` (the OPD of the file's folder) rejected; every
    row of a Tim Pelaksana dataset (TEAM_DATASETS) in an OPD's folder rejected (`team_dataset`: datasets have
    owners; the portal refuses such a file before storing it, this guards files placed by other means)."""
    if sender is not None and result.dataset in TEAM_DATASETS and not result.valid.empty:
        ctx = MessageContext(header="", value=result.dataset, extra={"sender": sender})
        message = render("team_dataset", ctx)
        rows = result.valid[ROW_COLUMN].tolist()
        return move_to_rejected(
            result,
            {
                rid: Rejection(result.path, result.sheet, int(row), None, "team_dataset", result.dataset, message)
                for rid, row in zip(result.valid.index, rows)
            },
        )
    if sender is None or result.valid.empty or "opd" not in result.valid.columns:
        return result
    header = result.headers.get("opd", "opd")
    found: dict[int, Rejection] = {}
    for rid, opd, row in zip(result.valid.index, result.valid["opd"].tolist(), result.valid[ROW_COLUMN].tolist()):
        if cell_text(opd) in (sender, None):  # a blank (optional) OPD cell names no other OPD
            continue
        value = result.raw.at[rid, header] if header in result.raw.columns else opd
        ctx = MessageContext(header=header, value=cell_text(value), extra={"sender": sender})
        found[rid] = Rejection(
            result.path, result.sheet, int(row), header, "opd_link", ctx.value, render("opd_link", ctx)
        )
    return move_to_rejected(result, found)


def _sender(path: str, attribution: Attribution) -> str | None:
    """Sender of a file for versioning (module doc), None when the file stands on its own."""
    votes = attribution.votes.get(path)
    unanimous = next(iter(votes)) if votes and len(votes) == 1 else None
    return attribution.of_folder(path) or attribution.recorded.get(path) or unanimous


def settle_submissions(
    results: Iterable[SheetResult],
    region: Region,
    *,
    times: Mapping[str, float] | None = None,
    digests: Mapping[str, str | None] | None = None,
    chosen: Iterable[str] = (),
    answers: Mapping[str, Answer] | None = None,
    stage: str = "",
) -> Settled:
    """Which rows count (module doc): link binding, then the newest version of each submission, then `duplicate`,
    then plausibility against the region's scale (amounts held as questions unless `answers` settle them).

    `times`: file times (seconds) when the store knows them; `digests`: sha256 per path (same content, one version);
    `chosen`: the coordinator's override (inbox-relative paths); `answers`: answers to "version" questions.
    """
    results = list(results)
    folders = attribute([], region)
    bound = [bind_to_link(r, folders.of_folder(r.path)) for r in results]
    attribution = attribute(bound, region)
    chosen_paths = set(chosen)
    groups: dict[tuple, set[str]] = defaultdict(set)
    for result in bound:
        if result.file_report.rows == 0:
            continue
        sender = _sender(result.path, attribution)
        if sender is None:
            continue
        if is_extra(result.path):
            key: tuple = (sender, result.dataset, result.path)
        elif attribution.of_folder(result.path):
            key = (sender, result.dataset)
        else:
            key = (sender, result.dataset, base_name(result.path))
        groups[key].add(result.path)
    dropped: dict[tuple[str, str], Superseded] = {}
    held: dict[str, Question] = {}
    notes = []
    for key, paths in groups.items():
        if len(paths) < 2:
            continue
        ordered = sorted(paths, key=lambda p: version_order(p, times))
        picked = [p for p in ordered if p in chosen_paths]
        current = picked[-1] if picked else ordered[-1]
        doubt = None if picked else _order_doubt(ordered, key, digests or {}, bound, answers or {}, times or {})
        if doubt is not None:
            question, chosen_path = doubt
            if chosen_path is None:
                held.update({path: question for path in ordered[-2:]})
            else:
                current = chosen_path
        for path in ordered:
            if path == current:
                continue
            same = digests and digests.get(path) and digests.get(path) == digests.get(current)
            rows = sum(r.file_report.rows for r in bound if r.path == path and r.dataset == key[1])
            dropped[(path, key[1])] = Superseded(path, key[1], key[0], current, rows, bool(picked))
            if same:
                notes.append(f"{path}: isinya sama persis dengan {current}; dihitung satu kali.")
    for path, question in held.items():
        dropped.pop((path, question_dataset(question, bound, path)), None)
    current_results = [
        hold_rows(r, held[r.path]) if r.path in held else r for r in bound if (r.path, r.dataset) not in dropped
    ]
    superseded = sorted(dropped.values(), key=lambda s: (s.opd, s.path, s.dataset))
    missing = sorted(chosen_paths - {r.path for r in results})
    notes += [f"{OVERRIDE_FILE}: berkas {path} tidak ada di kotak masuk; pilihan ini diabaikan." for path in missing]
    plausible = hold_implausible(
        mark_duplicates(current_results), region, get_settings().plausible_apbd_share, answers, stage
    )
    return Settled(plausible.results, superseded, notes, plausible.questions)


def _order_doubt(
    ordered: list[str],
    key: tuple,
    digests: Mapping[str, str | None],
    results: list[SheetResult],
    answers: Mapping[str, Answer],
    times: Mapping[str, float],
) -> tuple[Question, str | None] | None:
    """The "version" question when the two newest versions' order is not certain (None when it is, or when
    they hold the same bytes), with the answered path (None while open). Names that nothing tells apart are
    ordered by the file times the store knows, when they differ."""
    older, newer = ordered[-2], ordered[-1]
    undated = file_date(older) is None and file_date(newer) is None
    if undated and times.get(older, 0.0) != times.get(newer, 0.0):
        return None
    if order_certain(older, newer, ordered) or (digests.get(older) and digests.get(older) == digests.get(newer)):
        return None
    pair = "+".join(str(digests.get(p) or p) for p in (older, newer))
    rows = tuple(sorted({int(r) for res in results if res.path in (older, newer) for r in res.valid[ROW_COLUMN]}))
    dates = [file_date(p) for p in (older, newer)]
    evidence = "; ".join(f'"{p}"' + (f" (tanggal {d.text})" if d else "") for p, d in zip((older, newer), dates))
    question = Question(
        id=question_id("version", pair, "", (), f"{key[0]}|{key[1]}"),
        kind="version",
        region="",
        stage="",
        opd=str(key[0]),
        file=newer,
        sheet="",
        rows=rows,
        text=f"Urutan versi berkas {key[0]} tidak pasti: berkas mana yang terbaru dan berlaku?",
        options=(Option("a", older, "berkas ini yang berlaku"), Option("b", newer, "berkas ini yang berlaku")),
        evidence=evidence,
    )
    answer = answers.get(question.id)
    if answer is None or answer.option not in ("a", "b"):
        return question, None
    return question, older if answer.option == "a" else newer


def question_dataset(question: Question, results: list[SheetResult], path: str) -> str:
    return next((r.dataset for r in results if r.path == path), "")


def hold_rows(result: SheetResult, question: Question) -> SheetResult:
    """`result` with every valid row held by `question` (HELD_RULE, value = the question id)."""
    found = {
        rid: Rejection(
            result.path,
            result.sheet,
            int(row),
            None,
            HELD_RULE,
            question.id,
            f"Baris ditahan ({HELD_STATUS}): {question.text} Jawab pertanyaan {question.id} agar baris ini dihitung.",
        )
        for rid, row in zip(result.valid.index, result.valid[ROW_COLUMN].tolist())
    }
    moved = move_to_rejected(result, found)
    moved.questions = [*moved.questions, question]
    return moved
