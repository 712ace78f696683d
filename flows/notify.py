"""Events a coordinator can route to e-mail/Slack/a webhook with a Prefect automation (see docs/operations.md).

Events (resource `bimtek.region.<slug>`, payload: region, region_name, stage, rows_total, rows_rejected, share,
threshold, run_id/flow_run):
- `bimtek.validation.rejections-high`: the share of rejected rows exceeds `settings.reject_alert_share`.
- `bimtek.run.failed`: a stage run failed or crashed (from `notify_failure`, a flow state hook).
The decision is the plain function `rejections_too_high` (no Prefect needed to test it); only `emit_*` talk to
Prefect. Emitting never raises: a notification problem must not fail a run that produced its deliverables.
"""

from __future__ import annotations

import logging
from typing import Any

from bimtek.core.region import Region

NEEDS_FIX_STATE = "Perlu perbaikan"
"""Name of the final state of a run with too many rejected rows (flows/outcomes.py): a Failed state that published;
`bimtek.validation.rejections-high` already tells of it, so `notify_failure` does not emit a second event."""
REJECTIONS_HIGH_EVENT = "bimtek.validation.rejections-high"
RUN_FAILED_EVENT = "bimtek.run.failed"

log = logging.getLogger(__name__)


def rejection_share(rows_total: int, rows_rejected: int) -> float:
    """Rejected rows / all rows; 0.0 for an empty inbox."""
    if rows_total <= 0:
        return 0.0
    return rows_rejected / rows_total


def rejections_too_high(rows_total: int, rows_rejected: int, threshold: float) -> bool:
    """True when the share of rejected rows is strictly above `threshold` (an empty inbox never alerts)."""
    return rows_total > 0 and rejection_share(rows_total, rows_rejected) > threshold


def region_resource(slug: str, name: str | None = None) -> dict[str, str]:
    resource = {"prefect.resource.id": f"bimtek.region.{slug}"}
    if name:
        resource["prefect.resource.name"] = name
    return resource


def _emit(event: str, resource: dict[str, str], payload: dict[str, Any]) -> bool:
    try:
        from prefect.events import emit_event

        return emit_event(event=event, resource=resource, payload=payload) is not None
    except Exception:  # pragma: no cover - notification must never break a run
        log.exception("could not emit %s", event)
        return False


def percent(share: float) -> str:
    """0.2 -> '20%', 0.275 -> '27,5%' (Indonesian decimal comma)."""
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def run_page_url(flow_run_id: object) -> str:
    """The flow run's page in the Prefect UI, or a readable placeholder (never 'None')."""
    try:
        from prefect.settings import PREFECT_UI_URL

        base = PREFECT_UI_URL.value()
    except Exception:  # pragma: no cover - settings always import
        base = None
    if not base or not flow_run_id:
        return "(halaman run tidak tersedia: PREFECT_UI_URL belum diatur)"
    return f"{str(base).rstrip('/')}/runs/flow-run/{flow_run_id}"


def portal_page_url(slug: str, stage: object, run_id: str | None = None) -> str:
    """The portal page of a run (or of the region when no run was published)."""
    from bimtek.core.settings import get_settings

    base = get_settings().portal_url.rstrip("/")
    if slug == "unknown":
        return f"{base}/hasil"
    if run_id and stage:
        return f"{base}/hasil/{slug}/tahap-{stage}/{run_id}"
    return f"{base}/status/{slug}/tahap-{stage}" if stage else f"{base}/hasil/{slug}"


def _flow_run_payload() -> dict[str, Any]:
    try:
        from prefect.runtime import flow_run

        if flow_run.id:
            return {"flow_run": {"id": str(flow_run.id), "name": flow_run.name}}
    except Exception:  # pragma: no cover
        pass
    return {}


def notify_if_needed(
    region: Region, stage: int, report: Any, result: dict | None = None, threshold: float | None = None
) -> bool:
    """Emit `bimtek.validation.rejections-high` when too many rows were rejected; returns whether it did.

    `report` is a ValidationReport (or anything with rows_total/rows_rejected); `result` the stage result dict
    (its run_id and run_url go into the payload).
    """
    if threshold is None:
        from bimtek.core.settings import get_settings

        threshold = get_settings().reject_alert_share
    total, rejected = int(report.rows_total), int(report.rows_rejected)
    if not rejections_too_high(total, rejected, threshold):
        return False
    payload = {
        "region": region.slug,
        "region_name": region.name,
        "stage": stage,
        "rows_total": total,
        "rows_rejected": rejected,
        "share": round(rejection_share(total, rejected), 4),
        "threshold": threshold,
        **_flow_run_payload(),
    }
    for key in ("run_id", "run_url"):
        if result and result.get(key):
            payload[key] = result[key]
    payload.update(
        share_persen=percent(rejection_share(total, rejected)),
        batas_persen=percent(threshold),
        halaman_run=run_page_url(payload.get("flow_run", {}).get("id")),
        portal=portal_page_url(region.slug, stage, payload.get("run_id")),
    )
    return _emit(REJECTIONS_HIGH_EVENT, region_resource(region.slug, region.name), payload)


def _stage_from_flow_name(name: str) -> int | None:
    suffix = name.removeprefix("tahap-")
    return int(suffix) if suffix != name and suffix.isdigit() else None


def notify_failure(flow: Any, flow_run: Any, state: Any) -> None:
    """Flow state hook (`@flow(on_failure=[notify_failure], on_crashed=[notify_failure])`): emit bimtek.run.failed
    (not for a "Perlu perbaikan" run: it published, and rejections-high was emitted for it)."""
    if getattr(state, "name", None) == NEEDS_FIX_STATE:
        return
    params = dict(getattr(flow_run, "parameters", None) or {})
    slug = "unknown"
    name = f"region tidak dikenal ({params.get('region') or 'kosong'})"
    try:
        from flows.parameters import region_for_run

        reg = region_for_run(str(params.get("region", "")))
        slug, name = reg.slug, reg.name
    except Exception:
        pass
    stage = params.get("stage") or _stage_from_flow_name(getattr(flow, "name", ""))
    run_id = str(getattr(flow_run, "id", "") or "")
    payload = {
        "region": slug,
        "region_name": name,
        "flow": getattr(flow, "name", None) or "bimtek",
        "stage": stage,
        "tahap": f"Tahap {stage}" if stage else "semua tahap",
        "flow_run": {"id": run_id, "name": getattr(flow_run, "name", None) or "run"},
        "state": getattr(state, "name", None) or "Failed",
        "message": (getattr(state, "message", None) or "(tanpa pesan)")[:500],
        "halaman_run": run_page_url(run_id),
        "portal": portal_page_url(slug, stage),
    }
    _emit(RUN_FAILED_EVENT, region_resource(slug, name), payload)
