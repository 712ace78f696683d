"""Monev (Tahap V) in the portal: the published semesters and their runs for coordinators, and what an OPD's stage-5
link asks for (which semester, by when, and its realisation workbook pre-filled from the plan).

Monev runs are published per semester under `<region>/monev/<semester>/<run-id>/`, each semester with its own
latest.json (bimtek.core.monev). Their pages mirror the stages' ones: `/hasil/<region>/monev` lists the semesters,
`/hasil/<region>/monev/<semester>` its runs, `/hasil/<region>/monev/<semester>/<run>` one run's files (served by
the portal's `/berkas/<region>/monev/<semester>/<run>/<file>`), with the same "Jadikan terkini" acceptance.

An upload link carries a stage, not a semester. The semester it reports on is the one of the next monev deadline in
the region calendar (`monev-s1`/`monev-s2`, bimtek.analysis.schedules.monev_semester); without an upcoming
deadline it is the semester that ended last. Its workbook is `realisasi-<semester>-<opd>.xlsx` with one row per
program the latest published Tahap IV plan schedules for the OPD in that year (bimtek.workbooks.monev_xlsx), so the
OPD only fills in realisation, achievement, status and evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import pandas as pd
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from bimtek.analysis.monev import plan_for_year
from bimtek.analysis.schedules import MONEV_KEYS, monev_deadline, monev_semester
from bimtek.core.monev import MONEV_FOLDER, MONEV_STAGE, Semester, SemesterError, monev_stage_path
from bimtek.core.region import Region
from bimtek.core.sanitise import unique_names
from bimtek.core.settings import Settings
from bimtek.stages.monev import published_plan
from bimtek.store.acceptance import awaits_acceptance
from bimtek.store.package import (
    LATEST_NAME,
    MANIFEST_NAME,
    published_run_ids,
    read_latest,
    stage_prefix,
    validate_run_id,
)
from bimtek.store.storage import Location, StorageError
from bimtek.workbooks.monev_xlsx import realisation_filename, realisation_template
from portal.accounts import Account
from portal.results import RunEntry, accept_from_portal, run_draft, run_files, run_outcome


class PortalView(Protocol):
    """What the monev pages read of the portal's configuration (portal.app.PortalConfig)."""

    store: Location
    settings: Settings

    def region(self, slug: str, account: Account | None = None) -> Region: ...


@dataclass(frozen=True)
class SemesterEntry:
    semester: Semester
    current: str | None
    """The run id latest.json names (None: no run is current yet, e.g. one waits for acceptance)."""
    created_at: str | None
    runs: int
    """Published runs of the semester."""


@dataclass(frozen=True)
class LinkSemester:
    """The semester an OPD's monev link reports on, and its deadline from the region calendar (None: not set)."""

    semester: Semester
    deadline: dt.date | None


def monev_semesters(store: Location, region_slug: str) -> list[SemesterEntry]:
    """Every semester with a published monev run (or a latest.json), newest first."""
    folder = store.child(stage_prefix(region_slug, MONEV_FOLDER))
    runs: dict[Semester, int] = {}
    for key in folder.list((MANIFEST_NAME, LATEST_NAME), missing_ok=True):
        parts = key.split("/")
        try:
            semester = Semester.parse(parts[0])
        except SemesterError:
            continue
        if str(semester) != parts[0]:
            continue  # only the canonical spelling is a store folder
        runs[semester] = runs.get(semester, 0) + (1 if len(parts) == 3 and parts[2] == MANIFEST_NAME else 0)
    entries = []
    for semester in sorted(runs, reverse=True):
        latest = read_latest(store, region_slug, monev_stage_path(semester))
        entries.append(
            SemesterEntry(
                semester=semester,
                current=latest["run_id"] if latest else None,
                created_at=latest.get("created_at") if latest else None,
                runs=runs[semester],
            )
        )
    return entries


def link_semester(region: Region, today: dt.date) -> LinkSemester:
    """The semester a monev link asks for on `today` (module doc)."""
    deadlines = sorted(day for key in MONEV_KEYS if (day := region.calendar.get(key)) is not None)
    upcoming = [day for day in deadlines if day >= today]
    if upcoming:
        return LinkSemester(Semester.parse(monev_semester(upcoming[0])), upcoming[0])
    ended = Semester(today.year, 1) if today.month >= 7 else Semester(today.year - 1, 2)
    return LinkSemester(ended, monev_deadline(region, str(ended)))


def opd_realisation_workbook(store: Location, region: Region, opd: str, semester: Semester) -> tuple[str, bytes]:
    """(file name, .xlsx bytes) of one OPD's realisation workbook for `semester`, its rows from the latest Tahap IV
    plan; empty rows when Tahap IV was never published (the OPD then types its programs)."""
    try:
        plan, _ = published_plan(store, region.slug)
        plan_year = plan_for_year(plan, semester.year)
    except StorageError:
        plan_year = pd.DataFrame(columns=["opd"])
    name = realisation_filename(semester, unique_names([opd], fallback="opd", max_bytes=120)[opd])
    return name, realisation_template(region, semester, plan_year, opd)


def _semester(text: str) -> Semester:
    """The semester of a URL segment (404 unless written the canonical way, `2027-S1`)."""
    try:
        semester = Semester.parse(text)
    except SemesterError:
        semester = None
    if semester is None or str(semester) != text:
        raise HTTPException(status_code=404, detail="Semester monev tidak dikenal.")
    return semester


def _valid_run(run_id: str) -> str:
    try:
        return validate_run_id(run_id)
    except ValueError:
        raise HTTPException(status_code=404, detail="Run tidak ditemukan.") from None


def monev_routes(
    config: PortalView,
    page: Callable[..., HTMLResponse],
    require_login: Callable[[Request], Account],
    require_csrf: Callable[[Request, str | None], None],
    audit: Callable[..., None],
) -> APIRouter:
    """The coordinator's monev pages; the helpers are the portal's own (portal.app.create_app)."""
    router = APIRouter()

    @router.get("/hasil/{slug}/monev", response_class=HTMLResponse)
    def semesters_page(request: Request, slug: str) -> HTMLResponse:
        region = config.region(slug, require_login(request))
        return page(
            request, "monev.html.j2", region=region, semesters=monev_semesters(config.store, slug), stage=MONEV_STAGE
        )

    @router.get("/hasil/{slug}/monev/{semester}", response_class=HTMLResponse)
    def semester_page(request: Request, slug: str, semester: str) -> HTMLResponse:
        region = config.region(slug, require_login(request))
        term = _semester(semester)
        stage = monev_stage_path(term)
        latest = read_latest(config.store, slug, stage)
        entries = [
            RunEntry(run_id=run_id, current=latest is not None and latest["run_id"] == run_id)
            for run_id in published_run_ids(config.store, slug, stage)
        ]
        threshold = config.settings.reject_alert_share
        outcomes = {run.run_id: run_outcome(config.store, region, stage, run.run_id, threshold) for run in entries}
        awaiting = {
            run.run_id: not run.current and awaits_acceptance(config.store, slug, stage, run.run_id)
            for run in entries
            if outcomes[run.run_id] is not None and outcomes[run.run_id].needs_fix
        }
        return page(
            request,
            "tahap.html.j2",
            region=region,
            stage=MONEV_STAGE,
            stage_path=f"{MONEV_FOLDER}/{term}",
            stage_label=f"Monev {term.label}",
            parent=(f"/hasil/{slug}/{MONEV_FOLDER}", "Monev"),
            runs=entries,
            outcomes=outcomes,
            awaiting=awaiting,
        )

    @router.get("/hasil/{slug}/monev/{semester}/{run_id}", response_class=HTMLResponse)
    def monev_run_page(request: Request, slug: str, semester: str, run_id: str) -> HTMLResponse:
        region = config.region(slug, require_login(request))
        term, run_id = _semester(semester), _valid_run(run_id)
        stage = monev_stage_path(term)
        try:
            files = run_files(config.store, slug, stage, run_id)
        except StorageError:
            raise HTTPException(status_code=404, detail="Run tidak ditemukan di store.") from None
        latest = read_latest(config.store, slug, stage)
        current = latest is not None and latest["run_id"] == run_id
        return page(
            request,
            "run.html.j2",
            region=region,
            stage=MONEV_STAGE,
            stage_path=stage,
            stage_label=f"Monev {term.label}",
            parent=(f"/hasil/{slug}/{MONEV_FOLDER}", "Monev"),
            run_id=run_id,
            files=files,
            current=current,
            awaiting=not current and awaits_acceptance(config.store, slug, stage, run_id),
            base=f"/berkas/{slug}/{stage}/{run_id}",
            draft=run_draft(config.store, slug, stage, run_id),
            outcome=run_outcome(config.store, region, stage, run_id, config.settings.reject_alert_share),
            threshold=config.settings.reject_alert_share,
        )

    @router.post("/hasil/{slug}/monev/{semester}/{run_id}/terima")
    def accept_monev(request: Request, slug: str, semester: str, run_id: str, csrf: str = Form("")) -> RedirectResponse:
        account = require_login(request)
        config.region(slug, account)
        require_csrf(request, csrf)
        stage = monev_stage_path(_semester(semester))
        accept_from_portal(config.store, account, slug, stage, _valid_run(run_id))
        audit(request, account, "jadikan terkini", f"{slug} {stage} {run_id}", region=slug)
        return RedirectResponse(f"/hasil/{slug}/{stage}/{run_id}", status_code=303)

    return router
