"""Wiring shared by every stage: list the inputs, ingest each file as its own task run, validate the run in one."""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect.artifacts import create_progress_artifact, update_progress_artifact

from bimtek.core.model import Sheet
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.ingest.reader import EmptyInboxError, within_stage_budget
from bimtek.store.package import code_version
from bimtek.validation import SheetResult, mark_duplicates
from tasks.cache import cache_location, cached, content_key, rules_key
from tasks.intake import ingest_file, list_input_files
from tasks.validating import fingerprint_inputs, validate_datasets, verdict_key


@dataclass
class Intake:
    results: list[SheetResult]
    inputs: list[dict]
    """Manifest entries (path, sha256, bytes) of every input file."""
    validated: list[str] = field(default_factory=list)
    """Files validated in this run; the others' verdicts were reused from the cache (`reused`)."""
    reused: list[str] = field(default_factory=list)


def run_intake(inputs: str, region: Region, stage: int, datasets: list[str], store: str | None = None) -> Intake:
    """Ingest files concurrently, validate all their tables in one task (one suite run per dataset), then the
    cross-file rules. With a store (and caching on) unchanged files are neither parsed nor validated again."""
    keys = list_input_files(inputs)
    if not keys:
        raise EmptyInboxError(inputs)
    progress_id = create_progress_artifact(
        progress=0.0,
        key=f"{region.slug}-tahap-{stage}-progres",
        description=f"Progres pemeriksaan berkas OPD Tahap {stage} ({region.name})",
    )
    cache = cache_location(store)
    digests = fingerprint_inputs(inputs, keys) if cache else {}
    rules = rules_key(region, datasets) if cache else ""
    settings = get_settings().model_dump(mode="json") if cache else None
    futures = [
        cached(
            ingest_file,
            cache if key in digests else None,
            content_key("ingest", key, digests.get(key), datasets, settings, code_version()),
        ).submit(inputs, key, datasets)
        for key in keys
    ]
    per_file: list[list[Sheet]] = []
    entries: list[dict] = []
    for done, future in enumerate(futures, start=1):
        file_sheets, entry = future.result()
        per_file.append(file_sheets)
        entries.append(entry)
        update_progress_artifact(progress_id, progress=100.0 * done / max(len(keys), 1))
    sheets = [sheet for file_sheets in within_stage_budget(per_file) for sheet in file_sheets]
    del per_file, futures  # the refused files' frames go now, not at the end of the flow
    file_keys = {key: verdict_key(key, digest, rules) for key, digest in digests.items()}
    verdicts = validate_datasets(sheets, region, cache, file_keys)
    return Intake(
        results=mark_duplicates(verdicts.results), inputs=entries, validated=verdicts.validated, reused=verdicts.reused
    )
