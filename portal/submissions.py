"""OPD uploads: check a file at once with the stage's rules, store it in the OPD's inbox folder, tally status.

The checks are the stage run's own: `bimtek.ingest.read_table` with the stage's datasets, `validate_sheet`,
`mark_duplicates`, `build_report`; the live status is `bimtek.feedback.submission_overview` over the whole inbox,
so what a coordinator sees here is what the stage run will report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd

from bimtek.books.feedback import submission_overview
from bimtek.books.feedback.versions import (
    EXTRA_MARKER,
    OVERRIDE_FILE,
    bind_to_link,
    read_override,
    settle_submissions,
    version_order,
)
from bimtek.core.columns import datasets_for_stage
from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.ingest.inbox import folder_opd, inbox_prefix, opd_slugs, upload_key, uploaded_at
from bimtek.ingest.reader import read_table
from bimtek.store.storage import Location
from bimtek.validation import SheetResult, build_report, mark_duplicates, validate_sheet


class UploadRefused(Exception):
    """A file the portal does not accept (type, size, empty); the message is Indonesian."""


@dataclass
class UploadOutcome:
    key: str
    """Store key the file was saved under."""
    report: ValidationReport
    results: list[SheetResult]
    """Per-sheet results before the cross-file rule (what `InboxStatus` caches for this file)."""
    repeated: bool = False
    """The same content was uploaded before: nothing new was stored (`key` is the earlier upload)."""


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
    if len(data) > max_bytes:
        raise UploadRefused(
            f"Berkas terlalu besar ({len(data) / 1_048_576:.1f} MB); batasnya {max_bytes / 1_048_576:.1f} MB."
        )


def validate_file(key: str, data: bytes, region: Region, stage: int) -> list[SheetResult]:
    """Every table of one file validated against the stage's contracts (no cross-file rule)."""
    sheets = read_table(key, data, datasets_for_stage(stage))
    return [validate_sheet(sheet, region, sheet.dataset or "program") for sheet in sheets]


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
    """Store the file under the OPD's inbox folder with the upload time; never replaces an existing file.

    Returns the key and whether the same content was already in the OPD's folder (then nothing is written and the
    earlier key is returned: retrying an upload is one version, not two). `replace=False` ("berkas tambahan")
    stores the file as a submission of its own (bimtek.books.feedback.versions.EXTRA_MARKER).
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
    store.write_bytes(f"{inbox}/{candidate}", data)
    return f"{inbox}/{candidate}", False


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

    Rows naming another OPD than the link's are rejected (`opd_link`), as the stage run will."""
    key, repeated = save_upload(store, region, stage, opd_slug, name, data, now, replace)
    relative = key.removeprefix(inbox_prefix(region.slug, stage) + "/")
    results = validate_file(relative, data, region, stage)
    sender = opd_slugs(region).get(opd_slug)
    shown = mark_duplicates([bind_to_link(r, sender) for r in results])
    return UploadOutcome(key=key, report=build_report(region.slug, shown), results=results, repeated=repeated)


@dataclass(frozen=True)
class Version:
    key: str
    """Inbox-relative key of one upload."""
    replaced_by: str | None
    """The upload that replaced it (None: it counts)."""


class InboxStatus:
    """Live submission status of a stage inbox; each file is validated once (uploads are never overwritten)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], list[SheetResult]] = {}
        self._lock = threading.Lock()

    def _results(self, store: Location, region: Region, stage: int, key: str) -> list[SheetResult]:
        cache_key = (store.describe(inbox_prefix(region.slug, stage)), key)
        with self._lock:
            cached = self._cache.get(cache_key)
        if cached is None:
            data = store.read_bytes(f"{inbox_prefix(region.slug, stage)}/{key}")
            cached = validate_file(key, data, region, stage)
            with self._lock:
                self._cache[cache_key] = cached
        return cached

    def remember(self, store: Location, region: Region, stage: int, outcome: UploadOutcome) -> None:
        """Cache an upload's results, checked when it arrived, so the status page does not validate it again."""
        prefix = inbox_prefix(region.slug, stage)
        with self._lock:
            self._cache[(store.describe(prefix), outcome.key.removeprefix(prefix + "/"))] = outcome.results

    def files(self, store: Location, region: Region, stage: int) -> list[str]:
        """Inbox-relative keys of every OPD file in the stage inbox (the coordinator's override file excluded)."""
        keys = store.child(inbox_prefix(region.slug, stage)).list(None, missing_ok=True)
        return [key for key in keys if key != OVERRIDE_FILE]

    def settled(self, store: Location, region: Region, stage: int, keys: list[str] | None = None):
        """The inbox (or `keys` of it) settled as the stage run settles it (bimtek.books.feedback.versions)."""
        inbox = store.child(inbox_prefix(region.slug, stage))
        chosen = read_override(inbox.read_text(OVERRIDE_FILE)) if inbox.exists(OVERRIDE_FILE) else []
        keys = self.files(store, region, stage) if keys is None else keys
        results = [r for key in keys for r in self._results(store, region, stage, key)]
        return settle_submissions(results, region, chosen=chosen)

    def versions(self, store: Location, region: Region, stage: int, opd_slug: str) -> list[Version]:
        """The OPD's uploads, newest first, each with the upload that replaced it (None: it counts)."""
        keys = [key for key in self.files(store, region, stage) if key.startswith(f"{opd_slug}/")]
        replaced = {item.path: item.replaced_by for item in self.settled(store, region, stage, keys).superseded}
        ordered = sorted(keys, key=version_order, reverse=True)
        return [Version(key, replaced.get(key)) for key in ordered]

    def per_opd(self, store: Location, region: Region, stage: int) -> list[OpdStatus]:
        """One row per OPD of the region (then other senders), as the stage run's overview will count them."""
        keys = self.files(store, region, stage)
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
