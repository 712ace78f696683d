"""Prefect tasks of Tahap II: read what Tahap I published, then draft the Tahap II deliverables."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.stages.output import StageOutput
from bimtek.stages.previous import PreviousOutput
from bimtek.validation import SheetResult
from tasks.previous import load_previous_files

STAGE = 2
PREVIOUS = 1


def load_tahap_1(
    store: str, region_slug: str, keys: tuple[str, ...], needed_by: int = STAGE
) -> tuple[dict[str, bytes] | None, str | None]:
    """(key -> bytes of the Tahap I files found, Tahap I run id); (None, None) when Tahap I was never published.

    One load-previous-stages task run: every file from the one run Tahap I's latest.json names (all optional:
    Tahap II and III run without Tahap I).
    """
    needs = tuple(PreviousOutput(PREVIOUS, key, required=False) for key in keys)
    found, runs = load_previous_files(store, region_slug, needs, needed_by=needed_by)
    files = {key: data for (_, key), data in found.items() if data is not None}
    return (files or None), runs.get(PREVIOUS)


@task(name="draft-tahap-2", cache_policy=NO_CACHE)
def draft_tahap_2(
    region: Region, results: list[SheetResult], report: ValidationReport, tahap_1: dict[str, bytes] | None = None
) -> StageOutput:
    """Map the programs, compare with Tahap I, draft the quick-win plans and revise Buku 1."""
    from bimtek.stages.tahap_2 import build_tahap_2

    return build_tahap_2(region, results, report, get_settings(), tahap_1=tahap_1)
