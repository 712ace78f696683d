"""The SIPD nomenclature (urusan / bidang urusan / program / kegiatan / sub kegiatan) as versioned data.

A region plans against one version of the national nomenclature (Kepmendagri 050-5889/2021 and its yearly
updates); the region file names it (`nomenclature:`) and may point to its own SIPD export
(`nomenclature_export:`, read by `bimtek.ingest.sipd_export`). Without an export the bundled reference of that
version is used: `schemas/sipd/<version>.json`, which holds ONLY codes read in public documents, each entry naming
its source. A bundled reference is therefore small; a code missing from it is "not known to this reference", which
the messages say in those words when no export was loaded.

Code shape (`parse_code`): `U.BB.PP.K.KK.SSSS` - urusan (1 digit), bidang urusan (2), program (2), then the
kegiatan as K.KK where K is the level of government (2 = kabupaten/kota, 1 = provinsi; observed in budgets), and
the sub kegiatan (4 digits). Accepted spellings: dots or spaces between the parts ("2 16 03 2 02 0014", the layout
of the Kepmendagri tables), shorter parts padded with zeros ("2.16.3.2.2.14" -> "2.16.03.2.02.0014"), a name after
the code ("2.16.03.2.02.0014 - Penyelenggaraan ..."), and a trailing dot. Four parts are no code.

Checks of a proposal's code (`check_code`): the code must be a sub kegiatan of the version (`sipd_code_unknown`),
of the region's level of government (`sipd_code_level`), under a bidang urusan the OPD holds (`sipd_code_urusan`,
only when the region file lists the OPD's urusan). Each failing check names the nearest valid codes
(`nearest_codes`: longest common code prefix first, then the closest number).

Suggestions for a program without a code (`suggest_codes`): a ranked list the OPD confirms, never applied: the
sub kegiatan of the OPD's urusan (all of them when the region lists none) scored by shared words of the program's
name and description with the sub kegiatan name (stop words dropped), ties broken by difflib's ratio.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bimtek.core.paths import SCHEMAS_DIR
from bimtek.core.text import slugify

SIPD_DIR = SCHEMAS_DIR / "sipd"

LEVELS = ("urusan", "bidang_urusan", "program", "kegiatan", "sub_kegiatan")
LEVEL_LABELS = {
    "urusan": "urusan",
    "bidang_urusan": "bidang urusan",
    "program": "program",
    "kegiatan": "kegiatan",
    "sub_kegiatan": "sub kegiatan",
}
_LEVEL_BY_PARTS = {1: "urusan", 2: "bidang_urusan", 3: "program", 5: "kegiatan", 6: "sub_kegiatan"}
_WIDTHS = (1, 2, 2, 1, 2, 4)
KABUPATEN_KOTA, PROVINSI, SEMUA = "kabupaten/kota", "provinsi", "semua"
_GOVERNMENT_DIGIT = {"2": KABUPATEN_KOTA, "1": PROVINSI}

_CODE_AT_START = re.compile(r"^\s*(\d{1,4}(?:\s*[.\s]\s*\d{1,4}){0,5})\.?(?=\s|$|[-:])")

STOP_WORDS = frozenset(
    "dan di ke dari yang untuk pada dengan dalam atau serta bagi oleh lingkup daerah pemerintah kabupaten kota "
    "program kegiatan sub pengelolaan penyelenggaraan pelaksanaan penyediaan".split()
)
"""Words too common in the nomenclature to say what a program is about (left out of the suggestion score)."""
SUGGESTION_MIN_SCORE = 0.2
SUGGESTION_COUNT = 3
NEAREST_COUNT = 3


class NomenclatureError(ValueError):
    """A reference file or export that cannot be read as a nomenclature (the message says which and why)."""


@dataclass(frozen=True)
class Entry:
    """One code of the nomenclature with its metadata (blank where the source does not state it)."""

    kode: str
    level: str
    nama: str
    kinerja: str = ""
    indikator: str = ""
    satuan: str = ""
    pemerintahan: str = SEMUA
    sumber: str = ""

    @property
    def bidang(self) -> str:
        """The bidang urusan part (U.BB) of the code ("" for an urusan)."""
        return ".".join(self.kode.split(".")[:2]) if self.level != "urusan" else ""

    def label(self) -> str:
        return f"{self.kode} ({self.nama})"


@dataclass(frozen=True)
class Nomenclature:
    """One version of the nomenclature: its entries by code, and where they came from."""

    version: str
    title: str
    entries: dict[str, Entry]
    sources: dict[str, dict] = field(default_factory=dict)
    origin: str = "bundled"
    """"bundled" (schemas/sipd) or the file name of the region's SIPD export."""

    @property
    def is_bundled(self) -> bool:
        return self.origin == "bundled"

    def get(self, code: str | None) -> Entry | None:
        return self.entries.get(code or "")

    def sub_kegiatan(self) -> list[Entry]:
        return [e for e in self.entries.values() if e.level == "sub_kegiatan"]

    def parent(self, code: str, level: str) -> Entry | None:
        """The entry of `code`'s ancestor at `level` (program, kegiatan...), when the version has it."""
        parts = code.split(".")
        count = {v: k for k, v in _LEVEL_BY_PARTS.items()}[level]
        return self.entries.get(".".join(parts[:count])) if len(parts) >= count else None

    def source_text(self, entry: Entry) -> str:
        """The source of an entry in one short cell: its key in `sources` and date ("lihat sheet Sumber"); the file
        name for an export."""
        if not self.is_bundled:
            return f"ekspor SIPD daerah ({self.origin})"
        date = self.sources.get(entry.sumber, {}).get("date", "")
        return f"{entry.sumber} ({date})" if date else entry.sumber


def parse_code(text: object) -> str | None:
    """The canonical code written at the start of `text` (module doc), None when there is none."""
    if text is None:
        return None
    match = _CODE_AT_START.match(str(text))
    if not match:
        return None
    parts = re.split(r"\s*[.\s]\s*", match.group(1).strip())
    if len(parts) not in _LEVEL_BY_PARTS:
        return None
    padded = []
    for part, width in zip(parts, _WIDTHS):
        if len(part) > width:
            return None
        padded.append(part.zfill(width))
    return ".".join(padded)


def level_of(code: str) -> str | None:
    """urusan, bidang_urusan, program, kegiatan or sub_kegiatan, by the number of parts of a canonical code."""
    return _LEVEL_BY_PARTS.get(len(code.split(".")))


def government_of(code: str) -> str:
    """kabupaten/kota or provinsi for a kegiatan or sub kegiatan code (its 4th part), "semua" above that level."""
    parts = code.split(".")
    return _GOVERNMENT_DIGIT.get(parts[3], SEMUA) if len(parts) >= 5 else SEMUA


def region_government(kind: str) -> str:
    """The level of government of a region kind (kabupaten, kota -> kabupaten/kota; provinsi -> provinsi)."""
    return PROVINSI if kind == "provinsi" else KABUPATEN_KOTA


def entry_from_mapping(raw: dict, sumber: str = "") -> Entry:
    """An Entry from a reference row (bundled JSON or an export row); the level follows from the code when absent."""
    code = parse_code(raw.get("kode"))
    if code is None:
        raise NomenclatureError(f"kode {raw.get('kode')!r} bukan kode nomenklatur")
    level = raw.get("level") or level_of(code) or ""
    if level not in LEVELS or level != level_of(code):
        raise NomenclatureError(f"kode {code}: tingkat {level!r} tidak cocok dengan bentuk kodenya")
    government = raw.get("pemerintahan") or government_of(code)
    return Entry(
        kode=code,
        level=level,
        nama=str(raw.get("nama") or "").strip(),
        kinerja=str(raw.get("kinerja") or "").strip(),
        indikator=str(raw.get("indikator") or "").strip(),
        satuan=str(raw.get("satuan") or "").strip(),
        pemerintahan=government,
        sumber=str(raw.get("sumber") or sumber),
    )


def build(version: str, title: str, entries: Iterable[Entry], sources: dict | None = None, origin: str = "bundled"):
    """A Nomenclature from entries (a later entry of the same code replaces an earlier one)."""
    return Nomenclature(version, title, {e.kode: e for e in entries}, dict(sources or {}), origin)


def bundled_versions() -> list[str]:
    """Versions with a bundled reference (schemas/sipd/<version>.json), sorted."""
    return sorted(p.stem for p in SIPD_DIR.glob("*.json"))


@cache
def bundled(version: str) -> Nomenclature:
    """The bundled reference of `version` (NomenclatureError naming the known versions when there is none)."""
    path = SIPD_DIR / f"{version}.json"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]{0,62}", version) or not path.is_file():
        raise NomenclatureError(
            f"versi nomenklatur {version!r} tidak dikenal (tersedia: {', '.join(bundled_versions())}); "
            "isi `nomenclature_export` di berkas region dengan ekspor SIPD daerah"
        )
    return _read_reference(path)


def _read_reference(path: Path) -> Nomenclature:
    raw = json.loads(path.read_text(encoding="utf-8"))
    sources = raw.get("sources", {})
    entries = [entry_from_mapping(item) for item in raw["entries"]]
    unknown = sorted({e.sumber for e in entries if e.sumber not in sources})
    if unknown:
        raise NomenclatureError(f"{path.name}: sumber {unknown} tidak tercantum di `sources`")
    return build(raw["version"], raw.get("title", raw["version"]), entries, sources)


# ------------------------------------------------------------------------------------------------------ checks


@dataclass(frozen=True)
class CodeCheck:
    """The verdict on one proposal's code: `rule` None when the code is accepted."""

    code: str | None
    rule: str | None
    nearest: tuple[str, ...] = ()
    """Labels ("kode (nama)") of the nearest valid codes, for the message."""
    entry: Entry | None = None


def _held(entry: Entry, urusan: Iterable[str]) -> bool:
    held = [u.strip() for u in urusan if u and u.strip()]
    return not held or any(entry.kode == u or entry.kode.startswith(u + ".") for u in held)


def candidates(nomenclature: Nomenclature, government: str, urusan: Iterable[str] = ()) -> list[Entry]:
    """Sub kegiatan a proposal of this level of government and these urusan may use."""
    urusan = list(urusan)
    return [
        e
        for e in nomenclature.sub_kegiatan()
        if e.pemerintahan in (government, SEMUA) and government_of(e.kode) in (government, SEMUA) and _held(e, urusan)
    ]


def nearest_codes(code: str | None, pool: list[Entry], count: int = NEAREST_COUNT) -> tuple[str, ...]:
    """Labels of the entries nearest to `code`: longest common prefix of parts, then the closest last number."""
    if not pool:
        return ()
    parts = (code or "").split(".")

    def distance(entry: Entry) -> tuple[int, int, str]:
        other = entry.kode.split(".")
        common = 0
        for a, b in zip(parts, other):
            if a != b:
                break
            common += 1
        try:
            gap = abs(int(parts[-1]) - int(other[-1]))
        except ValueError:
            gap = 10**6
        return (-common, gap, entry.kode)

    return tuple(e.label() for e in sorted(pool, key=distance)[:count])


def check_code(text: object, nomenclature: Nomenclature, government: str, urusan: Iterable[str] = ()) -> CodeCheck:
    """The verdict on a proposal's "Kode Sub Kegiatan" cell (module doc); a blank cell is accepted (no code)."""
    if text is None or not str(text).strip():
        return CodeCheck(None, None)
    urusan = list(urusan)
    code = parse_code(text)
    allowed = candidates(nomenclature, government, urusan)
    if code is None or level_of(code) != "sub_kegiatan":
        return CodeCheck(code, "sipd_code_unknown", nearest_codes(code, allowed))
    if government_of(code) not in (government, SEMUA):
        return CodeCheck(code, "sipd_code_level", nearest_codes(code, allowed))
    entry = nomenclature.get(code)
    if entry is None:
        return CodeCheck(code, "sipd_code_unknown", nearest_codes(code, allowed))
    if not _held(entry, urusan):
        return CodeCheck(code, "sipd_code_urusan", nearest_codes(code, allowed), entry)
    return CodeCheck(code, None, (), entry)


# ------------------------------------------------------------------------------------------------- suggestions


def _words(text: object) -> set[str]:
    words = slugify(str(text)).split("-") if text else []
    return {w for w in words if len(w) > 2 and w not in STOP_WORDS}


def _spaced(text: object) -> str:
    return " ".join(sorted(_words(text)))


@dataclass(frozen=True)
class Suggestion:
    entry: Entry
    score: float


def suggest_codes(
    name: object,
    description: object,
    nomenclature: Nomenclature,
    government: str,
    urusan: Iterable[str] = (),
    count: int = SUGGESTION_COUNT,
) -> list[Suggestion]:
    """Ranked sub kegiatan for a program without a code (module doc); empty when nothing shares a word."""
    words = _words(name) | _words(description)
    if not words:
        return []
    scored = []
    for entry in candidates(nomenclature, government, urusan):
        theirs = _words(entry.nama) | _words(entry.kinerja)
        shared = len(words & theirs)
        if not shared:
            continue
        overlap = shared / len(words | theirs)
        ratio = difflib.SequenceMatcher(None, _spaced(name), _spaced(entry.nama)).ratio()
        score = round(0.7 * overlap + 0.3 * ratio, 4)
        if score >= SUGGESTION_MIN_SCORE:
            scored.append(Suggestion(entry, score))
    scored.sort(key=lambda s: (-s.score, s.entry.kode))
    return scored[:count]


def suggestion_text(suggestions: list[Suggestion]) -> str:
    """Suggestions as one cell: "kode (nama); ..." in rank order ("" when there are none)."""
    return "; ".join(s.entry.label() for s in suggestions)
