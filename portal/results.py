"""Published results as the portal lists them: region -> stage -> runs -> files (read through the store)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath

from fastapi import HTTPException

from bimtek.core.region import Region
from bimtek.ingest.inbox import folder_opd
from bimtek.store.acceptance import REPORT_KEY, AcceptanceError, accept_run, needs_fix
from bimtek.store.package import (
    BUNDLE_NAME,
    MANIFEST_NAME,
    StageKey,
    published_run_ids,
    read_latest,
    read_manifest,
    run_prefix,
)
from bimtek.store.storage import Location, StorageError

STAGES = (1, 2, 3, 4, 5)
"""Stages with an inbox and upload links; 5 is monev (Tahap V, bimtek.core.monev.MONEV_STAGE), whose results are
published per semester under `<region>/monev/<semester>/`."""
OPEN_IN_BROWSER = frozenset({".html", ".pdf", ".png", ".svg"})
"""Files served inline (the browser shows them); everything else downloads."""
DOCUMENT_FOLDERS = ("buku", "komitmen", "rakor", "umpan-balik")
"""Folders of the documents people read: listed first on a run's page, then the bundle, then the tables."""


@dataclass(frozen=True)
class RunEntry:
    run_id: str
    current: bool
    """True for the run latest.json points at."""


@dataclass(frozen=True)
class FileEntry:
    key: str
    """Path inside the run folder (`buku/buku-2-masterplan.html`)."""
    size: int | None
    opens: bool
    """True when the browser shows it (HTML, PDF, images); False for downloads."""

    @property
    def folder(self) -> str:
        parent = PurePosixPath(self.key).parent.as_posix()
        return "" if parent == "." else parent


def latest_run_id(store: Location, region_slug: str, stage: int) -> str | None:
    record = read_latest(store, region_slug, stage)
    return record["run_id"] if record else None


def stage_runs(store: Location, region_slug: str, stage: int) -> list[RunEntry]:
    """Every published run of a stage (a folder holding manifest.json), newest id first; the current one marked."""
    current = latest_run_id(store, region_slug, stage)
    return [
        RunEntry(run_id=run_id, current=run_id == current) for run_id in published_run_ids(store, region_slug, stage)
    ]


def run_files(store: Location, region_slug: str, stage: StageKey, run_id: str) -> list[FileEntry]:
    """The run's outputs from its manifest, then the manifest and the bundle."""
    manifest = read_manifest(store, region_slug, stage, run_id)
    entries = [
        FileEntry(key=item["path"], size=item.get("bytes"), opens=_opens(item["path"]))
        for item in manifest.get("outputs", [])
    ]
    documents = [entry for entry in entries if entry.folder.split("/")[0] in DOCUMENT_FOLDERS]
    rest = [entry for entry in entries if entry not in documents]
    bundle = []
    if store.exists(f"{run_prefix(region_slug, stage, run_id)}/{BUNDLE_NAME}"):
        bundle = [FileEntry(key=BUNDLE_NAME, size=None, opens=False)]
    return [*documents, *bundle, *rest, FileEntry(key=MANIFEST_NAME, size=None, opens=False)]


def run_draft(store: Location, region_slug: str, stage: StageKey, run_id: str) -> list[str]:
    """What the run's legal documents miss (manifest `draft`, written by the Tahap IV flow); empty when none."""
    return [str(item) for item in read_manifest(store, region_slug, stage, run_id).get("draft", [])]


def published_keys(store: Location, region_slug: str, stage: StageKey, run_id: str) -> set[str]:
    """Run-relative keys the portal may serve for one run: its manifest's outputs, the manifest and the bundle."""
    return {entry.key for entry in run_files(store, region_slug, stage, run_id)}


def _opens(key: str) -> bool:
    return PurePosixPath(key).suffix.lower() in OPEN_IN_BROWSER


@dataclass(frozen=True)
class RunOutcome:
    rows_total: int
    rows_rejected: int
    needs_fix: bool
    """True when the rejected share is above BIMTEK_REJECT_ALERT_SHARE: the run ended "Perlu perbaikan"."""
    chase: tuple[str, ...]
    """OPD (or, for files outside an OPD folder, file names) with rejected rows: whom to ask for a corrected file."""

    @property
    def share(self) -> float:
        return self.rows_rejected / self.rows_total if self.rows_total else 0.0


def run_outcome(store: Location, region: Region, stage: int, run_id: str, threshold: float) -> RunOutcome | None:
    """How a published run ended, from its report.json; None when the run has no readable report."""
    try:
        report = json.loads(store.read_text(f"{run_prefix(region.slug, stage, run_id)}/{REPORT_KEY}"))
        total, rejected = int(report.get("rows_total", 0)), int(report.get("rows_rejected", 0))
    except (StorageError, ValueError, TypeError, AttributeError):
        return None
    senders = {
        folder_opd(item.get("path", ""), region) or item.get("path", "?") for item in report.get("rejections", [])
    }
    return RunOutcome(
        rows_total=total,
        rows_rejected=rejected,
        needs_fix=needs_fix(total, rejected, threshold),
        chase=tuple(sorted(senders)),
    )


def accept_from_portal(store: Location, account, region_slug: str, stage, run_id: str) -> None:
    """The "Jadikan terkini" button of a stage or monev run page: only admin and koordinator may press it
    (403 otherwise); an unknown or unpublished run is a 404 naming why (bimtek.store.acceptance.accept_run)."""
    if not account.accepts_runs:
        raise HTTPException(status_code=403, detail="Hanya admin dan koordinator yang dapat menetapkan run terkini.")
    try:
        accept_run(store, region_slug, stage, run_id, account.name)
    except AcceptanceError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
