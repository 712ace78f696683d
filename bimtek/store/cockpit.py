"""The cockpit's published summaries: one small JSON per run, and a per-region pointer to the newest one per stage.

The ministry's `/nasional` page lists every region of a cohort (hundreds). Reading each region's manifests, reports,
inbox listings and monev scores per request would cost thousands of reads; instead every publication writes what the
page needs once:

- `<region>/tahap-<N>/<run-id>/ringkasan/kokpit.json` (`SUMMARY_KEY`, an output of the run, listed in its manifest):
  the run's stage, rows total/rejected, OPD counts per submission status, whether it waits for acceptance,
  the Tahap IV draft list, and for monev the index, its trend and the weights;
- `<region>/kokpit/<stage>.json` (`pointer_key`): the newest published run's summary of that stage, with its run
  id and time (`tahap-1` .. `tahap-4`, `monev` for the latest semester). The page reads these (at most five small files per
  region) and the stage's latest.json; nothing else.

A waiting run can later be accepted (bimtek.store.acceptance): the pointer is not rewritten then, so a reader treats
a summary as waiting only while latest.json still names another run (`is_waiting`).

Writing the pointer is a plain overwrite: runs of one stage of one region are serialised by the deployment's
concurrency limit; a lost race leaves an older summary, never a broken one (every write is atomic).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from bimtek.core.paths import REPORT_KEY
from bimtek.store.package import read_latest, to_json_bytes, validate_region_slug
from bimtek.store.storage import Location, ObjectNotFoundError, StorageError

SUMMARY_KEY = "ringkasan/kokpit.json"
"""The per-run summary among a run's outputs."""
COCKPIT_FOLDER = "kokpit"
"""Folder of a region's pointers to the newest summary per stage: `<region>/kokpit/<stage>.json`."""
MONEV_POINTER = "monev"
SCORE_KEY = "monev/skor.json"
TREND_KEY = "monev/tren.csv"
POINTERS = ("tahap-1", "tahap-2", "tahap-3", "tahap-4", MONEV_POINTER)


def pointer_name(stage_folder: str) -> str:
    """`tahap-3` -> `tahap-3`; `monev/2027-S1` -> `monev` (one pointer for the newest semester)."""
    return MONEV_POINTER if stage_folder.startswith(f"{MONEV_POINTER}/") else stage_folder


def pointer_key(region_slug: str, stage_folder: str) -> str:
    return f"{validate_region_slug(region_slug)}/{COCKPIT_FOLDER}/{pointer_name(stage_folder)}.json"


def submission_part(rows_total: int, rows_rejected: int, opd_status: Mapping[str, int]) -> bytes:
    """The part of `SUMMARY_KEY` a stage knows when it renders its feedback: rows and OPD per status
    (the status words of bimtek.books.feedback.overview: lengkap, perlu perbaikan, belum mengirim)."""
    return to_json_bytes(
        {"rows_total": int(rows_total), "rows_rejected": int(rows_rejected), "opd": dict(sorted(opd_status.items()))}
    )


def _json(outputs: Mapping[str, bytes], key: str) -> dict:
    try:
        value = json.loads(outputs[key]) if key in outputs else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _trend(outputs: Mapping[str, bytes]) -> list[dict]:
    """(semester, indeks) rows of monev/tren.csv, oldest first."""
    raw = outputs.get(TREND_KEY)
    if not raw:
        return []
    lines = raw.decode("utf-8").splitlines()
    header = lines[0].split(",") if lines else []
    if "semester" not in header or "indeks" not in header:
        return []
    at_semester, at_index = header.index("semester"), header.index("indeks")
    rows = []
    for line in lines[1:]:
        cells = line.split(",")
        try:
            rows.append({"semester": cells[at_semester], "indeks": round(float(cells[at_index]), 2)})
        except (IndexError, ValueError):
            continue
    return rows


def run_summary(
    outputs: Mapping[str, bytes],
    stage_folder: str,
    run_id: str,
    created_at: str,
    extra: Mapping | None,
    current: bool,
) -> dict:
    """The summary of one run from its outputs (module doc). Rows and OPD counts come from the stage's
    `submission_part` when present, else rows from validation/report.json."""
    part = _json(outputs, SUMMARY_KEY)
    report = _json(outputs, REPORT_KEY)
    summary: dict = {
        "stage": stage_folder,
        "run_id": run_id,
        "created_at": created_at,
        "rows_total": int(part.get("rows_total", report.get("rows_total", 0)) or 0),
        "rows_rejected": int(part.get("rows_rejected", report.get("rows_rejected", 0)) or 0),
        "opd": part.get("opd", {}),
        "menunggu_persetujuan": not current,
    }
    extra = extra or {}
    if "draft" in extra or stage_folder == "tahap-4":
        summary["draft"] = [str(item) for item in extra.get("draft", [])]
    score = _json(outputs, SCORE_KEY)
    if score:
        summary["monev"] = {
            "semester": score.get("semester"),
            "indeks": round(float(score.get("indeks", 0)), 2),
            "bobot": score.get("bobot", {}),
            "tren": _trend(outputs),
        }
    return summary


RUN_FIELDS = ("run_id", "created_at")
"""Summary fields the run folder states itself (its name, its manifest): only the pointer carries them, so the
per-run file of two runs from the same inputs is the same bytes."""


def run_file_summary(summary: dict) -> dict:
    """The summary as written into the run folder (`SUMMARY_KEY`): without `RUN_FIELDS`."""
    return {key: value for key, value in summary.items() if key not in RUN_FIELDS}


def write_pointer(store: Location, region_slug: str, summary: dict) -> None:
    """Make `summary` the newest of its stage; for monev only when its semester is not older than the pointer's."""
    key = pointer_key(region_slug, summary["stage"])
    if pointer_name(summary["stage"]) == MONEV_POINTER:
        try:
            known = json.loads(store.read_bytes(key))
            if str(known.get("monev", {}).get("semester", "")) > str(summary.get("monev", {}).get("semester", "")):
                return
        except (ObjectNotFoundError, ValueError, AttributeError):
            pass
    store.write_bytes(key, to_json_bytes(summary), content_type="application/json")


def read_pointers(store: Location, region_slug: str) -> dict[str, dict]:
    """The region's newest summary per stage (`POINTERS` keys that exist), unreadable ones left out."""
    found: dict[str, dict] = {}
    for name in POINTERS:
        try:
            value = json.loads(store.read_bytes(f"{region_slug}/{COCKPIT_FOLDER}/{name}.json"))
        except (ObjectNotFoundError, ValueError):
            continue
        except StorageError:
            continue
        if isinstance(value, dict):
            found[name] = value
    return found


def is_waiting(store: Location, region_slug: str, summary: dict) -> bool:
    """True while the summarised run waits for acceptance: it was published so and latest.json names another."""
    if not summary.get("menunggu_persetujuan"):
        return False
    try:
        latest = read_latest(store, region_slug, summary["stage"])
    except (StorageError, ValueError):
        return True
    return latest is None or latest.get("run_id") != summary.get("run_id")
