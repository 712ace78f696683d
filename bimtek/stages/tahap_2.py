"""Tahap II builder: program mapping per dimension, changes against Tahap I, quick-win action plans, Buku 1 revised.

Inputs: the validated program rows of the Tahap II inbox (program contract with the optional `rujukan` column)
and, when Tahap I was published, its files (`TAHAP_1_KEYS`, read by the flow through latest.json).

Deliverables (keys in the run folder):

| key | content |
|---|---|
| validation/report.json, validation/quarantine.csv | as every stage (report notes: Tahap I used or missing) |
| program/daftar_program.csv | THE published program list, Tahap III's baseline (contract: bimtek.analysis.mapping) |
| program/per_dimensi_elemen.csv | dimension x element: programs, owning OPD, RPJMD/Renstra references |
| program/perubahan.csv | changes against Tahap I's long list: baru, dihapus, pindah_dimensi, tetap (same module) |
| program/kontribusi_opd.csv | per OPD: programs per dimension, budget |
| quick_win/rencana_aksi.csv | draft quarterly action plans of the quick-win candidates (analysis.quick_win_plan) |
| buku/rencana-aksi-quick-win.md/.html | the same plans as a document |
| buku/buku-1-analisis-strategis.md/.html | Buku 1 revised: Tahap I's book with the mapping chapter |

Without Tahap I: the change table says "Tahap I belum diterbitkan" (mapping.NOT_COMPARED) and Buku 1 holds only
the mapping chapter, opening with a note saying why; the run notes say so too.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pandas as pd

from bimtek.analysis import FIGURE_NAMES
from bimtek.analysis import mapping as mp
from bimtek.analysis.aggregate import by_dimension
from bimtek.analysis.quick_win_plan import action_plan
from bimtek.analysis.roadmap import build_roadmap
from bimtek.books.buku_1 import buku_1_context, render_buku_1
from bimtek.books.tahap_2_books import (
    mapping_context,
    quick_win_context,
    render_mapping_chapter,
    render_quick_win_plans,
)
from bimtek.books.templating import MarkdownText
from bimtek.charts.figures import book_reference, chart_files
from bimtek.core.model import ValidationReport
from bimtek.core.paths import REPORT_KEY
from bimtek.core.region import Region
from bimtek.core.settings import Settings
from bimtek.stages.output import StageOutput
from bimtek.stages.tables import csv_bytes
from bimtek.validation import SheetResult, combined_valid, quarantine_csv, report_json

IDEAS_KEY = "analysis/daftar_panjang.csv"
"""Tahap I's idea long list (columns opd, dimensi, elemen, nama_program, deskripsi, quick_win)."""
TAHAP_1_REPORT_KEY = REPORT_KEY
FIGURE_KEYS = {name: f"analysis/{name}.csv" for name in FIGURE_NAMES}
"""Tahap I's analysis tables by figure name (Buku 1 is rendered again from them)."""
TAHAP_1_KEYS = (*FIGURE_KEYS.values(), TAHAP_1_REPORT_KEY)
"""Tahap I files the flow loads (all optional: a missing file is simply absent from the dict)."""
PROGRAM_LIST_KEY = "program/daftar_program.csv"
BUKU_1_MD, BUKU_1_HTML = "buku/buku-1-analisis-strategis.md", "buku/buku-1-analisis-strategis.html"
STAGE_LABEL = "Tahap II (revisi)"

NOTE_NO_TAHAP_1 = (
    "Tahap I belum diterbitkan: tabel perubahan (program/perubahan.csv) belum membandingkan dengan daftar panjang "
    "ide, dan Buku 1 revisi hanya memuat bab pemetaan program."
)
NOTE_PARTIAL_TAHAP_1 = (
    "Hasil Tahap I tidak lengkap (ada tabel analisis yang tidak ditemukan): Buku 1 revisi hanya memuat bab pemetaan "
    "program."
)


def _read_csv(data: bytes, text: bool = False) -> pd.DataFrame:
    """A published CSV as a frame; empty cells are missing, other cells kept as written ("NA" stays text)."""
    return pd.read_csv(io.BytesIO(data), dtype=str if text else None, keep_default_na=False, na_values=[""])


def read_ideas(tahap_1: dict[str, bytes] | None) -> pd.DataFrame | None:
    """Tahap I's long list (codes as text), or None when Tahap I was not published."""
    if not tahap_1 or IDEAS_KEY not in tahap_1:
        return None
    return _read_csv(tahap_1[IDEAS_KEY], text=True)


def read_figures(tahap_1: dict[str, bytes] | None) -> dict[str, pd.DataFrame] | None:
    """Tahap I's analysis tables keyed as bimtek.analysis.FIGURE_NAMES; None unless every one was published."""
    if not tahap_1 or any(key not in tahap_1 for key in FIGURE_KEYS.values()):
        return None
    return {name: _read_csv(tahap_1[key]) for name, key in FIGURE_KEYS.items()}


def read_tahap_1_report(tahap_1: dict[str, bytes] | None) -> dict | None:
    """Tahap I's report.json (its validation figures stay in Buku 1), or None."""
    if not tahap_1 or TAHAP_1_REPORT_KEY not in tahap_1:
        return None
    return json.loads(tahap_1[TAHAP_1_REPORT_KEY].decode("utf-8"))


def change_note(changes: pd.DataFrame) -> str:
    """Indonesian sentence with the change counts against Tahap I."""
    n = mp.change_counts(changes)
    return (
        f"Perubahan terhadap daftar panjang ide Tahap I: {n['baru']} program baru, {n['dihapus']} ide tidak "
        f"dilanjutkan, {n['pindah_dimensi']} pindah dimensi, {n['tetap']} tetap."
    )


def build_tahap_2(
    region: Region,
    results: list[SheetResult],
    report: ValidationReport,
    settings: Settings,
    tahap_1: dict[str, bytes] | None = None,
) -> StageOutput:
    """All Tahap II deliverables of one run; `tahap_1` maps Tahap I keys to bytes (None: never published)."""
    programs = mp.program_list(combined_valid(results))
    ideas = read_ideas(tahap_1)
    figures = read_figures(tahap_1)
    changes = mp.detect_changes(ideas, programs)
    cells = mp.per_dimension_element(programs)
    contribution = mp.opd_contribution(programs, region.opd_names)
    roadmap = build_roadmap(programs, region, settings)
    plan = action_plan(roadmap)

    notes = [NOTE_NO_TAHAP_1] if ideas is None else [change_note(changes)]
    if ideas is not None and figures is None:
        notes.append(NOTE_PARTIAL_TAHAP_1)
    notes.append(f"Draf rencana aksi dibuat untuk {plan['urutan'].nunique()} kandidat quick win.")
    report = replace(report, notes=[*report.notes, *notes])

    mapping = mapping_context(
        region, programs, cells, changes, contribution, roadmap, compared=ideas is not None, standalone=figures is None
    )
    buku_1_md, buku_1_html, buku_1_charts = revised_buku_1(region, figures, read_tahap_1_report(tahap_1), mapping)
    plan_md, plan_html = render_quick_win_plans(quick_win_context(region, plan, roadmap))
    files = {
        REPORT_KEY: report_json(report),
        "validation/quarantine.csv": quarantine_csv(results),
        PROGRAM_LIST_KEY: csv_bytes(programs),
        "program/per_dimensi_elemen.csv": csv_bytes(cells),
        "program/perubahan.csv": csv_bytes(changes),
        "program/kontribusi_opd.csv": csv_bytes(contribution),
        "quick_win/rencana_aksi.csv": csv_bytes(plan),
        "buku/rencana-aksi-quick-win.md": plan_md.encode("utf-8"),
        "buku/rencana-aksi-quick-win.html": plan_html.encode("utf-8"),
        BUKU_1_MD: buku_1_md.encode("utf-8"),
        BUKU_1_HTML: buku_1_html.encode("utf-8"),
        **buku_1_charts,
    }
    return StageOutput(
        files=files,
        figures=by_dimension(roadmap),
        highlights=[
            ("Buku 1 revisi (HTML)", BUKU_1_HTML),
            ("Daftar program (CSV)", PROGRAM_LIST_KEY),
            ("Rencana aksi quick win (HTML)", "buku/rencana-aksi-quick-win.html"),
            ("Perubahan dari Tahap I (CSV)", "program/perubahan.csv"),
            ("Laporan validasi", REPORT_KEY),
            ("Paket hasil (ZIP)", "bundle.zip"),
        ],
        notes=notes,
    )


def revised_buku_1(
    region: Region, figures: dict[str, pd.DataFrame] | None, tahap_1_report: dict | None, mapping: dict
) -> tuple[str, str, dict[str, bytes]]:
    """(Markdown, HTML, chart files) of Buku 1 revised: Tahap I's book (its figures, validation numbers and the
    readiness chart, drawn again from the pillar means) with the mapping chapter; the chapter alone when Tahap I's
    figures are not available."""
    from bimtek.charts.plots import readiness_by_pillar_chart

    if figures is None:
        return (*render_mapping_chapter(mapping), {})
    chart = readiness_by_pillar_chart(figures["kesiapan_pilar"][["pilar", "rata_rata"]])
    context = buku_1_context(region, figures, tahap_1_report, stage_label=STAGE_LABEL, mapping=mapping)
    context["readiness_chart"] = MarkdownText(book_reference(chart))
    return (*render_buku_1(context), chart_files([chart]))
