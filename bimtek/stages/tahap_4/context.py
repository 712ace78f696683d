"""The Tahap IV context every final document reads: figures of the roadmap, final quick wins, commitments, review,
validation and the list of books in the final set. Plain Python values; the templates format them."""

from __future__ import annotations

import pandas as pd

from bimtek.analysis import finalisation as fin
from bimtek.analysis.action_plans import steps_by_program
from bimtek.analysis.aggregate import TOTAL_LABEL, budget_basis
from bimtek.analysis.program_matrix import matrix_summary, program_matrix
from bimtek.analysis.roadmap import horizons
from bimtek.analysis.summary import table_rows
from bimtek.books.buku_2 import with_shares
from bimtek.books.narrative import STRATEGY_FIELDS, Narrative
from bimtek.core.legal import region_words
from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.core.settings import Settings
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.vocabularies import SIGNED, SYNTHETIC_NOTICE
from bimtek.stages.tahap_4.inputs import BUKU_1, BUKU_2, PreviousFiles
from bimtek.stages.tahap_4.perbup import annex_text, perbup_context
from bimtek.stages.tahap_4.review import book_chapters
from bimtek.validation.messages import rule_label

# ----------------------------------------------------------------------------------------------- context


def _share(part: float, whole: float) -> float:
    return float(part) / float(whole) if whole else 0.0


def _year_span(start: object, end: object) -> str:
    return str(start) if start == end else f"{start}–{end}"


def with_years(rows: list[dict]) -> list[dict]:
    return [{**r, "tahun": _year_span(r["tahun_mulai"], r["tahun_selesai"])} for r in rows]


def _validation(report: ValidationReport) -> dict:
    per_rule: dict[str, int] = {}
    for rejection in report.rejections:
        per_rule[rejection.rule] = per_rule.get(rejection.rule, 0) + 1
    return {
        "rows_total": report.rows_total,
        "rows_valid": report.rows_valid,
        "rows_rejected": report.rows_rejected,
        "files": len(report.files),
        "per_rule": [
            {"rule": r, "label": rule_label(r), "count": n}
            for r, n in sorted(per_rule.items(), key=lambda x: (-x[1], x[0]))
        ],
    }


def _dimension_horizon_matrix(rows: list[dict], spans: dict) -> list[dict]:
    """Per dimension (taxonomy order): programs and budget in each horizon."""
    out = []
    for dim in load_taxonomy().dimensions:
        members = [r for r in rows if r["dimensi"] == dim.code]
        cells = [
            {
                "programs": sum(1 for r in members if r["horizon"] == h),
                "anggaran": sum(r["anggaran"] for r in members if r["horizon"] == h),
            }
            for h in spans
        ]
        out.append(
            {
                "code": dim.code,
                "label": dim.label,
                "cells": cells,
                "programs": len(members),
                "anggaran": sum(r["anggaran"] for r in members),
            }
        )
    return out


def book_source(previous: PreviousFiles, base: str, stages: tuple[int, ...]) -> int | None:
    """The first of `stages` that published book `base` (.md or .html), or None."""
    return next((s for s in stages if any(previous.get(s, base + x) is not None for x in (".md", ".html"))), None)


def _book_list(previous: PreviousFiles) -> list[dict]:
    """The final book set and whether each book is in this run (Buku 1 is the reviewed book of an earlier stage;
    the others are rendered in Tahap IV with the final quick wins)."""
    buku_1_stage = book_source(previous, BUKU_1, (2, 1))
    stage_names = {1: "Tahap I", 2: "Tahap II (revisi)"}
    return [
        {
            "title": "Buku 1 Analisis Strategis",
            "key": f"{BUKU_1}.html",
            "available": buku_1_stage is not None,
            "origin": stage_names.get(buku_1_stage, ""),
        },
        {"title": "Buku 2 Masterplan", "key": f"{BUKU_2}.html", "available": True, "origin": "Tahap IV"},
        {"title": "Buku 3 Quick Win", "key": "buku/buku-3-quick-wins.html", "available": True, "origin": "Tahap IV"},
        {"title": "Buku 4 Peta Jalan", "key": "buku/buku-4-roadmap.html", "available": True, "origin": "Tahap IV"},
        {
            "title": "Ringkasan Eksekutif",
            "key": "buku/ringkasan-eksekutif.html",
            "available": True,
            "origin": "Tahap IV",
        },
    ]


def _matrix(roadmap: pd.DataFrame) -> dict:
    """The program matrix per dimension (taxonomy order, programs by rank) and its counts."""
    ranked = roadmap.sort_values("peringkat", kind="mergesort") if len(roadmap) else roadmap
    rows = program_matrix(ranked)
    return {
        "dimensions": [
            {"code": d.code, "label": d.label, "rows": [r for r in rows if r["dimensi"] == d.code]}
            for d in load_taxonomy().dimensions
        ],
        "summary": matrix_summary(rows),
    }


def vision_context(narrative: Narrative) -> dict:
    """Visi, misi, general strategy and the strategy per dimension (taxonomy order; only dimensions with text) as
    the Tim Pelaksana wrote them, for the executive summary and the rakor deck (`headline`: the strategy, else the
    direction, else the goals: one cell of a slide)."""
    dimensions = []
    for dim in load_taxonomy().dimensions:
        found = narrative.strategy(dim.code)
        if any(found.values()):
            dimensions.append(
                {
                    "label": dim.label,
                    "fields": [{"title": STRATEGY_FIELDS[k], "text": " ".join(v)} for k, v in found.items() if v],
                    "headline": " ".join(found["strategi"] or found["arah_pengembangan"] or found["sasaran"]),
                }
            )
    return {
        "profil": narrative.part("gambaran_umum"),
        "visi": narrative.part("visi"),
        "misi": narrative.part("misi"),
        "strategi_umum": narrative.part("strategi_umum"),
        "dimensions": dimensions,
    }


def _owner_commitments(status: pd.DataFrame, owners: set[str]) -> dict:
    """Signatures among the OPD that own a program (the OPD that get a commitment sheet)."""
    rows = [r for r in table_rows(status) if r["opd"] in owners]
    signed = [r for r in rows if r["status"] == SIGNED]
    return {
        "signed": len(signed),
        "total": len(owners),
        "unsigned": sorted(owners - {r["opd"] for r in signed}, key=lambda s: (s.casefold(), s)),
    }


def finalisation_context(
    region: Region,
    settings: Settings,
    roadmap: pd.DataFrame,
    aggregates: dict[str, pd.DataFrame],
    choice: fin.QuickWinChoice,
    status: pd.DataFrame,
    review: pd.DataFrame,
    report: ValidationReport,
    previous: PreviousFiles,
    buku_2_markdown: bytes | None = None,
    charts: dict | None = None,
    steps: pd.DataFrame | None = None,
    narrative: Narrative | None = None,
    rejected_reviews: list[dict] | None = None,
) -> dict:
    """Everything the Tahap IV documents show, as plain Python values (the templates format them).

    `buku_2_markdown`: the final Buku 2 of this run in plan mode (its chapters are what the review refers to, and
    the Perbup's Lampiran); `charts`: chart references from buku/ by role (overview, gantt per dimension code), None
    when no chart was drawn; `steps`: the final quick wins' action plans (bimtek.analysis.action_plans);
    `narrative`: the Tahap III text (visi, misi, strategy per dimension); `rejected_reviews`: review rows validation
    rejected (bimtek.stages.tahap_4.review.rejected_reviews)."""
    spans = horizons(region.period, settings)
    rows = with_years(table_rows(roadmap))
    total = float(roadmap["anggaran"].sum()) if len(roadmap) else 0.0
    by_dim = with_shares(table_rows(aggregates["by_dimension"]))
    by_horizon = with_shares(
        [
            {
                **h,
                "tahun": _year_span(h["tahun_awal"], h["tahun_akhir"]),
                "rows": sorted((r for r in rows if r["horizon"] == h["horizon"]), key=lambda r: r["peringkat"]),
            }
            for h in table_rows(aggregates["by_horizon"])
        ]
    )
    funding = aggregates["budget_by_funding"]
    funding_total = funding[funding["dimensi"] == TOTAL_LABEL]
    sources = [c for c in funding.columns if c not in ("dimensi", "jumlah")]
    funding_rows = with_shares(
        [
            {"sumber": s, "anggaran": float(funding_total[s].iloc[0])}
            for s in sources
            if len(funding_total) and float(funding_total[s].iloc[0]) > 0
        ],
        "anggaran",
    )
    plans = steps_by_program(steps) if steps is not None else {}
    finals = [
        {**r, "steps": plans.get((r["opd"], r["nama_program"]), [])} for r in with_years(table_rows(choice.frame))
    ]
    final_keys = {(r["opd"], r["nama_program"]) for r in finals}
    others = sorted(
        (r for r in rows if r["quick_win_candidate"] and (r["opd"], r["nama_program"]) not in final_keys),
        key=lambda r: r["peringkat_quick_win"],
    )
    status_rows = table_rows(status)
    owners = set(roadmap["opd"]) if len(roadmap) else set()
    unsigned = table_rows(fin.unsigned_opd(status))
    chapters = book_chapters(buku_2_markdown)
    rejected = list(rejected_reviews or [])
    revisions = table_rows(fin.chapters_under_revision(review, chapters or None))
    calendar = {k: v.isoformat() for k, v in region.calendar.items()}
    context = {
        "region": region_words(region),
        "period": {
            "start": region.period.start,
            "end": region.period.end,
            "years": region.period.end - region.period.start + 1,
        },
        "calendar": {"tahap_4": calendar.get("tahap-4"), "rakor": calendar.get("rakor")},
        "synthetic": bool(region.synthetic),
        "synthetic_notice": SYNTHETIC_NOTICE,
        "summary": {
            "programs": len(rows),
            "opd": int(roadmap["opd"].nunique()) if len(roadmap) else 0,
            "anggaran": total,
            "dimensions_total": len(by_dim),
            "dimensions_covered": sum(1 for d in by_dim if d["programs"]),
            "candidates": sum(1 for r in rows if r["quick_win_candidate"]),
        },
        "dimensions": by_dim,
        "horizons": by_horizon,
        "dimension_horizons": _dimension_horizon_matrix(rows, spans),
        "horizon_names": list(spans),
        "budget_by_year": table_rows(aggregates["budget_by_year"]),
        "budget_basis": budget_basis(roadmap),
        "funding": funding_rows,
        "quick_wins": {
            "rows": finals,
            "source": choice.source,
            "from_file": choice.source == fin.SOURCE_FILE,
            "file_rows": choice.file_rows,
            "count": settings.quick_win_count,
            "anggaran": sum(r["anggaran"] for r in finals),
            "others": others,
        },
        "commitments": {
            "rows": status_rows,
            "unsigned": unsigned,
            "signed": fin.signed_count(status),
            "total": len(status_rows),
            "signed_status": SIGNED,
            "owners": _owner_commitments(status, owners),
        },
        "review": {
            **fin.review_summary(review, chapters or None, rejected),
            "revisions": revisions,
            "chapters": table_rows(fin.chapter_status(review, chapters, rejected)) if chapters else [],
            "rejected": rejected,
        },
        "vision": vision_context(narrative or Narrative()),
        "matrix": _matrix(roadmap),
        "validation": _validation(report),
        "books": _book_list(previous),
        "masterplan_annex": annex_text(buku_2_markdown),
        "charts": charts,
        "settings": {"short_term_years": settings.short_term_years, "medium_term_years": settings.medium_term_years},
    }
    context["perbup"] = perbup_context(region, context)
    return context
