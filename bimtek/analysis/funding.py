"""One funding plan for the whole masterplan period: what the programs need per funding source and year, what the
Tim Pelaksana plans, the difference each year and what closes it.

- Need (`funding_need`): each program's budget per year (bimtek.analysis.aggregate.spread_budget: as the OPD stated
  it, else an even split) under the program's own funding source (`sumber_dana`, the one funding vocabulary
  bimtek.core.vocabularies.FUNDING_SCHEMES), for every year of the period (a year without programs needs 0).
- Plan (`funding_plan`): the Tim Pelaksana's rows (dataset `pendanaan`: tahun, skema, nilai, keterangan). A year
  the team wrote rows for is planned by those rows alone (`dirinci`); any other year follows the programs' sources
  as the OPD stated them. So the plan always covers the whole period and every source.
- Gaps: a year whose plan is below its need (`kurang`, the shortfall a person must close by adding a plan row),
  and a source the team plans that no program names (`tanpa_program`: the programs' sources must say which
  program it pays for). Both are texts a person still has to write: the books show them as "belum diisi" and the
  Perbup is DRAFT.

Amounts are in Rupiah (floats, whole Rupiah from spread_budget); shares and labels are the templates' business.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from bimtek.analysis.aggregate import spread_budget
from bimtek.core.region import Period
from bimtek.core.vocabularies import FUNDING_SCHEMES

TOLERANCE = 0.5
"""Rupiah: a difference below this is no difference (sen rounding of the even split)."""


def _ordered(sources: Iterable[str]) -> list[str]:
    known = FUNDING_SCHEMES.codes
    present = set(sources)
    return [s for s in known if s in present] + sorted(present - set(known))


def funding_need(programs: pd.DataFrame, period: Period) -> list[dict]:
    """{tahun, amounts {source: Rupiah}, jumlah} per year of the period (and any program year outside it),
    ascending: the programs' budget per year under their own funding source."""
    spread = spread_budget(programs)
    years = set(range(period.start, period.end + 1)) | set(spread["tahun"].tolist())
    source = programs["sumber_dana"].astype(str) if len(programs) else pd.Series(dtype=object)
    spread = spread.assign(sumber=[source.loc[label] for label in spread["program"]])
    sums = spread.groupby(["tahun", "sumber"])["anggaran"].sum() if len(spread) else pd.Series(dtype=float)
    sources = _ordered(spread["sumber"].unique().tolist() if len(spread) else [])
    rows = []
    for year in sorted(years):
        amounts = {s: float(sums.get((year, s), 0.0)) for s in sources}
        rows.append({"tahun": int(year), "amounts": amounts, "jumlah": sum(amounts.values())})
    return rows


def _number(value: object) -> float:
    try:
        return float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return 0.0


def funding_plan(need: list[dict], plan_rows: Iterable[Mapping]) -> dict:
    """The plan per year and source over every year of `need` (module doc), with per year: `need` and `plan` per
    source, `kebutuhan`, `jumlah` (planned), `selisih` (plan - need), `kurang` (shortfall, >= 0), `apbd_share`
    (of the plan), `dirinci` (the team wrote a row for that year); per source over the period: `need_total`,
    `plan_total`, `selisih`; `tanpa_program`: sources planned that no program names; `shortfall_years`."""
    written: dict[tuple[int, str], float] = {}
    for r in plan_rows:
        key = (int(_number(r["tahun"])), str(r["skema"]))
        written[key] = written.get(key, 0.0) + _number(r["nilai"])
    years = sorted({n["tahun"] for n in need} | {y for y, _ in written})
    need_by_year = {n["tahun"]: n["amounts"] for n in need}
    sources = _ordered({s for n in need for s in n["amounts"]} | {s for _, s in written})
    rows: list[dict] = []
    for year in years:
        needed = {s: float(need_by_year.get(year, {}).get(s, 0.0)) for s in sources}
        detailed = any(y == year for y, _ in written)
        planned = {s: written.get((year, s), 0.0) if detailed else needed[s] for s in sources}
        total_need, total_plan = sum(needed.values()), sum(planned.values())
        difference = total_plan - total_need
        rows.append(
            {
                "tahun": year,
                "need": needed,
                "plan": planned,
                "kebutuhan": total_need,
                "jumlah": total_plan,
                "selisih": difference if abs(difference) >= TOLERANCE else 0.0,
                "kurang": -difference if difference <= -TOLERANCE else 0.0,
                "apbd_share": planned.get("APBD", 0.0) / total_plan if total_plan else 0.0,
                "dirinci": detailed,
            }
        )
    by_source: list[dict] = []
    for s in sources:
        need_total = sum(r["need"][s] for r in rows)
        plan_total = sum(r["plan"][s] for r in rows)
        by_source.append(
            {"sumber": s, "need_total": need_total, "plan_total": plan_total, "selisih": plan_total - need_total}
        )
    return {
        "sources": sources,
        "rows": rows,
        "by_source": by_source,
        "kebutuhan": sum(r["kebutuhan"] for r in rows),
        "jumlah": sum(r["jumlah"] for r in rows),
        "tanpa_program": [b for b in by_source if b["plan_total"] >= TOLERANCE and b["need_total"] < TOLERANCE],
        "shortfall_years": [r for r in rows if r["kurang"]],
        "written": bool(written),
    }
