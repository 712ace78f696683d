"""The masterplan text people write (Tim Pelaksana / Bappeda, OPD): read from the Tahap III narrative datasets,
published with the run, and placed in the books as written.

Datasets (bimtek.validation.stage_3_rules): `narasi` (bagian, isi: one paragraph per row; several `misi` rows are
the missions in order), `strategi_dimensi` (dimensi, arah_pengembangan, strategi, sasaran) and the plan sheets
`kelembagaan`, `pendanaan`, `risiko`, `monev` (PLAN_SHEETS; their chapters: bimtek.books.masterplan_chapters).
Tahap III publishes their valid rows as `narasi/<dataset>.csv`, so Tahap IV renders the final books from the same
text.

No filler: a part nobody wrote stays missing. The books then show a "belum diisi" box naming who writes it
(`gap`, `OWNER_TEAM`), never a generated sentence.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.vocabularies import NARRATIVE_PARTS

NARASI_KEY = "narasi/narasi.csv"
STRATEGI_KEY = "narasi/strategi_dimensi.csv"
OWNER_TEAM = "Tim Pelaksana / Bappeda"
"""Who writes the region-level text and the strategy per dimension."""
STRATEGY_FIELDS = {
    "arah_pengembangan": "Arah pengembangan",
    "strategi": "Strategi",
    "sasaran": "Sasaran",
}
"""Columns of `strategi_dimensi` the books show per dimension, with their headings."""
PLAN_SHEETS = {
    "kelembagaan": "Kelembagaan",
    "pendanaan": "Pendanaan",
    "risiko": "Risiko",
    "monev": "Monev",
    "profil_daerah": "Profil Daerah",
}
"""The Tim Pelaksana's plan datasets -> the sheet of the narrative workbook they are written on."""
PLAN_KEYS = {name: f"narasi/{name}.csv" for name in PLAN_SHEETS}
"""Where a run publishes each plan dataset's valid rows (Tahap IV reads them back)."""
TEAM_WORKBOOK = "lembar {sheet} pada berkas narasi Tahap III"
"""Where the missing text is written, for the "belum diisi" box."""


def _paragraphs(values: Iterable[object]) -> list[str]:
    out = []
    for value in values:
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            continue
        text = " ".join(str(value).split())
        if text:
            out.append(text)
    return out


@dataclass(frozen=True)
class Narrative:
    """Region-level parts (code -> paragraphs) and the strategy per dimension (code -> field -> paragraphs)."""

    parts: dict[str, list[str]] = field(default_factory=dict)
    dimensions: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    plans: dict[str, list[dict]] = field(default_factory=dict)
    """Plan dataset (PLAN_SHEETS) -> its valid rows as dicts (blank cells None), in file order."""

    def plan(self, name: str) -> list[dict]:
        return [dict(r) for r in self.plans.get(name, [])]

    def part(self, code: str) -> list[str]:
        return list(self.parts.get(code, []))

    def strategy(self, dimension: str) -> dict[str, list[str]]:
        found = self.dimensions.get(dimension, {})
        return {name: list(found.get(name, [])) for name in STRATEGY_FIELDS}


def _records(frame: pd.DataFrame | None) -> list[dict]:
    """Rows of a plan frame as dicts, blank/NA cells as None, private columns (_path ...) dropped."""
    if frame is None or frame.empty:
        return []
    columns = [c for c in frame.columns if not str(c).startswith("_")]
    return [
        {c: (None if _paragraphs([v]) == [] else (v if not isinstance(v, str) else v.strip())) for c, v in row.items()}
        for row in frame[columns].astype(object).to_dict("records")
    ]


def narrative_from_rows(
    narasi: pd.DataFrame | None,
    strategi: pd.DataFrame | None,
    plans: dict[str, pd.DataFrame | None] | None = None,
) -> Narrative:
    """Narrative from the valid rows (bagian as part codes, dimensi as dimension codes, `plans` by dataset name),
    rows in file order."""
    parts: dict[str, list[str]] = {}
    if narasi is not None and len(narasi):
        for code in NARRATIVE_PARTS.codes:
            texts = _paragraphs(narasi.loc[narasi["bagian"] == code, "isi"])
            if texts:
                parts[code] = texts
    dimensions: dict[str, dict[str, list[str]]] = {}
    if strategi is not None and len(strategi):
        for dim in load_taxonomy().dimensions:
            rows = strategi[strategi["dimensi"] == dim.code]
            found = {name: _paragraphs(rows[name]) for name in STRATEGY_FIELDS if name in rows.columns}
            found = {name: texts for name, texts in found.items() if texts}
            if found:
                dimensions[dim.code] = found
    found_plans = {name: rows for name in PLAN_SHEETS if (rows := _records((plans or {}).get(name)))}
    return Narrative(parts=parts, dimensions=dimensions, plans=found_plans)


def read_narrative(
    narasi_csv: bytes | None, strategi_csv: bytes | None, plans: dict[str, bytes | None] | None = None
) -> Narrative:
    """The Narrative of published narrative CSVs (missing files: nothing written); `plans`: dataset -> CSV bytes."""

    def frame(data: bytes | None) -> pd.DataFrame | None:
        if not data or not data.strip():
            return None
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""])

    return narrative_from_rows(
        frame(narasi_csv), frame(strategi_csv), {name: frame(data) for name, data in (plans or {}).items()}
    )


def gap(what: str, who: str = OWNER_TEAM, sheet: str = "Narasi Masterplan") -> dict:
    """What a "belum diisi" box says: which text is missing, who writes it, and where."""
    return {"what": what, "who": who, "where": TEAM_WORKBOOK.format(sheet=sheet)}


def narrative_context(narrative: Narrative) -> dict:
    """Template values: each region-level part's paragraphs (empty list when missing) and its gap box."""
    return {
        "parts": {code: narrative.part(code) for code in NARRATIVE_PARTS.codes},
        "gaps": {code: gap(NARRATIVE_PARTS.label(code)) for code in NARRATIVE_PARTS.codes},
        "owner": OWNER_TEAM,
    }


def strategy_context(narrative: Narrative, dimension: str, label: str) -> dict:
    """Template values of one dimension: each strategy field's paragraphs and its gap box."""
    return {
        "fields": [
            {
                "name": name,
                "title": title,
                "paragraphs": texts,
                "gap": gap(f"{title} {label}", sheet="Strategi Dimensi"),
            }
            for name, title in STRATEGY_FIELDS.items()
            for texts in [narrative.strategy(dimension)[name]]
        ],
    }
