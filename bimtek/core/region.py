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
