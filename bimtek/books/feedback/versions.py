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

**Order of versions** (oldest first): the upload time in the name (`<YYYYMMDDTHHMMSSZ>-name`, written by the
portal; files without one come first), then the version marker of the name (`VERSION_NUMBER`: v2, rev2, revisi-3
give their number; a bare revisi/perbaikan/koreksi counts as 2; `final` breaks a tie), then the file time when the
store knows it, then the name. The same content (sha256) sent twice is one version.

**Override**: a coordinator lists, one per line, the inbox-relative path of the version that must count in
`versi-berlaku.txt` at the top of the inbox (`OVERRIDE_FILE`); lines starting with `#` are comments.

**The link is the sender**: a row in an OPD's sub-folder naming another OPD is rejected (`opd_link`): it never
counts for either office.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from bimtek.books.feedback.attribution import Attribution, attribute
from bimtek.core.columns import TEAM_DATASETS
from bimtek.core.model import ROW_COLUMN, Rejection
from bimtek.core.questions import Answer, Question
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.core.text import cell_text, slugify
from bimtek.validation import SheetResult, mark_duplicates
from bimtek.validation.duplicates import move_to_rejected
from bimtek.validation.messages import MessageContext, render
from bimtek.validation.plausibility import hold_implausible

OVERRIDE_FILE = "versi-berlaku.txt"
"""Inbox-relative name of the coordinator's override file (never ingested as an OPD file)."""
EXTRA_MARKER = "tambahan"
"""First word of a portal upload's name (after the time) that makes it a submission of its own."""
_STAMP = re.compile(r"^(\d{8}T\d{6}Z)-")
VERSION_NUMBER = re.compile(r"(?<![a-z])(?:v|ver|versi|rev|revisi|perbaikan)[\s_.-]*(\d{1,3})(?!\d)")
"""A numbered version marker in a folded file name: v2, v.2, ver3, rev2, revisi-3, perbaikan 2."""
REVISION_WORD = re.compile(r"(?<![a-z])(?:revisi|perbaikan|rev|koreksi|update|fix|perbaiki)(?![a-z])")
FINAL_WORD = re.compile(r"(?<![a-z])final(?![a-z])")
COPY_MARK = re.compile(r"\(\d+\)|(?<![a-z])(?:copy|salinan|kopi)(?![a-z])")
"""What a copy adds to a name: "usulan (1).xlsx", "usulan - Copy.xlsx", "salinan usulan.xlsx"."""


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


def version_rank(path: str) -> tuple[int, int]:
    """(marker number, final) of a file name: usulan.xlsx (0, 0) < usulan_v1 (1, 0) < usulan_revisi (2, 0) <
    usulan_v2_final (2, 1) < usulan_v3 (3, 0)."""
    name = _STAMP.sub("", PurePosixPath(path).stem).lower()
    numbers = [int(n) for n in VERSION_NUMBER.findall(name)]
    number = max(numbers) if numbers else (2 if REVISION_WORD.search(name) else 0)
    return number, 1 if FINAL_WORD.search(name) else 0


def version_order(path: str, times: Mapping[str, float] | None = None) -> tuple:
    """Sort key of a file among the versions of one submission (module doc), oldest first."""
    stamp = _STAMP.match(PurePosixPath(path).name)
    return (stamp.group(1) if stamp else "", *version_rank(path), (times or {}).get(path, 0.0), path)


def base_name(path: str) -> str:
    """A flat-inbox file's name without time, version and copy markers: what its versions share
    ("usulan_v1.xlsx", "Usulan V2 FINAL.xlsx", "usulan (1).xlsx" -> "usulan")."""
    name = _STAMP.sub("", PurePosixPath(path.replace("\\", "/")).stem).lower()
    for pattern in (VERSION_NUMBER, REVISION_WORD, FINAL_WORD, COPY_MARK):
        name = pattern.sub(" ", name)
    return slugify(name)


def is_extra(path: str) -> bool:
    """A portal upload sent as "berkas tambahan" (its own submission, never replacing an earlier file)."""
    return _STAMP.sub("", PurePosixPath(path).name).startswith(f"{EXTRA_MARKER}-")


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
    `chosen`: the coordinator's override (inbox-relative paths).
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
    notes = []
    for key, paths in groups.items():
        if len(paths) < 2:
            continue
        ordered = sorted(paths, key=lambda p: version_order(p, times))
        picked = [p for p in ordered if p in chosen_paths]
        current = picked[-1] if picked else ordered[-1]
        for path in ordered:
            if path == current:
                continue
            same = digests and digests.get(path) and digests.get(path) == digests.get(current)
            rows = sum(r.file_report.rows for r in bound if r.path == path and r.dataset == key[1])
            dropped[(path, key[1])] = Superseded(path, key[1], key[0], current, rows, bool(picked))
            if same:
                notes.append(f"{path}: isinya sama persis dengan {current}; dihitung satu kali.")
    current_results = [r for r in bound if (r.path, r.dataset) not in dropped]
    superseded = sorted(dropped.values(), key=lambda s: (s.opd, s.path, s.dataset))
    missing = sorted(chosen_paths - {r.path for r in results})
    notes += [f"{OVERRIDE_FILE}: berkas {path} tidak ada di kotak masuk; pilihan ini diabaikan." for path in missing]
    plausible = hold_implausible(
        mark_duplicates(current_results), region, get_settings().plausible_apbd_share, answers, stage
    )
    return Settled(plausible.results, superseded, notes, plausible.questions)
