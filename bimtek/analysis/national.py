"""National roll-up: one region's figures from its validated rows, and the distributions across regions.

`region_figures` turns a region's validation results per stage into `RegionFigures` (stages with input, rows
valid/rejected, programs and budget per dimension from the Tahap III roadmap, quick-win candidates, commitments
signed in Tahap IV). `national_tables` turns a cohort's figures into the tables of the national summary: one row
per region, and per dimension the spread across regions (quartiles of programs and budget). Pure functions:
files are read and written by the tasks of the `nasional` flow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from bimtek.analysis.aggregate import by_dimension
from bimtek.analysis.finalisation import NOT_RECORDED
from bimtek.analysis.roadmap import build_roadmap
from bimtek.core.region import Region
from bimtek.core.settings import Settings
from bimtek.core.taxonomy import load_taxonomy
from bimtek.validation import build_report, combined_valid
from bimtek.validation.stage_4_rules import SIGNED


@dataclass
class RegionFigures:
    """What the national summary says about one region."""

    slug: str
    name: str
    province: str
    synthetic: bool
    stages: list[int] = field(default_factory=list)
    """Stages with at least one input file."""
    rows_valid: int = 0
    rows_rejected: int = 0
    programs: dict[str, int] = field(default_factory=dict)
    """Dimension code -> programs in the Tahap III roadmap."""
    budget: dict[str, float] = field(default_factory=dict)
    """Dimension code -> budget (Rupiah) of those programs."""
    quick_wins: int = 0
    commitments_signed: int = 0
    commitments_total: int = 0
    monev: list[tuple[str, float]] = field(default_factory=list)
    """(semester, index) of every published monev semester, oldest first (empty: no monev yet)."""


def region_figures(region: Region, results_by_stage: dict[int, list], settings: Settings) -> RegionFigures:
    """Figures of one region from its validation results (stage -> SheetResults; a stage without files absent)."""
    figures = RegionFigures(region.slug, region.name, region.province, bool(region.synthetic))
    figures.stages = sorted(stage for stage, results in results_by_stage.items() if results)
    for stage in figures.stages:
        report = build_report(region.slug, results_by_stage[stage])
        figures.rows_valid += report.rows_valid
        figures.rows_rejected += report.rows_rejected
    roadmap = build_roadmap(combined_valid(results_by_stage[3]), region, settings) if results_by_stage.get(3) else None
    _add_roadmap(figures, roadmap)
    if results_by_stage.get(4):
        commitments = combined_valid(results_by_stage[4], "komitmen")
        figures.commitments_total = len(commitments)
        figures.commitments_signed = int((commitments["status"] == SIGNED).sum())
    return figures


def published_figures(
    region: Region, reports: dict[int, dict], roadmap: pd.DataFrame | None, commitment_status: pd.DataFrame | None
) -> RegionFigures:
    """Figures of one region from its published runs instead of its inputs.

    `reports`: stage -> the run's validation/report.json (a stage never published absent); `roadmap`: the Tahap III
    run's roadmap/roadmap.csv; `commitment_status`: the Tahap IV run's komitmen/status_komitmen.csv (one row per
    OPD; OPD without a commitment row, status `tidak tercatat`, are not counted). A region whose OPD sent two
    commitment rows counts one here (the first, as Tahap IV does) where `region_figures` counts both.
    """
    figures = RegionFigures(region.slug, region.name, region.province, bool(region.synthetic))
    figures.stages = sorted(stage for stage, report in reports.items() if report.get("files"))
    for stage in figures.stages:
        figures.rows_valid += int(reports[stage]["rows_valid"])
        figures.rows_rejected += int(reports[stage]["rows_rejected"])
    _add_roadmap(figures, roadmap)
    if commitment_status is not None:
        recorded = commitment_status[commitment_status["status"] != NOT_RECORDED]
        figures.commitments_total = len(recorded)
        figures.commitments_signed = int((recorded["status"] == SIGNED).sum())
    return figures


def _add_roadmap(figures: RegionFigures, roadmap: pd.DataFrame | None) -> None:
    """Programs and budget per dimension and quick-win candidates of a Tahap III roadmap (zeros without one)."""
    codes = [d.code for d in load_taxonomy().dimensions]
    labels = {d.label: d.code for d in load_taxonomy().dimensions}
    figures.programs, figures.budget = dict.fromkeys(codes, 0), dict.fromkeys(codes, 0.0)
    if roadmap is None:
        return
    for row in by_dimension(roadmap).to_dict("records"):
        code = labels.get(row["dimensi"], row["dimensi"])
        figures.programs[code] = int(row["programs"])
        figures.budget[code] = float(row["anggaran_total"])
    figures.quick_wins = int(roadmap["quick_win_candidate"].sum())


def national_tables(figures: list[RegionFigures]) -> dict[str, pd.DataFrame]:
    """`per_region` (one row per region, slug order), `per_dimension` (spread across regions) and `per_province`
    (regions grouped by province)."""
    taxonomy = load_taxonomy()
    ordered = sorted(figures, key=lambda f: f.slug)
    per_region = pd.DataFrame(
        [
            {
                "daerah": f.name,
                "slug": f.slug,
                "provinsi": f.province,
                "tahap_berisi": len(f.stages),
                "baris_valid": f.rows_valid,
                "baris_ditolak": f.rows_rejected,
                "program": sum(f.programs.values()),
                "anggaran": sum(f.budget.values()),
                "kandidat_quick_win": f.quick_wins,
                "komitmen_ditandatangani": f.commitments_signed,
                "komitmen_total": f.commitments_total,
                **{f"program_{d.code}": f.programs.get(d.code, 0) for d in taxonomy.dimensions},
                **monev_columns(f.monev),
            }
            for f in ordered
        ]
    )
    rows = []
    for d in taxonomy.dimensions:
        programs = pd.Series([f.programs.get(d.code, 0) for f in ordered], dtype="float64")
        budget = pd.Series([f.budget.get(d.code, 0.0) for f in ordered], dtype="float64")
        rows.append(
            {
                "dimensi": d.label,
                "daerah_dengan_program": int((programs > 0).sum()),
                "program_total": int(programs.sum()),
                "program_q1": programs.quantile(0.25),
                "program_median": programs.median(),
                "program_q3": programs.quantile(0.75),
                "anggaran_total": budget.sum(),
                "anggaran_median": budget.median(),
            }
        )
    return {"per_region": per_region, "per_dimension": pd.DataFrame(rows), "per_province": per_province(per_region)}


def per_province(per_region: pd.DataFrame) -> pd.DataFrame:
    """One row per province (name order): regions, regions with all four stages, programs, budget, quick-win
    candidates, commitments signed of recorded, and the median programs per region."""
    if per_region.empty:
        return pd.DataFrame(
            columns=[
                "provinsi",
                "daerah",
                "daerah_lengkap",
                "program",
                "program_median",
                "anggaran",
                "kandidat_quick_win",
                "komitmen_ditandatangani",
                "komitmen_total",
            ]
        )
    grouped = per_region.assign(lengkap=per_region["tahap_berisi"] == 4).groupby("provinsi", sort=True)
    return grouped.agg(
        daerah=("slug", "size"),
        daerah_lengkap=("lengkap", "sum"),
        program=("program", "sum"),
        program_median=("program", "median"),
        anggaran=("anggaran", "sum"),
        kandidat_quick_win=("kandidat_quick_win", "sum"),
        komitmen_ditandatangani=("komitmen_ditandatangani", "sum"),
        komitmen_total=("komitmen_total", "sum"),
    ).reset_index()


def listed_regions(per_region: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The regions a document lists one by one: every region (and an empty second frame) up to `limit`; above
    it the `limit // 2` regions with the most programs and the `limit - limit // 2` with the fewest (ties by slug),
    so a 514-region cohort gives two short tables instead of 514 rows."""
    if len(per_region) <= limit:
        return per_region, per_region.iloc[0:0]
    ranked = per_region.sort_values(["program", "slug"], ascending=[False, True], kind="stable")
    top = limit // 2
    return ranked.head(top), ranked.tail(limit - top).iloc[::-1]


def monev_columns(history: list[tuple[str, float]]) -> dict:
    """The per-region monev columns: latest semester and index, and the change since the semester before
    (None when there is no monev, or only one semester)."""
    if not history:
        return {"semester_monev": None, "indeks_monev": None, "perubahan_monev": None}
    semester, index = history[-1]
    change = round(index - history[-2][1], 2) if len(history) > 1 else None
    return {"semester_monev": semester, "indeks_monev": index, "perubahan_monev": change}
