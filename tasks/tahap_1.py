"""Prefect task around the Tahap I builder (a pure domain function in bimtek/stages/tahap_1.py)."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.stages.output import StageOutput
from bimtek.validation import SheetResult


@task(name="draft-tahap-1", cache_policy=NO_CACHE)
def draft_tahap_1(region: Region, results: list[SheetResult], report: ValidationReport) -> StageOutput:
    """Readiness, SWOT, vision keywords, the idea long list and the Buku 1 draft from the valid rows."""
    from bimtek.stages.tahap_1 import build_tahap_1

    return build_tahap_1(region, results, report)
