"""Tahap III narrative datasets: the masterplan text and plans the Tim Pelaksana / Bappeda writes.

| dataset | rows | columns |
|---|---|---|
| `narasi` | one paragraph each | bagian (a part of `bimtek.core.vocabularies.NARRATIVE_PARTS`), isi |
| `strategi_dimensi` | one dimension each | dimensi, arah_pengembangan, strategi, sasaran |
| `kelembagaan` | one role each | unsur (Dewan Smart City, Tim Pelaksana ...), jabatan, peran, program |
| `pendanaan` | one year and scheme each | tahun, skema (`FUNDING_SCHEMES`: APBD ... KPBU), nilai, keterangan |
| `risiko` | one risk each | risiko, kemungkinan, dampak (`RISK_LEVELS`), mitigasi, penanggung_jawab (OPD) |
| `profil_daerah` | one figure each | indikator, nilai, satuan, tahun, sumber (the Gambaran Umum cites each) |
| `monev` | one indicator each | area (`MONEV_AREAS`: the ministry's five areas), indikator, target, siklus, pelaporan, penanggung_jawab (OPD) |

Suites: `schemas/gx/<dataset>.json` (`required`, `narrative_part`, `dimension`, `risk_level`, `monev_area`,
`funding_scheme`, `year_range`, `budget`, `opd_unknown`). The coded columns use the vocabulary normalizer of Tahap I
(`<col>__code`, bimtek.validation.stage_1_rules.CODED_KINDS). None has a `duplicate` key: several rows of one part
(or dimension, body, area) are kept in file order. The books place this text as written and show a "belum diisi"
box where a part is missing (bimtek.books.narrative, bimtek.books.masterplan_chapters).
"""

from __future__ import annotations

from bimtek.core.vocabularies import FUNDING_SCHEMES, MONEV_AREAS, NARRATIVE_PARTS, RISK_LEVELS, Vocabulary
from bimtek.validation.datasets import DatasetRules
from bimtek.validation.messages import MessageContext, message_for, quoted
from bimtek.validation.stage_1_rules import normalize_stage_1, typed_stage_1

NARASI_COLUMNS = ("bagian", "isi")
STRATEGI_COLUMNS = ("dimensi", "arah_pengembangan", "strategi", "sasaran")
PLAN_COLUMNS = {
    "kelembagaan": ("unsur", "jabatan", "peran", "program"),
    "pendanaan": ("tahun", "skema", "nilai", "keterangan"),
    "risiko": ("risiko", "kemungkinan", "dampak", "mitigasi", "penanggung_jawab"),
    "monev": ("area", "indikator", "target", "siklus", "pelaporan", "penanggung_jawab"),
    "profil_daerah": ("indikator", "nilai", "satuan", "tahun", "sumber"),
}
"""The Tim Pelaksana's plan sheets (dataset -> typed columns in output order): the masterplan chapters on
institutions, financing, risk and monitoring (bimtek.books.masterplan_chapters)."""

NARASI = DatasetRules(
    name="narasi", typed_columns=NARASI_COLUMNS, normalizer=normalize_stage_1, typer=typed_stage_1, row_noun="Narasi"
)
STRATEGI_DIMENSI = DatasetRules(name="strategi_dimensi", typed_columns=STRATEGI_COLUMNS, row_noun="Strategi")
PLANS = tuple(
    DatasetRules(name=name, typed_columns=columns, normalizer=normalize_stage_1, typer=typed_stage_1, row_noun=noun)
    for (name, columns), noun in zip(
        PLAN_COLUMNS.items(), ("Peran", "Rencana pendanaan", "Risiko", "Indikator", "Data daerah")
    )
)
RULES = (NARASI, STRATEGI_DIMENSI, *PLANS)
"""The Tahap III narrative datasets, registered by `bimtek.validation.DATASETS`."""


def _choices(vocabulary: Vocabulary) -> str:
    labels = vocabulary.labels
    return f"{', '.join(labels[:-1])} atau {labels[-1]}"


@message_for("narrative_part")
def _narrative_part(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan bagian narasi masterplan yang dikenal. '
        f"Isi salah satu dari: {_choices(NARRATIVE_PARTS)}."
    )


@message_for("risk_level")
def _risk_level(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan tingkat risiko yang dikenal. '
        f"Isi {_choices(RISK_LEVELS)}."
    )


@message_for("monev_area")
def _monev_area(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan area evaluasi Smart City. Isi salah satu dari lima '
        f"area pedoman evaluasi: {_choices(MONEV_AREAS)}."
    )


@message_for("funding_scheme")
def _funding_scheme(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan skema pendanaan yang dikenal. '
        f"Isi {_choices(FUNDING_SCHEMES)}."
    )
