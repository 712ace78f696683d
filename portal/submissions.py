"""OPD uploads: check a file at once with the stage's rules, store it in the OPD's inbox folder, tally status.

The checks are the stage run's own: `bimtek.ingest.read_table` with the stage's datasets, `validate_sheet`,
`mark_duplicates`, `build_report`; the live status is `bimtek.feedback.submission_overview` over the whole inbox,
so what a coordinator sees here is what the stage run will report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import pandas as pd

from bimtek.books.feedback import submission_overview
from bimtek.books.feedback.versions import (
    EXTRA_MARKER,
    OVERRIDE_FILE,
    bind_to_link,
    read_override,
    settle_submissions,
)
from bimtek.core.columns import TEAM_SENDER, datasets_for_stage, team_datasets_in
from bimtek.core.formatting import angka
from bimtek.core.model import ValidationReport
from bimtek.core.questions import Answer, Question
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.ingest.inbox import folder_opd, inbox_prefix, opd_slugs, upload_key, uploaded_at
from bimtek.ingest.reader import read_table
from bimtek.ingest.reader.versions import version_order
from bimtek.store.answers import load_answers
from bimtek.store.storage import Location
from bimtek.validation import SheetResult, build_report, mark_duplicates, validate_sheet
from bimtek.validation.plausibility import hold_implausible
from portal.checks import CheckCache

logger = logging.getLogger(__name__)
RECENT_UPLOAD_SECONDS = 300
"""A file uploaded this recently without a result is being checked by the upload pool: the status page waits for it."""


class UploadRefused(Exception):
    """A file the portal does not accept (type, size, empty); the message is Indonesian."""


@dataclass
class UploadOutcome:
    key: str
    """Store key the file was saved under."""
    report: ValidationReport
    """The check's report: rows, rejections, and (issue 23) `report.receipts` (the file's reading receipt:
    sheet and header row read, unit and where it was written, rows and columns left out and why, rows held, totals
    per OPD as published) and `report.questions` (the reader's questions with both readings, status
    terbuka/dijawab by the answers stored for the region): what the upload page shows once the check ends."""
    results: list[SheetResult]
    """Per-sheet results before the cross-file rule (what `InboxStatus` caches for this file); each carries the
    reader's `decisions` and `questions` (SheetResult)."""
    repeated: bool = False
    """The same content was uploaded before: nothing new was stored (`key` is the earlier upload)."""
    questions: list[Question] = field(default_factory=list)
    """Doubts about this file's rows (plausibility against the region's scale, this file alone): held until
    answered; the upload page shows them with the inbox's (portal.questions)."""


@dataclass(frozen=True)
class OpdStatus:
    opd: str
    status: str
    """lengkap / perlu perbaikan / belum mengirim (bimtek.feedback)."""
    files: int
    rows_valid: int
    rows_rejected: int
    last_upload: dt.datetime | None
    replaced: str = ""
    """The OPD's superseded versions ("a.csv diganti oleh b.csv"; overview column `versi`)."""


def check_upload(name: str, data: bytes, suffixes: tuple[str, ...], max_bytes: int) -> None:
    """Refuse a file of another type, an empty one, or one above the size limit (before anything is read)."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in suffixes:
        raise UploadRefused(f"Jenis berkas '{suffix or name}' tidak diterima; kirim berkas {', '.join(suffixes)}.")
    if not data:
        raise UploadRefused("Berkas kosong; pilih berkas yang berisi data.")
    if len(data) > max_bytes:  # only max_bytes + 1 bytes are read: the real size is not known here
        raise UploadRefused(f"Berkas terlalu besar; batasnya {size_limit_text(max_bytes)}. {SMALLER_FILE_HINT}")


SMALLER_FILE_HINT = "Perkecil berkas (mis. hapus lembar yang tidak perlu) lalu unggah lagi."


def size_limit_text(size: int) -> str:
    """A size limit the Indonesian way: "10 MB", "2,5 MB", "2 KB" (binary units, a decimal only when needed)."""
    value, unit = (size / 1_048_576, "MB") if size >= 1_048_576 else (size / 1024, "KB")
    return f"{angka(value, 0 if round(value, 1) == round(value) else 1)} {unit}"


def validate_file(
    key: str, data: bytes, region: Region, stage: int, answers: dict[str, Answer] | None = None
) -> list[SheetResult]:
    """Every table of one file validated against the stage's contracts (no cross-file rule); `answers` to the
    reader's questions (bimtek.store.answers.load_answers) are applied while reading."""
    sheets = read_table(key, data, datasets_for_stage(stage), answers=answers)
    return [validate_sheet(sheet, region, sheet.dataset or "program") for sheet in sheets]


def upload_target(
    store: Location,
    region: Region,
    stage: int,
    opd_slug: str,
    name: str,
    data: bytes,
    now: dt.datetime,
    replace: bool = True,
) -> tuple[str, bool]:
    """Where an upload will be stored under the OPD's inbox folder (with the upload time; never an existing key),
    without writing it.

    Returns the key and whether the same content is already in the OPD's folder (then the earlier key: retrying
    an upload is one version, not two). `replace=False` ("berkas tambahan") names the file as a submission of its
    own (bimtek.books.feedback.versions.EXTRA_MARKER).
    """
    inbox = inbox_prefix(region.slug, stage)
    digest = hashlib.sha256(data).hexdigest()
    folder = store.child(f"{inbox}/{opd_slug}")
    for earlier in folder.list(None, missing_ok=True):
        if hashlib.sha256(folder.read_bytes(earlier)).hexdigest() == digest:
            return f"{inbox}/{opd_slug}/{earlier}", True
    key = upload_key(opd_slug, name if replace else f"{EXTRA_MARKER}-{name}", now)
    candidate, n = key, 1
    while store.exists(f"{inbox}/{candidate}"):
        n += 1
        path = PurePosixPath(key)
        candidate = str(path.with_name(f"{path.stem}-{n}{path.suffix}"))
    return f"{inbox}/{candidate}", False


def save_upload(
    store: Location,
    region: Region,
    stage: int,
    opd_slug: str,
    name: str,
    data: bytes,
    now: dt.datetime,
    replace: bool = True,
) -> tuple[str, bool]:
    """Store the file where `upload_target` says (nothing is written when the same content is already there)."""
    key, repeated = upload_target(store, region, stage, opd_slug, name, data, now, replace)
    if not repeated:
        store.write_bytes(key, data)
    return key, repeated


def refuse_other_owners(results: list[SheetResult], opd_slug: str) -> None:
    """Datasets have owners: an OPD link never sends the Tim Pelaksana's datasets (TEAM_DATASETS: narasi,
    strategi, kelembagaan, pendanaan, risiko, monev plan, monev self-assessment). Raises `UploadRefused` (the file
    is then not stored, so the OPD's status does not change); the Tim Pelaksana's own link (TEAM_SENDER) may."""
    if opd_slug == TEAM_SENDER:
        return
    found = team_datasets_in(result.dataset for result in results if result.file_report.rows)
    if not found:
        return
    sheets = sorted({result.sheet for result in results if result.dataset in found and result.sheet})
    where = f" (lembar {', '.join(sheets)})" if sheets else ""
    raise UploadRefused(
        f"Berkas ini berisi isian milik Tim Pelaksana Smart City{where}: {', '.join(found)}. Isian itu hanya "
        "diterima melalui tautan unggah Tim Pelaksana atau dari koordinator, bukan melalui tautan OPD. Berkas tidak "
        "disimpan dan status OPD Anda tidak berubah. Hapus lembar tersebut lalu unggah lagi, atau serahkan berkas "
        "kepada Tim Pelaksana."
    )


def receive_upload(
    store: Location,
    region: Region,
    stage: int,
    opd_slug: str,
    name: str,
    data: bytes,
    now: dt.datetime,
    replace: bool = True,
) -> UploadOutcome:
    """Validate one upload, then store it (kept even with rejected rows: nothing an OPD sent is lost).

    Rows naming another OPD than the link's are rejected (`opd_link`), as the stage run will. A file holding the
    Tim Pelaksana's datasets sent through an OPD link is refused before it is stored (`refuse_other_owners`)."""
    key, repeated = upload_target(store, region, stage, opd_slug, name, data, now, replace)
    relative = key.removeprefix(inbox_prefix(region.slug, stage) + "/")
    answers = load_answers(store, region.slug)
    results = validate_file(relative, data, region, stage, answers)
    refuse_other_owners(results, opd_slug)
    if not repeated:
        store.write_bytes(key, data)
    sender = opd_slugs(region).get(opd_slug)
    shown = mark_duplicates([bind_to_link(r, sender) for r in results])
    checked = hold_implausible(shown, region, get_settings().plausible_apbd_share, answers, f"tahap-{stage}")
    report = build_report(region.slug, checked.results, answers)
    return UploadOutcome(key=key, report=report, results=results, repeated=repeated, questions=checked.questions)


@dataclass(frozen=True)
class Version:
    key: str
    """Inbox-relative key of one upload."""
    replaced_by: str | None
    """The upload that replaced it (None: it counts, or it is still being checked)."""
    checking: bool = False
    """Its check has not finished yet (which version counts is settled once it has)."""


class InboxStatus:
    """Live submission status of a stage inbox; each file is validated once (uploads are never overwritten)."""

    def __init__(self, disk: CheckCache | None = None) -> None:
        self._cache: dict[tuple[str, str], list[SheetResult]] = {}
        self._lock = threading.Lock()
        self.disk = disk or CheckCache(None)
        """Results by file SHA-256 on disk: after a restart a file is read and hashed, not validated again."""
        self._checking: set[tuple[str, str]] = set()
        self._background: ThreadPoolExecutor | None = None
        self._rows: dict[tuple, list[OpdStatus]] = {}
        """Status rows by (inbox, checked files, region file) for the last ROWS_KEPT combinations."""

    def _known(self, store: Location, region: Region, stage: int, key: str) -> list[SheetResult] | None:
        """The file's results from memory or the disk cache; None (and a background check, unless the upload
        pool is on it) when the file has not been checked yet. Never validates in the caller's thread."""
        prefix = inbox_prefix(region.slug, stage)
        cache_key = (store.describe(prefix), key)
        with self._lock:
            if cache_key in self._cache:
                return self._cache[cache_key]
            if cache_key in self._checking:
                return None
        data = store.read_bytes(f"{prefix}/{key}")
        cached = self.disk.get(key, data, region.slug, stage)
        if cached is not None:
            with self._lock:
                self._cache[cache_key] = cached
            return cached
        when = uploaded_at(key)
        if when and (dt.datetime.now(dt.UTC) - when).total_seconds() < RECENT_UPLOAD_SECONDS:
            return None
        with self._lock:
            if cache_key in self._checking:
                return None
            self._checking.add(cache_key)
            if self._background is None:
                self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="status-cek")
        self._background.submit(self._check_later, store, region, stage, key, cache_key)
        return None

    def _check_later(self, store: Location, region: Region, stage: int, key: str, cache_key) -> None:
        try:
            self._results(store, region, stage, key)
        except Exception:  # noqa: BLE001 - logged; the file stays "sedang diperiksa" and is tried again later
            logger.exception("Background check of %s failed", key)
        finally:
            with self._lock:
                self._checking.discard(cache_key)

    def _results(self, store: Location, region: Region, stage: int, key: str) -> list[SheetResult]:
        cache_key = (store.describe(inbox_prefix(region.slug, stage)), key)
        with self._lock:
            cached = self._cache.get(cache_key)
        if cached is None:
            data = store.read_bytes(f"{inbox_prefix(region.slug, stage)}/{key}")
            cached = self.disk.get(key, data, region.slug, stage)
            if cached is None:
                cached = validate_file(key, data, region, stage)
                self.disk.put(key, data, region.slug, stage, cached)
            with self._lock:
                self._cache[cache_key] = cached
        return cached

    def remember(
        self, store: Location, region: Region, stage: int, outcome: UploadOutcome, data: bytes | None = None
    ) -> None:
        """Cache an upload's results, checked when it arrived, so the status page does not validate it again
        (on disk too when its bytes are given: a restart does not validate it either)."""
        prefix = inbox_prefix(region.slug, stage)
        key = outcome.key.removeprefix(prefix + "/")
        with self._lock:
            self._cache[(store.describe(prefix), key)] = outcome.results
        if data is not None:
            self.disk.put(key, data, region.slug, stage, outcome.results)

    def files(self, store: Location, region: Region, stage: int) -> list[str]:
        """Inbox-relative keys of every OPD file in the stage inbox (the coordinator's override file excluded)."""
        keys = store.child(inbox_prefix(region.slug, stage)).list(None, missing_ok=True)
        return [key for key in keys if key != OVERRIDE_FILE]

    def settled(self, store: Location, region: Region, stage: int, keys: list[str] | None = None):
        """The inbox (or `keys` of it) settled as the stage run settles it (bimtek.books.feedback.versions), with
        the answers given so far to its questions."""
        inbox = store.child(inbox_prefix(region.slug, stage))
        chosen = read_override(inbox.read_text(OVERRIDE_FILE)) if inbox.exists(OVERRIDE_FILE) else []
        keys = self.files(store, region, stage) if keys is None else keys
        results = [r for key in keys for r in self._results(store, region, stage, key)]
        answers = load_answers(store, region.slug)
        return settle_submissions(results, region, chosen=chosen, answers=answers, stage=f"tahap-{stage}")

    def checked(self, store: Location, region: Region, stage: int) -> list[str]:
        """Inbox keys whose check has finished (never validates in the caller's thread, see `_known`)."""
        return [key for key in self.files(store, region, stage) if self._known(store, region, stage, key) is not None]

    def versions(self, store: Location, region: Region, stage: int, opd_slug: str) -> list[Version]:
        """The OPD's uploads, newest first, each with the upload that replaced it (None: it counts).

        Only files already checked are settled (never validated in the caller's thread, see `_known`); a file
        still being checked is listed with `checking`."""
        keys = [key for key in self.files(store, region, stage) if key.startswith(f"{opd_slug}/")]
        known = {key for key in keys if self._known(store, region, stage, key) is not None}
        settled = self.settled(store, region, stage, sorted(known))
        replaced = {item.path: item.replaced_by for item in settled.superseded}
        ordered = sorted(keys, key=version_order, reverse=True)
        return [Version(key, replaced.get(key), checking=key not in known) for key in ordered]

    def per_opd_now(self, store: Location, region: Region, stage: int) -> tuple[list[OpdStatus], int]:
        """`per_opd` over the files checked so far, at once, and how many files are still being checked."""
        keys = self.files(store, region, stage)
        known = {key: self._known(store, region, stage, key) for key in keys}
        checked = [key for key, results in known.items() if results is not None]
        # the same checked files give the same rows (an upload is never overwritten): count them once, not at
        # every page view (the overview is built with pandas over every file's results)
        memo_key = (store.describe(inbox_prefix(region.slug, stage)), tuple(checked), _region_stamp(region))
        with self._lock:
            rows = self._rows.get(memo_key)
        if rows is None:
            rows = self.per_opd(store, region, stage, checked)
            with self._lock:
                self._rows[memo_key] = rows
                while len(self._rows) > ROWS_KEPT:  # the oldest first
                    del self._rows[next(iter(self._rows))]
        return list(rows), len(keys) - len(checked)

    def per_opd(self, store: Location, region: Region, stage: int, keys: list[str] | None = None) -> list[OpdStatus]:
        """One row per OPD of the region (then other senders), as the stage run's overview will count them."""
        keys = self.files(store, region, stage) if keys is None else keys
        settled = self.settled(store, region, stage, keys)
        results = settled.results
        report = build_report(region.slug, results)
        report.superseded = [item.to_dict() for item in settled.superseded]
        overview = submission_overview(report, results, region)
        last: dict[str, dt.datetime] = {}
        for key in keys:
            opd, when = folder_opd(key, region), uploaded_at(key)
            if opd and when and (opd not in last or when > last[opd]):
                last[opd] = when
        return [_status_row(row, last) for _, row in overview.iterrows()]


ROWS_KEPT = 32
"""Status tables kept in memory (one per inbox and set of checked files; a new upload makes a new one)."""


def _region_stamp(region: Region) -> str:
    """What of the region the status rows depend on: its OPD (names, aliases) and everything else it says."""
    return hashlib.sha256(region.model_dump_json().encode()).hexdigest()


def _status_row(row: pd.Series, last: dict[str, dt.datetime]) -> OpdStatus:
    return OpdStatus(
        opd=str(row["opd"]),
        status=str(row["status"]),
        files=int(row["berkas"]),
        rows_valid=int(row["valid"]),
        rows_rejected=int(row["ditolak"]),
        last_upload=last.get(row["opd"]),
        replaced=str(row.get("versi", "")),
    )
