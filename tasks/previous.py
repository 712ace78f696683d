"""Prefect tasks reading what earlier stages published: each stage's `latest.json` is resolved ONCE per flow run,
then every file is read from that one run and checked against its manifest (sha256 and size).

`load_previous_files` serves a stage that needs several files (Tahap II, Tahap IV): all of a stage's files then come
from the same run even if another run is published meanwhile. `load_previous` is the one-file form (Tahap III).
See docs/design.md, "Reading a previous stage".
"""

from __future__ import annotations

from collections.abc import Iterable

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.stages.previous import MissingStageError, PreviousOutput
from bimtek.store.acceptance import waiting_runs
from bimtek.store.package import IntegrityError, load_published_file, read_latest
from bimtek.store.storage import ObjectNotFoundError, open_location
from tasks.retry import retry_unless

PreviousFileMap = dict[tuple[int, str], bytes | None]
"""(stage, key) -> the file's bytes, None when absent (optional files only)."""


def read_previous_files(
    store: str, region_slug: str, needs: Iterable[PreviousOutput], *, needed_by: int
) -> tuple[PreviousFileMap, dict[int, str]]:
    """(files, run id per stage a file was read from) for `needs`, reading each stage's latest.json once.

    Required files are read first, so a missing required stage raises MissingStageError before anything else is
    read; an absent optional file (or stage) is None.
    """
    location = open_location(store)
    latest_runs: dict[int, str | None] = {}
    files: PreviousFileMap = {}
    runs: dict[int, str] = {}
    for item in sorted(needs, key=lambda need: not need.required):
        if item.stage not in latest_runs:
            latest = read_latest(location, region_slug, item.stage)
            latest_runs[item.stage] = latest["run_id"] if latest is not None else None
        run_id = latest_runs[item.stage]
        data = None
        if run_id is not None:
            try:
                data = load_published_file(location, region_slug, item.stage, item.key, run_id=run_id)
            except ObjectNotFoundError:
                data = None
        if data is None and item.required:
            waiting = tuple(waiting_runs(location, region_slug, item.stage)) if run_id is None else ()
            raise MissingStageError(needed_by, item.stage, region_slug, store, item.key, waiting)
        files[(item.stage, item.key)] = data
        if data is not None and run_id is not None:
            runs[item.stage] = run_id
    return files, runs


_RETRIES = dict(
    retries=3,
    retry_delay_seconds=[1, 5, 15],
    cache_policy=NO_CACHE,
    retry_condition_fn=retry_unless(MissingStageError, IntegrityError),
)


@task(name="load-previous-stages", **_RETRIES)
def load_previous_files(
    store: str, region_slug: str, needs: tuple[PreviousOutput, ...], *, needed_by: int
) -> tuple[PreviousFileMap, dict[int, str]]:
    """`read_previous_files` as one task run (retried on storage errors, never on a missing stage or a bad hash)."""
    return read_previous_files(store, region_slug, needs, needed_by=needed_by)


@task(name="load-previous-stage", task_run_name="load-tahap-{stage}-{key}", **_RETRIES)
def load_previous(
    store: str, region_slug: str, stage: int, key: str, *, needed_by: int, required: bool
) -> tuple[bytes | None, str | None]:
    """(file bytes, run id) of `key` in the latest published run of `stage`; (None, None) when absent and optional.

    Raises MissingStageError when the stage was never published and the caller requires it.
    """
    files, runs = read_previous_files(store, region_slug, (PreviousOutput(stage, key, required),), needed_by=needed_by)
    data = files[(stage, key)]
    return (data, runs[stage]) if data is not None else (None, None)
