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
import json
import logging
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
    CohortRegion,
    cockpit_row,
    filter_rows,
    ranked,
    sort_rows,
)
from bimtek.core.formatting import angka, tanggal
from bimtek.core.monev import area_labels
from bimtek.core.region import RegionError, load_region
from bimtek.store.cockpit import is_waiting, read_pointers
from bimtek.store.storage import Location

INDEX_NAME = "kokpit-wilayah.json"
"""The region index of `RegionCache`, beside the accounts file in the portal's private folder."""
COCKPIT_ROLES = frozenset({"pembina", "admin"})
COCKPIT_TIMEZONE = "Asia/Jakarta"
logger = logging.getLogger(__name__)
"""The cohort spans time zones; "today" for days to rakor is the date in WIB."""
REFUSED = (
    "Halaman nasional hanya untuk akun pembina (kementerian atau provinsi) dan admin. "
    "Akun koordinator dan peninjau membuka hasil daerahnya lewat menu Hasil."
)


class RegionCache:
    """What the cockpit needs of each region file (bimtek.analysis.cockpit.CohortRegion), parsed once per file
    version (size and modification time) and kept in memory and, when `index` is given, in a JSON file in the
    portal's private folder, so a restarted portal does not parse hundreds of region files again (the strict
    region loader is pure-Python YAML: tens of milliseconds per file). Thread-safe."""

    def __init__(self, index: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._index = index
        self._known: dict[str, tuple[list[int], CohortRegion]] = {}
        self._dirty = False
        if index is not None and index.is_file():
            try:
                stored = json.loads(index.read_text(encoding="utf-8"))
                for path, entry in stored.items():
                    self._known[path] = (list(entry["stamp"]), CohortRegion.from_json(entry["region"]))
            except (OSError, ValueError, KeyError, TypeError):
                logger.warning("Cockpit region index %s unreadable; region files are parsed again", index)
                self._known.clear()

    def get(self, path: Path) -> CohortRegion | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        stamp = [stat.st_mtime_ns, stat.st_size]
        with self._lock:
            known = self._known.get(str(path))
        if known and known[0] == stamp:
            return known[1]
        try:
            region = CohortRegion.of(load_region(path))
        except RegionError as exc:
            logger.warning("Region file %s left out of the cockpit: %s", path, exc)
            return None
        with self._lock:
            self._known[str(path)] = (stamp, region)
            self._dirty = True
        return region

    def save(self) -> None:
        """Write the index file when something new was parsed (atomically: a temporary file, then a rename)."""
        with self._lock:
            if self._index is None or not self._dirty:
                return
            data = {path: {"stamp": stamp, "region": region.to_json()} for path, (stamp, region) in self._known.items()}
            self._dirty = False
        temporary = self._index.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(self._index)

    def warm(self, paths: list[Path]) -> None:
        """Parse every file not known yet (a background thread at portal start), then save the index."""
        for path in paths:
            self.get(path)
        self.save()


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
    cache.save()
    return ranked(rows)


def _number(value: float | None) -> str:
    return "" if value is None else angka(value, 2)


def cockpit_router(
    config, page: Callable[..., HTMLResponse], require_login: Callable, cache: RegionCache | None = None
) -> APIRouter:
    """The `/nasional` route over `config.store` and `config.regions` (portal.app.PortalConfig), rendered with the
    portal's `page` and guarded by its `require_login`."""
    router = APIRouter()
    regions_cache = cache or RegionCache(Path(config.accounts.path).parent / INDEX_NAME)
    threading.Thread(
        target=regions_cache.warm, args=(list(config.regions.values()),), name="kokpit-wilayah", daemon=True
    ).start()

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
            area_labels=area_labels(),
        )

    return router
