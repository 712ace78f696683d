"""Prefect tasks adding the documents every stage delivers: PDF/DOCX of each book, and feedback to the OPD."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.books.feedback import letter_date, letter_recipients
from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.stages.deliverables import document_formats, feedback_files
from bimtek.stages.output import StageOutput
from bimtek.store.cockpit import SUMMARY_KEY, submission_part


@task(name="render-documents", task_run_name="render-documents-tahap-{stage}", cache_policy=NO_CACHE)
def render_documents(
    output: StageOutput,
    region: Region,
    stage: int,
    report: ValidationReport,
    results: list,
    store: str = "",
    semester: str = "",
) -> StageOutput:
    """The stage's drafts plus feedback files and, per settings, PDF/DOCX of every HTML book. With a `store`, the
    letters get numbers unique per region and year claimed there (`claim_letter_numbers`). `semester`: the monev
    semester of a stage-5 run (its letters are dated from the monev calendar)."""
    files = dict(output.files)
    numbers = claim_letter_numbers(store, region, stage, report, results, semester) if store else None
    feedback, submissions = feedback_files(report, results, region, stage, numbers, semester or None)
    files.update(feedback)
    files[SUMMARY_KEY] = submission_part(report.rows_total, report.rows_rejected, _status_counts(submissions))
    files.update(document_formats(files, region, stage, get_settings().formats))
    return replace(output, files=files, submissions=submissions)


def claim_letter_numbers(
    store: str, region: Region, stage: int, report: ValidationReport, results: list, semester: str = ""
) -> list[int] | None:
    """Numbers for this run's letters, claimed in the store for the region and the letters' year
    (bimtek.store.letter_numbers); None when the letters have no date (they are then marked DRAFT)."""
    from bimtek.store.letter_numbers import reserve_letter_numbers
    from bimtek.store.storage import open_location

    when = letter_date(region, stage, semester or None)
    if when is None:
        return None
    count = len(letter_recipients(report, results, region))
    return reserve_letter_numbers(open_location(store), region.slug, when.year, count, stage=stage)


def letter_number_source(store: str, region: Region, stage: int) -> Callable[[int, int], list[int]] | None:
    """A function (year, count) -> letter numbers claimed in `store` for the region (bimtek.store.letter_numbers),
    for letters a builder writes itself (the monev letters); None without a store (numbered within the run)."""
    if not store:
        return None
    from bimtek.store.letter_numbers import reserve_letter_numbers
    from bimtek.store.storage import open_location

    def reserve(year: int, count: int) -> list[int]:
        return reserve_letter_numbers(open_location(store), region.slug, year, count, stage=stage)

    return reserve


def _status_counts(submissions) -> dict[str, int]:
    """OPD per submission status (lengkap, perlu perbaikan, belum mengirim) of the listed OPD, for the cockpit."""
    if submissions is None or submissions.empty:
        return {}
    listed = submissions[submissions["terdaftar"]] if "terdaftar" in submissions else submissions
    return {str(status): int(count) for status, count in listed["status"].value_counts().items()}
