"""Region stage runs dispatched to the work pool: many regions at once, each region one stage at a time.

The national flow (`nasional --books`) does not run stages inline. For every region it starts the stage
deployments (`tahap-N/tahap-N` of prefect.yaml) as separate flow runs with `run_deployment`, which a process
worker of the pool picks up, and awaits them. Limits, from the inside out:

- per region: a region's stages run in order, the next one only once the previous one is Completed (a failed or
  crashed stage, or a run the server refuses to create, e.g. a region the deployment does not list, stops that
  region's chain and is recorded FAILED with its reason; the other regions go on); the dispatcher also holds the global
  concurrency limit `daerah-<slug>` (1 slot) while a region's run is out, so two dispatchers never run the same
  region at once;
- globally: at most `BIMTEK_NATIONAL_PARALLEL_REGIONS` region runs out at once (one thread per region, and the
  global concurrency limit `bimtek-daerah-serentak` with that many slots, shared by every dispatcher on the
  server); the deployments' own `concurrency_limit` and the workers' `--limit` still apply on top.

Limits are created on the server when missing (`ensure_limits`). Every child run is tagged `daerah:<slug>`.
A run's times (`DispatchedRun`) are taken while its slots are held, so the runs' [submitted, ended] intervals
never overlap more than the global limit allows. Tested end to end in tests/test_dispatch.py.
"""

from __future__ import annotations

import contextvars
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

GLOBAL_LIMIT = "bimtek-daerah-serentak"


def region_limit(slug: str) -> str:
    return f"daerah-{slug}"


@dataclass
class DispatchedRun:
    """One child flow run as the dispatcher saw it (times in seconds since the dispatch started)."""

    region: str
    stage: int
    flow_run_id: str
    state: str
    submitted_s: float
    started_s: float | None
    ended_s: float
    message: str = ""
    """The final state's message (why a run failed)."""

    @property
    def queue_wait_s(self) -> float | None:
        return None if self.started_s is None else round(self.started_s - self.submitted_s, 3)


def ensure_limits(slugs: list[str], parallel: int) -> None:
    """Create the global limit (`parallel` slots) and one 1-slot limit per region when missing (a limit another
    dispatcher creates meanwhile is kept as it is)."""
    with get_client(sync_client=True) as client:
        for name, slots in [(GLOBAL_LIMIT, parallel), *((region_limit(s), 1) for s in slugs)]:
            try:
                client.read_global_concurrency_limit_by_name(name)
            except ObjectNotFound:
                try:
                    client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=slots))
                except ObjectAlreadyExists:
                    pass  # created by another dispatcher between the read and the create: use it


def dispatch_regions(
    regions: list[dict], stages: list[int], store: str, parallel: int, deployment: str = "tahap-{stage}/tahap-{stage}"
) -> list[DispatchedRun]:
    """Run `stages` of every region (`{"slug", "region", "inputs"}`; inputs = the folder holding `tahap-N`) as
    deployment runs, at most `parallel` regions at once; returns every child run, in region then stage order.
    A run names its region by slug, as the run form lists it (the region must be registered, BIMTEK_REGIONS)."""
    ensure_limits([r["slug"] for r in regions], parallel)
    started = time.monotonic()

    def chain(region: dict) -> list[DispatchedRun]:
        runs = []
        for stage in stages:
            with concurrency([GLOBAL_LIMIT, region_limit(region["slug"])], occupy=1, strict=True):
                submitted = time.monotonic() - started
                try:
                    run = run_deployment(
                        deployment.format(stage=stage),
                        parameters={
                            "region": region["slug"],
                            "inputs": f"{region['inputs'].rstrip('/')}/tahap-{stage}",
                            "store": store,
                        },
                        tags=[f"daerah:{region['slug']}", "nasional"],
                        timeout=None,
                        poll_interval=2,
                        as_subflow=True,
                    )
                except Exception as exc:  # noqa: BLE001 - the run was refused or lost: this region's chain ends
                    seen = _not_run(region["slug"], stage, exc, submitted, time.monotonic() - started)
                else:
                    # ended while the slots are still held: the next region's run is submitted after this time
                    seen = _seen(region["slug"], stage, run, submitted, time.monotonic() - started, started)
            runs.append(seen)
            if seen.state != "COMPLETED":
                break
        return runs

    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        futures = [pool.submit(contextvars.copy_context().run, chain, region) for region in regions]
        chains = [future.result() for future in futures]
    return [run for runs in chains for run in runs]


def _seen(slug: str, stage: int, run, submitted: float, ended: float, started: float) -> DispatchedRun:
    """The child run's outcome; its start time from the server (wall clock mapped to the dispatch clock)."""
    now_wall, now = time.time(), time.monotonic() - started
    start = run.start_time.timestamp() - now_wall + now if run.start_time else None
    state = run.state.type.value if run.state else "UNKNOWN"
    message = (run.state.message or "") if run.state else ""
    return DispatchedRun(
        slug, stage, str(run.id), state, round(submitted, 3), start and round(start, 3), round(ended, 3), message[:500]
    )


def _not_run(slug: str, stage: int, exc: Exception, submitted: float, ended: float) -> DispatchedRun:
    """A stage whose run could not be created or awaited (e.g. the server refused a region the deployment does
    not list): recorded as FAILED with the reason, so the other regions' chains and the summary go on."""
    message = f"Run tidak dapat dibuat atau ditunggu ({type(exc).__name__}): {exc}"
    return DispatchedRun(slug, stage, "", "FAILED", round(submitted, 3), None, round(ended, 3), message[:500])


def summary(runs: list[DispatchedRun]) -> dict:
    """Counts per final state, and the runs as dicts."""
    states: dict[str, int] = {}
    for run in runs:
        states[run.state] = states.get(run.state, 0) + 1
    return {"states": states, "runs": [asdict(r) | {"queue_wait_s": r.queue_wait_s} for r in runs]}
