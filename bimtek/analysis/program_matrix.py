"""The program matrix of the masterplan: program -> owner and supporting OPD, indicator with its baseline and
target, budget per year, funding source (Buku 4, bimtek.stages.tahap_4.context).

Budget per year: as the OPD states it in the per-year columns of its proposal (`anggaran_tahunan`,
bimtek.core.year_budget). A program that gives only a total (`anggaran`, years `tahun_mulai`..`tahun_selesai`)
over more than one year is spread evenly by `bimtek.analysis.aggregate.spread_budget` (the same figures as
budget_by_year) and labelled `dibagi_rata` = True, so no reader takes the split for the OPD's own yearly figures.

A target stated as a change from today ("naik 20% dari kondisi 2026", "turun separuh dari kondisi awal") needs the
value it starts from: such a row without a `baseline` gets `target_tanpa_baseline` = True and the book flags it.
"""

from __future__ import annotations

import re

import pandas as pd

from bimtek.analysis.aggregate import spread_budget
from bimtek.core.text import is_blank

RELATIVE_TARGET = re.compile(r"\b(naik|turun|meningkat|menurun|bertambah|berkurang)\b.*\b(dari|dibanding)\b", re.I)
"""A target that is a change from a starting value (needs a baseline)."""


def needs_baseline(target: object, baseline: object) -> bool:
    """True when `target` is relative to a starting value (RELATIVE_TARGET) and no baseline is given."""
    return not is_blank(target) and bool(RELATIVE_TARGET.search(str(target))) and is_blank(baseline)


def _text(value: object) -> str | None:
    return None if is_blank(value) else " ".join(str(value).split())


def program_matrix(roadmap: pd.DataFrame) -> list[dict]:
    """One dict per roadmap program, roadmap order: opd, opd_pendukung, dimensi_label, nama_program,
    kode_sub_kegiatan (SIPD code, None when the program has none), indikator,
    baseline, target, target_tanpa_baseline, per_tahun ([{tahun, anggaran}]), anggaran, dibagi_rata (a total over
    several years spread evenly), dinyatakan_opd (year figures as the OPD gave them: stated per year, or one year), sumber_dana, tahun_mulai,
    tahun_selesai."""
    if roadmap.empty:
        return []
    spread = spread_budget(roadmap)
    years: dict[object, list[dict]] = {}
    even: dict[object, bool] = {}
    for program, year, amount, split in zip(
        spread["program"], spread["tahun"], spread["anggaran"], spread["dibagi_rata"]
    ):
        years.setdefault(program, []).append({"tahun": int(year), "anggaran": float(amount)})
        even[program] = bool(split)
    rows = []
    for index, r in roadmap.iterrows():
        target, baseline = _text(r.get("target")), _text(r.get("baseline"))
        rows.append(
            {
                "opd": r["opd"],
                "opd_pendukung": _text(r.get("opd_pendukung")),
                "dimensi": r["dimensi"],
                "dimensi_label": r.get("dimensi_label"),
                "nama_program": r["nama_program"],
                "kode_sub_kegiatan": _text(r.get("kode_sub_kegiatan")),
                "indikator": _text(r.get("indikator")),
                "baseline": baseline,
                "target": target,
                "target_tanpa_baseline": needs_baseline(target, baseline),
                "per_tahun": years.get(index, []),
                "anggaran": float(r["anggaran"]),
                "dibagi_rata": even.get(index, False),
                "dinyatakan_opd": not even.get(index, False),
                "sumber_dana": r["sumber_dana"],
                "tahun_mulai": int(r["tahun_mulai"]),
                "tahun_selesai": int(r["tahun_selesai"]),
            }
        )
    return rows


def matrix_summary(rows: list[dict]) -> dict:
    """Counts the book states under the matrix: programs, split budgets, targets flagged, targets/baselines given."""
    return {
        "programs": len(rows),
        "dibagi_rata": sum(1 for r in rows if r["dibagi_rata"]),
        "dinyatakan_opd": sum(1 for r in rows if r["dinyatakan_opd"]),
        "target_tanpa_baseline": sum(1 for r in rows if r["target_tanpa_baseline"]),
        "tanpa_target": sum(1 for r in rows if not r["target"]),
        "dengan_baseline": sum(1 for r in rows if r["baseline"]),
    }


def missing_by_opd(rows: list[dict]) -> dict[str, dict[str, list[str]]]:
    """OPD -> {"baseline": programs without a baseline, "target": programs without a target} (program_matrix rows,
    in their order; only OPD with a missing value). Each final program's baseline and target come from its OPD."""
    out: dict[str, dict[str, list[str]]] = {}
    for r in rows:
        for field in ("baseline", "target"):
            if not r.get(field):
                out.setdefault(r["opd"], {"baseline": [], "target": []})[field].append(r["nama_program"])
    return out
