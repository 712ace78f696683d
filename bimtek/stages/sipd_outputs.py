"""Tahap IV's SIPD deliverables (issue 25): the Renstra matrix and the proposals for the nomenclature update.

| key | content |
|---|---|
| sipd/matriks-renstra.xlsx | coded programs per OPD as program -> kegiatan -> sub kegiatan (bimtek.workbooks.sipd_xlsx) |
| sipd/usulan-nomenklatur.xlsx | programs with no code, with suggested codes for the OPD to confirm |

Both read the final roadmap and the region's nomenclature (its loaded SIPD export, else the bundled reference of
its version: bimtek.validation.nomenclature_rules.nomenclature_for).
"""

from __future__ import annotations

import pandas as pd

from bimtek.analysis.sipd_plan import coded, renstra_rows, uncoded_programs
from bimtek.core.nomenclature import Nomenclature
from bimtek.core.region import Region
from bimtek.validation.nomenclature_rules import nomenclature_for
from bimtek.workbooks.sipd_xlsx import renstra_workbook, usulan_workbook

RENSTRA_KEY = "sipd/matriks-renstra.xlsx"
USULAN_KEY = "sipd/usulan-nomenklatur.xlsx"


def sipd_files(
    roadmap: pd.DataFrame, region: Region, loaded: Nomenclature | None = None
) -> tuple[dict[str, bytes], list[str]]:
    """The two workbooks and one run note saying how many programs carry a code."""
    nomenclature = nomenclature_for(region, loaded)
    rows = renstra_rows(roadmap, nomenclature, region.period)
    without = uncoded_programs(roadmap, region, nomenclature)
    years = list(region.period.years)
    files = {
        RENSTRA_KEY: renstra_workbook(rows, region, nomenclature, years),
        USULAN_KEY: usulan_workbook(without, region, nomenclature),
    }
    with_code = len(coded(roadmap))
    suggested = int((without["kode_disarankan"] != "").sum()) if len(without) else 0
    version = nomenclature.version if nomenclature else "belum disebut"
    note = (
        f"SIPD (nomenklatur {version}): {with_code} dari {len(roadmap)} program memakai kode sub kegiatan "
        f"({RENSTRA_KEY}); {len(without)} belum punya kode, {suggested} di antaranya dengan saran kode untuk "
        f"dikonfirmasi OPD ({USULAN_KEY})."
    )
    return files, [note]
