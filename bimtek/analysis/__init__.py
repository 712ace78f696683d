"""Analysis of every stage: pure pandas figures from valid rows (no I/O, no Prefect).

Tahap I (re-exported here):

- `readiness`: readiness scores per pillar and per indicator, and the gaps (lowest-scoring indicators).
- `swot`: the SWOT matrix per component and type, and the ranked vision keywords.
- `ideas`: the long list of ideas per dimension (read again by Tahap II) and its per-dimension counts.

The other stages: `mapping` and `quick_win_plan` (Tahap II), `aggregate`, `roadmap` and `summary` (Tahap II-IV),
`finalisation` (Tahap IV), `schedules` (the region's Bimtek calendar). The vocabularies live in
`bimtek.core.vocabularies`.
"""

from __future__ import annotations

import pandas as pd

from bimtek.analysis.ideas import ideas_per_dimension, long_list
from bimtek.analysis.readiness import readiness_by_indicator, readiness_by_pillar, readiness_gaps
from bimtek.analysis.swot import swot_matrix, vision_keywords

FIGURE_NAMES = (
    "kesiapan_pilar",
    "kesiapan_indikator",
    "kesiapan_gap",
    "swot",
    "kata_kunci_visi",
    "daftar_panjang",
)
"""Keys of `analyse`; each is written to analysis/<key>.csv in the Tahap I run folder."""


def analyse(kesiapan: pd.DataFrame, swot: pd.DataFrame, ide: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every Tahap I figure from the valid rows of the three datasets, keyed as in FIGURE_NAMES."""
    by_indicator = readiness_by_indicator(kesiapan)
    return {
        "kesiapan_pilar": readiness_by_pillar(kesiapan),
        "kesiapan_indikator": by_indicator,
        "kesiapan_gap": readiness_gaps(by_indicator),
        "swot": swot_matrix(swot),
        "kata_kunci_visi": vision_keywords(swot),
        "daftar_panjang": long_list(ide),
    }


__all__ = ["FIGURE_NAMES", "analyse", "ideas_per_dimension"]
