"""Tahap III builder: from validated program rows to the roadmap, aggregates and Buku 2 (Masterplan) draft.

Baseline: when Tahap II was published, its program list (program/daftar_program.csv) is the starting point and the
Tahap III files update or extend it (bimtek.analysis.mapping.merge_baseline); otherwise the Tahap III files are the
whole program list. Either way the run notes (report.json `notes` and the run summary) say which. The report's row
counts are about the Tahap III files only.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from bimtek.analysis.aggregate import all_aggregates
from bimtek.analysis.mapping import merge_baseline
from bimtek.analysis.roadmap import build_roadmap, horizons
from bimtek.books.buku_2 import MarkdownText, buku_2_context, render_buku_2
from bimtek.charts.figures import all_charts, book_reference, chart_files, masterplan_charts
from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.core.settings import Settings
from bimtek.stages.output import StageOutput
from bimtek.stages.tables import csv_bytes
from bimtek.validation import SheetResult, combined_valid, quarantine_csv, report_json

NOTE_NO_BASELINE = (
    "Tahap II belum diterbitkan: daftar program Tahap III hanya berasal dari berkas OPD Tahap III (tanpa baseline)."
)


def tahap_3_files(
    region: Region,
    programs: pd.DataFrame,
    report: ValidationReport,
    settings: Settings,
) -> tuple[dict[str, bytes], pd.DataFrame, pd.DataFrame]:
    """Roadmap, aggregates, charts, the roadmap workbook and Buku 2: (files, roadmap, by_dimension)."""
    from bimtek.workbooks.roadmap_xlsx import roadmap_workbook

    roadmap = build_roadmap(programs, region, settings)
    aggregates = all_aggregates(roadmap, region, horizons(region.period, settings))
    charts = masterplan_charts(roadmap, aggregates, region, settings)
    context = buku_2_context(region, roadmap, settings, report, aggregates=aggregates)
    context["charts"] = _chart_references(charts)
    markdown, html = render_buku_2(context)
    files = {f"aggregates/{name}.csv": csv_bytes(frame) for name, frame in aggregates.items()}
    files.update(chart_files(all_charts(charts)))
    files["roadmap/roadmap.csv"] = csv_bytes(roadmap)
    files["roadmap/roadmap.xlsx"] = roadmap_workbook(roadmap, region, aggregates["by_dimension"])
    files["buku/buku-2-masterplan.md"] = markdown.encode("utf-8")
    files["buku/buku-2-masterplan.html"] = html.encode("utf-8")
    return files, roadmap, aggregates["by_dimension"]


def _chart_references(charts: dict) -> dict:
    """Paths from buku/ to each chart's PNG, marked safe for the Markdown template."""
    return {
        role: ({code: MarkdownText(book_reference(c)) for code, c in chart.items()} if isinstance(chart, dict)
               else MarkdownText(book_reference(chart)))
        for role, chart in charts.items()
    }


def build_tahap_3(
    region: Region,
    results: list[SheetResult],
    report: ValidationReport,
    settings: Settings,
    baseline: pd.DataFrame | None = None,
) -> StageOutput:
    """All Tahap III deliverables of one run, keyed by their path in the run folder.

    `baseline`: Tahap II's published program list (bimtek.analysis.mapping.read_program_list), None when Tahap II
    was never published.
    """
    programs = combined_valid(results)
    if baseline is None:
        notes = [NOTE_NO_BASELINE]
    else:
        programs, summary = merge_baseline(baseline, programs)
        notes = [summary.note()]
    report = replace(report, notes=[*report.notes, *notes])
    files = {
        "validation/report.json": report_json(report),
        "validation/quarantine.csv": quarantine_csv(results),
    }
    stage_files, _roadmap, by_dimension = tahap_3_files(region, programs, report, settings)
    files.update(stage_files)
    return StageOutput(
        files=files,
        figures=by_dimension,
        highlights=[
            ("Buku 2 Masterplan (HTML)", "buku/buku-2-masterplan.html"),
            ("Roadmap (Excel)", "roadmap/roadmap.xlsx"),
            ("Laporan validasi", "validation/report.json"),
            ("Paket hasil (ZIP)", "bundle.zip"),
        ],
        notes=notes,
    )
