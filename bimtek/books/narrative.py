"""The masterplan text people write (Tim Pelaksana / Bappeda, OPD): read from the Tahap III narrative datasets,
published with the run, and placed in the books as written.

Datasets (bimtek.validation.stage_3_rules): `narasi` (bagian, isi: one paragraph per row; several `misi` rows are
the missions in order) and `strategi_dimensi` (dimensi, arah_pengembangan, strategi, sasaran). Tahap III publishes
their valid rows as `narasi/narasi.csv` and `narasi/strategi_dimensi.csv`, so Tahap IV renders the final books from
the same text.

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

    def part(self, code: str) -> list[str]:
        return list(self.parts.get(code, []))

    def strategy(self, dimension: str) -> dict[str, list[str]]:
        found = self.dimensions.get(dimension, {})
        return {name: list(found.get(name, [])) for name in STRATEGY_FIELDS}


def narrative_from_rows(narasi: pd.DataFrame | None, strategi: pd.DataFrame | None) -> Narrative:
    """Narrative from the valid rows (bagian as part codes, dimensi as dimension codes), rows in file order."""
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
    return Narrative(parts=parts, dimensions=dimensions)


def read_narrative(narasi_csv: bytes | None, strategi_csv: bytes | None) -> Narrative:
    """The Narrative of published narrative CSVs (missing files: nothing written)."""

    def frame(data: bytes | None) -> pd.DataFrame | None:
        if not data or not data.strip():
            return None
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""])

    return narrative_from_rows(frame(narasi_csv), frame(strategi_csv))


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
