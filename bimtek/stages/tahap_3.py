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
from bimtek.books.buku_2 import buku_2_context, render_buku_2
from bimtek.books.narrative import (
    NARASI_KEY,
    PLAN_KEYS,
    STRATEGI_KEY,
    Narrative,
    narrative_from_rows,
)
from bimtek.books.templating import MarkdownText
from bimtek.charts.figures import all_charts, book_reference, chart_files, masterplan_charts
from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.core.settings import Settings
from bimtek.core.text import is_blank, program_key
from bimtek.stages.output import StageOutput
from bimtek.stages.tables import csv_bytes
from bimtek.validation import SheetResult, combined_valid, quarantine_csv, report_json
from bimtek.validation.stage_3_rules import NARASI_COLUMNS, PLAN_COLUMNS, STRATEGI_COLUMNS

PLAN_MARKDOWN_KEY = "buku/buku-2-masterplan-rencana.md"
"""Buku 2 in plan mode (no workshop text): the source of the Perbup's Lampiran (bimtek.stages.tahap_4.review)."""
NOTE_NO_BASELINE = (
    "Tahap II belum diterbitkan: daftar program Tahap III hanya berasal dari berkas OPD Tahap III (tanpa baseline)."
)


def tahap_3_files(
    region: Region,
    programs: pd.DataFrame,
    report: ValidationReport,
    settings: Settings,
    narrative: Narrative | None = None,
    analysis: dict[str, pd.DataFrame] | None = None,
) -> tuple[dict[str, bytes], pd.DataFrame, pd.DataFrame]:
    """Roadmap, aggregates, charts, the roadmap workbook and Buku 2: (files, roadmap, by_dimension)."""
    roadmap = build_roadmap(programs, region, settings)
    files, aggregates = masterplan_files(region, roadmap, settings, report, narrative, analysis)
    files.pop(PLAN_MARKDOWN_KEY)  # only Tahap IV's Perbup embeds the plan rendering
    files["roadmap/roadmap.csv"] = csv_bytes(roadmap)
    return files, roadmap, aggregates["by_dimension"]


def masterplan_files(
    region: Region,
    roadmap: pd.DataFrame,
    settings: Settings,
    report: object,
    narrative: Narrative | None,
    analysis: dict[str, pd.DataFrame] | None,
    final_quick_wins: list[tuple[str, str]] | None = None,
    action_plans: dict[tuple[str, str], list[dict]] | None = None,
) -> tuple[dict[str, bytes], dict[str, pd.DataFrame]]:
    """Aggregates, charts, roadmap.xlsx and Buku 2 of a roadmap: Tahap III's draft, or (`final_quick_wins`, the
    (OPD, program) pairs in order) Tahap IV's final set, where the workbook and the book name those quick wins
    (with their `action_plans` steps) and the Gantt hatches only them. Also `buku/buku-2-masterplan-rencana.md`:
    the same book in plan mode (render_buku_2(plan=True)), which the Perbup's Lampiran embeds."""
    from bimtek.workbooks.roadmap_xlsx import roadmap_workbook

    if final_quick_wins is not None:
        chosen = set(final_quick_wins)
        roadmap = roadmap.assign(
            quick_win_terpilih=[(o, n) in chosen for o, n in zip(roadmap["opd"], roadmap["nama_program"])]
        )
    aggregates = all_aggregates(roadmap, region, horizons(region.period, settings))
    charts = masterplan_charts(roadmap, aggregates, region, settings, final=final_quick_wins is not None)
    if analysis and "kesiapan_pilar" in analysis:
        from bimtek.charts.plots import readiness_by_pillar_chart

        charts["readiness"] = readiness_by_pillar_chart(analysis["kesiapan_pilar"][["pilar", "rata_rata"]])
    context = buku_2_context(
        region,
        roadmap,
        settings,
        report,
        aggregates=aggregates,
        narrative=narrative,
        analysis=analysis,
        final_quick_wins=final_quick_wins,
        action_plans=action_plans,
    )
    context["charts"] = _chart_references(charts)
    markdown, html = render_buku_2(context)
    plan_markdown, _ = render_buku_2(context, plan=True)
    files = {f"aggregates/{name}.csv": csv_bytes(frame) for name, frame in aggregates.items()}
    files.update(chart_files(all_charts(charts)))
    files["roadmap/roadmap.xlsx"] = roadmap_workbook(roadmap, region, aggregates["by_dimension"])
    files["buku/buku-2-masterplan.md"] = markdown.encode("utf-8")
    files["buku/buku-2-masterplan.html"] = html.encode("utf-8")
    files[PLAN_MARKDOWN_KEY] = plan_markdown.encode("utf-8")
    return files, aggregates


def carry_references(programs: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """`programs` with the RPJMD/Renstra reference (`rujukan`) Tahap II recorded for the same program (OPD and name,
    `program_key`) wherever the Tahap III row left it blank: the OPD map a program once, in Tahap II, and Buku 2's
    RPJMD alignment reads it."""
    if "rujukan" not in programs.columns or "rujukan" not in baseline.columns or programs.empty:
        return programs
    known = {
        program_key(o, n): r
        for o, n, r in zip(baseline["opd"], baseline["nama_program"], baseline["rujukan"])
        if not is_blank(r)
    }
    filled = [
        known.get(program_key(o, n)) if is_blank(r) else r
        for o, n, r in zip(programs["opd"], programs["nama_program"], programs["rujukan"])
    ]
    return programs.assign(rujukan=pd.Series(filled, index=programs.index, dtype=programs["rujukan"].dtype))


def narrative_files(
    narasi: pd.DataFrame, strategi: pd.DataFrame, plans: dict[str, pd.DataFrame] | None = None
) -> dict[str, bytes]:
    """The narrative rows a run publishes for Tahap IV (header-only CSVs when nothing was sent)."""

    def table(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
        if frame is None or frame.empty:
            return pd.DataFrame(columns=list(columns))
        return frame[list(columns)].reset_index(drop=True)

    return {
        NARASI_KEY: csv_bytes(table(narasi, NARASI_COLUMNS)),
        STRATEGI_KEY: csv_bytes(table(strategi, STRATEGI_COLUMNS)),
        **{PLAN_KEYS[name]: csv_bytes(table((plans or {}).get(name), cols)) for name, cols in PLAN_COLUMNS.items()},
    }


def _chart_references(charts: dict) -> dict:
    """Paths from buku/ to each chart's PNG, marked safe for the Markdown template."""
    return {
        role: (
            {code: MarkdownText(book_reference(c)) for code, c in chart.items()}
            if isinstance(chart, dict)
            else MarkdownText(book_reference(chart))
        )
        for role, chart in charts.items()
    }


def build_tahap_3(
    region: Region,
    results: list[SheetResult],
    report: ValidationReport,
    settings: Settings,
    baseline: pd.DataFrame | None = None,
    analysis: dict[str, pd.DataFrame] | None = None,
) -> StageOutput:
    """All Tahap III deliverables of one run, keyed by their path in the run folder.

    `baseline`: Tahap II's published program list (bimtek.analysis.mapping.read_program_list), None when Tahap II
    was never published. `analysis`: Tahap I's tables for Buku 2's summary chapter (None: not published).
    """
    programs = combined_valid(results, "program")
    narasi, strategi = combined_valid(results, "narasi"), combined_valid(results, "strategi_dimensi")
    plans = {name: combined_valid(results, name) for name in PLAN_COLUMNS}
    narrative = narrative_from_rows(narasi, strategi, plans)
    if baseline is None:
        notes = [NOTE_NO_BASELINE]
    else:
        programs, summary = merge_baseline(baseline, programs)
        programs = carry_references(programs, baseline)
        notes = [summary.note()]
    report = replace(report, notes=[*report.notes, *notes])
    files = {
        "validation/report.json": report_json(report),
        "validation/quarantine.csv": quarantine_csv(results),
    }
    stage_files, _roadmap, by_dimension = tahap_3_files(region, programs, report, settings, narrative, analysis)
    files.update(stage_files)
    files.update(narrative_files(narasi, strategi, plans))
    return StageOutput(
        files=files,
        figures=by_dimension,
        highlights=[
            ("Buku 2 Masterplan (HTML)", "buku/buku-2-masterplan.html"),
            ("Peta Jalan (Excel)", "roadmap/roadmap.xlsx"),
            ("Laporan validasi", "validation/report.json"),
            ("Paket hasil (ZIP)", "bundle.zip"),
        ],
        notes=notes,
    )
