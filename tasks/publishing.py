"""Prefect tasks that archive a run's raw inputs and publish its deliverables to the store (retried: storage I/O
can fail transiently; a retry reuses the run id and claim token chosen once per flow run by `choose_run`)."""

from __future__ import annotations

import datetime as dt
import uuid

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.core.settings import get_settings
from bimtek.store.acceptance import AWAITING, report_needs_fix
from bimtek.store.archive import archive_inputs
from bimtek.store.cockpit import SUMMARY_KEY, run_file_summary, run_summary, write_pointer
from bimtek.store.package import (
    RunExistsError,
    StageKey,
    code_version,
    new_run_id,
    publish_run,
    run_prefix,
    stage_folder,
    to_json_bytes,
    validate_run_id,
)
from bimtek.store.storage import open_location, portal_file_url
from tasks.retry import retry_unless
from tasks.termination import ensure_running, watch_for_termination


def choose_run(run_id: str | None) -> tuple[str, str]:
    """The run id (the given one, else the current UTC second) and the claim token of this flow run.

    Called once in the flow body, before the retried publish task, so every attempt writes the same folder under
    the same claim. The token is the Prefect flow run id (also the same on a flow retry); a fresh one outside Prefect.
    Also starts watching for SIGTERM (tasks.termination), from the flow body's main thread.
    """
    from prefect.runtime import flow_run

    watch_for_termination()
    chosen = validate_run_id(run_id) if run_id else new_run_id()
    return chosen, str(flow_run.id or uuid.uuid4().hex)


@task(name="archive-inputs", retries=3, retry_delay_seconds=[1, 5, 15], cache_policy=NO_CACHE)
def archive_run_inputs(store: str, region_slug: str, inputs: str, entries: list[dict]) -> list[dict]:
    """Copy every input file to `<store>/<region>/arsip-masukan/<sha256>`; the entries come back with `archive`."""
    return archive_inputs(open_location(store), region_slug, open_location(inputs), entries)


@task(
    name="publish-run",
    retries=3,
    retry_delay_seconds=[2, 10, 30],
    retry_condition_fn=retry_unless(RunExistsError),
    cache_policy=NO_CACHE,
)
def publish_outputs(
    store: str,
    region_slug: str,
    stage: StageKey,
    run: tuple[str, str],
    outputs: dict[str, bytes],
    inputs: list[dict],
    extra: dict | None = None,
    highlights: list[tuple[str, str]] | None = None,
    region_codes: dict | None = None,
) -> dict:
    """Claim the run folder, write it, verify it, then move latest.json; return where it went.

    `region_codes`: the region's Kemendagri and BPS codes (`RegionCodes.record()`), written into manifest.json as
    `kode_wilayah` so published data names its region in both systems (issue 25).

    `stage` is a stage number (folder `tahap-<N>`) or a stage path such as `monev/2027-S1`.
    `run` is (run id, claim token) from `choose_run`. `links` holds (label, URL) of the `highlights`
    (label, key): portal links (BIMTEK_PORTAL_URL/berkas/...) whatever the store, so every file (report.json, the
    bundle with quarantine.csv) opens only after a coordinator's login; on S3 the portal then redirects to a
    presigned link of minutes. An artifact never carries a presigned link (it would outlive its use or leak data).

    A run id published or being published by another writer is refused (`RunExistsError`, not retried); a retry
    of this task holds the same claim token, so it finishes the folder its failed attempt started. After a SIGTERM
    nothing is written (tasks.termination.RunTerminated).

    A run over the rejection threshold is published without becoming current unless BIMTEK_ACCEPT_NEEDS_FIX
    (bimtek.store.acceptance); the result's `terkini` says which.
    """
    run_id, token = run
    ensure_running()
    if region_codes:
        extra = {**(extra or {}), "kode_wilayah": region_codes}
    location = open_location(store)
    settings = get_settings()
    current = settings.accept_needs_fix or not report_needs_fix(outputs, settings.reject_alert_share)
    if not current:
        extra = {**(extra or {}), "terkini": AWAITING}
    created_at = dt.datetime.now(dt.UTC)
    summary = None
    if SUMMARY_KEY in outputs:  # a stage run (not the national roll-up): its cockpit summary, completed here
        stamp = created_at.isoformat(timespec="seconds")
        summary = run_summary(outputs, stage_folder(stage), run_id, stamp, extra, current)
        outputs = {**outputs, SUMMARY_KEY: to_json_bytes(run_file_summary(summary))}
    published = publish_run(
        location,
        region_slug,
        stage,
        run_id,
        outputs,
        inputs,
        created_at,
        code_version(),
        extra=extra,
        claim_token=token,
        move_latest=current,
    )
    if summary is not None:
        write_pointer(location, region_slug, summary)
    folder = run_prefix(region_slug, stage, run_id)
    portal = get_settings().portal_url
    return {
        "links": [(label, portal_file_url(portal, f"{folder}/{key}")) for label, key in highlights or []],
        "run_id": run_id,
        "run_url": location.describe(folder),
        "manifest_url": location.describe(f"{folder}/manifest.json"),
        "published": published,
        "terkini": current,
    }
