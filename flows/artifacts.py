"""Artifacts every run leaves in the Prefect UI. Keys: lowercase letters, digits and dashes; each has a description."""

from __future__ import annotations

import re

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from bimtek.analysis.summary import file_status_rows, run_summary_markdown, table_rows
from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.stages.output import StageOutput


def artifact_key(*parts: object) -> str:
    """Join parts into a valid artifact key (lowercase, digits, dashes)."""
    key = "-".join(str(p) for p in parts).lower()
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", key)).strip("-")


def _file_status_table(region: Region, stage: int, report: ValidationReport) -> None:
    """The per-file status table every run shows (validation-only runs and stage runs alike)."""
    create_table_artifact(
        table=file_status_rows(report),
        key=artifact_key(region.slug, "tahap", stage, "status-berkas"),
        description=f"Status setiap berkas OPD Tahap {stage} - {region.name}",
    )


def publish_validation_artifacts(region: Region, stage: int, report: ValidationReport) -> None:
    """Summary Markdown and the per-file status table of a validation run."""
    create_markdown_artifact(
        markdown=run_summary_markdown(region, stage, report),
        key=artifact_key(region.slug, "tahap", stage, "validasi"),
        description=f"Ringkasan validasi berkas OPD Tahap {stage} - {region.name}",
    )
    _file_status_table(region, stage, report)


def publish_stage_artifacts(
    region: Region,
    stage: int,
    report: ValidationReport,
    output: StageOutput,
    links: list[tuple[str, str]],
) -> None:
    """Run summary, per-file and per-OPD status, per-dimension figures and links to the stored deliverables."""
    create_markdown_artifact(
        markdown=run_summary_markdown(region, stage, report, output.figures, links, output.notes),
        key=artifact_key(region.slug, "tahap", stage, "ringkasan"),
        description=f"Ringkasan run Tahap {stage} - {region.name}",
    )
    _file_status_table(region, stage, report)
    if output.submissions is not None:
        create_table_artifact(
            table=table_rows(output.submissions),
            key=artifact_key(region.slug, "tahap", stage, "status-opd"),
            description=f"Pengiriman per OPD (berkas, baris valid/ditolak, belum mengirim) Tahap {stage} - {region.name}",
        )
    if output.figures is not None:
        create_table_artifact(
            table=table_rows(output.figures),
            key=artifact_key(region.slug, "tahap", stage, "per-dimensi"),
            description=f"Angka per dimensi Tahap {stage} - {region.name}",
        )
    for label, url in links:
        create_link_artifact(
            link=url,
            link_text=label,
            key=artifact_key(region.slug, "tahap", stage, "tautan", label),
            description=f"{label} - Tahap {stage} {region.name}",
        )
