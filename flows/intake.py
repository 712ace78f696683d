"""Wiring shared by every stage: list the inputs, ingest and validate each file as its own task run."""

from __future__ import annotations

from dataclasses import dataclass

from prefect.artifacts import create_progress_artifact, update_progress_artifact

from bimtek.ingest import EmptyInboxError
from bimtek.model import Sheet
from bimtek.region import Region
from bimtek.validation import SheetResult, mark_duplicates
from tasks.intake import ingest_file, list_input_files, validate_datasets


@dataclass
class Intake:
    results: list[SheetResult]
    inputs: list[dict]
    """Manifest entries (path, sha256, bytes) of every input file."""


def run_intake(inputs: str, region: Region, stage: int, datasets: list[str]) -> Intake:
    """Ingest files concurrently, validate all their tables in one task (one suite run per dataset), then the
    cross-file rules."""
    keys = list_input_files(inputs)
    if not keys:
        raise EmptyInboxError(inputs)
    progress_id = create_progress_artifact(
        progress=0.0,
        key=f"{region.slug}-tahap-{stage}-progres",
        description=f"Progres pemeriksaan berkas OPD Tahap {stage} ({region.name})",
    )
    futures = [ingest_file.submit(inputs, key, datasets) for key in keys]
    sheets: list[Sheet] = []
    entries: list[dict] = []
    for done, future in enumerate(futures, start=1):
        file_sheets, entry = future.result()
        sheets.extend(file_sheets)
        entries.append(entry)
        update_progress_artifact(progress_id, progress=100.0 * done / max(len(keys), 1))
    return Intake(results=mark_duplicates(validate_datasets(sheets, region)), inputs=entries)
