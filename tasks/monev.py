"""Prefect tasks of monev (Tahap V): read the final plan of Tahap IV and the earlier semesters' scores, draft the
semester's deliverables."""

from __future__ import annotations

import re

import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.core.monev import MONEV_FOLDER, MONEV_STAGE, Semester, monev_stage_path
from bimtek.core.region import Region
from bimtek.stages.monev import (
    PLAN_KEY,
    PLAN_STAGE,
    PREVIOUS,
    PREVIOUS_SEMESTER_KEYS,
    QUICK_WIN_KEY,
    SCORE_KEY,
    MonevOutput,
    history_row,
)
from bimtek.store.package import LATEST_NAME, load_published_file, read_latest
from bimtek.store.storage import ObjectNotFoundError, open_location
from bimtek.validation import SheetResult
from tasks.previous import load_previous_files

_SEMESTER_LATEST = re.compile(rf"^(\d{{4}}-S[12])/{re.escape(LATEST_NAME)}$")


def load_monev_plan(store: str, region_slug: str) -> tuple[bytes, bytes | None, str]:
    """(roadmap.csv, quick_win_final.csv or None, Tahap IV run id) of the latest published Tahap IV run; raises
    MissingStageError (Indonesian) when Tahap IV was never published."""
    files, runs = load_previous_files(store, region_slug, PREVIOUS, needed_by=MONEV_STAGE)
    roadmap = files[(PLAN_STAGE, PLAN_KEY)]
    assert roadmap is not None  # required: load_previous_files raised otherwise
    return roadmap, files[(PLAN_STAGE, QUICK_WIN_KEY)], runs[PLAN_STAGE]


def read_monev_history(store: str, region_slug: str, before: Semester) -> pd.DataFrame:
    """semester, indeks and area scores of every published monev semester earlier than `before`, oldest first
    (each semester's latest run, its monev/skor.json checked against the manifest)."""
    location = open_location(store)
    keys = location.child(f"{region_slug}/{MONEV_FOLDER}").list(None, missing_ok=True)
    rows = []
    for key in keys:
        match = _SEMESTER_LATEST.match(key)
        if not match or Semester.parse(match.group(1)) >= before:
            continue
        stage = monev_stage_path(match.group(1))
        latest = read_latest(location, region_slug, stage)
        if latest is None:
            continue
        try:
            data = load_published_file(location, region_slug, stage, SCORE_KEY, run_id=latest["run_id"])
        except ObjectNotFoundError:
            continue
        rows.append(history_row(data))
    frame = pd.DataFrame(rows, columns=["semester", "indeks"]) if not rows else pd.DataFrame(rows)
    return frame.sort_values("semester", key=lambda s: s.map(Semester.parse)).reset_index(drop=True)


def read_previous_semester_files(store: str, region_slug: str, before: Semester) -> tuple[str, dict[str, bytes]]:
    """(semester, {key: bytes}) of the latest run of the published semester just before `before`
    (bimtek.stages.monev.PREVIOUS_SEMESTER_KEYS; a key the run lacks is left out); ("", {}) when there is none."""
    location = open_location(store)
    keys = location.child(f"{region_slug}/{MONEV_FOLDER}").list(None, missing_ok=True)
    earlier = sorted(
        (Semester.parse(m.group(1)) for key in keys if (m := _SEMESTER_LATEST.match(key))),
    )
    earlier = [s for s in earlier if s < before]
    if not earlier:
        return "", {}
    semester = earlier[-1]
    stage = monev_stage_path(semester)
    latest = read_latest(location, region_slug, stage)
    if latest is None:
        return "", {}
    files = {}
    for key in PREVIOUS_SEMESTER_KEYS.values():
        try:
            files[key] = load_published_file(location, region_slug, stage, key, run_id=latest["run_id"])
        except ObjectNotFoundError:
            continue
    return str(semester), files


@task(name="load-monev-history", retries=3, retry_delay_seconds=[1, 5, 15], cache_policy=NO_CACHE)
def load_monev_history(store: str, region_slug: str, before: Semester) -> pd.DataFrame:
    """`read_monev_history` as one task run (retried on storage errors)."""
    return read_monev_history(store, region_slug, before)


@task(name="draft-monev", cache_policy=NO_CACHE)
def draft_monev(
    region: Region,
    semester: Semester,
    results: list[SheetResult],
    plan: tuple[bytes, bytes | None, str],
    history: pd.DataFrame,
    store: str = "",
) -> MonevOutput:
    """Check the rows against the plan and the semester, score, and draft the report, workbook, charts, letters
    (with a `store`: the previous semester's statuses are compared, and the letters get numbers claimed there)."""
    from bimtek.stages.monev import build_monev, read_plan, read_previous_semester
    from tasks.documents import letter_number_source

    roadmap, quick_wins, plan_run = plan
    plan_frame, final_quick_wins = read_plan(roadmap, quick_wins)
    previous = read_previous_semester(*read_previous_semester_files(store, region.slug, semester)) if store else None
    reserve = letter_number_source(store, region, MONEV_STAGE)
    return build_monev(
        region, semester, results, plan_frame, final_quick_wins, plan_run, history, previous=previous, reserve=reserve
    )
