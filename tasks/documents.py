"""Prefect tasks adding the documents every stage delivers: PDF/DOCX of each book, and feedback to the OPD."""

from __future__ import annotations

from dataclasses import replace

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.stages.deliverables import document_formats, feedback_files
from bimtek.stages.output import StageOutput


@task(name="render-documents", task_run_name="render-documents-tahap-{stage}", cache_policy=NO_CACHE)
def render_documents(
    output: StageOutput, region: Region, stage: int, report: ValidationReport, results: list
) -> StageOutput:
    """The stage's drafts plus feedback files and, per settings, PDF/DOCX of every HTML book."""
    files = dict(output.files)
    feedback, submissions = feedback_files(report, results, region, stage)
    files.update(feedback)
    files.update(document_formats(files, region, stage, get_settings().formats))
    return replace(output, files=files, submissions=submissions)
