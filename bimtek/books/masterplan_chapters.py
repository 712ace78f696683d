"""The masterplan chapters a ministry reviewer scores beyond the programs: RPJMD alignment, institutions and
governance, enabler plans, financing, risk and monitoring/evaluation.

Each chapter is built from what people wrote (bimtek.books.narrative: a `narasi` part for its opening text and one
plan sheet of the Tim Pelaksana workbook for its table) and, where the masterplan already has the figures, from the
roadmap (programs per RPJMD reference, budget per year). Nothing is invented: a part or sheet nobody filled keeps
its `gap` ("belum diisi" box in the workshop book; left out in plan mode, bimtek.books.buku_2.render_buku_2).

`masterplan_chapters(narrative, rows, need)` (need: bimtek.analysis.funding.funding_need) returns plain values; templates/buku-2-masterplan.md.j2
formats them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from bimtek.analysis.funding import funding_plan
from bimtek.books.narrative import PLAN_SHEETS, Narrative, gap
from bimtek.core.formatting import angka, apportion
from bimtek.core.text import fold_text
from bimtek.core.vocabularies import ENABLERS, MONEV_AREAS, NARRATIVE_PARTS, RISK_LEVELS

RISK_BANDS = ((6, "Tinggi"), (3, "Sedang"), (1, "Rendah"))
"""Risk level from likelihood x impact (each 1-3 in RISK_LEVELS order): 6-9 Tinggi, 3-4 Sedang, 1-2 Rendah."""


def _part(narrative: Narrative, code: str) -> dict:
    return {"paragraphs": narrative.part(code), "gap": gap(NARRATIVE_PARTS.label(code))}


def _sheet_gap(name: str, what: str) -> dict:
    return gap(what, sheet=PLAN_SHEETS[name])


def _natural(text: str) -> list:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.casefold()) for part in re.split(r"(\d+)", text)]


def rpjmd_alignment(rows: Iterable[Mapping]) -> dict:
    """Programs per RPJMD/Renstra document (the part of the `rujukan` Tahap II collects before its first "/", e.g.
    "RPJMD 2025-2029 Misi 1" of "RPJMD 2025-2029 Misi 1 / Program Penataan Nagari"), in first-seen order, and how
    many programs carry no reference. Listed RPJMD documents first, then Renstra and others, each by name with its
    numbers compared as numbers ("Misi 2" before "Misi 10")."""
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
    listed.sort(key=lambda g: (not g["rujukan"].upper().startswith("RPJMD"), _natural(g["rujukan"])))
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


def _in_millions(plan: dict) -> None:
    """Each column of the funding table in juta rupiah with one decimal, apportioned so its years add up to its
    printed total (`juta` on every row and `juta_total` on the plan; bimtek.core.formatting.apportion)."""
    columns = {
        **{s: [r["plan"][s] for r in plan["rows"]] for s in plan["sources"]},
        **{c: [r[c] for r in plan["rows"]] for c in ("jumlah", "kebutuhan", "selisih")},
    }
    for row in plan["rows"]:
        row["juta"] = {}
    plan["juta_total"] = {}
    for column, values in columns.items():
        scaled = apportion([v / 1_000_000 for v in values], 1)
        for row, value in zip(plan["rows"], scaled):
            row["juta"][column] = float(value)
        plan["juta_total"][column] = float(sum(scaled))


def financing(narrative: Narrative, need: list[dict]) -> dict:
    """The one funding plan (bimtek.analysis.funding.funding_plan) of the programs' `need` per source and year
    (bimtek.analysis.funding.funding_need) and the team's `pendanaan` rows, for every year of the period, with the
    team's text, its notes, and a gap for each year the plan leaves short and each source planned for no program."""
    rows = narrative.plan("pendanaan")
    plan = funding_plan(need, rows)
    shortfalls = [
        _sheet_gap(
            "pendanaan",
            f"Cara menutup kekurangan pendanaan tahun {r['tahun']} (Rp {angka(r['kurang'] / 1_000_000, 1)} juta)",
        )
        for r in plan["shortfall_years"]
    ]
    orphans = [
        _sheet_gap(
            "pendanaan",
            f"Program yang dibiayai {b['sumber']} (rencana Rp {angka(b['plan_total'] / 1_000_000, 1)} juta, tidak ada program "
            f"bersumber dana {b['sumber']})",
        )
        for b in plan["tanpa_program"]
    ]
    _in_millions(plan)
    return {
        "text": _part(narrative, "pendanaan"),
        **plan,
        "schemes": plan["sources"],
        "notes": [r for r in rows if r.get("keterangan")],
        "open": shortfalls + orphans,
        "gap": _sheet_gap("pendanaan", "Rencana pendanaan per tahun dan skema (APBD, DAK/APBN, CSR, KPBU)"),
    }


def profile(narrative: Narrative) -> dict:
    """The region's key figures (dataset `profil_daerah`) as written, each with unit, year and source, for the
    Gambaran Umum; a gap when none was written."""
    return {
        "rows": narrative.plan("profil_daerah"),
        "gap": _sheet_gap(
            "profil_daerah",
            "Data pokok daerah (penduduk, luas wilayah, APBD, IPM, kemiskinan, akses internet) dengan sumbernya",
        ),
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


def masterplan_chapters(narrative: Narrative, rows: Iterable[Mapping], need: list[dict]) -> dict:
    """Template values of the chapters beyond the programs (module doc)."""
    return {
        "rpjmd": rpjmd_alignment(rows),
        "profil": profile(narrative),
        "kelembagaan": institutions(narrative),
        "enablers": enablers(narrative),
        "pendanaan": financing(narrative, need),
        "risiko": risks(narrative),
        "monev": monitoring(narrative),
    }
