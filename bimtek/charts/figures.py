"""Charts a stage stores under grafik/ (PNG + SVG) and references from its books."""

from __future__ import annotations

import pandas as pd

from bimtek.core.region import Region
from bimtek.core.settings import Settings

CHART_FOLDER = "grafik"


def chart_files(charts: list) -> dict[str, bytes]:
    """PNG and SVG of each chart under grafik/."""
    files: dict[str, bytes] = {}
    for chart in charts:
        files[f"{CHART_FOLDER}/{chart.name}.png"] = chart.png
        files[f"{CHART_FOLDER}/{chart.name}.svg"] = chart.svg
    return files


def book_reference(chart, from_folder: str = "buku") -> str:
    """Relative path from a book folder to the chart's PNG (e.g. ../grafik/x.png)."""
    depth = len([p for p in from_folder.split("/") if p])
    return "../" * depth + f"{CHART_FOLDER}/{chart.name}.png"


def masterplan_charts(
    roadmap: pd.DataFrame,
    aggregates: dict[str, pd.DataFrame],
    region: Region,
    settings: Settings,
    final: bool = False,
) -> dict[str, object]:
    """The Tahap III charts by role: overview, coverage, and one roadmap Gantt per dimension (code -> chart).
    `final` (Tahap IV): the Gantt hatches only the final quick wins (`quick_win_terpilih`), not every candidate."""
    from bimtek.analysis.roadmap import horizons
    from bimtek.charts.plots import opd_dimension_coverage_chart, programs_budget_by_dimension, roadmap_gantt
    from bimtek.core.taxonomy import load_taxonomy

    spans = horizons(region.period, settings)
    gantt = {
        d.code: roadmap_gantt(
            roadmap,
            region.period.start,
            region.period.end,
            horizons=spans,
            dimension=d.code,
            max_programs=settings.gantt_max_programs,
            highlight="quick_win_terpilih" if final else "quick_win_candidate",
        )
        for d in load_taxonomy().dimensions
    }
    return {
        "overview": programs_budget_by_dimension(aggregates["by_dimension"]),
        "coverage": opd_dimension_coverage_chart(aggregates["opd_dimension_coverage"]),
        "gantt": gantt,
    }


def all_charts(charts: dict[str, object]) -> list:
    """Flatten a role -> chart (or code -> chart) mapping into a list of charts."""
    flat = []
    for value in charts.values():
        flat.extend(value.values() if isinstance(value, dict) else [value])
    return flat
