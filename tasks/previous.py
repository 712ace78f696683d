"""Prefect task reading an earlier stage's published file (through latest.json and the run manifest)."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.stages.previous import MissingStageError
from bimtek.store.package import IntegrityError, load_published_file, read_latest
from bimtek.store.storage import ObjectNotFoundError, open_location
from tasks.retry import retry_unless


@task(name="load-previous-stage", task_run_name="load-tahap-{stage}-{key}", retries=3,
      retry_delay_seconds=[1, 5, 15], retry_condition_fn=retry_unless(MissingStageError, IntegrityError),
      cache_policy=NO_CACHE)
def load_previous(store: str, region_slug: str, stage: int, key: str, *, needed_by: int,
                  required: bool) -> tuple[bytes | None, str | None]:
    """(file bytes, run id) of `key` in the latest published run of `stage`; (None, None) when absent and optional.

    Raises MissingStageError when the stage was never published and the caller requires it.
    """
    location = open_location(store)
    latest = read_latest(location, region_slug, stage)
    if latest is None:
        if required:
            raise MissingStageError(needed_by, stage, region_slug, store, key)
        return None, None
    try:
        data = load_published_file(location, region_slug, stage, key, run_id=latest["run_id"])
        return data, latest["run_id"]
    except ObjectNotFoundError:
        if required:
            raise MissingStageError(needed_by, stage, region_slug, store, key) from None
        return None, None
