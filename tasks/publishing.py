"""Prefect task that publishes a stage's deliverables to the store (retried: storage I/O can fail transiently)."""

from __future__ import annotations

import datetime as dt

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.core.settings import get_settings
from bimtek.store.package import RunExistsError, code_version, new_run_id, publish_run
from bimtek.store.storage import open_location
from tasks.retry import retry_unless


@task(name="publish-run", retries=3, retry_delay_seconds=[2, 10, 30], retry_condition_fn=retry_unless(RunExistsError),
      cache_policy=NO_CACHE)
def publish_outputs(
    store: str,
    region_slug: str,
    stage: int,
    run_id: str | None,
    outputs: dict[str, bytes],
    inputs: list[dict],
    extra: dict | None = None,
    highlights: list[tuple[str, str]] | None = None,
) -> dict:
    """Write the run folder, bundle and manifest, then latest.json; return where it went.

    `links` holds (label, URL) of the `highlights` (label, key): presigned links with the configured expiry on S3,
    file:// URIs in a local store.

    An existing run id is refused (a user-given --run-id never replaces a published run), except on a retry of
    this task, which must be able to finish the folder its failed attempt started.
    """
    from prefect.runtime import task_run

    created_at = dt.datetime.now(dt.timezone.utc)
    run_id = run_id or new_run_id(created_at)
    location = open_location(store)
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
        overwrite=task_run.run_count > 1,
    )
    run_prefix = f"{region_slug}/tahap-{stage}/{run_id}"
    expires = get_settings().presign_expiry_seconds
    return {
        "links": [(label, location.presigned_url(f"{run_prefix}/{key}", expires)) for label, key in highlights or []],
        "run_id": run_id,
        "run_url": location.describe(f"{region_slug}/tahap-{stage}/{run_id}"),
        "manifest_url": location.describe(f"{region_slug}/tahap-{stage}/{run_id}/manifest.json"),
        "published": published,
    }
