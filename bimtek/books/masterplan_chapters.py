"""The masterplan chapters a ministry reviewer scores beyond the programs: RPJMD alignment, institutions and
governance, enabler plans, financing, risk and monitoring/evaluation.

Each chapter is built from what people wrote (bimtek.books.narrative: a `narasi` part for its opening text and one
plan sheet of the Tim Pelaksana workbook for its table) and, where the masterplan already has the figures, from the
roadmap (programs per RPJMD reference, budget per year). Nothing is invented: a part or sheet nobody filled keeps
its `gap` ("belum diisi" box in the workshop book; left out in plan mode, bimtek.books.buku_2.render_buku_2).

`masterplan_chapters(narrative, rows, budget_by_year)` returns plain values; templates/buku-2-masterplan.md.j2
formats them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bimtek.books.narrative import PLAN_SHEETS, Narrative, gap
from bimtek.core.formatting import shares
from bimtek.core.text import fold_text
from bimtek.core.vocabularies import ENABLERS, FUNDING_SCHEMES, MONEV_AREAS, NARRATIVE_PARTS, RISK_LEVELS

RISK_BANDS = ((6, "Tinggi"), (3, "Sedang"), (1, "Rendah"))
"""Risk level from likelihood x impact (each 1-3 in RISK_LEVELS order): 6-9 Tinggi, 3-4 Sedang, 1-2 Rendah."""
APBD = "APBD"


def _number(value: object) -> float:
    try:
        return float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return 0.0


def _part(narrative: Narrative, code: str) -> dict:
    return {"paragraphs": narrative.part(code), "gap": gap(NARRATIVE_PARTS.label(code))}


def _sheet_gap(name: str, what: str) -> dict:
    return gap(what, sheet=PLAN_SHEETS[name])


def rpjmd_alignment(rows: Iterable[Mapping]) -> dict:
    """Programs per RPJMD/Renstra document (the part of the `rujukan` Tahap II collects before its first "/", e.g.
    "RPJMD 2025-2029 Misi 1" of "RPJMD 2025-2029 Misi 1 / Program Penataan Nagari"), in first-seen order, and how
    many programs carry no reference."""
    groups: dict[str, dict] = {}
    without = 0
    total = 0
    for r in rows:
        total += 1
        ref = r.get("rujukan")
        text = " ".join(str(ref).split()) if ref is not None and str(ref).strip() and str(ref) != "nan" else ""
        if not text:
            without += 1
            continue
        head = text.split("/")[0].strip() or text
        group = groups.setdefault(fold_text(head), {"rujukan": head, "programs": 0, "anggaran": 0.0, "opd": set()})
        group["programs"] += 1
        group["anggaran"] += float(r.get("anggaran") or 0)
        group["opd"].add(str(r["opd"]))
    listed = [{**g, "opd": sorted(g["opd"], key=lambda s: (s.casefold(), s))} for g in groups.values()]
    return {
        "rows": listed,
        "programs": total,
        "with_reference": total - without,
        "without_reference": without,
        "gap": {
            "what": "Rujukan RPJMD/Renstra setiap program",
            "who": "OPD pemilik program",
            "where": 'kolom "Rujukan (RPJMD/Renstra)" berkas program Tahap II',
        },
    }


def institutions(narrative: Narrative) -> dict:
    """Bodies (unsur) in first-seen order with their roles; the roles tied to programs listed apart."""
    rows = narrative.plan("kelembagaan")
    bodies: dict[str, dict] = {}
    for r in rows:
        body = bodies.setdefault(fold_text(r["unsur"]), {"unsur": r["unsur"], "roles": []})
        body["roles"].append(r)
    return {
        "text": _part(narrative, "kelembagaan"),
        "bodies": list(bodies.values()),
        "program_roles": [r for r in rows if r.get("program")],
        "rows": rows,
        "gap": _sheet_gap("kelembagaan", "Susunan Dewan Smart City, Tim Pelaksana dan peran per program"),
    }


def enablers(narrative: Narrative) -> list[dict]:
    """The three enabler plans (suprastruktur, infrastruktur, infostruktur), each its text or its gap."""
    return [{"code": code, "title": NARRATIVE_PARTS.label(code), **_part(narrative, code)} for code in ENABLERS]


def financing(narrative: Narrative, budget_by_year: Iterable[Mapping]) -> dict:
    """The funding plan per year and scheme (schemes in FUNDING_SCHEMES order, only those used), its APBD share per
    year, and the program budget of the same year beside it (what the programs need)."""
    rows = narrative.plan("pendanaan")
    need = {int(_number(y["tahun"])): float(y["jumlah"]) for y in budget_by_year}
    used = [s for s in FUNDING_SCHEMES.codes if any(r["skema"] == s for r in rows)]
    years = sorted({int(_number(r["tahun"])) for r in rows})
    table: list[dict] = []
    for year in years:
        amounts = {
            s: sum(_number(r["nilai"]) for r in rows if int(_number(r["tahun"])) == year and r["skema"] == s)
            for s in used
        }
        total = sum(amounts.values())
        table.append(
            {
                "tahun": year,
                "amounts": amounts,
                "jumlah": total,
                "apbd_share": amounts.get(APBD, 0.0) / total if total else 0.0,
                "kebutuhan": need.get(year),
            }
        )
    totals = {s: sum(t["amounts"][s] for t in table) for s in used}
    grand = sum(totals.values())
    return {
        "text": _part(narrative, "pendanaan"),
        "schemes": used,
        "rows": table,
        "totals": totals,
        "jumlah": grand,
        "shares": dict(zip(used, shares([totals[s] for s in used]))) if grand else {},
        "notes": [r for r in rows if r.get("keterangan")],
        "gap": _sheet_gap("pendanaan", "Rencana pendanaan per tahun dan skema (APBD, DAK/APBN, CSR, KPBU)"),
    }


def risk_level(likelihood: str, impact: str) -> str:
    """Rendah / Sedang / Tinggi from the two RISK_LEVELS codes (RISK_BANDS)."""
    codes = RISK_LEVELS.codes
    product = (codes.index(likelihood) + 1) * (codes.index(impact) + 1)
    return next(label for floor, label in RISK_BANDS if product >= floor)


def risks(narrative: Narrative) -> dict:
    """The risk register, highest level first (file order within a level), with level labels."""
    rows = narrative.plan("risiko")
    order = {label: i for i, (_, label) in enumerate(RISK_BANDS)}
    listed = [
        {
            **r,
            "kemungkinan_label": RISK_LEVELS.label(r["kemungkinan"]),
            "dampak_label": RISK_LEVELS.label(r["dampak"]),
            "tingkat": risk_level(r["kemungkinan"], r["dampak"]),
        }
        for r in rows
    ]
    listed.sort(key=lambda r: order[r["tingkat"]])
    return {
        "text": _part(narrative, "manajemen_risiko"),
        "rows": listed,
        "gap": _sheet_gap("risiko", "Daftar risiko dengan kemungkinan, dampak, mitigasi dan penanggung jawab"),
    }


def monitoring(narrative: Narrative) -> dict:
    """Monitoring indicators grouped by the five evaluation areas (MONEV_AREAS order); an area without an indicator
    keeps a gap of its own."""
    rows = narrative.plan("monev")
    areas = [
        {
            "code": code,
            "label": MONEV_AREAS.label(code),
            "rows": [r for r in rows if r["area"] == code],
            "gap": _sheet_gap("monev", f"Indikator area evaluasi {MONEV_AREAS.label(code)}"),
        }
        for code in MONEV_AREAS.codes
    ]
    return {
        "text": _part(narrative, "monev"),
        "areas": areas,
        "rows": rows,
        "missing_areas": [a["label"] for a in areas if not a["rows"]],
        "gap": _sheet_gap("monev", "Indikator monitoring dan evaluasi per area, siklus dan pelaporan"),
    }


def masterplan_chapters(narrative: Narrative, rows: Iterable[Mapping], budget_by_year: Iterable[Mapping]) -> dict:
    """Template values of the chapters beyond the programs (module doc)."""
    return {
        "rpjmd": rpjmd_alignment(rows),
        "kelembagaan": institutions(narrative),
        "enablers": enablers(narrative),
        "pendanaan": financing(narrative, budget_by_year),
        "risiko": risks(narrative),
        "monev": monitoring(narrative),
    }
