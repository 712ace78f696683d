"""Buku 2 (masterplan draft, Tahap III): context from the roadmap and aggregates, then Markdown and HTML.

One Jinja2 template (templates/buku-2-masterplan.md.j2) writes the Markdown; the HTML is that Markdown converted
with Python-Markdown (tables) and wrapped in templates/base.html.j2, so both formats carry the same content.

Rendering and escaping are those of every book: `bimtek.books.templating`.

Nothing here reads the clock or a run id: the same inputs render byte-identical files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from functools import lru_cache
from typing import cast

import numpy as np
import pandas as pd

from bimtek.analysis import aggregate
from bimtek.analysis.funding import funding_need
from bimtek.analysis.roadmap import (
    WEIGHT_COST,
    WEIGHT_IMPACT,
    WEIGHT_READINESS,
    horizons,
    load_quick_win_rules,
)
from bimtek.books.masterplan_chapters import masterplan_chapters
from bimtek.books.narrative import Narrative, narrative_context, strategy_context
from bimtek.books.templating import render_book
from bimtek.core.formatting import rupiah_parts, shares
from bimtek.core.settings import Settings
from bimtek.core.taxonomy import NO_ELEMENT_LABEL, load_taxonomy
from bimtek.core.values import frame_records
from bimtek.core.vocabularies import SYNTHETIC_NOTICE, int_to_roman
from bimtek.validation.messages import rule_label

BUKU_2_TEMPLATE = "buku-2-masterplan.md.j2"
CHAPTERS = (
    "Pendahuluan",
    "Gambaran Umum Daerah",
    "Ringkasan Analisis",
    "Visi, Misi dan Strategi Smart City",
    "Strategi dan Program per Dimensi",
    "Peta Jalan",
    "Quick Win dan Rencana Aksi",
    "Kelembagaan dan Tata Kelola",
    "Rencana Pengembangan Enabler",
    "Pendanaan",
    "Manajemen Risiko",
    "Monitoring dan Evaluasi",
    "Penutup",
)
"""The chapters of Buku 2 in order (BAB I ..): the Sistematika lists them, the chapter review
(bimtek.stages.tahap_4.review) reads the rendered book's own headings."""


# ----------------------------------------------------------------------------------------------- context


def _share(part: float, whole: float) -> float:
    return float(part) / float(whole) if whole else 0.0


def _year_span(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}–{end}"


def _program_rows(roadmap: pd.DataFrame) -> list[dict]:
    """Roadmap rows as template dicts (order kept), with `tahun` and the dimension's taxonomy order."""
    order = _dimension_order()
    rows = []
    for rec in frame_records(roadmap):
        rec["tahun"] = _year_span(rec["tahun_mulai"], rec["tahun_selesai"])
        rec["_dim_order"] = order.get(rec["dimensi"], len(order))
        rows.append(rec)
    return rows


def table_limit(settings: Settings, sizes: list[int]) -> int:
    """Rows each program table of a book lists, given every table's number of programs: `book_max_program_rows`,
    or, when the tables together would then list more than `book_max_listed_rows`, an equal share of that (at
    least one row per table). The line under a shortened table says how many more there are and where they all
    are (roadmap.xlsx / roadmap.csv)."""
    per_table = settings.book_max_program_rows
    if sum(min(size, per_table) for size in sizes) <= settings.book_max_listed_rows:
        return per_table
    return max(settings.book_max_listed_rows // max(len(sizes), 1), 1)


def _dimension_order() -> dict[str, int]:
    return {d.code: i for i, d in enumerate(load_taxonomy().dimensions)}


def _first_by(frame: pd.DataFrame, columns: list[str], limit: int, rank: str = "peringkat") -> tuple[list[dict], int]:
    """(template dicts of the rows a table lists, how many more there are): `frame` stably sorted by `columns`, at
    most `limit` of its rows, the best `rank` first (ties: the earlier in that order), kept in that order. What
    `_listed(sorted(rows, key=columns), limit, rank)` gives, with dicts made only for the listed rows."""
    limit = max(limit, 0)
    ordered = frame.sort_values(columns, kind="stable").reset_index(drop=True) if len(frame) else frame
    if len(ordered) > limit:
        ordered = ordered.iloc[np.sort(ordered[rank].to_numpy().argsort(kind="stable")[:limit])]
    return _program_rows(ordered), len(frame) - len(ordered)


def _sorted_rows(frame: pd.DataFrame, column: str) -> list[dict]:
    """Template dicts of every row of `frame`, stably sorted by `column` (for short lists such as candidates)."""
    return _program_rows(frame.sort_values(column, kind="stable") if len(frame) else frame)


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    """A yes/no column as booleans, a missing value as no (the truth value the row dicts gave it)."""
    return frame[column].fillna(False).astype(bool)


ROW_CHUNK = 20_000
"""Rows turned into dicts at a time where every program is visited (`_reference_rows`)."""


def _reference_rows(roadmap: pd.DataFrame):
    """Every program as a dict of the columns the RPJMD alignment reads (opd, rujukan, anggaran), in order, made
    ROW_CHUNK rows at a time: a 194 000-program roadmap never exists as 194 000 dicts of every column."""
    columns = [c for c in ("opd", "rujukan", "anggaran") if c in roadmap.columns]
    for start in range(0, len(roadmap), ROW_CHUNK):
        yield from frame_records(roadmap.iloc[start : start + ROW_CHUNK][columns])


def validation_numbers(summary: object, programs: int) -> dict:
    """rows_total / rows_valid / rows_rejected / files / per-rule counts from a ValidationReport or its dict."""
    if summary is None:
        data: Mapping = {}
    elif is_dataclass(summary) and not isinstance(summary, type):
        data = summary.to_dict() if hasattr(summary, "to_dict") else asdict(summary)
    else:
        data = cast(Mapping, summary)
    rejections = data.get("rejections", []) or []
    per_rule: dict[str, int] = {}
    for item in rejections:
        rule = item.get("rule", "") if isinstance(item, Mapping) else getattr(item, "rule", "")
        per_rule[rule] = per_rule.get(rule, 0) + 1
    rows_valid = int(data.get("rows_valid", programs))
    rows_rejected = int(data.get("rows_rejected", 0))
    rows_total = int(data.get("rows_total", rows_valid + rows_rejected))
    return {
        "available": summary is not None,
        "rows_total": rows_total,
        "rows_valid": rows_valid,
        "rows_rejected": rows_rejected,
        "reject_share": _share(rows_rejected, rows_total),
        "files": len(data.get("files", []) or []),
        "per_rule": [
            {"rule": r, "label": rule_label(r), "count": n}
            for r, n in sorted(per_rule.items(), key=lambda x: (-x[1], x[0]))
        ],
    }


def with_shares(rows: list[dict], amount: str = "anggaran_total") -> list[dict]:
    """`rows` with `share` (of their sum, percentages adding up to 100,0%) and `anggaran_words` (amounts in the
    unit of their total, adding up to it) of the `amount` column: what a table with a total row prints."""
    amounts = [float(r[amount]) for r in rows]
    return [
        {**r, "share": share, "anggaran_words": words}
        for r, share, words in zip(rows, shares(amounts), rupiah_parts(amounts))
    ]


def _funding_breakdown(funding_row: Mapping, sources: list[str]) -> list[dict]:
    """Non-zero funding sources of one budget_by_funding row, largest first (ties in contract order)."""
    present = [s for s in sources if float(funding_row[s]) > 0]
    parts = [float(funding_row[s]) for s in present]
    items = [{"sumber": s, "anggaran": a, "share": share} for s, a, share in zip(present, parts, shares(parts))]
    return sorted(items, key=lambda item: -item["anggaran"])


def _horizon_groups(frame: pd.DataFrame, spans: dict[str, tuple[int, int]]) -> list[dict]:
    """Programs and budget per horizon (every horizon of the period, possibly empty), in time order; the budget
    added in row order, as the book always did."""
    groups = []
    for name, (start, end) in spans.items():
        members = frame[frame["horizon"] == name] if len(frame) else frame
        groups.append(
            {
                "name": name,
                "start": start,
                "end": end,
                "tahun": _year_span(start, end),
                "programs": len(members),
                "anggaran": sum(members["anggaran"].tolist()) if len(members) else 0,
            }
        )
    return groups


def _listed(rows: list[dict], limit: int, rank: str = "peringkat") -> tuple[list[dict], int]:
    """(the rows a book table lists, how many more there are): at most `limit` rows, best `rank` first, kept in
    their order in `rows`. Bounds every program table of a book; counts and sums use all rows."""
    if len(rows) <= limit:
        return rows, 0
    chosen = {id(r) for r in sorted(rows, key=lambda r: r[rank])[: max(limit, 0)]}
    return [r for r in rows if id(r) in chosen], len(rows) - len(chosen)


def _dimension_section(
    dim,
    dim_rows: pd.DataFrame,
    dim_total: Mapping,
    elements: list[dict],
    funding: list[dict],
    spans: dict,
    grand_total: float,
    limit: int,
) -> dict:
    """Everything the template says about one dimension (its program table at most `limit` rows); `dim_rows` are
    its roadmap rows, in roadmap order."""
    covered = [e for e in elements if not e["gap"]]
    candidates = _sorted_rows(dim_rows[_flag(dim_rows, "quick_win_candidate")], "peringkat_quick_win")
    unassigned = int((dim_rows["elemen_label"] == NO_ELEMENT_LABEL).sum()) if "elemen_label" in dim_rows.columns else 0
    return {
        "code": dim.code,
        "label": dim.label,
        "label_id": dim.label_id,
        "programs": int(dim_total["programs"]),
        "anggaran": float(dim_total["anggaran_total"]),
        "share": _share(dim_total["anggaran_total"], grand_total),
        "quick_win_candidates": int(dim_total["quick_win_candidates"]),
        "opd": sorted(set(dim_rows["opd"].tolist()), key=lambda s: (s.casefold(), s)),
        "elements": elements,
        "element_count": len(elements),
        "covered": covered,
        "gaps": [e for e in elements if e["gap"]],
        "unassigned": unassigned,
        "funding": funding,
        **dict(zip(("rows", "rows_more"), _first_by(dim_rows, ["peringkat"], limit))),
        "horizons": _horizon_groups(dim_rows, spans),
        "candidates": candidates,
    }


@lru_cache(maxsize=1)
def legal_basis() -> tuple[str, ...]:
    """The regulations a Smart City masterplan rests on, as a book lists them (short citations of the one list the
    Perbup cites with its Lembaran Negara numbers: schemas/legal/peraturan.json)."""
    from bimtek.core.legal import national_regulations, short_citation

    return tuple(short_citation(entry) for entry in national_regulations())


def analysis_summary(figures: Mapping[str, pd.DataFrame] | None) -> dict:
    """Buku 2's summary of the Tahap I analysis (Buku 1): readiness per pillar, SWOT counts, vision keywords.

    `figures`: Tahap I's published tables by name (bimtek.analysis.FIGURE_NAMES), None when Tahap I was never
    published (the book then says the summary waits for Tahap I)."""
    from bimtek.core.vocabularies import PILLARS, SWOT_COMPONENTS, SWOT_TYPES

    if not figures or "kesiapan_pilar" not in figures or "swot" not in figures:
        return {"available": False}
    pillars = [{**p, "label": PILLARS.label(str(p["pilar"]))} for p in frame_records(figures["kesiapan_pilar"])]
    swot = figures["swot"]
    matrix = []
    for component in SWOT_COMPONENTS.terms:
        rows = swot[swot["komponen"] == component.code]
        counts = [int((rows["jenis"] == t.code).sum()) for t in SWOT_TYPES.terms]
        if sum(counts):
            matrix.append({"komponen": component.label, "counts": counts, "jumlah": sum(counts)})
    keywords = frame_records(figures["kata_kunci_visi"]) if "kata_kunci_visi" in figures else []
    gaps = frame_records(figures["kesiapan_gap"]) if "kesiapan_gap" in figures else []
    return {
        "available": True,
        "pillars": pillars,
        "swot_types": SWOT_TYPES.labels,
        "swot": matrix,
        "swot_total": int(len(swot)),
        "keywords": [k["kata_kunci"] for k in keywords[:10]],
        "readiness_gaps": [{**g, "label": PILLARS.label(str(g.get("pilar", "")))} for g in gaps],
    }


def _quick_win_rows(
    rows: list[dict],
    final_order: list[tuple[str, str]] | None,
    steps: Mapping[tuple[str, str], list[dict]] | None = None,
) -> list[dict]:
    """The chosen quick wins: Tahap III's short list (quick_win_terpilih, by peringkat_quick_win), or the final
    ones of Tahap IV in `final_order`, numbered `urutan` 1..n, each with its action-plan `steps` (empty when none)."""
    if final_order is not None:
        by_key = {(r["opd"], r["nama_program"]): r for r in rows}
        chosen = [by_key[key] for key in final_order if key in by_key]
    else:
        chosen = sorted((r for r in rows if r["quick_win_terpilih"]), key=lambda r: r["peringkat_quick_win"])
    steps = steps or {}
    return [
        {**r, "urutan": i, "steps": list(steps.get((r["opd"], r["nama_program"]), []))}
        for i, r in enumerate(chosen, start=1)
    ]


def buku_2_context(
    region,
    roadmap: pd.DataFrame,
    settings: Settings,
    validation_summary: object = None,
    synthetic: bool | None = None,
    aggregates: Mapping[str, pd.DataFrame] | None = None,
    narrative: Narrative | None = None,
    analysis: Mapping[str, pd.DataFrame] | None = None,
    final_quick_wins: list[tuple[str, str]] | None = None,
    action_plans: Mapping[tuple[str, str], list[dict]] | None = None,
) -> dict:
    """Everything Buku 2 shows, as plain Python values (no formatting yet; the template formats).

    `roadmap` is bimtek.analysis.roadmap.build_roadmap() output; `aggregates` is bimtek.analysis.aggregate.all_aggregates() output
    (computed here when omitted); `validation_summary` is a ValidationReport or its report.json dict (None: the
    book says only the valid rows are known); `synthetic` defaults to region.synthetic. `narrative` is the text
    people wrote (bimtek.books.narrative; None: nothing written, every part shows its "belum diisi" box); `analysis` the
    Tahap I tables (None: not published). `final_quick_wins` (OPD, program) in order makes this the final Buku 2
    of Tahap IV; None is Tahap III's draft with its short list of candidates. `action_plans`: (OPD, program) ->
    the steps of its action plan (bimtek.analysis.action_plans.steps_by_program), shown under each quick win.
    """
    spans = horizons(region.period, settings)
    aggs = dict(aggregates) if aggregates is not None else aggregate.all_aggregates(roadmap, region, spans)
    taxonomy = load_taxonomy()
    narrative = narrative or Narrative()
    # Only the rows a table lists become dicts (`table_limit` per table); counts, sums and the RPJMD alignment read
    # the frame, so a 194 000-program roadmap never exists as 194 000 row dicts.
    order = _dimension_order()
    grand_total = float(roadmap["anggaran"].sum()) if len(roadmap) else 0.0
    funding = aggs["budget_by_funding"]
    sources = [c for c in funding.columns if c not in ("dimensi", "jumlah")]
    funding_rows = {r["dimensi"]: r for r in funding.to_dict(orient="records")}
    dim_totals = {r["dimensi"]: r for r in aggs["by_dimension"].to_dict(orient="records")}
    elements = frame_records(aggs["by_element"])
    per_dimension = {dim.code: roadmap[roadmap["dimensi"] == dim.code] for dim in taxonomy.dimensions}
    candidate, proposed = _flag(roadmap, "quick_win_candidate"), _flag(roadmap, "quick_win_usulan")
    candidates = _sorted_rows(roadmap[candidate], "peringkat_quick_win")
    final = final_quick_wins is not None
    if final:
        chosen = set(final_quick_wins or [])
        in_final = [(o, n) in chosen for o, n in zip(roadmap["opd"], roadmap["nama_program"])]
        selected = _quick_win_rows(_program_rows(roadmap[in_final]), final_quick_wins, action_plans)
    else:
        selected = _quick_win_rows(_program_rows(roadmap[_flag(roadmap, "quick_win_terpilih")]), None, action_plans)
    selected_keys = {(r["opd"], r["nama_program"]) for r in selected}
    other_candidates = [r for r in candidates if (r["opd"], r["nama_program"]) not in selected_keys]
    rejected_frame = roadmap[proposed & ~candidate]
    tables = [*(len(frame) for frame in per_dimension.values()), len(roadmap), len(other_candidates)]
    limit = table_limit(settings, [*tables, len(rejected_frame)])
    dimensions = [
        {
            **_dimension_section(
                dim,
                per_dimension[dim.code],
                dim_totals[dim.label],
                [e for e in elements if e["dimensi"] == dim.label],
                _funding_breakdown(funding_rows[dim.label], sources),
                spans,
                grand_total,
                limit,
            ),
            "strategy": strategy_context(narrative, dim.code, dim.label),
        }
        for dim in taxonomy.dimensions
    ]
    rules = load_quick_win_rules()
    by_dimension = roadmap.assign(_dim_order=[order.get(d, len(order)) for d in roadmap["dimensi"]])
    annex, annex_more = _first_by(by_dimension, ["_dim_order", "peringkat"], limit)
    others, others_more = _listed(other_candidates, limit, "peringkat_quick_win")
    rejected_listed, rejected_more = _first_by(rejected_frame, ["peringkat"], limit)
    opd_with_programs = roadmap["opd"].nunique() if len(roadmap) else 0
    return {
        "region": {"name": region.name, "province": region.province, "slug": region.slug},
        "period": {
            "start": region.period.start,
            "end": region.period.end,
            "years": region.period.end - region.period.start + 1,
        },
        "stage": {"number": 4 if final else 3, "label": "Tahap IV" if final else "Tahap III", "final": final},
        "stage_label": "Tahap IV" if final else "Tahap III",
        "synthetic": bool(region.synthetic if synthetic is None else synthetic),
        "synthetic_notice": SYNTHETIC_NOTICE,
        "narrative": narrative_context(narrative),
        "analysis": analysis_summary(analysis),
        "summary": {
            "programs": len(roadmap),
            "opd": opd_with_programs,
            "opd_listed": len(getattr(region, "opd_names", []) or []),
            "anggaran": grand_total,
            "dimensions_total": len(taxonomy.dimensions),
            "dimensions_covered": sum(1 for d in dimensions if d["programs"]),
            "elements_total": len(elements),
            "elements_covered": sum(1 for e in elements if not e["gap"]),
            "gaps": sum(1 for e in elements if e["gap"]),
            "quick_win_proposed": int(proposed.sum()),
            "quick_win_candidates": len(candidates),
        },
        "validation": validation_numbers(validation_summary, len(roadmap)),
        "horizons": with_shares(
            [{**h, "tahun": _year_span(h["tahun_awal"], h["tahun_akhir"])} for h in frame_records(aggs["by_horizon"])]
        ),
        "dimensions": with_shares(dimensions, "anggaran"),
        "programs": annex,
        "programs_more": annex_more,
        "funding_total": _funding_breakdown(funding_rows[aggregate.TOTAL_LABEL], sources),
        "funding_matrix": {"sources": sources, "rows": frame_records(funding)},
        "budget_by_year": frame_records(aggs["budget_by_year"]),
        "budget_basis": aggregate.budget_basis(roadmap),
        "coverage": {
            "dimensions": [d.label for d in taxonomy.dimensions],
            "rows": frame_records(aggs["opd_dimension_coverage"]),
        },
        "gaps": frame_records(aggs["element_gaps"]),
        "quick_wins": {
            "count": settings.quick_win_count,
            "candidates": candidates,
            "selected": selected,
            "others": others,
            "others_more": others_more,
            "rejected_proposals": rejected_listed,
            "rejected_more": rejected_more,
            "max_years": rules.max_duration_years + 1,
            "anggaran": sum(r["anggaran"] for r in selected),
        },
        "score": {"impact": WEIGHT_IMPACT, "readiness": WEIGHT_READINESS, "cost": WEIGHT_COST},
        "settings": {"short_term_years": settings.short_term_years, "medium_term_years": settings.medium_term_years},
        "legal_basis": legal_basis(),
        "charts": None,  # chart PNG paths: the builder sets them when it writes the charts
        "masterplan": masterplan_chapters(narrative, _reference_rows(roadmap), funding_need(roadmap, region.period)),
        "chapters": numbered_chapters(),
        "plan": False,
    }


def numbered_chapters() -> list[dict]:
    """CHAPTERS as {number, roman, title}."""
    return [{"number": i, "roman": int_to_roman(i), "title": t} for i, t in enumerate(CHAPTERS, start=1)]


def render_buku_2(context: Mapping, plan: bool = False) -> tuple[str, str]:
    """(Markdown, HTML) of Buku 2 from `buku_2_context` output; both end with one newline.

    `plan=True` is the masterplan as a plan (what the Perbup's Lampiran embeds): no "belum diisi" boxes (a missing
    part is left out), no validation counts or table, no pointers to Buku 3/4 or workshop files, no list of the
    OPD proposals that missed the quick-win criteria. The workshop book (`plan=False`) keeps all of them."""
    return render_book(
        BUKU_2_TEMPLATE, {**context, "plan": plan}, f"Buku 2 Masterplan Smart City {context['region']['name']}"
    )
