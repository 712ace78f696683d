"""Artifacts every run leaves in the Prefect UI. Keys: lowercase letters, digits and dashes; each has a description."""

from __future__ import annotations

import re

from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)

from bimtek.analysis.summary import (
    figures_display,
    file_status_rows,
    overall_summary_markdown,
    run_summary_markdown,
    table_rows,
)
from bimtek.books.feedback import OVERVIEW_COLUMNS
from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.stages.output import StageOutput


def artifact_key(*parts: object) -> str:
    """Join parts into a valid artifact key (lowercase, digits, dashes)."""
    key = "-".join(str(p) for p in parts).lower()
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", key)).strip("-")


def _file_status_table(region: Region, stage: int, report: ValidationReport, kind: str = "tahap") -> None:
    """The per-file status table every run shows (validation-only runs under their own `validasi` keys)."""
    create_table_artifact(
        table=file_status_rows(report),
        key=artifact_key(region.slug, kind, stage, "status-berkas"),
        description=f"Status setiap berkas OPD Tahap {stage} - {region.name}",
    )


def publish_validation_artifacts(region: Region, stage: int, report: ValidationReport) -> None:
    """Per-file status table, then the summary Markdown (created last: the UI lists the newest first).

    Keys `<region>-validasi-tahap-<N>-...`, apart from the stage runs' `<region>-tahap-<N>-...`, so the daily
    inbox validation never replaces what the last stage run published.
    """
    _file_status_table(region, stage, report, kind="validasi-tahap")
    create_markdown_artifact(
        markdown=run_summary_markdown(region, stage, report),
        key=artifact_key(region.slug, "validasi-tahap", stage, "ringkasan"),
        description=f"Ringkasan validasi berkas OPD Tahap {stage} - {region.name}",
    )


def publish_stage_artifacts(
    region: Region,
    stage: int,
    report: ValidationReport,
    output: StageOutput,
    links: list[tuple[str, str]],
) -> None:
    """Links to the stored deliverables, per-dimension figures, per-OPD and per-file status, then the run summary.

    The summary is created last so the Prefect UI, which lists a run's artifacts newest first, shows it first.
    """
    for label, url in links:
        create_link_artifact(
            link=url,
            link_text=label,
            key=artifact_key(region.slug, "tahap", stage, "tautan", label),
            description=f"{label} - Tahap {stage} {region.name}",
        )
    if output.figures is not None:
        create_table_artifact(
            table=table_rows(figures_display(output.figures)),
            key=artifact_key(region.slug, "tahap", stage, "per-dimensi"),
            description=f"Angka per dimensi Tahap {stage} - {region.name}",
        )
    _file_status_table(region, stage, report)
    if output.submissions is not None:
        create_table_artifact(
            table=table_rows(output.submissions.rename(columns=OVERVIEW_COLUMNS)),
            key=artifact_key(region.slug, "tahap", stage, "status-opd"),
            description=f"Pengiriman per OPD (berkas, baris valid/ditolak, belum mengirim) Tahap {stage} - {region.name}",
        )
    create_markdown_artifact(
        markdown=run_summary_markdown(region, stage, report, output.figures, links, output.notes),
        key=artifact_key(region.slug, "tahap", stage, "ringkasan"),
        description=f"Ringkasan run Tahap {stage} - {region.name}",
    )


def publish_overall_artifact(region: Region, results: dict[str, dict]) -> None:
    """The whole-process summary of `bimtek-all`: each stage's run and rows, linked to the portal."""
    from bimtek.core.settings import get_settings

    create_markdown_artifact(
        markdown=overall_summary_markdown(region, results, get_settings().portal_url),
        key=artifact_key(region.slug, "bimtek-all", "ringkasan"),
        description=f"Ringkasan Tahap I-IV - {region.name}",
    )
