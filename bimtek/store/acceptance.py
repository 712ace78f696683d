"""Which run is "terkini": a run over the rejection threshold waits for a coordinator before it becomes current.

A stage's current run is the one its latest.json names (bimtek.store.package): the portal marks it "terkini", the
next stage reads it, the national roll-up counts it. A run whose share of rejected rows is above
BIMTEK_REJECT_ALERT_SHARE ends "Perlu perbaikan"; such a run is still published (its folder, manifest and bundle
exist, so the coordinator can read its feedback letters), but unless BIMTEK_ACCEPT_NEEDS_FIX is set its manifest
says `terkini: "menunggu persetujuan"` and latest.json stays on the earlier run. `accept_run` (portal button
"Jadikan terkini", CLI `bimtek terima`) then moves latest.json to it and records who accepted it and when.

`needs_fix` is the one rule for "too many rows rejected": the flow outcome, the publishing task and the portal all
call it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bimtek.core.paths import REPORT_KEY
from bimtek.store.package import (
    BUNDLE_NAME,
    LATEST_NAME,
    StageKey,
    latest_record,
    published_run_ids,
    read_latest,
    read_manifest,
    run_prefix,
    sha256_bytes,
    stage_prefix,
    to_json_bytes,
    validate_region_slug,
    validate_run_id,
)
from bimtek.store.storage import Location, StorageError

AWAITING = "menunggu persetujuan"
"""Manifest `terkini` value of a run published without becoming current."""


class AcceptanceError(ValueError):
    """A run that cannot be made current (not published, or the store refused); the message is Indonesian."""


def needs_fix(rows_total: int, rows_rejected: int, threshold: float) -> bool:
    """True when more than `threshold` of the rows were rejected (the run ends "Perlu perbaikan")."""
    return rows_total > 0 and rows_rejected / rows_total > threshold


def report_needs_fix(outputs: dict[str, bytes], threshold: float) -> bool:
    """`needs_fix` from the validation report among a run's outputs (False when the run has no report)."""
    raw = outputs.get(REPORT_KEY)
    if raw is None:
        return False
    try:
        report = json.loads(raw)
        return needs_fix(int(report.get("rows_total", 0)), int(report.get("rows_rejected", 0)), threshold)
    except (ValueError, TypeError, AttributeError):
        return False


def awaits_acceptance(store: Location, region_slug: str, stage: StageKey, run_id: str) -> bool:
    """True when the run was published without becoming current and is still not current."""
    try:
        manifest = read_manifest(store, region_slug, stage, run_id)
    except StorageError:
        return False
    return manifest.get("terkini") == AWAITING


def waiting_runs(store: Location, region_slug: str, stage: StageKey) -> list[str]:
    """Published runs of a stage that wait for acceptance and are not current, newest id first."""
    latest = read_latest(store, region_slug, stage)
    current = latest["run_id"] if latest else None
    return [
        run_id
        for run_id in published_run_ids(store, region_slug, stage)
        if run_id != current and awaits_acceptance(store, region_slug, stage, run_id)
    ]


def accept_run(store: Location, region_slug: str, stage: StageKey, run_id: str, accepted_by: str) -> dict:
    """Make a published run the stage's current run (latest.json); return the record written.

    The record is the one publishing writes (bundle sha256 computed from the stored bundle), plus `diterima_oleh`
    and `diterima_pada`. Raises AcceptanceError when the region or run id is no safe name or the run is not
    published.
    """
    try:
        validate_run_id(run_id)
    except ValueError:
        raise AcceptanceError(f"ID run '{run_id}' tidak sah: gunakan ID run seperti yang tertulis di portal.") from None
    try:
        validate_region_slug(region_slug)
    except ValueError:
        raise AcceptanceError(
            f"Region '{region_slug}' tidak sah: gunakan slug region (mis. padang-pariaman)."
        ) from None
    try:
        manifest = read_manifest(store, region_slug, stage, run_id)
        bundle = store.child(run_prefix(region_slug, stage, run_id)).read_bytes(BUNDLE_NAME)
    except StorageError as exc:
        raise AcceptanceError(
            f"Run {run_id} tidak dapat dijadikan terkini: run itu belum terbit lengkap di store ({exc})."
        ) from exc
    record = {
        **latest_record(run_id, manifest, sha256_bytes(bundle)),
        "diterima_oleh": accepted_by,
        "diterima_pada": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    store.child(stage_prefix(region_slug, stage)).write_bytes(LATEST_NAME, to_json_bytes(record))
    return record
