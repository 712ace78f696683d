"""Quick-win action plans of Tahap IV: the steps of every FINAL quick win, per quarter.

Sources, per final quick win (OPD, program), the first that has rows:
1. the Tahap IV dataset `rencana_aksi_quick_win` (the OPD's revised plan: quarter, step, who, output, budget,
   budget line), steps ordered by quarter then file order; `sumber` = SOURCE_REVISED;
2. Tahap II's quarterly draft `quick_win/rencana_aksi.csv` (bimtek.analysis.quick_win_plan.action_plan) for the
   same program: its step and milestone (as output), the OPD as owner, no budget line; `sumber` = SOURCE_DRAFT;
3. nothing: the books show a "belum diisi" box naming the OPD.

`final_action_plans(finals, revised, draft)` returns STEP_COLUMNS, one row per step, final quick-win order.
Programs are matched with `bimtek.core.text.program_key` (case and runs of spaces ignored).
"""

from __future__ import annotations

import io

import pandas as pd

from bimtek.core.text import is_blank, program_key
from bimtek.core.vocabularies import QUARTERS
from bimtek.validation.stage_4_rules import ACTION_PLAN_COLUMNS

DRAFT_KEY = "quick_win/rencana_aksi.csv"
"""Tahap II's draft action plans (read by Tahap IV)."""
STEP_COLUMNS = ["urutan", *ACTION_PLAN_COLUMNS, "sumber"]
"""One published step: its order, the columns of the Tahap IV action-plan file, and where it came from."""
SOURCE_REVISED = "revisi Tahap IV"
SOURCE_DRAFT = "draf Tahap II"


def _text(value: object) -> str | None:
    return None if is_blank(value) else " ".join(str(value).split())


def read_draft(data: bytes | None) -> pd.DataFrame | None:
    """Tahap II's published quick_win/rencana_aksi.csv, or None when absent or empty."""
    if not data or not data.strip():
        return None
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""])


def _quarter_order(text: object) -> int:
    code = QUARTERS.match(text) if text is not None else None
    return QUARTERS.codes.index(code) if code in QUARTERS.codes else len(QUARTERS.codes)


def final_action_plans(finals: pd.DataFrame, revised: pd.DataFrame | None, draft: pd.DataFrame | None) -> pd.DataFrame:
    """The steps of every final quick win (module doc). `finals`: opd, nama_program (and urutan) in order."""
    rows: list[dict] = []
    revised_rows = [] if revised is None or revised.empty else revised.to_dict("records")
    draft_rows = [] if draft is None or draft.empty else draft.to_dict("records")
    for position, final in enumerate(finals.to_dict("records"), start=1):
        key = program_key(final["opd"], final["nama_program"])
        order = int(final.get("urutan", position))
        mine = [r for r in revised_rows if program_key(r["opd"], r["nama_program"]) == key]
        if mine:
            mine = sorted(enumerate(mine), key=lambda pair: (_quarter_order(pair[1]["triwulan"]), pair[0]))
            for _, r in mine:
                budget = r.get("anggaran")
                rows.append(
                    {
                        "urutan": order,
                        "opd": final["opd"],
                        "nama_program": final["nama_program"],
                        "triwulan": QUARTERS.label(str(r["triwulan"])),
                        "langkah": _text(r["langkah"]),
                        "penanggung_jawab": _text(r.get("penanggung_jawab")),
                        "keluaran": _text(r.get("keluaran")),
                        "anggaran": None if is_blank(budget) else float(budget),
                        "mata_anggaran": _text(r.get("mata_anggaran")),
                        "sumber": SOURCE_REVISED,
                    }
                )
            continue
        for r in (r for r in draft_rows if program_key(r["opd"], r["nama_program"]) == key):
            rows.append(
                {
                    "urutan": order,
                    "opd": final["opd"],
                    "nama_program": final["nama_program"],
                    "triwulan": _text(r.get("triwulan")),
                    "langkah": _text(r.get("langkah")),
                    "penanggung_jawab": final["opd"],
                    "keluaran": _text(r.get("tonggak")),
                    "anggaran": None,
                    "mata_anggaran": None,
                    "sumber": SOURCE_DRAFT,
                }
            )
    frame = pd.DataFrame(rows, columns=STEP_COLUMNS)
    return frame.astype({"anggaran": "float64"})


def steps_by_program(steps: pd.DataFrame) -> dict[tuple[str, str], list[dict]]:
    """(OPD, program) -> its steps as dicts (blank cells None), for the books."""
    out: dict[tuple[str, str], list[dict]] = {}
    for r in steps.to_dict("records"):
        clean = {k: (None if is_blank(v) else v) for k, v in r.items()}
        out.setdefault((r["opd"], r["nama_program"]), []).append(clean)
    return out
