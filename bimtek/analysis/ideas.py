"""The long list of ideas (daftar panjang) from valid `ide` rows, and the ideas counted per dimension.

`analysis/daftar_panjang.csv` is READ BY TAHAP II; its contract (keep it stable):

| column | content |
|---|---|
| `opd` | canonical OPD name (the region's spelling) |
| `dimensi` | dimension code of schemas/taxonomy.json (governance, branding, economy, living, society, environment) |
| `elemen` | element code of that dimension, or empty when the OPD gave none |
| `nama_program` | the idea's name as written (stripped) |
| `deskripsi` | description as written, or empty |
| `quick_win` | `True` when the OPD proposes it as a quick win, else `False` |

Rows are ordered by dimension (taxonomy order), element (taxonomy order, empty last), OPD, then idea name
(case folded), so the file is the same for the same valid rows whatever the file order.
"""

from __future__ import annotations

import pandas as pd

from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.text import cell_text

LONG_LIST_COLUMNS = ["opd", "dimensi", "elemen", "nama_program", "deskripsi", "quick_win"]
PER_DIMENSION_COLUMNS = ["dimensi", "ide", "opd", "usulan_quick_win"]


def long_list(ide: pd.DataFrame) -> pd.DataFrame:
    """The daftar_panjang.csv table (see module docstring) from valid idea rows."""
    taxonomy = load_taxonomy()
    dim_order = {code: i for i, code in enumerate(taxonomy.dimension_codes)}
    el_order = {e.code: i for d in taxonomy.dimensions for i, e in enumerate(d.elements)}
    table = pd.DataFrame(
        {name: pd.Series([cell_text(v) or "" for v in ide[name]], dtype="str") for name in LONG_LIST_COLUMNS[:-1]},
        columns=LONG_LIST_COLUMNS[:-1],
    )
    table["quick_win"] = ide["quick_win"].fillna(False).astype("bool").to_numpy()
    table["_d"] = table["dimensi"].map(dim_order)
    table["_e"] = table["elemen"].map(el_order).fillna(len(el_order))
    table["_o"] = table["opd"].str.casefold()
    table["_n"] = table["nama_program"].str.casefold()
    table = table.sort_values(["_d", "_e", "_o", "_n"], kind="stable", ignore_index=True)
    return table[LONG_LIST_COLUMNS]


def ideas_per_dimension(long: pd.DataFrame) -> pd.DataFrame:
    """All six dimensions (label, in taxonomy order): ide (ideas), opd (distinct OPD), usulan_quick_win."""
    rows = []
    for dim in load_taxonomy().dimensions:
        part = long[long["dimensi"] == dim.code]
        rows.append(
            {
                "dimensi": dim.label,
                "ide": len(part),
                "opd": int(part["opd"].nunique()),
                "usulan_quick_win": int(part["quick_win"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=PER_DIMENSION_COLUMNS)
