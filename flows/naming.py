"""Readable flow-run names: region and stage in every name the Prefect UI lists."""

from __future__ import annotations

from typing import Callable


def run_name(label: str) -> Callable[[], str]:
    """A flow_run_name callable giving e.g. 'padang-pariaman-tahap-3-20261127T1723' from the run's parameters."""

    def _name() -> str:
        from prefect.runtime import flow_run

        from bimtek.core.region import RegionError, load_region

        params = flow_run.parameters or {}
        try:
            slug = load_region(params.get("region", "")).slug
        except RegionError:
            slug = "region"
        stage = params.get("stage")
        suffix = f"-tahap-{stage}" if stage and label == "validasi" else ""
        started = flow_run.scheduled_start_time
        stamp = started.strftime("%Y%m%dT%H%M") if started else ""
        return f"{slug}-{label}{suffix}-{stamp}".rstrip("-")

    return _name
