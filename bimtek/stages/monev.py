"""Monev builder (Tahap V, one semester): from the final Tahap IV plan and the semester's realisation rows to the
score, the report, the workbook, the charts and the letters.

Inputs: the validated rows of the monev inbox (`realisasi`, `monev_wilayah`), the final plan of Tahap IV
(`PLAN_KEY`, required; `QUICK_WIN_KEY`), the scores of earlier published semesters (`history`: semester,
indeks and one column per area) for the trend, and the previous semester's statuses (`previous`:
`PREVIOUS_SEMESTER_KEYS` of its latest run) for the points that need clarification.

Deliverables (keys in the run folder `<region>/monev/<semester>/<run-id>/`):

| key | content |
|---|---|
| validation/report.json, validation/quarantine.csv | as every stage (incl. program_unplanned, semester_other) |
| monev/skor.json | semester, index, areas, evidence (what the next semester reads for its trend) |
| monev/indikator.csv, monev/area.csv, monev/per_opd.csv, monev/per_dimensi.csv | the scores |
| monev/rencana_realisasi.csv, monev/quick_win.csv, monev/tren.csv | plan vs realisation, quick wins, trend |
| monev/realisasi-monev.xlsx | the workbook of all of the above |
| buku/laporan-monev.md/.html (.pdf/.docx) | the report |
| buku/surat-monev/surat-<opd>.html (.pdf/.docx) | a naskah dinas to every OPD that is behind or has a point to clarify |
| grafik/monev-skor-area, monev-rencana-realisasi, monev-tren (.png/.svg) | the charts |
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from bimtek.analysis import monev as analysis
from bimtek.books.monev import (
    monev_context,
    monev_letter_recipients,
    monev_letters,
    render_monev_report,
    summary_markdown,
)
from bimtek.books.naskah_dinas import Occasion
from bimtek.books.templating import MarkdownText
from bimtek.charts.figures import book_reference, chart_files
from bimtek.charts.plots import monev_area_scores, monev_plan_vs_realisation, monev_trend
from bimtek.core.model import ValidationReport
from bimtek.core.monev import Semester, load_rubric
from bimtek.core.paths import REPORT_KEY
from bimtek.core.region import Region
from bimtek.core.text import program_key
from bimtek.core.values import is_missing
from bimtek.stages.output import StageOutput
from bimtek.stages.previous import PreviousOutput
from bimtek.stages.tables import csv_bytes
from bimtek.store.package import load_published_file
from bimtek.store.storage import Location, ObjectNotFoundError
from bimtek.validation import SheetResult, build_report, combined_valid, quarantine_csv, report_json
from bimtek.validation.stage_5_rules import apply_monev_rules, match_by_code
from bimtek.workbooks.monev_xlsx import monev_workbook

PLAN_STAGE = 4
PLAN_KEY = "roadmap/roadmap.csv"
QUICK_WIN_KEY = "quick_win/quick_win_final.csv"
SCORE_KEY = "monev/skor.json"
PREVIOUS = (PreviousOutput(PLAN_STAGE, PLAN_KEY, True), PreviousOutput(PLAN_STAGE, QUICK_WIN_KEY, False))
"""What monev reads from the final Tahap IV run."""
LETTER_FOLDER = "buku/surat-monev"
PREVIOUS_SEMESTER_KEYS = {
    "quick_wins": "monev/quick_win.csv",
    "progress": "monev/rencana_realisasi.csv",
    "indicators": "monev/indikator.csv",
}
"""What the next semester reads of a published one to flag statuses that went backwards (PreviousSemester fields)."""


@dataclass
class MonevOutput(StageOutput):
    report: ValidationReport | None = None
    results: list[SheetResult] = field(default_factory=list)
    summary: str = ""
    """Markdown of the Prefect UI summary artifact."""
    indeks: str = ""
    """The index as text with a decimal point ("3.31"), for the flow's result."""


def read_plan(roadmap_csv: bytes, quick_win_csv: bytes | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(plan, final quick wins) from the bytes of the Tahap IV files."""
    plan = analysis.plan_from_roadmap(pd.read_csv(io.BytesIO(roadmap_csv)))
    quick_wins = (
        pd.read_csv(io.BytesIO(quick_win_csv))[["opd", "nama_program"]]
        if quick_win_csv
        else pd.DataFrame(columns=["opd", "nama_program"])
    )
    return plan, quick_wins


def published_plan(store: Location, region_slug: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(plan, final quick wins) of the latest published Tahap IV run (`StorageError` when there is none); what the
    realisation templates are pre-filled from (`bimtek template --stage 5`, the portal's monev links)."""
    roadmap = load_published_file(store, region_slug, PLAN_STAGE, PLAN_KEY)
    try:
        quick_wins: bytes | None = load_published_file(store, region_slug, PLAN_STAGE, QUICK_WIN_KEY)
    except ObjectNotFoundError:
        quick_wins = None
    return read_plan(roadmap, quick_wins)


def history_row(score_json: bytes) -> dict:
    """One trend row (semester, indeks, area scores) from a published monev/skor.json."""
    data = json.loads(score_json)
    return {"semester": data["semester"], "indeks": float(data["indeks"]), **data["area"]}


def read_previous_semester(semester: str, files: dict[str, bytes]) -> analysis.PreviousSemester | None:
    """The previous semester's statuses from the bytes of its `PREVIOUS_SEMESTER_KEYS`; None when one is missing."""
    if any(files.get(key) is None for key in PREVIOUS_SEMESTER_KEYS.values()):
        return None
    frames = {name: pd.read_csv(io.BytesIO(files[key])) for name, key in PREVIOUS_SEMESTER_KEYS.items()}
    return analysis.PreviousSemester(semester=semester, **frames)


def plan_codes(plan: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """(folded OPD, kode sub kegiatan) -> the planned program names with that code (bimtek.validation.stage_5_rules
    .match_by_code); empty for a plan published before programs carried codes."""
    codes: dict[tuple[str, str], list[str]] = {}
    if "kode_sub_kegiatan" not in plan.columns:
        return codes
    for opd, name, code in zip(plan["opd"], plan["nama_program"], plan["kode_sub_kegiatan"]):
        if not is_missing(code) and str(code).strip():
            codes.setdefault((program_key(opd, "")[0], str(code).strip()), []).append(str(name))
    return codes


def build_monev(
    region: Region,
    semester: Semester,
    results: list[SheetResult],
    plan: pd.DataFrame,
    final_quick_wins: pd.DataFrame,
    plan_run: str,
    history: pd.DataFrame,
    previous: analysis.PreviousSemester | None = None,
    reserve: Callable[[int, int], list[int]] | None = None,
) -> MonevOutput:
    """Every monev deliverable of one run (module doc). Nothing here reads the clock or a run id besides
    `plan_run` (the Tahap IV run the plan comes from, named in messages and the report). `previous`: the
    semester before (statuses that went backwards are flagged); `reserve(year, count)`: letter numbers claimed in
    the store (bimtek.store.letter_numbers), else the letters are numbered 1, 2, ... within the run."""
    rubric = load_rubric()
    plan_years = {
        program_key(o, n): (int(s), int(e))
        for o, n, s, e in zip(plan["opd"], plan["nama_program"], plan["tahun_mulai"], plan["tahun_selesai"])
    }
    qw_keys = {program_key(o, n) for o, n in zip(final_quick_wins["opd"], final_quick_wins["nama_program"])}
    results = match_by_code(results, plan_codes(plan), set(plan_years))
    results = apply_monev_rules(results, semester, plan_years, qw_keys, plan_run, region)
    report = build_report(region.slug, results)
    realisasi, wilayah = combined_valid(results, "realisasi"), combined_valid(results, "monev_wilayah")
    progress = analysis.plan_vs_realisation(analysis.plan_for_year(plan, semester.year), realisasi)
    score = analysis.score_monev(progress, wilayah, final_quick_wins, region.monev.weights(), semester, rubric)
    trend = analysis.trend(history, score)
    clarify = analysis.clarifications(score, previous, rubric)
    steps = analysis.next_steps(score)
    charts = {
        "areas": monev_area_scores(score.areas, f"Skor per area - {semester.label}"),
        "plan": monev_plan_vs_realisation(score.per_opd, f"Rencana dan realisasi anggaran {semester.year} per OPD"),
        "trend": monev_trend(trend[["semester", "indeks"]], "Tren indeks monev smart city"),
    }
    references = {role: MarkdownText(book_reference(chart)) for role, chart in charts.items()}
    context = monev_context(region, semester, score, trend, steps, plan_run, references, clarify)
    markdown, html = render_monev_report(context)
    files = {
        REPORT_KEY: report_json(report),
        "validation/quarantine.csv": quarantine_csv(results),
        SCORE_KEY: _score_json(score),
        "monev/indikator.csv": csv_bytes(score.indicators),
        "monev/area.csv": csv_bytes(score.areas),
        "monev/per_opd.csv": csv_bytes(score.per_opd),
        "monev/per_dimensi.csv": csv_bytes(score.per_dimensi),
        "monev/rencana_realisasi.csv": csv_bytes(score.progress),
        "monev/quick_win.csv": csv_bytes(score.quick_wins),
        "monev/tren.csv": csv_bytes(trend),
        "monev/klarifikasi.csv": csv_bytes(clarify),
        "monev/realisasi-monev.xlsx": monev_workbook(score, trend),
        "buku/laporan-monev.md": markdown.encode("utf-8"),
        "buku/laporan-monev.html": html.encode("utf-8"),
    }
    files.update(chart_files(list(charts.values())))
    when = Occasion.of(5, semester).date(region)
    count = len(monev_letter_recipients(score, clarify))
    numbers = reserve(when.year, count) if reserve is not None and when is not None and count else None
    letters = monev_letters(region, semester, score, float(rubric["behind_threshold"]), clarify, numbers)
    files.update({f"{LETTER_FOLDER}/{name}": data for name, data in letters.items()})
    return MonevOutput(
        files=files,
        figures=score.areas[["label", "bobot", "skor", "nilai"]],
        highlights=[
            ("Laporan monev (HTML)", "buku/laporan-monev.html"),
            ("Workbook realisasi (Excel)", "monev/realisasi-monev.xlsx"),
            ("Laporan validasi", REPORT_KEY),
            ("Paket hasil (ZIP)", "bundle.zip"),
        ],
        notes=[f"Indeks {semester.label}: {context['indeks_text']}. {score.evidence['pernyataan']}"],
        report=report,
        results=results,
        summary=summary_markdown(region, semester, score, trend),
        indeks=str(score.indeks),
    )


def _score_json(score: analysis.MonevScore) -> bytes:
    data = {
        "semester": score.semester,
        "indeks": str(score.indeks),
        "area": {row["area"]: row["skor"] for row in score.areas.to_dict("records")},
        "bobot": {row["area"]: row["bobot"] for row in score.areas.to_dict("records")},
        "bukti": score.evidence,
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
