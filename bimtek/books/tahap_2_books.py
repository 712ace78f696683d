"""Tahap II documents: the mapping chapter of Buku 1 (`mapping_context`) and the quick-win action plans.

`mapping_context` is the `mapping` value Tahap I's Buku 1 context builder accepts; the chapter template
(templates/buku-1-bab-pemetaan.md.j2) reads nothing but `mapping`, so it renders inside Buku 1 (included at its
end) or on its own (`standalone`, when Tahap I was never published). Values are plain Python; templates format.
"""

from __future__ import annotations

import pandas as pd

from bimtek.analysis.mapping import LIST_SEPARATOR, NO_ELEMENT, change_counts
from bimtek.books.templating import render_book
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.values import frame_records
from bimtek.core.vocabularies import SYNTHETIC_NOTICE

MAPPING_TEMPLATE = "buku-1-bab-pemetaan.md.j2"
QUICK_WIN_TEMPLATE = "rencana-aksi-quick-win.md.j2"
STANDALONE_NOTE = (
    "Hasil Tahap I belum diterbitkan (atau tidak lengkap), sehingga Buku 1 revisi ini hanya memuat bab pemetaan "
    "program Tahap II. Terbitkan Tahap I lalu jalankan ulang Tahap II untuk memperoleh Buku 1 lengkap."
)


def _split(text: object) -> list[str]:
    return [part for part in str(text or "").split(LIST_SEPARATOR) if part]


def _program_rows(programs: pd.DataFrame) -> list[dict]:
    """Program list rows with dimension/element labels (programs: mapping.program_list output)."""
    taxonomy = load_taxonomy()
    elements = {(d.code, e.code): e.label_id for d in taxonomy.dimensions for e in d.elements}
    rows = []
    for rec in frame_records(programs):
        rec["elemen_uraian"] = elements.get((rec["dimensi"], rec["elemen"]))
        rows.append(rec)
    return rows


def _dimension_sections(rows: list[dict], cells: pd.DataFrame) -> list[dict]:
    taxonomy = load_taxonomy()
    cell_rows = frame_records(cells)
    sections = []
    for dim in taxonomy.dimensions:
        members = [r for r in rows if r["dimensi"] == dim.code]
        dim_cells = [c for c in cell_rows if c["dimensi"] == dim.label]
        elements = [{**c, "opd_list": _split(c["opd"])} for c in dim_cells if c["elemen"] != NO_ELEMENT]
        sections.append(
            {
                "label": dim.label,
                "label_id": dim.label_id,
                "programs": len(members),
                "anggaran": float(sum(r["anggaran"] for r in members)),
                "opd": sorted({r["opd"] for r in members}, key=lambda s: (s.casefold(), s)),
                "elements": elements,
                "covered": [e for e in elements if e["programs"]],
                "gaps": [e for e in elements if not e["programs"]],
                "rows": members,
            }
        )
    return sections


def _changes(changes: pd.DataFrame, available: bool) -> dict:
    rows = frame_records(changes)
    labels = {d.code: d.label for d in load_taxonomy().dimensions}
    for row in rows:
        row["dimensi_tahap_1_label"] = labels.get(row["dimensi_tahap_1"])
        row["dimensi_tahap_2_label"] = labels.get(row["dimensi_tahap_2"])
    return {
        "available": available,
        "counts": change_counts(changes) if available else {},
        "baru": [r for r in rows if r["status"] == "baru"],
        "dihapus": [r for r in rows if r["status"] == "dihapus"],
        "pindah": [r for r in rows if r["status"] == "pindah_dimensi"],
    }


def mapping_context(
    region,
    programs: pd.DataFrame,
    cells: pd.DataFrame,
    changes: pd.DataFrame,
    contribution: pd.DataFrame,
    roadmap: pd.DataFrame,
    compared: bool,
    standalone: bool,
) -> dict:
    """The `mapping` value of Buku 1 (and of the standalone chapter).

    `programs`: mapping.program_list; `cells`: mapping.per_dimension_element; `changes`: mapping.detect_changes;
    `contribution`: mapping.opd_contribution; `roadmap`: build_roadmap of the same programs (quick-win count);
    `compared`: the changes were computed against Tahap I's long list; `standalone`: the chapter is rendered on its
    own (Tahap I's figures are not available to render the whole Buku 1).
    """
    rows = _program_rows(programs)
    dimensions = _dimension_sections(rows, cells)
    element_cells = [c for c in frame_records(cells) if c["elemen"] != NO_ELEMENT]
    taxonomy = load_taxonomy()
    contributing = contribution[contribution["jumlah"] > 0]
    return {
        "standalone": standalone,
        "standalone_note": STANDALONE_NOTE,
        "region_name": region.name,
        "synthetic": bool(region.synthetic),
        "synthetic_notice": SYNTHETIC_NOTICE,
        "summary": {
            "programs": len(rows),
            "opd": len(contributing),
            "anggaran": float(programs["anggaran"].sum()) if len(programs) else 0.0,
            "with_reference": int(programs["rujukan"].notna().sum()) if len(programs) else 0,
            "dimensions_total": len(taxonomy.dimensions),
            "dimensions_covered": sum(1 for d in dimensions if d["programs"]),
            "elements_total": len(element_cells),
            "elements_covered": sum(1 for c in element_cells if c["programs"]),
            "quick_win_candidates": int(roadmap["quick_win_candidate"].sum()) if len(roadmap) else 0,
        },
        "dimensions": dimensions,
        "changes": _changes(changes, compared),
        "contribution": {
            "dimensions": [d.label for d in taxonomy.dimensions],
            "rows": frame_records(contributing),
            "without_programs": [r["opd"] for r in frame_records(contribution[contribution["jumlah"] == 0])],
        },
    }


def render_mapping_chapter(mapping: dict) -> tuple[str, str]:
    """(Markdown, HTML) of the mapping chapter on its own (Buku 1 when Tahap I was never published)."""
    context = {"mapping": mapping, "synthetic": mapping["synthetic"], "synthetic_notice": SYNTHETIC_NOTICE}
    return render_book(MAPPING_TEMPLATE, context, f"Buku 1 Analisis Strategis Smart City {mapping['region_name']}")


def quick_win_context(region, plan: pd.DataFrame, roadmap: pd.DataFrame) -> dict:
    """Context of templates/rencana-aksi-quick-win.md.j2 from quick_win_plan.action_plan and its roadmap."""
    steps = frame_records(plan)
    reasons = {
        int(r["peringkat_quick_win"]): r["alasan_quick_win"]
        for r in frame_records(roadmap[roadmap["quick_win_candidate"]])
    }
    plans = []
    for urutan in sorted({s["urutan"] for s in steps}):
        own = [s for s in steps if s["urutan"] == urutan]
        plans.append({**own[0], "alasan": reasons.get(urutan), "steps": own})
    return {
        "region": {"name": region.name, "province": region.province},
        "period": {"start": region.period.start, "end": region.period.end},
        "synthetic": bool(region.synthetic),
        "synthetic_notice": SYNTHETIC_NOTICE,
        "plans": plans,
        "programs": len(roadmap),
        "proposed": int(roadmap["quick_win_usulan"].sum()) if len(roadmap) else 0,
        "anggaran": float(sum(p["anggaran_program"] for p in plans)),
    }


def render_quick_win_plans(context: dict) -> tuple[str, str]:
    """(Markdown, HTML) of the draft quick-win action plans."""
    return render_book(QUICK_WIN_TEMPLATE, context, f"Rencana Aksi Quick Win {context['region']['name']}")
