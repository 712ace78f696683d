"""Column contracts: `schemas/columns/<dataset>.json` read into `DatasetSpec`, with header matching.

A header cell matches a column when its folded text (`bimtek.core.text.fold_key`: case, spaces, underscores and
punctuation ignored) equals the folded canonical name, one of the aliases, or the label of that column.
So "Nama Program", "NAMA_PROGRAM", "nama-program" all match `nama_program`, and "Anggaran (Rp)" matches
`anggaran`.

Per-year columns: a contract may hold a `per_year` block (the program contract: the budget of one year as the OPD
states it). It is expanded once, here, into one optional column per year of its `years` range (`anggaran_2027`,
label "Anggaran 2027", aliases such as "Pagu 2027" or "Anggaran Tahun 2027"), placed after the column named by
`after`. Such a column carries its `year`; `DatasetSpec.columns_for(start, end)` gives the contract as a region
with that period fills it in (the intake template), `DatasetSpec.listed_names` the names a message lists (the
per-year columns as one pattern).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from bimtek.core.paths import SCHEMAS_DIR
from bimtek.core.text import fold_key

COLUMNS_DIR = SCHEMAS_DIR / "columns"


class SpecError(ValueError):
    """A column contract file that is missing or inconsistent (a bug in `schemas/`, not in user input)."""


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a dataset contract. `kind` tells the validator how to read the raw text."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"
    label: str = ""
    year: int | None = None
    """The year of a per-year column (module doc), None for every other column."""

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every spelling a header may use for this column: canonical name, label, aliases."""
        names = [self.name, *self.aliases]
        if self.label:
            names.append(self.label)
        return tuple(names)


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset contract: its columns and how many of them a row needs to count as the header row."""

    dataset: str
    description: str = ""
    header_min_known: int = 3
    columns: tuple[ColumnSpec, ...] = ()
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lookup", _build_lookup(self.dataset, self.columns))

    @property
    def names(self) -> list[str]:
        """Canonical column names in contract order."""
        return [c.name for c in self.columns]

    @property
    def year_columns(self) -> dict[int, str]:
        """Year -> canonical name of the per-year columns (module doc), in year order; empty when there are none."""
        return {c.year: c.name for c in self.columns if c.year is not None}

    @property
    def listed_names(self) -> list[str]:
        """Canonical names as a message lists them: the per-year columns as one pattern (`anggaran_<tahun>`)."""
        names: list[str] = []
        for col in self.columns:
            name = col.name if col.year is None else col.name.replace(str(col.year), "<tahun>")
            if name not in names:
                names.append(name)
        return names

    def columns_for(self, start: int, end: int) -> tuple[ColumnSpec, ...]:
        """The columns without the per-year columns of years outside `start`..`end` (a region's period)."""
        return tuple(c for c in self.columns if c.year is None or start <= c.year <= end)

    @property
    def required_columns(self) -> list[str]:
        """Canonical names of the required columns, in contract order."""
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> ColumnSpec:
        """The column with canonical `name` (KeyError when the contract has no such column)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.dataset} has no column {name!r}")

    def match_header(self, text: object) -> str | None:
        """Canonical column name for a header cell, or None when the contract does not know it."""
        if text is None:
            return None
        key = fold_key(text)
        if not key:
            return None
        return self._lookup.get(key)


def _build_lookup(dataset: str, columns: tuple[ColumnSpec, ...]) -> dict[str, str]:
    """Folded spelling -> canonical name; two columns claiming the same spelling is a contract bug."""
    lookup: dict[str, str] = {}
    for col in columns:
        for spelling in col.spellings:
            key = fold_key(spelling)
            if not key:
                continue
            owner = lookup.setdefault(key, col.name)
            if owner != col.name:
                raise SpecError(
                    f"columns/{dataset}.json: header spelling {spelling!r} is claimed by both {owner!r} and {col.name!r}"
                )
    return lookup


def _column_from_json(raw: dict) -> ColumnSpec:
    return ColumnSpec(
        name=raw["name"],
        aliases=tuple(raw.get("aliases", ())),
        required=bool(raw.get("required", False)),
        kind=raw.get("kind", "text"),
        label=raw.get("label", ""),
    )


YEAR_PLACEHOLDER = "{tahun}"


def _per_year_columns(raw: dict) -> tuple[ColumnSpec, ...]:
    """The optional columns of a `per_year` block (module doc), one per year of its `years` range."""
    first, last = (int(y) for y in raw["years"])

    def spelled(text: str, year: int) -> str:
        if YEAR_PLACEHOLDER not in text:
            raise KeyError(f"per_year spelling {text!r} has no {YEAR_PLACEHOLDER}")
        return text.replace(YEAR_PLACEHOLDER, str(year))

    return tuple(
        ColumnSpec(
            name=spelled(raw["name"], year),
            aliases=tuple(spelled(a, year) for a in raw.get("aliases", ())),
            kind=raw.get("kind", "text"),
            label=spelled(raw.get("label", raw["name"]), year),
            year=year,
        )
        for year in range(first, last + 1)
    )


def _columns_from_json(raw: dict) -> tuple[ColumnSpec, ...]:
    """The contract's columns, with the per-year columns (if any) placed after the column `per_year.after`."""
    columns = [_column_from_json(c) for c in raw["columns"]]
    block = raw.get("per_year")
    if block:
        after = [c.name for c in columns].index(block["after"]) + 1
        columns[after:after] = _per_year_columns(block)
    return tuple(columns)


@cache
def load_spec(dataset: str) -> DatasetSpec:
    """Read `schemas/columns/<dataset>.json` once per process (SpecError when missing or malformed)."""
    path = COLUMNS_DIR / f"{dataset}.json"
    if not path.is_file():
        raise SpecError(f"unknown dataset {dataset!r}: {path} does not exist (known: {available_datasets()})")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        columns = _columns_from_json(raw)
    except (ValueError, KeyError, TypeError) as exc:
        raise SpecError(f"{path}: not a valid column contract ({exc})") from exc
    return DatasetSpec(
        dataset=raw.get("dataset", dataset),
        description=raw.get("description", ""),
        header_min_known=int(raw.get("header_min_known", 3)),
        columns=columns,
    )


def available_datasets() -> list[str]:
    """Names of the dataset contracts shipped in `schemas/columns/` (sorted)."""
    return sorted(p.stem for p in COLUMNS_DIR.glob("*.json"))


STAGE_DATASETS: dict[int, list[str]] = {
    1: ["kesiapan", "swot", "ide"],
    2: ["program"],
    3: ["program", "narasi", "strategi_dimensi", "kelembagaan", "pendanaan", "risiko", "monev", "profil_daerah"],
    4: ["komitmen", "review", "quick_win_final", "rencana_aksi_quick_win"],
    5: ["realisasi", "monev_wilayah"],
}
"""Which column contracts (schemas/columns/<name>.json) the files of each stage may follow."""

TEAM_DATASETS = (
    "narasi",
    "strategi_dimensi",
    "kelembagaan",
    "pendanaan",
    "risiko",
    "monev",
    "profil_daerah",
    "monev_wilayah",
)
"""Datasets written by the Tim Pelaksana / Bappeda, not by each OPD: `bimtek template` puts them in one workbook
of their own (tim-pelaksana), never in the OPD workbooks."""

TEAM_SENDER = "tim-pelaksana"
"""Who sends TEAM_DATASETS: the slug of the Tim Pelaksana's own upload link (`bimtek undangan` makes it beside
the OPD links), its inbox folder, and the name of its intake template. Only that link (or a coordinator putting a
file in the inbox) may send a TEAM_DATASETS table; an OPD link that sends one is refused (issue 23)."""
TEAM_SENDER_NAME = "Tim Pelaksana Smart City"
"""How pages and the invitation list name the Tim Pelaksana as a sender."""


def team_datasets_in(datasets: Iterable[str | None]) -> list[str]:
    """The TEAM_DATASETS among `datasets`, each once, in the order first met."""
    return list(dict.fromkeys(d for d in datasets if d in TEAM_DATASETS))


def datasets_for_stage(stage: int) -> list[str]:
    """Column contracts accepted in a stage's inbox."""
    try:
        return list(STAGE_DATASETS[int(stage)])
    except (KeyError, ValueError):
        raise ValueError(f"unknown stage {stage!r}; stages are 1-5 (5: monev)") from None
