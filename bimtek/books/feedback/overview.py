"""The coordinator's submission overview: one row per OPD with files sent, rows, valid, rejected and a status.

Statuses: "belum mengirim" (a listed OPD with no file; only when the region lists its OPD), "perlu perbaikan" (a
rejected row, an unreadable file, or a file without any data row), "lengkap" (everything accepted). Every file and
row is counted once, for the sender of its file (bimtek.books.feedback.attribution); files without a known sender are
counted under UNKNOWN_SENDER.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from bimtek.books.feedback.attribution import (
    UNKNOWN_SENDER,
    Attribution,
    KeyRow,
    attribute,
    file_problems,
    superseded_notes,
)
from bimtek.books.feedback.letters import table_xlsx
from bimtek.books.templating import html_environment
from bimtek.core.columns import TEAM_SENDER, TEAM_SENDER_NAME
from bimtek.core.model import ValidationReport
from bimtek.core.region import Region

OVERVIEW_TEMPLATE = "feedback-overview.html.j2"
STATUS_MISSING = "belum mengirim"
STATUS_COMPLETE = "lengkap"
STATUS_FIX = "perlu perbaikan"
OVERVIEW_COLUMNS = {
    "opd": "OPD",
    "terdaftar": "Terdaftar",
    "berkas": "Berkas dikirim",
    "baris": "Baris",
    "valid": "Valid",
    "ditolak": "Ditolak",
    "status": "Status",
    "versi": "Berkas lama yang diganti",
}
"""Columns of submission_overview() and their Indonesian headers in the renderings."""


@dataclass
class _Tally:
    files: set[str] = field(default_factory=set)
    valid: set[KeyRow] = field(default_factory=set)
    rejected: set[KeyRow] = field(default_factory=set)
    needs_fix: bool = False


def _tally(report: ValidationReport, attribution: Attribution, use_results: bool) -> dict[str, _Tally]:
    """Per sender (UNKNOWN_SENDER when unknown): files, valid and rejected rows, and whether a file problem needs
    the OPD's action. Every file and row is counted once, for the sender of its file."""
    tallies: dict[str, _Tally] = defaultdict(_Tally)

    def tally_of(path: str) -> _Tally:
        team = path.replace("\\", "/").split("/", 1)[0] == TEAM_SENDER  # the Tim Pelaksana's own link folder
        # a file sent through the Tim Pelaksana's own link counts under its name, not the coordinator office's
        sender = (attribution.of_file_content(path) or TEAM_SENDER_NAME) if team else attribution.of_file(path)
        tally = tallies[sender or UNKNOWN_SENDER]
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
    for item in file_problems(report):
        tally_of(item.path).needs_fix = True
    return tallies


def _status(tally: _Tally | None) -> str:
    if tally is None or not tally.files:
        return STATUS_MISSING
    return STATUS_FIX if tally.rejected or tally.needs_fix else STATUS_COMPLETE


def unknown_sender_label(paths: set[str]) -> str:
    """Overview label of the files without a known sender, naming them so the coordinator can follow them up:
    "(pengirim tidak dikenali) rusak.xlsx"."""
    return f"{UNKNOWN_SENDER} {', '.join(sorted(paths))}"


def submission_overview(report: ValidationReport, results: Iterable | None, region: Region) -> pd.DataFrame:
    """One row per OPD (OVERVIEW_COLUMNS): listed OPD in region order first, then other senders by name.

    Row counts come from `results` when given (each row counted for its own OPD), otherwise from the report's
    file counts (each file counted for the OPD its path names).
    """
    results = list(results) if results is not None else None
    attribution = attribute(results, region)
    tallies = _tally(report, attribution, use_results=results is not None)
    owners = list(region.opd_names) + sorted(set(tallies) - set(region.opd_names))
    replaced = superseded_notes(report)
    rows = []
    for owner in owners:
        tally = tallies.get(owner)
        valid = len(tally.valid) if tally else 0
        rejected = len(tally.rejected) if tally else 0
        rows.append(
            {
                "opd": unknown_sender_label(tally.files) if owner == UNKNOWN_SENDER and tally else owner,
                "terdaftar": attribution.is_listed(owner),
                "berkas": len(tally.files) if tally else 0,
                "baris": valid + rejected,
                "valid": valid,
                "ditolak": rejected,
                "status": _status(tally),
                "versi": "; ".join(replaced.get(owner, [])),
            }
        )
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
    subtitle = ", ".join(
        f"{status}: {int(counts.get(status, 0))}" for status in (STATUS_COMPLETE, STATUS_FIX, STATUS_MISSING)
    )
    return table_xlsx(
        f"Rekap pengiriman berkas OPD - {region.name}",
        subtitle,
        _overview_display(overview),
        OVERVIEW_COLUMNS,
        [44, 11, 14, 9, 9, 9, 18, 50],
        "Rekap",
    )


def overview_html(overview: pd.DataFrame, region: Region) -> str:
    """The overview as a small stand-alone HTML page for the coordinator."""
    template = html_environment().get_template(OVERVIEW_TEMPLATE)
    counts = overview["status"].value_counts()
    return template.render(
        region=region,
        headers=list(OVERVIEW_COLUMNS.values()),
        rows=_overview_display(overview).to_dict("records"),
        counts=[(s, int(counts.get(s, 0))) for s in (STATUS_COMPLETE, STATUS_FIX, STATUS_MISSING)],
    )
