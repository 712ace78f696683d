"""Prefect tasks of Tahap IV: read the earlier stages' files it needs, and draft the final deliverables."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.stages.tahap_4 import PREVIOUS, PreviousFiles, Tahap4Output
from bimtek.validation import SheetResult
from tasks.previous import load_previous_files

STAGE = 4


def load_tahap_4_previous(store: str, region_slug: str) -> PreviousFiles:
    """Every file of bimtek.stages.tahap_4.PREVIOUS in one load-previous-stages task run: each earlier stage's
    latest.json read once, required files first, so a missing Tahap III stops the flow with MissingStageError
    before anything else is read."""
    files, runs = load_previous_files(store, region_slug, tuple(PREVIOUS), needed_by=STAGE)
    return PreviousFiles(files=files, runs=runs)


@task(name="draft-tahap-4", cache_policy=NO_CACHE)
def draft_tahap_4(region: Region, results: list[SheetResult], previous: PreviousFiles) -> Tahap4Output:
    """Check the final quick wins against the roadmap, then draft the books, sheets, Perbup and rakor pack."""
    from bimtek.stages.tahap_4 import build_tahap_4
    from tasks.validating import region_nomenclature

    return build_tahap_4(region, results, get_settings(), previous, region_nomenclature(region))
