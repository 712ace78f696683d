"""SWOT figures from valid `swot` rows: the matrix per component and type, and the ranked vision keywords.

Input columns: komponen (code), jenis (S/W/O/T), pernyataan, kata_kunci (comma-separated, may be blank), opd
(may be blank), in run order (path, sheet, row). Statements are listed as written; nothing is merged.
"""

from __future__ import annotations

import re

import pandas as pd

from bimtek.core.text import cell_text, fold_text
from bimtek.core.vocabularies import SWOT_COMPONENTS, SWOT_TYPES

MATRIX_COLUMNS = ["komponen", "jenis", "pernyataan", "opd", "kata_kunci"]
KEYWORD_COLUMNS = ["peringkat", "kata_kunci", "jumlah"]
_KEYWORD_SEPARATORS = re.compile(r"[,;]")


def swot_matrix(swot: pd.DataFrame) -> pd.DataFrame:
    """Statements ordered by component, then type (S, W, O, T), then run order; blanks as empty text."""
    matrix = pd.DataFrame(
        {name: pd.Series([cell_text(v) or "" for v in swot[name]], dtype="str") for name in MATRIX_COLUMNS},
        columns=MATRIX_COLUMNS,
    )
    matrix["_c"] = matrix["komponen"].map({c: i for i, c in enumerate(SWOT_COMPONENTS.codes)})
    matrix["_t"] = matrix["jenis"].map({c: i for i, c in enumerate(SWOT_TYPES.codes)})
    matrix = matrix.sort_values(["_c", "_t"], kind="stable", ignore_index=True)
    return matrix[MATRIX_COLUMNS]


def swot_counts(matrix: pd.DataFrame) -> pd.DataFrame:
    """Statements per component (all five, in order) and type: columns komponen, S, W, O, T, jumlah."""
    counts = pd.crosstab(matrix["komponen"], matrix["jenis"]) if len(matrix) else pd.DataFrame()
    counts = counts.reindex(index=SWOT_COMPONENTS.codes, columns=SWOT_TYPES.codes, fill_value=0).astype("int64")
    counts["jumlah"] = counts.sum(axis=1)
    return counts.rename_axis(index="komponen", columns=None).reset_index()


def split_keywords(value: object) -> list[str]:
    """The keywords of one cell: split on commas and semicolons, stripped, blanks dropped."""
    return [part.strip() for part in _KEYWORD_SEPARATORS.split(cell_text(value) or "") if part.strip()]


def vision_keywords(swot: pd.DataFrame) -> pd.DataFrame:
    """Ranked vision keywords: peringkat (1..n), kata_kunci, jumlah (statements naming it).

    Keywords are compared with case and runs of white space folded ("SDM  Unggul" == "sdm unggul") and shown as
    first written. Most frequent first; ties in alphabetical order of the folded keyword.
    """
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for cell in swot["kata_kunci"] if "kata_kunci" in swot.columns else []:
        for keyword in split_keywords(cell):
            key = fold_text(keyword)
            counts[key] = counts.get(key, 0) + 1
            shown.setdefault(key, " ".join(keyword.split()))
    ranked = sorted(counts, key=lambda key: (-counts[key], key))
    return pd.DataFrame(
        {
            "peringkat": pd.Series(range(1, len(ranked) + 1), dtype="int64"),
            "kata_kunci": pd.Series([shown[k] for k in ranked], dtype="object"),
            "jumlah": pd.Series([counts[k] for k in ranked], dtype="int64"),
        },
        columns=KEYWORD_COLUMNS,
    )
