"""Tahap I datasets: readiness self-assessment (`kesiapan`), SWOT statements (`swot`) and idea long lists (`ide`).

`RULES` lists the three datasets (suites in `schemas/gx/<name>.json`) and the messages of the
Tahap I rule ids:

| rule | dataset, column | fails when |
|---|---|---|
| `pillar` | kesiapan.pilar | not struktur, infrastruktur or suprastruktur |
| `swot_component` | swot.komponen | not alam, budaya, struktur, infrastruktur or suprastruktur |
| `swot_type` | swot.jenis | not kekuatan/S, kelemahan/W, peluang/O or ancaman/T |

Shared rule ids reused: `required`, `score_range` (kesiapan.nilai), `opd_unknown`, `dimension`, `element`,
`quick_win` (warning), and the cross-file `duplicate` (kesiapan: same OPD, pillar and indicator; ide: same OPD
and idea name).

The normalizer is the shared one plus a `<name>__code` helper column for the Tahap I kinds (`pillar`,
`swot_component`, `swot_type`): the vocabulary code, or the text as written when nothing matched (None when
blank), so the suite's `expect_column_values_to_be_in_set` fails exactly the unknown values. Valid rows carry
the codes (`bimtek.core.vocabularies`).
"""

from __future__ import annotations

import pandas as pd

from bimtek.core.columns import DatasetSpec
from bimtek.core.region import Region
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.vocabularies import (
    FUNDING_SCHEMES,
    MONEV_AREAS,
    NARRATIVE_PARTS,
    PILLARS,
    QUARTERS,
    RISK_LEVELS,
    SWOT_COMPONENTS,
    SWOT_TYPES,
    Vocabulary,
)
from bimtek.validation.datasets import DatasetRules
from bimtek.validation.messages import MessageContext, message_for
from bimtek.validation.normalize import normalize, typed_frame

CODED_KINDS: dict[str, Vocabulary] = {
    "pillar": PILLARS,
    "swot_component": SWOT_COMPONENTS,
    "swot_type": SWOT_TYPES,
    "narrative_part": NARRATIVE_PARTS,
    "risk_level": RISK_LEVELS,
    "monev_area": MONEV_AREAS,
    "funding_scheme": FUNDING_SCHEMES,
    "quarter": QUARTERS,
}
"""Column kind -> the vocabulary its `__code` helper column is matched against (narrative_part: the Tahap III
`narasi` dataset of bimtek.validation.stage_3_rules, which reuses this normalizer, as do its `risiko`, `monev` and
`pendanaan` sheets for risk_level, monev_area and funding_scheme, and Tahap IV's `rencana_aksi_quick_win` for quarter)."""


def normalize_stage_1(frame: pd.DataFrame, spec: DatasetSpec, region: Region | None) -> pd.DataFrame:
    """The shared normalized frame plus `<name>__code` for every pillar / SWOT component / SWOT type column."""
    out = normalize(frame, spec, region)
    for col in spec.columns:
        vocabulary = CODED_KINDS.get(col.kind)
        if vocabulary is not None:
            out[f"{col.name}__code"] = pd.Series(
                [None if v is None else vocabulary.match(v) or v for v in out[col.name].tolist()], dtype="object"
            )
    return out


def typed_stage_1(normalized: pd.DataFrame, spec: DatasetSpec, columns: list[str]) -> pd.DataFrame:
    """Shared typing, with the code (str) for the coded Tahap I kinds instead of the text as written."""
    typed = typed_frame(normalized, spec, columns)
    for name in columns:
        if spec.column(name).kind in CODED_KINDS:
            typed[name] = normalized[f"{name}__code"].astype("str")
    return typed


KESIAPAN = DatasetRules(
    name="kesiapan",
    typed_columns=("opd", "pilar", "indikator", "nilai", "bukti"),
    duplicate_key=("opd", "pilar", "indikator"),
    normalizer=normalize_stage_1,
    typer=typed_stage_1,
    row_noun="Indikator",
)
SWOT = DatasetRules(
    name="swot",
    typed_columns=("komponen", "jenis", "pernyataan", "kata_kunci", "opd"),
    normalizer=normalize_stage_1,
    typer=typed_stage_1,
)
IDE = DatasetRules(
    name="ide",
    typed_columns=("opd", "dimensi", "elemen", "nama_program", "deskripsi", "quick_win"),
    duplicate_key=("opd", "nama_program"),
    row_noun="Ide",
)
RULES = (KESIAPAN, SWOT, IDE)
"""The Tahap I datasets, registered by `bimtek.validation.DATASETS`."""


def _choices(vocabulary: Vocabulary) -> str:
    labels = vocabulary.labels
    return ", ".join(labels[:-1]) + f" atau {labels[-1]}"


@message_for("pillar")
def _pillar(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi "{ctx.value}", bukan salah satu dari tiga pilar kesiapan. '
        f"Isi {_choices(PILLARS)}."
    )


@message_for("swot_component")
def _swot_component(ctx: MessageContext) -> str:
    text = f'Kolom "{ctx.header}" berisi "{ctx.value}", bukan komponen SWOT. Isi {_choices(SWOT_COMPONENTS)}.'
    if ctx.value and load_taxonomy().match_dimension(ctx.value):
        text += (
            f' "{ctx.value}" adalah dimensi Smart City, yang dipakai pada daftar ide; '
            "pernyataan SWOT-nya masuk ke komponen yang paling sesuai."
        )
    return text


@message_for("swot_type")
def _swot_type(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi "{ctx.value}", bukan jenis SWOT. '
        "Isi Kekuatan (S), Kelemahan (W), Peluang (O) atau Ancaman (T)."
    )
