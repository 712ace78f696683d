"""Prefect tasks of the national roll-up: find a cohort's regions, summarise one region, draft the summary."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from bimtek.analysis.national import RegionFigures, published_figures, region_figures
from bimtek.core.columns import STAGE_DATASETS, datasets_for_stage
from bimtek.core.paths import REPORT_KEY
from bimtek.core.region import Region, load_region, parse_region
from bimtek.core.settings import get_settings
from bimtek.ingest.reader import read_table, refused_file
from bimtek.stages.deliverables import document_formats
from bimtek.stages.nasional import build_nasional
from bimtek.stages.output import StageOutput
from bimtek.store.package import file_entry, load_published_file, read_latest
from bimtek.store.storage import (
    InputRefusedError,
    LocationNotFoundError,
    ObjectNotFoundError,
    StorageError,
    open_location,
)
from bimtek.validation import mark_duplicates, validate_sheets

REGION_FILE = "region.yaml"
INPUTS_FOLDER = "inputs"
ROADMAP_KEY = "roadmap/roadmap.csv"
COMMITMENTS_KEY = "komitmen/status_komitmen.csv"


@task(name="list-cohort", cache_policy=NO_CACHE)
def list_cohort(cohort: str) -> list[dict]:
    """Every region of a cohort folder: `<cohort>/<slug>/region.yaml` with its `inputs/` (slug order), plus the
    manifest entry of the region file."""
    regions = []
    for path in sorted(Path(cohort).glob(f"*/{REGION_FILE}")):
        regions.append(
            {
                "region": str(path),
                "inputs": str(path.parent / INPUTS_FOLDER),
                "entry": file_entry(f"{path.parent.name}/{REGION_FILE}", path.read_bytes()),
            }
        )
    return regions


@task(name="summarise-region", task_run_name="summarise-{region_file}", cache_policy=NO_CACHE)
def summarise_region(region_file: str, inputs_root: str) -> RegionFigures:
    """Read and validate every stage inbox of one region (`<inputs_root>/tahap-N`), then its figures."""
    region = load_region(region_file)
    results_by_stage = {}
    for stage in STAGE_DATASETS:
        location = open_location(f"{inputs_root.rstrip('/')}/tahap-{stage}")
        try:
            keys = location.list(None)
        except LocationNotFoundError:
            continue
        datasets = datasets_for_stage(stage)
        sheets = [sheet for key in keys for sheet in _read(location, key, datasets)]
        if sheets:
            results_by_stage[stage] = mark_duplicates(validate_sheets(sheets, region))
    return region_figures(region, results_by_stage, get_settings())


@task(name="read-published-regions", task_run_name="published-{region_files[0]}-{count}", cache_policy=NO_CACHE)
def read_published_regions(region_files: list[str], store: str, count: int) -> list[RegionFigures | None]:
    """`read_published_region` for a batch of `count` regions in one task run: reading a region's published
    files takes milliseconds, so one task run (and its state traffic to the API) per region would cost more than
    the work (docs/performance.md, 514 regions)."""
    return [read_published_region(region_file, store) for region_file in region_files]


def read_published_region(region_file: str, store: str) -> RegionFigures | None:
    """Figures of one region from its latest published runs in `store` (latest.json -> run manifest ->
    validation/report.json of every published stage, roadmap/roadmap.csv of Tahap III,
    komitmen/status_komitmen.csv of Tahap IV, each checked against the manifest's sha256).

    None when no stage of the region was ever published, or when a published file is missing or fails its
    integrity check (IntegrityError, logged): the flow then computes the region from its inputs.
    """
    region = load_region(region_file)
    location = open_location(store)
    runs = {
        stage: latest["run_id"]
        for stage in STAGE_DATASETS
        if (latest := read_latest(location, region.slug, stage)) is not None
    }
    if not runs:
        return None

    def published(stage: int, key: str) -> bytes:
        return load_published_file(location, region.slug, stage, key, run_id=runs[stage])

    try:
        reports = {stage: json.loads(published(stage, REPORT_KEY)) for stage in runs}
        roadmap = pd.read_csv(io.BytesIO(published(3, ROADMAP_KEY))) if 3 in runs else None
        status = (
            pd.read_csv(io.BytesIO(published(4, COMMITMENTS_KEY)), dtype={"status": str}, keep_default_na=False)
            if 4 in runs
            else None
        )
    except StorageError as exc:  # IntegrityError, ObjectNotFoundError, a key missing from the manifest
        get_run_logger().warning(
            "Hasil terbit %s tidak dapat dipakai (%s); dihitung ulang dari berkas masukan.", region.slug, exc
        )
        return None
    return published_figures(region, reports, roadmap, status)


def _read(location, key: str, datasets: list[str]) -> list:
    """The Sheets of one input file; a file refused by the byte limit or gone becomes an "unreadable" Sheet."""
    limits = get_settings()
    try:
        data = location.read_input(key, max_bytes=limits.max_file_bytes)
    except InputRefusedError as exc:
        return [refused_file(key, exc.reason, exc.size, limits)]
    except ObjectNotFoundError:
        return [refused_file(key, "vanished")]
    return read_table(key, data, datasets, limits)


@task(name="draft-nasional", cache_policy=NO_CACHE)
def draft_nasional(figures: list[RegionFigures]) -> StageOutput:
    """Tables, workbook, chart and document of the national summary, plus PDF/DOCX per settings."""
    output = build_nasional(figures, get_settings().national_max_region_rows)
    output.files.update(document_formats(output.files, national_region(figures), 4, get_settings().formats))
    return output


def national_region(figures: list[RegionFigures]) -> Region:
    """A Region standing for the whole cohort (cover and page headers of the national document)."""
    return parse_region(
        {
            "slug": "nasional",
            "name": "Nasional",
            "province": "Indonesia",
            "period": {"start": 2027, "end": 2036},
            "synthetic": any(f.synthetic for f in figures),
        }
    )


@task(name="read-monev-indices", cache_policy=NO_CACHE)
def attach_monev(figures: list[RegionFigures], store: str) -> list[RegionFigures]:
    """Each region's published monev semesters (semester, index; tasks.monev.read_monev_history) added to its
    figures: one task run for the whole cohort."""
    from dataclasses import replace

    from bimtek.core.monev import Semester
    from tasks.monev import read_monev_history

    out = []
    for figure in figures:
        history = read_monev_history(store, figure.slug, Semester(9999, 2))
        pairs = [(str(s), float(i)) for s, i in zip(history["semester"], history["indeks"])]
        out.append(replace(figure, monev=pairs))
    return out
