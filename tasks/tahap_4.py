"""Prefect tasks of Tahap IV: read the earlier stages' files it needs, and draft the final deliverables."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.stages.tahap_4 import PREVIOUS, PreviousFiles, Tahap4Output
from bimtek.validation import SheetResult
from tasks.previous import load_previous

STAGE = 4


def load_tahap_4_previous(store: str, region_slug: str) -> PreviousFiles:
    """Every file of bimtek.stages.tahap_4.PREVIOUS (one load-previous task run each; required ones first, so a
    missing Tahap III stops the flow with MissingStageError before anything else is read)."""
    previous = PreviousFiles()
    for item in sorted(PREVIOUS, key=lambda p: not p.required):
        data, run_id = load_previous(store, region_slug, item.stage, item.key, needed_by=STAGE, required=item.required)
        previous.files[(item.stage, item.key)] = data
        if run_id is not None and data is not None:
            previous.runs[item.stage] = run_id
    return previous


@task(name="draft-tahap-4", cache_policy=NO_CACHE)
def draft_tahap_4(region: Region, results: list[SheetResult], previous: PreviousFiles) -> Tahap4Output:
    """Check the final quick wins against the roadmap, then draft the books, sheets, Perbup and rakor pack."""
    from bimtek.stages.tahap_4 import build_tahap_4

    return build_tahap_4(region, results, get_settings(), previous)
