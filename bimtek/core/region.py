"""Region configuration: one YAML file per kabupaten/kota (see sample/padang-pariaman/region.yaml).

A region file is typed by people, so it is checked strictly and every refusal is a `RegionError` whose message
(Indonesian) names the file and the key, e.g. ``region.yaml: period.end: ...``. The command line shows it as one
`Galat:` line with exit code 2. Refused: files over `max_region_bytes`, text that is not UTF-8, YAML anchors and
aliases (`&`/`*`, which can multiply a small file into a huge one), duplicate keys, wrong types (`opd:` as one
string instead of a list), an unknown timezone, a period longer than `max_period_years`, and OPD names or
aliases that fold (`fold_key`) to the same key on two OPD entries or to nothing at all.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bimtek.core.settings import Settings, get_settings
from bimtek.core.text import fold_key, slugify

CALENDAR_KEYS = ("tahap-1", "tahap-2", "tahap-3", "tahap-4", "rakor", "monev-s1", "monev-s2")
"""`monev-s1`/`monev-s2` (optional): the next deadlines of the two monev semesters (bimtek.analysis.schedules)."""
YEAR_RANGE = (1900, 2200)
"""Years a region period may use (anything else is a typing slip)."""


class RegionError(ValueError):
    """A region file that cannot be used; the message names the file and the key."""


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: int
    end: int

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        low, high = YEAR_RANGE
        for key, year in (("start", self.start), ("end", self.end)):
            if not low <= year <= high:
                raise ValueError(f"{key} ({year}) harus tahun antara {low} dan {high}")
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) lebih awal dari start ({self.start})")
        longest = get_settings().max_period_years
        if self.end - self.start + 1 > longest:
            raise ValueError(f"periode {self.start}-{self.end} lebih dari {longest} tahun (batas max_period_years)")
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


class Legal(BaseModel):
    """Region-specific citations of the regulation's Mengingat (the national ones are schemas/legal/peraturan.json)."""

    model_config = ConfigDict(extra="forbid")

    formation_law: str | None = None
    """The law forming the regency/city, cited in full with its Lembaran Negara numbers (the Perbup is a DRAFT
    until it is given)."""
    rpjmd: str | None = None
    """The Perda on the region's RPJMD, cited in full (left out of the Mengingat when not given)."""


class Coordinator(BaseModel):
    """The office that coordinates the Tim Pelaksana and sends its letters (naskah dinas), with its letterhead."""

    model_config = ConfigDict(extra="forbid")

    office: str = Field(min_length=1)
    """Its name as in the region's OPD list (e.g. "Dinas Komunikasi dan Informatika")."""
    address: str | None = None
    """Letterhead line under the office name: street, postcode, telephone, e-mail, website as the office prints them."""


class Opd(BaseModel):
    """One Perangkat Daerah of the region: its name, the spellings its clerks use, and what the region states of it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    email: str | None = None
    """Address reminders and letters are sent to (issue 26); no e-mail is sent to an OPD without one."""
    whatsapp: str | None = Field(default=None, pattern=r"^\+?[0-9]{8,15}$")
    """WhatsApp number (international form, e.g. "6281234567890") reminders also go to when the region has a
    WhatsApp Business token (issue 26, item 7); none without it."""
    pagu: float | None = Field(default=None, ge=0)
    """Pagu indikatif in full Rupiah per year (optional): an OPD total above it is held as a question (issue 23)."""
    urusan: list[str] = Field(default_factory=list)
    """Codes of the government affairs (urusan/bidang urusan, e.g. "2.16") the OPD holds in the SIPD nomenclature."""


class RegionCodes(BaseModel):
    """The region's two official codes: Kemendagri (e.g. "13.05") and BPS (e.g. "1305"); they differ in form."""

    model_config = ConfigDict(extra="forbid")

    kemendagri: str | None = Field(default=None, pattern=r"^\d{2}(\.\d{2})?$")
    bps: str | None = Field(default=None, pattern=r"^\d{2}(\d{2})?$")

    def record(self) -> dict[str, str | None]:
        """{"kemendagri": ..., "bps": ...} as published data carries them (manifest.json, SIPD workbooks)."""
        return {"kemendagri": self.kemendagri, "bps": self.bps}


class TeamContact(BaseModel):
    """`tim_pelaksana:` of a region file: how the Tim Pelaksana (the coordinator's team) is reached."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = None


class MonevSettings(BaseModel):
    """`monev:` of a region file: the weight of each monev area in percent (default: the rubric's 10/20/30/30/10)."""

    model_config = ConfigDict(extra="forbid")

    bobot: dict[str, float] = Field(default_factory=dict)

    @field_validator("bobot")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        from bimtek.core.monev import area_codes

        if not value:
            return value
        codes = area_codes()
        if sorted(value) != sorted(codes):
            raise ValueError(f"bobot harus memuat tepat area {codes}, bukan {sorted(value)}")
        if any(v < 0 for v in value.values()) or abs(sum(value.values()) - 100) > 1e-9:
            raise ValueError(f"bobot area harus tidak negatif dan berjumlah 100 (sekarang {sum(value.values()):g})")
        return value

    def weights(self) -> dict[str, float]:
        """Area code -> weight in percent: the region's own, else the rubric's."""
        from bimtek.core.monev import default_weights

        return dict(self.bobot) if self.bobot else default_weights()


class Region(BaseModel):
    slug: str
    name: str = Field(min_length=1)
    province: str = Field(min_length=1)
    period: Period
    opd: list[Opd] = Field(default_factory=list)
    calendar: dict[str, dt.date] = Field(default_factory=dict)
    timezone: str = "Asia/Jakarta"
    synthetic: bool = False
    capital: str | None = None
    """Ibu kota (seat of government): "Ditetapkan di ...", the place line of letters and commitment sheets."""
    officials: Officials = Field(default_factory=Officials)
    letters: Letters = Field(default_factory=Letters)
    monev: MonevSettings = Field(default_factory=MonevSettings)
    legal: Legal = Field(default_factory=Legal)
    coordinator: Coordinator | None = None
    kind: Literal["kabupaten", "kota"] = "kabupaten"
    """Kabupaten (Perbup, Bupati) or kota (Perwali, Wali Kota); also the peer group of the national ranking."""
    codes: RegionCodes = Field(default_factory=RegionCodes)
    apbd: float | None = Field(default=None, gt=0)
    """Total APBD of one year in full Rupiah: the scale implausible amounts are measured against (issue 23)."""
    nomenclature: str | None = None
    """The SIPD nomenclature version the region plans with (a key of the bundled or loaded references, issue 25)."""
    nomenclature_export: str | None = None
    """The region's own SIPD export of that version (.xlsx; bimtek.ingest.sipd_export), a path relative to the
    region file (load_region makes it absolute); without it the bundled reference schemas/sipd/<version>.json."""
    tim_pelaksana: TeamContact = Field(default_factory=TeamContact)

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", value):
            raise ValueError("slug harus huruf kecil, angka dan tanda hubung, paling panjang 63 (mis. padang-pariaman)")
        return value

    @field_validator("opd", mode="before")
    @classmethod
    def _opd_entries(cls, value: object) -> object:
        if value in (None, ""):
            return []
        if not isinstance(value, list):
            raise ValueError("harus berupa daftar (setiap OPD satu baris diawali '- '), bukan satu teks")
        return [{"name": v} if isinstance(v, str) else v for v in value]

    @field_validator("opd")
    @classmethod
    def _distinct_opd(cls, value: list[Opd]) -> list[Opd]:
        owners: dict[str, tuple[int, str]] = {}
        for index, entry in enumerate(value):
            for spelling in (entry.name, *entry.aliases):
                key = fold_key(spelling)
                if not key:
                    raise ValueError(
                        f"opd[{index}] '{spelling}' tidak memuat huruf latin atau angka, sehingga tidak dapat "
                        "dicocokkan dengan isian OPD"
                    )
                owner = owners.setdefault(key, (index, spelling))
                if owner[0] != index:
                    raise ValueError(
                        f"opd[{owner[0]}] '{owner[1]}' dan opd[{index}] '{spelling}' dianggap sama saat dicocokkan "
                        "(huruf besar/kecil, spasi dan tanda baca diabaikan); bedakan namanya atau hapus salah satu"
                    )
        return value

    @field_validator("calendar")
    @classmethod
    def _calendar_keys(cls, value: dict) -> dict:
        unknown = sorted(set(value) - set(CALENDAR_KEYS))
        if unknown:
            raise ValueError(f"kunci calendar tidak dikenal {unknown}; yang boleh: {list(CALENDAR_KEYS)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(
                f"zona waktu '{value}' tidak dikenal; gunakan nama IANA seperti Asia/Jakarta, Asia/Makassar "
                "atau Asia/Jayapura"
            ) from None
        return value

    def opd_lookup(self) -> dict[str, str]:
        """Folded OPD name or alias -> canonical OPD name. Empty when the region lists no OPD (no check)."""
        lookup: dict[str, str] = {}
        for entry in self.opd:
            for name in (entry.name, *entry.aliases):
                lookup[fold_key(name)] = entry.name
        return lookup

    def opd_of_folder(self, path: str, lookup: dict[str, str] | None = None) -> str | None:
        """The OPD a file belongs to by a folder of its path (the innermost folder named after an OPD: name, alias
        or their slug, e.g. "dinas-pupr/usulan.xlsx"), None when no folder names one. `lookup`: `opd_lookup()`
        when the caller already has it."""
        lookup = self.opd_lookup() if lookup is None else lookup
        slugs = {slugify(key): name for key, name in lookup.items()}
        for folder in reversed(path.replace("\\", "/").split("/")[:-1]):
            found = lookup.get(fold_key(folder)) or slugs.get(slugify(folder))
            if found:
                return found
        return None

    def signatories(self) -> dict:
        """What documents print about the seat of government and the signatories: `capital` (None when
        missing) and `officials` {head, secretary, team_lead} as dicts {name, nip, title} or None when missing."""
        return {
            "capital": self.capital,
            "officials": {
                role: (official.model_dump() if official is not None else None) for role, official in self.officials
            },
        }

    @property
    def opd_names(self) -> list[str]:
        return [entry.name for entry in self.opd]


_TYPE_WORDS = {
    "missing": "wajib diisi",
    "extra_forbidden": "kunci tidak dikenal",
    "string_type": "harus berupa teks",
    "string_too_short": "tidak boleh kosong",
    "int_type": "harus bilangan bulat",
    "int_parsing": "harus bilangan bulat",
    "int_from_float": "harus bilangan bulat",
    "bool_type": "harus true atau false",
    "bool_parsing": "harus true atau false",
    "list_type": "harus berupa daftar",
    "dict_type": "harus berupa pemetaan (kunci: nilai)",
    "model_type": "harus berupa pemetaan (kunci: nilai)",
    "model_attributes_type": "harus berupa pemetaan (kunci: nilai)",
    "date_type": "harus tanggal YYYY-MM-DD",
    "date_parsing": "harus tanggal YYYY-MM-DD",
    "date_from_datetime_parsing": "harus tanggal YYYY-MM-DD",
    "date_from_datetime_inexact": "harus tanggal tanpa jam (YYYY-MM-DD)",
}
"""Indonesian wording of pydantic's error types (others fall back to a generic phrase)."""


def _problem(error: dict) -> str:
    """One validation error as "key: what is wrong" in Indonesian."""
    where = ".".join(str(p) for p in error["loc"]) or "(akar)"
    if error["type"] == "value_error":
        what = str(error.get("ctx", {}).get("error", "nilai tidak sah"))
    else:
        what = _TYPE_WORDS.get(error["type"], "nilai tidak sah")
    return f"{where}: {what}"


def parse_region(data: dict, source: str = "<region>") -> Region:
    """Build a Region from already-loaded YAML, raising RegionError that names `source` and the bad key."""
    if not isinstance(data, dict):
        raise RegionError(
            f"{source}: berkas region harus berupa pemetaan YAML dengan kunci slug, name, province, period"
        )
    try:
        return Region.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_problem(err) for err in exc.errors(include_url=False))
        raise RegionError(f"{source}: {problems}") from None


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses anchors/aliases and duplicate mapping keys."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            mark = self.peek_event().start_mark
            raise RegionError(
                f"baris {mark.line + 1}: anchor/alias YAML (& dan *) tidak didukung di berkas region; tulis nilainya "
                "langsung"
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue
            if duplicate:
                raise RegionError(f"baris {key_node.start_mark.line + 1}: kunci '{key}' ditulis dua kali")
        return super().construct_mapping(node, deep=deep)


def load_region(path: str | Path, limits: Settings | None = None) -> Region:
    """Read a region YAML file (refusing it with a RegionError as the module doc lists)."""
    path = Path(path)
    limits = limits or get_settings()
    if not path.is_file():
        raise RegionError(f"{path}: berkas region tidak ditemukan")
    size = path.stat().st_size
    if size > limits.max_region_bytes:
        raise RegionError(
            f"{path}: berkas region terlalu besar ({size} byte, batas max_region_bytes {limits.max_region_bytes})"
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegionError(f"{path}: bukan teks UTF-8 (byte ke-{exc.start + 1}); simpan ulang sebagai UTF-8") from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except RegionError as exc:
        raise RegionError(f"{path}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f" baris {mark.line + 1}" if mark is not None else ""
        raise RegionError(f"{path}: penulisan YAML salah di{line or ' berkas'}") from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        raise RegionError(f"{path}: penulisan YAML salah atau bersarang terlalu dalam") from None
    region = parse_region(data, str(path))
    if region.nomenclature_export and not Path(region.nomenclature_export).is_absolute():
        region = region.model_copy(update={"nomenclature_export": str(path.parent / region.nomenclature_export)})
    return region


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
