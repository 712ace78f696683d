"""The six dimensions and 18 elements, read from schemas/taxonomy.json, with lookups from free text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from bimtek.core.paths import SCHEMAS_DIR
from bimtek.core.text import fold_key
from bimtek.core.vocabularies import FUNDING_SCHEMES

NO_ELEMENT_LABEL = "Elemen belum ditentukan"
"""How every table and chart names the element of a program that states none (the element is optional)."""


@dataclass(frozen=True)
class Element:
    code: str
    label: str
    label_id: str
    dimension: str


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    label_id: str
    elements: tuple[Element, ...]


@dataclass(frozen=True)
class Taxonomy:
    dimensions: tuple[Dimension, ...]
    funding_sources: tuple[str, ...]
    _dimension_lookup: dict
    _element_lookup: dict
    _funding_lookup: dict

    @property
    def dimension_codes(self) -> list[str]:
        return [d.code for d in self.dimensions]

    def dimension(self, code: str) -> Dimension:
        return next(d for d in self.dimensions if d.code == code)

    def match_dimension(self, text: object) -> str | None:
        """Dimension code for free text ("Smart Living", "living", "SMART GOVERNMENT"), or None."""
        key = fold_key(text)
        if key.startswith("smart"):
            key = key[len("smart") :]
        return self._dimension_lookup.get(key)

    def match_element(self, dimension: str, text: object) -> str | None:
        """Element code of `dimension` for free text (English short name or Indonesian wording), or None."""
        return self._element_lookup.get((dimension, fold_key(text)))

    def match_funding(self, text: object) -> str | None:
        """Canonical funding source label ("apbd provinsi" -> "APBD Provinsi"), or None."""
        return self._funding_lookup.get(fold_key(text))


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """Read the taxonomy contract once per process."""
    raw = json.loads((SCHEMAS_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    dimensions = []
    dim_lookup: dict[str, str] = {}
    el_lookup: dict[tuple[str, str], str] = {}
    for d in raw["dimensions"]:
        elements = tuple(Element(e["code"], e["label"], e["label_id"], d["code"]) for e in d["elements"])
        dimensions.append(Dimension(d["code"], d["label"], d["label_id"], elements))
        for name in [d["code"], d["label"], d["label_id"], *d.get("aliases", [])]:
            key = fold_key(name)
            dim_lookup[key.removeprefix("smart")] = d["code"]
        for e in d["elements"]:
            for name in [e["code"], e["label"], e["label_id"], *e.get("aliases", [])]:
                el_lookup[(d["code"], fold_key(name))] = e["code"]
    funding = tuple(raw["funding_sources"])
    return Taxonomy(
        dimensions=tuple(dimensions),
        funding_sources=funding,
        _dimension_lookup=dim_lookup,
        _element_lookup=el_lookup,
        _funding_lookup={
            **{fold_key(name): t.code for t in FUNDING_SCHEMES.terms for name in t.aliases if t.code in funding},
            **{fold_key(f): f for f in funding},
        },
    )
