"""Property: the budget published per OPD equals the sum of that OPD's valid program rows, whatever optional
columns are blank (element, indicator, target, ratings...) and whether Tahap III merges onto a Tahap II baseline."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bimtek.analysis import aggregate
from bimtek.analysis.mapping import merge_baseline, opd_contribution, typed_programs
from bimtek.analysis.roadmap import build_roadmap
from bimtek.core.region import parse_region
from bimtek.core.settings import Settings
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.text import program_key

REGION = parse_region(
    {"slug": "contoh", "name": "Kabupaten Contoh", "province": "Jambi", "period": {"start": 2027, "end": 2036}}
)
TAXONOMY = load_taxonomy()
OPD = ["Dinas Kesehatan", "Diskominfo", "Bagian Humas", "Bappeda"]
NAMES = [f"Program {c}" for c in "ABCDEFGH"]
blank = st.none()
text = st.one_of(blank, st.sampled_from(["Indikator A", "25 unit", "Warga terlayani"]))


@st.composite
def program_rows(draw, path: str) -> pd.DataFrame:
    """Valid program rows (distinct OPD + name), every optional column sometimes blank."""
    keys = draw(st.lists(st.tuples(st.sampled_from(OPD), st.sampled_from(NAMES)), max_size=12, unique=True))
    rows = []
    for i, (opd, name) in enumerate(keys):
        dim = draw(st.sampled_from(TAXONOMY.dimensions))
        start = draw(st.integers(2027, 2034))
        rows.append(
            {
                "opd": opd,
                "nama_program": name,
                "dimensi": dim.code,
                "elemen": draw(st.one_of(blank, st.sampled_from([e.code for e in dim.elements]))),
                "anggaran": float(draw(st.integers(1_000_000, 5_000_000_000))),
                "sumber_dana": draw(st.sampled_from(TAXONOMY.funding_sources)),
                "tahun_mulai": start,
                "tahun_selesai": start + draw(st.integers(0, 2)),
                "quick_win": draw(st.booleans()),
                "sasaran": draw(text),
                "indikator": draw(text),
                "target": draw(text),
                "dampak": draw(st.one_of(blank, st.integers(1, 5))),
                "kesiapan": draw(st.one_of(blank, st.integers(1, 5))),
                "_path": path,
                "_row": i + 2,
            }
        )
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["opd", "nama_program", "anggaran"])
    typed = typed_programs(frame)
    if draw(st.booleans()):  # a file without the optional element / indicator columns
        typed = typed.drop(columns=["elemen", "indikator"])
    return typed


def _per_opd(frame: pd.DataFrame) -> dict[str, float]:
    return {str(k): float(v) for k, v in frame.groupby("opd")["anggaran"].sum().items() if v}


def _close(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(math.isclose(a[k], b[k], rel_tol=1e-12) for k in a)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(baseline=program_rows("tahap-2.xlsx"), updates=program_rows("tahap-3.xlsx"), merge=st.booleans())
def test_published_budget_per_opd_is_the_sum_of_its_program_rows(baseline, updates, merge):
    if merge:
        programs, _ = merge_baseline(baseline, updates)
        update_keys = {program_key(o, n) for o, n in zip(updates["opd"], updates["nama_program"])}
        kept = [program_key(o, n) not in update_keys for o, n in zip(baseline["opd"], baseline["nama_program"])]
        carried = baseline.loc[pd.Series(kept, index=baseline.index, dtype=bool)]
        expected = _per_opd(pd.concat([carried[["opd", "anggaran"]], updates[["opd", "anggaran"]]]))
    else:
        programs, expected = updates, _per_opd(updates)
    roadmap = build_roadmap(programs, REGION, Settings())
    assert len(roadmap) == len(programs)  # no program dropped for a blank optional column
    assert _close(_per_opd(roadmap), expected)
    contribution = opd_contribution(programs)
    assert _close({r.opd: r.anggaran_total for r in contribution.itertuples() if r.anggaran_total}, expected)
    total = sum(expected.values())
    assert math.isclose(float(aggregate.by_dimension(roadmap)["anggaran_total"].sum()), total, abs_tol=1e-3)
    funding = aggregate.budget_by_funding(roadmap)
    assert math.isclose(float(funding.iloc[-1]["jumlah"]), total, abs_tol=1e-3)
    assert int(aggregate.by_element(roadmap)["programs"].sum()) == int(roadmap["elemen"].notna().sum())
