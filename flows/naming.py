"""Readable flow-run names: region and stage in every name the Prefect UI lists."""

from __future__ import annotations

from collections.abc import Callable


def run_name(label: str) -> Callable[[], str]:
    """A flow_run_name callable giving e.g. 'padang-pariaman-tahap-3-20261127T1723-3f9a1c' from the run's parameters.

    Region slug, stage, the scheduled start (UTC, to the minute) and the first six characters of the run id, so
    two runs started in the same minute (or scheduled ones) never share a name.
    """

    def _name() -> str:
        from prefect.runtime import flow_run

        from bimtek.core.region import RegionError
        from flows.parameters import region_for_run

        params = flow_run.parameters or {}
        try:
            slug = region_for_run(str(params.get("region", ""))).slug
        except RegionError:
            slug = "region"
        stage = params.get("stage")
        suffix = f"-tahap-{stage}" if stage and label == "validasi" else ""
        started = flow_run.scheduled_start_time
        stamp = started.strftime("%Y%m%dT%H%M") if started else ""
        short_id = str(flow_run.id or "")[:6]
        return "-".join(part for part in (f"{slug}-{label}{suffix}", stamp, short_id) if part)

    return _name
