"""The ministry's cockpit over a cohort: one row per region from its published summaries (bimtek.store.cockpit).

Pure functions of region files, summaries and a date: no store, no clock.

- **Stage**: the highest Bimtek stage with a published run (a run waiting for acceptance counts: its work exists);
  "belum mulai" when none.
- **Days to rakor**: `calendar.rakor` minus today (negative once it has passed); None without a rakor date.
- **Late** (`days_late`): the region's calendar names a Tahap after its current stage whose date has passed; the
  days since the earliest such date (a region that skipped an optional earlier Tahap is not late for it). The page lists late regions first, most late first.
- **OPD**: sent ("lengkap" + "perlu perbaikan"), needing fixes ("perlu perbaikan") and not sent ("belum mengirim")
  of the listed OPD, from the newest run of the region's current stage.
- **Tahap IV outcome**: "final" when the newest Tahap IV run's legal documents miss nothing, "DRAF" otherwise.
- **Monev**: the newest semester's index, its change from the semester before (from the run's trend table), and the
  weights (`bobot`, percent per area) the region's score used (region file `monev.bobot`, default 10/20/30/30/10).

**Comparable regions** (`peer_group`): the ministry compares kabupaten with kabupaten and kota with kota
(`Region.kind`), and within each by size. The size class is taken from the yearly APBD in the region file
(`apbd`), the one size figure every region has in its budget documents: `kecil` below Rp 1,5 triliun, `sedang`
from Rp 1,5 up to Rp 3 triliun, `besar` from Rp 3 triliun (`SIZE_CLASSES`); a region without `apbd` is in
"APBD belum diisi" and ranked only among such regions. The rank is by monev index within the group (highest
first; equal indices share a rank); a region without a monev index has no rank.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from bimtek.core.region import Region

SIZE_CLASSES: tuple[tuple[str, float], ...] = (("kecil", 1.5e12), ("sedang", 3e12), ("besar", float("inf")))
"""(class, APBD upper bound in Rupiah, exclusive): the size classes of `size_class`."""
SIZE_UNKNOWN = "APBD belum diisi"
STAGE_LABELS = {1: "Tahap I", 2: "Tahap II", 3: "Tahap III", 4: "Tahap IV"}
NOT_STARTED = "belum mulai"
STATUS_COMPLETE, STATUS_FIX, STATUS_MISSING = "lengkap", "perlu perbaikan", "belum mengirim"
SORT_KEYS = ("terlambat", "rakor", "nama", "tahap", "indeks", "perubahan", "peringkat")
"""Orders `sort_rows` accepts (the page's `urut` parameter); `terlambat` is the default."""


def size_class(apbd: float | None) -> str:
    """The size class of a yearly APBD in Rupiah (module doc)."""
    if apbd is None:
        return SIZE_UNKNOWN
    return next(name for name, bound in SIZE_CLASSES if apbd < bound)


@dataclass(frozen=True)
class CohortRegion:
    """What the cockpit needs of a region file (small enough to keep for hundreds of regions, and to store)."""

    slug: str
    name: str
    province: str
    kind: str
    apbd: float | None
    calendar: Mapping[str, dt.date]

    @classmethod
    def of(cls, region: Region) -> CohortRegion:
        return cls(region.slug, region.name, region.province, region.kind, region.apbd, dict(region.calendar))

    def to_json(self) -> dict:
        return {
            "slug": self.slug,
            "name": self.name,
            "province": self.province,
            "kind": self.kind,
            "apbd": self.apbd,
            "calendar": {key: day.isoformat() for key, day in self.calendar.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping) -> CohortRegion:
        calendar = {str(k): dt.date.fromisoformat(v) for k, v in (data.get("calendar") or {}).items()}
        apbd = data.get("apbd")
        return cls(
            str(data["slug"]),
            str(data["name"]),
            str(data["province"]),
            str(data["kind"]),
            float(apbd) if apbd is not None else None,
            calendar,
        )


def peer_group(region: Region | CohortRegion) -> str:
    """The comparison group: "kabupaten sedang", "kota besar", "kota APBD belum diisi"."""
    return f"{region.kind} {size_class(region.apbd)}"


@dataclass(frozen=True)
class CockpitRow:
    slug: str
    name: str
    province: str
    kind: str
    size: str
    stage: int
    """Highest stage with a published run, 0 when none."""
    rakor: dt.date | None
    days_to_rakor: int | None
    days_late: int
    late_stage: int | None
    """The earliest Tahap past its calendar date without a published run."""
    opd_sent: int | None
    opd_fix: int | None
    opd_missing: int | None
    waiting: int
    """Stages whose newest run waits for a coordinator's acceptance."""
    outcome: str | None
    """Tahap IV: "final" or "DRAF"; None before Tahap IV."""
    draft: tuple[str, ...] = ()
    index: float | None = None
    change: float | None = None
    semester: str | None = None
    weights: Mapping[str, float] = field(default_factory=dict)
    trend: tuple[tuple[str, float], ...] = ()
    rank: int | None = None
    peers: int = 0
    """Regions with a monev index in the same peer group."""

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, NOT_STARTED)

    @property
    def group(self) -> str:
        return f"{self.kind} {self.size}"

    @property
    def trend_word(self) -> str:
        if self.change is None:
            return ""
        return "naik" if self.change > 0 else "turun" if self.change < 0 else "tetap"


def _stage_number(name: str) -> int | None:
    if name.startswith("tahap-") and name[6:].isdigit():
        return int(name[6:])
    return None


def cockpit_row(
    region: Region | CohortRegion, summaries: Mapping[str, dict], waiting: int, today: dt.date
) -> CockpitRow:
    """One region's row from its newest summary per stage (bimtek.store.cockpit.read_pointers)."""
    published = sorted(n for n in (_stage_number(k) for k in summaries) if n is not None)
    stage = published[-1] if published else 0
    rakor = region.calendar.get("rakor")
    overdue = [
        (date, n)
        for n in STAGE_LABELS
        if (date := region.calendar.get(f"tahap-{n}")) is not None and date < today and n > stage
    ]
    first_late = min(overdue) if overdue else None
    current = summaries.get(f"tahap-{stage}", {})
    opd = current.get("opd") or {}
    has_opd = bool(current) and bool(opd)
    tahap_4 = summaries.get("tahap-4")
    draft = tuple(tahap_4.get("draft", [])) if tahap_4 else ()
    monev = (summaries.get("monev") or {}).get("monev") or {}
    trend = tuple((str(r["semester"]), float(r["indeks"])) for r in monev.get("tren", []) if "indeks" in r)
    index = float(monev["indeks"]) if "indeks" in monev else None
    change = round(trend[-1][1] - trend[-2][1], 2) if len(trend) >= 2 else None
    return CockpitRow(
        slug=region.slug,
        name=region.name,
        province=region.province,
        kind=region.kind,
        size=size_class(region.apbd),
        stage=stage,
        rakor=rakor,
        days_to_rakor=(rakor - today).days if rakor else None,
        days_late=(today - first_late[0]).days if first_late else 0,
        late_stage=first_late[1] if first_late else None,
        opd_sent=int(opd.get(STATUS_COMPLETE, 0)) + int(opd.get(STATUS_FIX, 0)) if has_opd else None,
        opd_fix=int(opd.get(STATUS_FIX, 0)) if has_opd else None,
        opd_missing=int(opd.get(STATUS_MISSING, 0)) if has_opd else None,
        waiting=waiting,
        outcome=("DRAF" if draft else "final") if tahap_4 else None,
        draft=draft,
        index=index,
        change=change,
        semester=monev.get("semester"),
        weights={str(k): float(v) for k, v in (monev.get("bobot") or {}).items()},
        trend=trend,
    )


def ranked(rows: Iterable[CockpitRow]) -> list[CockpitRow]:
    """The rows with `rank` and `peers` set within their peer group (module doc), in the given order."""
    rows = list(rows)
    groups: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if row.index is not None:
            groups[row.group].append(row.index)
    out = []
    for row in rows:
        if row.index is None:
            out.append(row)
            continue
        indices = groups[row.group]
        out.append(replace(row, rank=1 + sum(1 for other in indices if other > row.index), peers=len(indices)))
    return out


def filter_rows(
    rows: Iterable[CockpitRow],
    *,
    stage: int | None = None,
    kind: str | None = None,
    size: str | None = None,
    province: str | None = None,
    text: str | None = None,
    late_only: bool = False,
) -> list[CockpitRow]:
    """The rows matching every filter given (text: a case-insensitive part of the name, slug or province)."""
    needle = (text or "").strip().casefold()
    return [
        row
        for row in rows
        if (stage is None or row.stage == stage)
        and (not kind or row.kind == kind)
        and (not size or row.size == size)
        and (not province or row.province == province)
        and (not needle or needle in f"{row.name} {row.slug} {row.province}".casefold())
        and (not late_only or row.days_late > 0)
    ]


_FAR = 10**6


def sort_rows(rows: Iterable[CockpitRow], key: str = "terlambat") -> list[CockpitRow]:
    """Rows in one of `SORT_KEYS` orders; `terlambat`: most days late first, then the nearest rakor, then name."""
    rows = list(rows)
    rakor = lambda r: r.days_to_rakor if r.days_to_rakor is not None else _FAR  # noqa: E731
    orders = {
        "terlambat": lambda r: (-r.days_late, rakor(r), r.name),
        "rakor": lambda r: (rakor(r), r.name),
        "nama": lambda r: (r.name,),
        "tahap": lambda r: (r.stage, -r.days_late, r.name),
        "indeks": lambda r: (r.index is None, -(r.index or 0), r.name),
        "perubahan": lambda r: (r.change is None, r.change or 0, r.name),
        "peringkat": lambda r: (r.group, r.rank is None, r.rank or 0, r.name),
    }
    return sorted(rows, key=orders.get(key, orders["terlambat"]))
