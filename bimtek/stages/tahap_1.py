"""Tahap I builder: from validated kesiapan, SWOT and idea rows to the analysis tables and the Buku 1 draft.

Run folder files: validation/report.json, validation/quarantine.csv, analysis/<name>.csv for every
`bimtek.analysis.FIGURE_NAMES` entry (analysis/daftar_panjang.csv is read by Tahap II; its columns are documented
in `bimtek.analysis.ideas`), buku/buku-1-analisis-strategis.md and .html.
"""

from __future__ import annotations

import pandas as pd

from bimtek.analysis import analyse, ideas_per_dimension
from bimtek.books.buku_1 import buku_1_context, render_buku_1
from bimtek.books.templating import MarkdownText
from bimtek.charts.figures import book_reference, chart_files
from bimtek.core.model import ValidationReport
from bimtek.core.paths import REPORT_KEY
from bimtek.core.region import Region
from bimtek.stages.output import StageOutput
from bimtek.stages.tables import csv_bytes
from bimtek.validation import SheetResult, combined_valid, quarantine_csv, report_json

BUKU_1_MD = "buku/buku-1-analisis-strategis.md"
BUKU_1_HTML = "buku/buku-1-analisis-strategis.html"


def tahap_1_files(
    region: Region,
    kesiapan: pd.DataFrame,
    swot: pd.DataFrame,
    ide: pd.DataFrame,
    report: ValidationReport | None,
) -> tuple[dict[str, bytes], dict[str, pd.DataFrame]]:
    """Analysis CSVs and Buku 1 for the given valid rows: (files, figures keyed as in FIGURE_NAMES)."""
    from bimtek.charts.plots import readiness_by_pillar_chart

    figures = analyse(kesiapan, swot, ide)
    chart = readiness_by_pillar_chart(kesiapan[["pilar", "nilai"]])
    context = buku_1_context(region, figures, report, kesiapan_opd=int(kesiapan["opd"].nunique()))
    context["readiness_chart"] = MarkdownText(book_reference(chart))
    markdown, html = render_buku_1(context)
    files = {f"analysis/{name}.csv": csv_bytes(frame) for name, frame in figures.items()}
    files.update(chart_files([chart]))
    files[BUKU_1_MD] = markdown.encode("utf-8")
    files[BUKU_1_HTML] = html.encode("utf-8")
    return files, figures


def build_tahap_1(region: Region, results: list[SheetResult], report: ValidationReport) -> StageOutput:
    """All Tahap I deliverables of one run, keyed by their path in the run folder."""
    files = {
        REPORT_KEY: report_json(report),
        "validation/quarantine.csv": quarantine_csv(results),
    }
    stage_files, figures = tahap_1_files(
        region,
        combined_valid(results, "kesiapan"),
        combined_valid(results, "swot"),
        combined_valid(results, "ide"),
        report,
    )
    files.update(stage_files)
    return StageOutput(
        files=files,
        figures=ideas_per_dimension(figures["daftar_panjang"]),
        highlights=[
            ("Buku 1 Analisis Strategis (HTML)", BUKU_1_HTML),
            ("Daftar panjang ide (CSV)", "analysis/daftar_panjang.csv"),
            ("Laporan validasi", REPORT_KEY),
            ("Paket hasil (ZIP)", "bundle.zip"),
        ],
    )
