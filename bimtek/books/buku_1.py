"""Buku 1 (Analisis Strategis, Tahap I; revised in Tahap II): context from the Tahap I figures, then Markdown and HTML.

The template is templates/buku-1-analisis-strategis.md.j2, rendered like Buku 2 (`bimtek.books.templating.render_book`:
escaped Markdown, HTML inside base.html.j2, synthetic banner when the region is synthetic). `figures` is the
output of `bimtek.analysis.analyse` or the same tables read back from a Tahap I run's analysis/*.csv files.

Hook for Tahap II: `mapping` (None in Tahap I) is passed to the template as is; when it is truthy the template
ends with the chapter templates/buku-1-bab-pemetaan.md.j2 (Pemetaan Program RPJMD/Renstra). `stage_label`
("Tahap I", "Tahap II (revisi)") appears in the titles.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from bimtek.analysis import ideas_per_dimension
from bimtek.analysis.readiness import GAP_THRESHOLD
from bimtek.analysis.summary import table_rows
from bimtek.books.buku_2 import validation_numbers
from bimtek.books.templating import render_book
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.text import cell_text
from bimtek.core.vocabularies import PILLARS, SWOT_COMPONENTS, SWOT_TYPES, SYNTHETIC_NOTICE

BUKU_1_TEMPLATE = "buku-1-analisis-strategis.md.j2"
TOP_KEYWORDS = 5
"""How many keywords the prose of Bab IV names."""


def _labelled(rows: list[dict]) -> list[dict]:
    """Rows with `pilar_label` beside the pillar code."""
    return [{**row, "pilar_label": PILLARS.label(row["pilar"])} for row in rows]


def _readiness(figures: Mapping[str, pd.DataFrame]) -> dict:
    pillars = _labelled(table_rows(figures["kesiapan_pilar"]))
    indicators = _labelled(table_rows(figures["kesiapan_indikator"]))
    scored = [p for p in pillars if p["jumlah_nilai"]]
    return {
        "threshold": GAP_THRESHOLD,
        "pillars": pillars,
        "highest": max(scored, key=lambda p: p["rata_rata"], default=None),
        "lowest": min(scored, key=lambda p: p["rata_rata"], default=None),
        "groups": [
            {"code": code, "label": PILLARS.label(code), "rows": [r for r in indicators if r["pilar"] == code]}
            for code in PILLARS.codes
        ],
        "indicators": len(indicators),
        "scores": sum(p["jumlah_nilai"] for p in pillars),
        "gaps": _labelled(table_rows(figures["kesiapan_gap"])),
    }


def _swot(matrix: pd.DataFrame) -> dict:
    rows = [{k: cell_text(v) or "" for k, v in row.items()} for row in table_rows(matrix)]
    components = []
    for component in SWOT_COMPONENTS.terms:
        mine = [r for r in rows if r["komponen"] == component.code]
        types = [
            {"code": t.code, "label": t.label, "rows": [r for r in mine if r["jenis"] == t.code]}
            for t in SWOT_TYPES.terms
        ]
        components.append({"code": component.code, "label": component.label, "count": len(mine), "types": types})
    return {
        "statements": len(rows),
        "components": components,
        "types": [{"code": t.code, "label": t.label} for t in SWOT_TYPES.terms],
    }


def _ideas(long: pd.DataFrame) -> dict:
    taxonomy = load_taxonomy()
    element_labels = {e.code: e.label_id for d in taxonomy.dimensions for e in d.elements}
    rows = []
    for row in table_rows(long):
        element = cell_text(row["elemen"]) or ""
        rows.append(
            {
                "opd": cell_text(row["opd"]) or "",
                "dimensi": row["dimensi"],
                "elemen_label": element_labels.get(element, element) or None,
                "nama_program": cell_text(row["nama_program"]) or "",
                "deskripsi": cell_text(row["deskripsi"]),
                "quick_win": str(row["quick_win"]).strip().lower() == "true",
            }
        )
    per_dimension = ideas_per_dimension(pd.DataFrame(rows, columns=["opd", "dimensi", "quick_win"]))
    counts = {r["dimensi"]: r for r in table_rows(per_dimension)}
    dimensions = [
        {
            "code": d.code,
            "label": d.label,
            "label_id": d.label_id,
            "ide": counts[d.label]["ide"],
            "opd": counts[d.label]["opd"],
            "usulan_quick_win": counts[d.label]["usulan_quick_win"],
            "rows": [r for r in rows if r["dimensi"] == d.code],
        }
        for d in taxonomy.dimensions
    ]
    return {
        "total": len(rows),
        "opd": len({r["opd"] for r in rows}),
        "quick_win": sum(r["quick_win"] for r in rows),
        "dimensions": dimensions,
        "covered": sum(1 for d in dimensions if d["rows"]),
    }


def buku_1_context(
    region,
    figures: Mapping[str, pd.DataFrame],
    validation_summary: object = None,
    stage_label: str = "Tahap I",
    mapping: object = None,
    synthetic: bool | None = None,
    kesiapan_opd: int | None = None,
) -> dict:
    """Everything Buku 1 shows, as plain values (the template formats).

    `validation_summary` is a ValidationReport or its report.json dict (None: the book says only valid rows are
    known); `mapping` is Tahap II's chapter data (None: no mapping chapter); `synthetic` defaults to
    region.synthetic; `kesiapan_opd` is the number of OPD that scored themselves (default: the largest
    per-pillar OPD count).
    """
    readiness = _readiness(figures)
    if kesiapan_opd is None:
        kesiapan_opd = max((p["jumlah_opd"] for p in readiness["pillars"]), default=0)
    keywords = table_rows(figures["kata_kunci_visi"])
    return {
        "region": {"name": region.name, "province": region.province, "slug": region.slug},
        "stage_label": stage_label,
        "synthetic": bool(region.synthetic if synthetic is None else synthetic),
        "synthetic_notice": SYNTHETIC_NOTICE,
        "validation": validation_numbers(validation_summary, 0),
        "readiness": {**readiness, "opd": kesiapan_opd},
        "swot": _swot(figures["swot"]),
        "keywords": {"rows": keywords, "top": keywords[:TOP_KEYWORDS]},
        "ideas": _ideas(figures["daftar_panjang"]),
        "mapping": mapping,
    }


def render_buku_1(context: Mapping) -> tuple[str, str]:
    """(Markdown, HTML) of Buku 1 from `buku_1_context` output; both end with one newline."""
    title = f"Buku 1 Analisis Strategis Smart City {context['region']['name']} – {context['stage_label']}"
    return render_book(BUKU_1_TEMPLATE, context, title)
