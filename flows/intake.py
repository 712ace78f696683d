"""Wiring shared by every stage: list the inputs, ingest and validate each file as its own task run."""

from __future__ import annotations

from dataclasses import dataclass

from prefect.artifacts import create_progress_artifact, update_progress_artifact

from bimtek.core.region import Region
from bimtek.ingest.reader import EmptyInboxError
from bimtek.validation import SheetResult, mark_duplicates
from tasks.intake import ingest_file, list_input_files, validate_file


@dataclass
class Intake:
    results: list[SheetResult]
    inputs: list[dict]
    """Manifest entries (path, sha256, bytes) of every input file."""


def run_intake(inputs: str, region: Region, stage: int, datasets: list[str]) -> Intake:
    """Ingest files concurrently, validate them one by one, then apply the cross-file rules."""
    keys = list_input_files(inputs)
    if not keys:
        raise EmptyInboxError(inputs)
    progress_id = create_progress_artifact(
        progress=0.0,
        key=f"{region.slug}-tahap-{stage}-progres",
        description=f"Progres pemeriksaan berkas OPD Tahap {stage} ({region.name})",
    )
    futures = [ingest_file.submit(inputs, key, datasets) for key in keys]
    results: list[SheetResult] = []
    entries: list[dict] = []
    for done, (key, future) in enumerate(zip(keys, futures), start=1):
        sheets, entry = future.result()
        entries.append(entry)
        results.extend(validate_file(key, sheets, region))
        update_progress_artifact(progress_id, progress=100.0 * done / max(len(keys), 1))
    return Intake(results=mark_duplicates(results), inputs=entries)
