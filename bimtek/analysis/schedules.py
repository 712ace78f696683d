"""Schedules derived from a region's Bimtek calendar (pure: no Prefect import; `cli/deploy.py` applies them).

For a region whose YAML has `calendar:` dates (tahap-1..tahap-4, rakor) and a `timezone` (default Asia/Jakarta):

| kind      | deployment       | when (region-local time)                                                           |
|-----------|------------------|------------------------------------------------------------------------------------|
| validasi  | `validasi-inbox` | 07:00 every day of the 14 days before each Tahap (T-14 .. T-1); none on/after T     |
| draf      | `tahap-N`        | 22:00 every night from the first day of Tahap N until the night before the next     |
|           |                  | milestone (Tahap N+1; for Tahap IV the final packaging run; 28 nights if none)      |
| paket     | `bimtek-all`     | once, 06:00 three days before the rakor: the whole process packaged for the panel   |
| validasi  | `validasi-inbox` | monev (calendar `monev-s1` / `monev-s2`, optional): 07:00 daily, 14 days before the  |
|           |                  | semester deadline, on the monev inbox (stage 5): the reminder an OPD sees as status  |
| monev     | `monev`          | 22:00 every night from the deadline for MONEV_NIGHTS nights (late reports still count)|
| pengingat | `pengingat`      | 08:00 on each of 7, 3 and 1 days before each Tahap and each monev deadline: e-mail   |
|           |                  | to every OPD whose file is missing or needs fixing (only for a region whose file     |
|           |                  | gives at least one OPD `email`; one single-run schedule per day)                     |

A monev deadline evaluates the semester that ended before it: a deadline in July-December is `<year>-S1`, one in
January-June `<year-1>-S2` (the sample: monev-s1 2027-07-15 -> 2027-S1, monev-s2 2028-01-15 -> 2027-S2).

Each spec is one iCalendar RRULE bounded by DTSTART/UNTIL (naive local times; Prefect localises them with the
schedule's `timezone`, so 07:00 stays 07:00 WIB/WITA/WIT). Windows that ended before `today` are left out.
Every schedule carries a slug `bimtek:<region-slug>:<kind>-tahap-<n>` so `bimtek schedules --apply/--clear` can
find and replace exactly the schedules of one region without touching anything set by hand.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from bimtek.core.region import Region

VALIDATION_DAYS = 14
"""Daily inbox re-validation during this many days before each Tahap."""
VALIDATION_TIME = dt.time(7, 0)
NIGHTLY_TIME = dt.time(22, 0)
NIGHTLY_MAX_NIGHTS = 28
"""Nightly drafts of the last stage in the calendar stop after this many nights when no rakor follows it."""
PACKAGING_DAYS_BEFORE_RAKOR = 3
PACKAGING_TIME = dt.time(6, 0)

VALIDATION_DEPLOYMENT = "validasi-inbox"
ALL_STAGES_DEPLOYMENT = "bimtek-all"
SLUG_PREFIX = "bimtek"
STAGES = (1, 2, 3, 4)
MONEV_DEPLOYMENT = "monev"
MONEV_KEYS = ("monev-s1", "monev-s2")
MONEV_NIGHTS = 7
"""Nightly monev runs from a semester deadline on (late reports are scored by the next night's run)."""
REMINDER_DEPLOYMENT = "pengingat"
REMINDER_DAYS_BEFORE = (7, 3, 1)
"""Reminder e-mails go out this many days before each deadline (issue 26)."""
REMINDER_TIME = dt.time(8, 0)


def stage_deployment(stage: int) -> str:
    return f"tahap-{stage}"


def region_slug_prefix(region_slug: str) -> str:
    """Prefix of every schedule slug owned by one region (region slugs never contain ':')."""
    return f"{SLUG_PREFIX}:{region_slug}:"


@dataclass(frozen=True)
class ScheduleSpec:
    """One deployment schedule: an RRULE window in the region's timezone plus the run parameters."""

    deployment: str
    """Deployment name (the flow name is the same: tahap-3/tahap-3, validasi-inbox/validasi-inbox, ...)."""
    slug: str
    kind: str
    """validasi | draf | paket | monev | pengingat"""
    stage: int | None
    start: dt.datetime
    """First run, naive local time in `timezone`."""
    until: dt.datetime
    """Last run, naive local time in `timezone`."""
    timezone: str
    parameters: dict = field(default_factory=dict)
    description: str = ""

    @property
    def rrule(self) -> str:
        """iCalendar RRULE with naive DTSTART/UNTIL, the form Prefect's RRuleSchedule localises with `timezone`."""
        stamp = "%Y%m%dT%H%M%S"
        return f"DTSTART:{self.start.strftime(stamp)}\nRRULE:FREQ=DAILY;UNTIL={self.until.strftime(stamp)}"

    def dates(self) -> list[dt.datetime]:
        """Every run time of the window as timezone-aware datetimes (what the Prefect scheduler will produce)."""
        tz = ZoneInfo(self.timezone)
        return [d.replace(tzinfo=tz) for d in rrulestr(self.rrule)]

    @property
    def runs(self) -> int:
        return len(self.dates())


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time)


def default_parameters_base(region: Region, region_path: str | None, inputs_root: str | None) -> tuple[str, str]:
    region_path = region_path or f"regions/{region.slug}.yaml"
    if inputs_root is None:
        inputs_root = posixpath.join(posixpath.dirname(region_path) or ".", "inputs")
    return region_path, inputs_root.rstrip("/")


def schedules_for_region(
    region: Region,
    today: dt.date | None = None,
    *,
    region_path: str | None = None,
    inputs_root: str | None = None,
    store: str | None = None,
) -> list[ScheduleSpec]:
    """The schedules one region's calendar implies, oldest first; [] for a region without calendar dates.

    Runs name the region by its slug (the run form's list of registered regions has each region once, by slug).
    `region_path` is the region YAML as the workers will see it (relative to the project root, which is the
    working directory of every deployment run, or absolute) and places the default `inputs_root`, which holds one
    inbox per stage (`<inputs_root>/tahap-N`, default: the `inputs/` folder beside the region file); `store` is passed to the
    drafting and packaging runs (None: the worker's BIMTEK_STORE setting). `today` (default: the current date in
    the region's timezone) drops windows that have already ended.
    """
    calendar = region.calendar or {}
    if not calendar:
        return []
    calendar = {k: v for k, v in calendar.items() if k not in MONEV_KEYS} or {}
    tz = region.timezone or "Asia/Jakarta"
    if today is None:
        today = dt.datetime.now(ZoneInfo(tz)).date()
    region_path, inputs_root = default_parameters_base(region, region_path, inputs_root)
    stage_dates = {n: calendar[f"tahap-{n}"] for n in STAGES if f"tahap-{n}" in calendar}
    rakor = calendar.get("rakor")
    packaging_day = rakor - dt.timedelta(days=PACKAGING_DAYS_BEFORE_RAKOR) if rakor else None
    prefix = region_slug_prefix(region.slug)
    specs: list[ScheduleSpec] = []

    for n, day in stage_dates.items():
        inbox = f"{inputs_root}/tahap-{n}"
        specs.append(
            ScheduleSpec(
                deployment=VALIDATION_DEPLOYMENT,
                slug=f"{prefix}validasi-tahap-{n}",
                kind="validasi",
                stage=n,
                start=_at(day - dt.timedelta(days=VALIDATION_DAYS), VALIDATION_TIME),
                until=_at(day - dt.timedelta(days=1), VALIDATION_TIME),
                timezone=tz,
                parameters={"region": region.slug, "inputs": inbox, "stage": n},
                description=(
                    f"Validasi ulang inbox Tahap {n} {region.name} setiap hari pukul "
                    f"{VALIDATION_TIME:%H:%M}, {VALIDATION_DAYS} hari sebelum Tahap {n} ({day:%d-%m-%Y})"
                ),
            )
        )

        later = [d for m, d in stage_dates.items() if m > n and d > day]
        if later:
            next_milestone = min(later)
        elif packaging_day and packaging_day > day:
            next_milestone = packaging_day
        else:
            next_milestone = day + dt.timedelta(days=NIGHTLY_MAX_NIGHTS)
        last_night = next_milestone - dt.timedelta(days=1)
        if last_night >= day:
            params = {"region": region.slug, "inputs": inbox}
            if store is not None:
                params["store"] = store
            specs.append(
                ScheduleSpec(
                    deployment=stage_deployment(n),
                    slug=f"{prefix}draf-tahap-{n}",
                    kind="draf",
                    stage=n,
                    start=_at(day, NIGHTLY_TIME),
                    until=_at(last_night, NIGHTLY_TIME),
                    timezone=tz,
                    parameters=params,
                    description=(
                        f"Draf malam Tahap {n} {region.name} pukul {NIGHTLY_TIME:%H:%M}, "
                        f"{day:%d-%m-%Y} s.d. {last_night:%d-%m-%Y}"
                    ),
                )
            )

    if packaging_day:
        params = {"region": region.slug, "inputs": inputs_root}
        if store is not None:
            params["store"] = store
        specs.append(
            ScheduleSpec(
                deployment=ALL_STAGES_DEPLOYMENT,
                slug=f"{prefix}paket-rakor",
                kind="paket",
                stage=None,
                start=_at(packaging_day, PACKAGING_TIME),
                until=_at(packaging_day, PACKAGING_TIME),
                timezone=tz,
                parameters=params,
                description=(
                    f"Paket akhir seluruh tahap {region.name} pukul {PACKAGING_TIME:%H:%M}, "
                    f"{PACKAGING_DAYS_BEFORE_RAKOR} hari sebelum rakor ({rakor:%d-%m-%Y})"
                ),
            )
        )

    specs += monev_schedules(region, region_path, inputs_root, store)
    specs += reminder_schedules(region, store)
    current = [s for s in specs if s.until.date() >= today]
    return sorted(current, key=lambda s: (s.start, s.slug))


def monev_semester(deadline: dt.date) -> str:
    """The semester a monev deadline evaluates (module doc): 2027-07-15 -> 2027-S1, 2028-01-15 -> 2027-S2."""
    return f"{deadline.year}-S1" if deadline.month >= 7 else f"{deadline.year - 1}-S2"


def monev_deadline(region: Region, semester: str) -> dt.date | None:
    """The calendar deadline (`monev-s1`/`monev-s2`) that evaluates `semester` (`2027-S1`), None when none does."""
    return next(
        (day for key in MONEV_KEYS if (day := region.calendar.get(key)) and monev_semester(day) == semester), None
    )


def monev_schedules(region: Region, region_path: str, inputs_root: str, store: str | None) -> list[ScheduleSpec]:
    """The reminder (inbox validation) and nightly monev runs of the calendar's semester deadlines."""
    tz = region.timezone or "Asia/Jakarta"
    prefix = region_slug_prefix(region.slug)
    specs = []
    for key in MONEV_KEYS:
        day = (region.calendar or {}).get(key)
        if day is None:
            continue
        semester = monev_semester(day)
        inbox = f"{inputs_root}/monev/{semester}"
        specs.append(
            ScheduleSpec(
                deployment=VALIDATION_DEPLOYMENT,
                slug=f"{prefix}validasi-{key}",
                kind="validasi",
                stage=5,
                start=_at(day - dt.timedelta(days=VALIDATION_DAYS), VALIDATION_TIME),
                until=_at(day - dt.timedelta(days=1), VALIDATION_TIME),
                timezone=tz,
                parameters={"region": region.slug, "inputs": inbox, "stage": 5},
                description=(
                    f"Pengingat monev {semester} {region.name}: validasi ulang inbox setiap hari pukul "
                    f"{VALIDATION_TIME:%H:%M}, {VALIDATION_DAYS} hari sebelum batas {day:%d-%m-%Y}"
                ),
            )
        )
        params = {"region": region.slug, "semester": semester, "inputs": inbox}
        if store is not None:
            params["store"] = store
        last = day + dt.timedelta(days=MONEV_NIGHTS - 1)
        specs.append(
            ScheduleSpec(
                deployment=MONEV_DEPLOYMENT,
                slug=f"{prefix}{key}",
                kind="monev",
                stage=5,
                start=_at(day, NIGHTLY_TIME),
                until=_at(last, NIGHTLY_TIME),
                timezone=tz,
                parameters=params,
                description=(
                    f"Monev {semester} {region.name} pukul {NIGHTLY_TIME:%H:%M}, {day:%d-%m-%Y} s.d. {last:%d-%m-%Y}"
                ),
            )
        )
    return specs


def reminder_schedules(region: Region, store: str | None) -> list[ScheduleSpec]:
    """One single-run `pengingat` schedule per REMINDER_DAYS_BEFORE day before each Tahap and monev deadline;
    none for a region whose file gives no OPD an e-mail address (nobody to remind)."""
    if not any(opd.email for opd in region.opd):
        return []
    tz = region.timezone or "Asia/Jakarta"
    prefix = region_slug_prefix(region.slug)
    calendar = region.calendar or {}
    deadlines = [(f"tahap-{n}", n, calendar[f"tahap-{n}"]) for n in STAGES if f"tahap-{n}" in calendar]
    deadlines += [(key, 5, calendar[key]) for key in MONEV_KEYS if key in calendar]
    specs = []
    for key, stage, day in deadlines:
        params: dict = {"region": region.slug, "stage": stage}
        if store is not None:
            params["store"] = store
        for days in REMINDER_DAYS_BEFORE:
            when = _at(day - dt.timedelta(days=days), REMINDER_TIME)
            specs.append(
                ScheduleSpec(
                    deployment=REMINDER_DEPLOYMENT,
                    slug=f"{prefix}pengingat-{key}-h{days}",
                    kind="pengingat",
                    stage=stage,
                    start=when,
                    until=when,
                    timezone=tz,
                    parameters=params,
                    description=(
                        f"Pengingat e-mail {key} {region.name} pukul {REMINDER_TIME:%H:%M}, {days} hari sebelum "
                        f"batas {day:%d-%m-%Y}"
                    ),
                )
            )
    return specs
