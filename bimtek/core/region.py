"""Region configuration: one YAML file per kabupaten/kota (see sample/padang-pariaman/region.yaml)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from bimtek.core.text import fold_key

CALENDAR_KEYS = ("tahap-1", "tahap-2", "tahap-3", "tahap-4", "rakor")


class RegionError(ValueError):
    """A region file that cannot be used; the message names the file and the key."""


class Period(BaseModel):
    start: int
    end: int

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.end < self.start:
            raise ValueError(f"period.end ({self.end}) is before period.start ({self.start})")
        return self

    @property
    def years(self) -> list[int]:
        return list(range(self.start, self.end + 1))


NIP_PATTERN = r"\d{18}"
"""Nomor Induk Pegawai: 18 digits (spaces in the file are removed before the check)."""
LETTER_NUMBER_PLACEHOLDERS = ("{n}", "{year}")


class Official(BaseModel):
    """A signatory named in the region file (documents show a "belum diisi" box when one is missing)."""

    name: str
    nip: str | None = None
    title: str | None = None
    """Rank or position printed under the name (e.g. "Pembina Utama Madya" or "Kepala Bappeda")."""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name must not be empty")
        return value.strip()

    @field_validator("nip", mode="before")
    @classmethod
    def _nip(cls, value: object) -> str | None:
        import re

        if value in (None, ""):
            return None
        digits = re.sub(r"\s+", "", str(value))
        if not re.fullmatch(NIP_PATTERN, digits):
            raise ValueError("nip must be the 18 digits of a Nomor Induk Pegawai")
        return digits


class Officials(BaseModel):
    """Who signs the region's documents: the regional head, the regional secretary, the Tim Pelaksana lead."""

    head: Official | None = None
    """Bupati / Wali Kota: signs the Perbup/Perwali and acknowledges (Mengetahui) the commitment sheets."""
    secretary: Official | None = None
    """Sekretaris Daerah: promulgates the regulation (Diundangkan di ...)."""
    team_lead: Official | None = None
    """Ketua Tim Pelaksana Smart City: signs the feedback letters to the OPD."""


class Letters(BaseModel):
    """Numbering of the letters the Tim Pelaksana sends (feedback to the OPD)."""

    number: str = "005/{n}/Tim-SC/{year}"
    """Letter number pattern; {n} is the letter's sequence number and {year} the year of the letter."""

    @field_validator("number")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        missing = [p for p in LETTER_NUMBER_PLACEHOLDERS if p not in value]
        if missing:
            raise ValueError(f"letter number pattern must contain {missing} (e.g. 005/{{n}}/Tim-SC/{{year}})")
        return value

    def format(self, n: int, year: int | str) -> str:
        return self.number.replace("{n}", str(n)).replace("{year}", str(year))


class Opd(BaseModel):
    name: str
    aliases: list[str] = Field(default_factory=list)


class Region(BaseModel):
    slug: str
    name: str
    province: str
    period: Period
    opd: list[Opd] = Field(default_factory=list)
    calendar: dict[str, dt.date] = Field(default_factory=dict)
    timezone: str = "Asia/Jakarta"
    synthetic: bool = False
    capital: str | None = None
    """Ibu kota (seat of government): "Ditetapkan di ...", the place line of letters and commitment sheets."""
    officials: Officials = Field(default_factory=Officials)
    letters: Letters = Field(default_factory=Letters)

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        import re

        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            raise ValueError("slug must be lowercase letters, digits and dashes (e.g. padang-pariaman)")
        return value

    @field_validator("opd", mode="before")
    @classmethod
    def _opd_entries(cls, value: object) -> list:
        if value in (None, ""):
            return []
        return [{"name": v} if isinstance(v, str) else v for v in value]

    @field_validator("calendar")
    @classmethod
    def _calendar_keys(cls, value: dict) -> dict:
        unknown = sorted(set(value) - set(CALENDAR_KEYS))
        if unknown:
            raise ValueError(f"unknown calendar keys {unknown}; allowed: {list(CALENDAR_KEYS)}")
        return value

    def opd_lookup(self) -> dict[str, str]:
        """Folded OPD name or alias -> canonical OPD name. Empty when the region lists no OPD (no check)."""
        lookup: dict[str, str] = {}
        for entry in self.opd:
            for name in (entry.name, *entry.aliases):
                lookup[fold_key(name)] = entry.name
        return lookup

    def signatories(self) -> dict:
        """What documents print about the seat of government and the signatories: `capital` (None when
        missing) and `officials` {head, secretary, team_lead} as dicts {name, nip, title} or None when missing."""
        return {
            "capital": self.capital,
            "officials": {
                role: (official.model_dump() if official is not None else None)
                for role, official in self.officials
            },
        }

    @property
    def opd_names(self) -> list[str]:
        return [entry.name for entry in self.opd]


def parse_region(data: dict, source: str = "<region>") -> Region:
    """Build a Region from already-loaded YAML, raising RegionError that names `source` and the bad key."""
    if not isinstance(data, dict):
        raise RegionError(f"{source}: the region file must be a YAML mapping with keys slug, name, province, period")
    try:
        return Region.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()
        )
        raise RegionError(f"{source}: {problems}") from None


def load_region(path: str | Path) -> Region:
    """Read a region YAML file."""
    path = Path(path)
    if not path.is_file():
        raise RegionError(f"{path}: region file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RegionError(f"{path}: not valid YAML ({exc})") from None
    return parse_region(data, str(path))


def registered_regions(folders: list[str | Path]) -> dict[str, Path]:
    """Region files found in `folders` (`*.yaml` and `*/region.yaml`), by slug; unreadable files are left out.

    The first file of a slug wins (folders in the order given), so a configured folder can shadow the sample.
    """
    found: dict[str, Path] = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*/region.yaml")]):
            try:
                slug = load_region(path).slug
            except RegionError:
                continue
            found.setdefault(slug, path)
    return found
