"""Tahap III narrative datasets: the masterplan text the Tim Pelaksana / Bappeda writes.

| dataset | rows | columns |
|---|---|---|
| `narasi` | one paragraph each | bagian (a part of `bimtek.core.vocabularies.NARRATIVE_PARTS`), isi |
| `strategi_dimensi` | one dimension each | dimensi, arah_pengembangan, strategi, sasaran |

Suites: `schemas/gx/narasi.json` (`required`, `narrative_part`) and `schemas/gx/strategi_dimensi.json`
(`required`, `dimension`). `narasi` uses the vocabulary normalizer of Tahap I (`bagian__code`). Neither has a
`duplicate` key: several rows of one part (or dimension) are its paragraphs, in file order. The books place this
text as written and show a "belum diisi" box where a part is missing (bimtek.books.narrative).
"""

from __future__ import annotations

from bimtek.core.vocabularies import NARRATIVE_PARTS
from bimtek.validation.datasets import DatasetRules
from bimtek.validation.messages import MessageContext, message_for, quoted
from bimtek.validation.stage_1_rules import normalize_stage_1, typed_stage_1

NARASI_COLUMNS = ("bagian", "isi")
STRATEGI_COLUMNS = ("dimensi", "arah_pengembangan", "strategi", "sasaran")

NARASI = DatasetRules(
    name="narasi", typed_columns=NARASI_COLUMNS, normalizer=normalize_stage_1, typer=typed_stage_1, row_noun="Narasi"
)
STRATEGI_DIMENSI = DatasetRules(name="strategi_dimensi", typed_columns=STRATEGI_COLUMNS, row_noun="Strategi")
RULES = (NARASI, STRATEGI_DIMENSI)
"""The Tahap III narrative datasets, registered by `bimtek.validation.DATASETS`."""


@message_for("narrative_part")
def _narrative_part(ctx: MessageContext) -> str:
    labels = NARRATIVE_PARTS.labels
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan bagian narasi masterplan yang dikenal. '
        f"Isi salah satu dari: {', '.join(labels[:-1])} atau {labels[-1]}."
    )
