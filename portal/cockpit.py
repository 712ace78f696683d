"""`/nasional`: the cockpit of the ministry (or a province) over every registered region of the cohort.

Open to the roles in `COCKPIT_ROLES` (`pembina`, `admin`); anyone else gets a 403 page. A `pembina` account sees
the regions its account lists (a province), or every region when it lists none; its links lead to the region's
result pages, which it may read but not change (portal.accounts.Account.accepts_runs).

Per request the page reads, per region, only the published summaries of bimtek.store.cockpit (at most five small
JSON files) and, for a summary that says it waits for acceptance, the stage's latest.json; region files are parsed
once and kept until they change on disk (`RegionCache`). Sorting and filtering are query parameters (the portal
sends no scripts): `urut` (bimtek.analysis.cockpit.SORT_KEYS), `tahap`, `jenis`, `ukuran`, `provinsi`, `cari`,
`terlambat=1`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from bimtek.analysis.cockpit import (
    SIZE_CLASSES,
    SIZE_UNKNOWN,
    SORT_KEYS,
    STAGE_LABELS,
    CockpitRow,
    cockpit_row,
    filter_rows,
    ranked,
    sort_rows,
)
from bimtek.core.formatting import angka, tanggal
from bimtek.core.region import Region, RegionError, load_region
from bimtek.store.cockpit import is_waiting, read_pointers
from bimtek.store.storage import Location

COCKPIT_ROLES = frozenset({"pembina", "admin"})
COCKPIT_TIMEZONE = "Asia/Jakarta"
"""The cohort spans time zones; "today" for days to rakor is the date in WIB."""
REFUSED = (
    "Halaman nasional hanya untuk akun pembina (kementerian atau provinsi) dan admin. "
    "Akun koordinator dan peninjau membuka hasil daerahnya lewat menu Hasil."
)


class RegionCache:
    """Parsed region files, kept while the file's size and modification time stay the same (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[Path, tuple[tuple[int, int], Region]] = {}

    def get(self, path: Path) -> Region | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            known = self._known.get(path)
        if known and known[0] == stamp:
            return known[1]
        try:
            region = load_region(path)
        except RegionError:
            return None
        with self._lock:
            self._known[path] = (stamp, region)
        return region


def cohort_rows(store: Location, regions: dict[str, Path], cache: RegionCache, today: dt.date) -> list[CockpitRow]:
    """Ranked rows of the given regions (unreadable region files left out)."""
    rows = []
    for slug, path in regions.items():
        region = cache.get(path)
        if region is None:
            continue
        summaries = read_pointers(store, slug)
        waiting = sum(1 for summary in summaries.values() if is_waiting(store, slug, summary))
        rows.append(cockpit_row(region, summaries, waiting, today))
    return ranked(rows)


def _number(value: float | None) -> str:
    return "" if value is None else angka(value, 2)


def cockpit_router(
    config, page: Callable[..., HTMLResponse], require_login: Callable, cache: RegionCache | None = None
) -> APIRouter:
    """The `/nasional` route over `config.store` and `config.regions` (portal.app.PortalConfig), rendered with the
    portal's `page` and guarded by its `require_login`."""
    router = APIRouter()
    regions_cache = cache or RegionCache()

    @router.get("/nasional", response_class=HTMLResponse)
    def nasional(
        request: Request,
        urut: str = "terlambat",
        tahap: str = "",
        jenis: str = "",
        ukuran: str = "",
        provinsi: str = "",
        cari: str = "",
        terlambat: str = "",
    ) -> HTMLResponse:
        account = require_login(request)
        if account.role not in COCKPIT_ROLES:
            raise HTTPException(status_code=403, detail=REFUSED)
        visible = {slug: path for slug, path in sorted(config.regions.items()) if account.sees(slug)}
        today = dt.datetime.now(ZoneInfo(COCKPIT_TIMEZONE)).date()
        everyone = cohort_rows(config.store, visible, regions_cache, today)
        stage = int(tahap) if tahap.isdigit() and (int(tahap) in STAGE_LABELS or tahap == "0") else None
        order = urut if urut in SORT_KEYS else "terlambat"
        rows = sort_rows(
            filter_rows(
                everyone,
                stage=stage,
                kind=jenis or None,
                size=ukuran or None,
                province=provinsi or None,
                text=cari[:100] or None,
                late_only=terlambat == "1",
            ),
            order,
        )
        chosen = {"tahap": tahap, "jenis": jenis, "ukuran": ukuran, "provinsi": provinsi, "cari": cari[:100]}
        if terlambat == "1":
            chosen["terlambat"] = "1"
        return page(
            request,
            "nasional.html.j2",
            rows=rows,
            total=len(everyone),
            late=sum(1 for row in everyone if row.days_late > 0),
            today=today,
            order=order,
            chosen=chosen,
            stages=STAGE_LABELS,
            provinces=sorted({row.province for row in everyone}),
            sizes=[name for name, _ in SIZE_CLASSES] + [SIZE_UNKNOWN],
            number=_number,
            tanggal=tanggal,
        )

    return router
