"""Registry of validated datasets: which suite, which typed columns, which duplicate key.

A later stage adds its dataset (e.g. "kesiapan") as a `DatasetRules(...)` listed in its rule module's `RULES`
(registered by `bimtek.validation.DATASETS`), a column contract in
`schemas/columns/<name>.json` and a suite in `schemas/gx/<name>.json`; new rule ids only need a message in
`bimtek.validation.messages`. The engine, the GX runner and the report code are shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bimtek.core.columns import DatasetSpec, load_spec
from bimtek.core.model import PROGRAM_COLUMNS
from bimtek.core.nomenclature import Nomenclature
from bimtek.core.paths import SCHEMAS_DIR
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.vocabularies import MONEV_ITEMS, MONEV_PROGRAM_STATUSES
from bimtek.validation import normalize as _normalize
from bimtek.validation.gx_runner import Failure
from bimtek.validation.nomenclature_rules import check_codes
from bimtek.validation.year_budget import check_year_budgets, typed_program

GX_DIR = SCHEMAS_DIR / "gx"


@dataclass(frozen=True)
class DatasetRules:
    """How one dataset is validated."""

    name: str
    typed_columns: tuple[str, ...]
    """Columns of a valid row, in output order (plus _path, _sheet, _row)."""
    duplicate_key: tuple[str, ...] = ()
    """Typed columns whose folded text identifies a row across the run (empty: no `duplicate` rule)."""
    normalizer: Callable[[pd.DataFrame, DatasetSpec, Region], pd.DataFrame] = _normalize.normalize
    typer: Callable[[pd.DataFrame, DatasetSpec, list[str]], pd.DataFrame] = _normalize.typed_frame
    after_units: Callable[[pd.DataFrame, DatasetSpec], list[Failure]] | None = None
    """Runs on the normalized frame once the table's units are applied, before the suite: fills helper columns
    that need Rupiah amounts and returns failures of checks the static suite cannot name (per-year columns)."""
    region_checks: Callable[[pd.DataFrame, DatasetSpec, Region, Nomenclature | None], list[Failure]] | None = None
    """Runs after the suite on the normalized frame with the region and its loaded nomenclature (None: the bundled
    reference of the region's version): the rules that need the region's nomenclature (kode sub kegiatan)."""
    row_noun: str = "Program"
    """What one row is called in messages (the `duplicate` rule: 'Program "X" dari OPD ...')."""

    @property
    def suite_path(self) -> Path:
        return GX_DIR / f"{self.name}.json"

    @property
    def spec(self) -> DatasetSpec:
        return load_spec(self.name)


_REGISTRY: dict[str, DatasetRules] = {}


def register(rules: DatasetRules) -> DatasetRules:
    """Add (or replace) the rules of a dataset."""
    _REGISTRY[rules.name] = rules
    return rules


def get_rules(dataset: str) -> DatasetRules:
    """Rules of a registered dataset (KeyError naming the known ones otherwise)."""
    try:
        return _REGISTRY[dataset]
    except KeyError:
        raise KeyError(f"no validation rules for dataset {dataset!r} (known: {sorted(_REGISTRY)})") from None


def suite_parameters(region: Region) -> dict[str, object]:
    """Values of the `$PARAMETER`s the suites use: taxonomy lists and the region's period and OPD."""
    taxonomy = load_taxonomy()
    return {
        "dimension_codes": taxonomy.dimension_codes,
        "element_codes": [e.code for d in taxonomy.dimensions for e in d.elements],
        "funding_sources": list(taxonomy.funding_sources),
        "period_start": region.period.start,
        "period_end": region.period.end,
        "opd_keys": sorted(region.opd_lookup()),
        "max_budget": get_settings().max_budget,
        "monev_status_codes": MONEV_PROGRAM_STATUSES.codes,
        "monev_item_codes": MONEV_ITEMS.codes,
        "min_budget": get_settings().min_budget,
    }


PROGRAM = DatasetRules(
    name="program",
    typed_columns=tuple(PROGRAM_COLUMNS),
    duplicate_key=("opd", "nama_program"),
    typer=typed_program,
    after_units=check_year_budgets,
    region_checks=check_codes,
)
"""The Tahap II/III program list (the first dataset; the stage rule modules define the others)."""
