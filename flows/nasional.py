"""National roll-up of a cohort of regions, fanned out per region on Dask."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_table_artifact

from bimtek.analysis.summary import table_rows
from bimtek.core.settings import get_settings
from flows.runners import dask_task_runner
from tasks.national import attach_monev, draft_nasional, list_cohort, read_published_regions, summarise_region
from tasks.publishing import choose_run, publish_outputs

SLUG, STAGE = "nasional", 4
PUBLISHED_BATCH = 32
"""Regions read from the store per task run (a region's published files take milliseconds to read)."""


@flow(name="nasional", task_runner=dask_task_runner())
def nasional(
    cohort: str, store: str | None = None, run_id: str | None = None, books: bool = False, recompute: bool = False
) -> dict:
    """Regions of `cohort` (`<slug>/region.yaml` + `inputs/tahap-N`) -> one summary per region on Dask ->
    national tables, chart, document -> store (`<store>/nasional/tahap-4/<run-id>`).

    A region with published runs in `store` is read from them (latest run of every stage); only a region never
    published (or whose published files fail their integrity check) is computed from its inputs, every region when
    `recompute`. `books`: also run Tahap I-IV with books for every region as deployment runs on the work pool
    (flows/dispatch.py: each region's stages in order, `BIMTEK_NATIONAL_PARALLEL_REGIONS` regions at once); the
    summary is drafted once they have ended, so it reads what they published."""
    run = choose_run(run_id)
    store = store or get_settings().store
    regions = list_cohort(cohort)
    dispatched = dispatch_books(regions, store) if books else None
    stored = [None] * len(regions) if recompute else read_published(regions, store)
    computed = {
        i: summarise_region.submit(r["region"], r["inputs"]) for i, r in enumerate(regions) if stored[i] is None
    }
    figures = [stored[i] if i not in computed else computed[i].result() for i in range(len(regions))]
    figures = attach_monev(figures, store)
    output = draft_nasional(figures)
    result = publish_outputs(
        store, SLUG, STAGE, run, output.files, [r["entry"] for r in regions], highlights=output.highlights
    )
    create_table_artifact(
        key="nasional-per-daerah",
        table=table_rows(output.figures),
        description=f"Ringkasan nasional: {len(figures)} daerah (program, anggaran, komitmen)",
    )
    return {
        **result,
        "regions": len(figures),
        "from_store": len(regions) - len(computed),
        "programs": int(output.figures["program"].sum()),
        **({"dispatched": dispatched} if dispatched is not None else {}),
    }


def read_published(regions: list[dict], store: str) -> list:
    """Figures of every region from its published runs (None where it must be computed), `PUBLISHED_BATCH`
    regions per task run, the batches concurrently on the task runner."""
    files = [r["region"] for r in regions]
    batches = [files[i : i + PUBLISHED_BATCH] for i in range(0, len(files), PUBLISHED_BATCH)]
    futures = [read_published_regions.submit(batch, store, len(batch)) for batch in batches]
    return [figures for future in futures for figures in future.result()]


def dispatch_books(regions: list[dict], store: str) -> dict:
    """Tahap I-IV of every region as deployment runs (flows/dispatch.py); the run counts per final state."""
    from bimtek.core.region import load_region
    from flows.dispatch import dispatch_regions, summary

    chains = [{"slug": load_region(r["region"]).slug, "region": r["region"], "inputs": r["inputs"]} for r in regions]
    runs = dispatch_regions(chains, [1, 2, 3, 4], store, get_settings().national_parallel_regions)
    return summary(runs)["states"]
