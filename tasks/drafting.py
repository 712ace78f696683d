"""Prefect tasks around the stage builders (pure domain functions in bimtek/stages)."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.stages.output import StageOutput
from bimtek.validation import SheetResult


@task(name="draft-tahap-3", cache_policy=NO_CACHE)
def draft_tahap_3(
    region: Region,
    results: list[SheetResult],
    report: ValidationReport,
    baseline_csv: bytes | None = None,
    tahap_1: dict[str, bytes] | None = None,
) -> StageOutput:
    """Aggregate, score, build the roadmap and draft Buku 2 from the valid rows, on top of Tahap II's published
    program list (`program/daftar_program.csv` bytes) when there is one; Tahap I's analysis tables (key -> bytes)
    feed Buku 2's summary of the analysis."""
    from bimtek.analysis.mapping import read_program_list
    from bimtek.stages.tahap_2 import read_figures
    from bimtek.stages.tahap_3 import build_tahap_3

    baseline = read_program_list(baseline_csv) if baseline_csv is not None else None
    return build_tahap_3(region, results, report, get_settings(), baseline=baseline, analysis=read_figures(tahap_1))
