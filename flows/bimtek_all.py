"""The whole Bimtek for a region: Tahap I -> IV in order, each as a subflow publishing before the next starts."""

from __future__ import annotations

from prefect import flow

from flows.naming import run_name
from flows.options import stage_flow_options
from flows.registry import stage_flow

STAGES = ("1", "2", "3", "4")


def stage_inputs(inputs: str, stage: str) -> str:
    """The inbox of one stage inside the region's inputs location (a folder or an s3:// prefix)."""
    return f"{inputs.rstrip('/')}/tahap-{stage}"


@flow(name="bimtek-all", flow_run_name=run_name("bimtek-all"), **stage_flow_options(fan_out=False))
def bimtek_all(region: str, inputs: str, store: str | None = None, run_id: str | None = None) -> dict:
    """Run Tahap I, II, III and IV on `<inputs>/tahap-N/`; each stage reads what the previous one published."""
    results = {}
    for stage in STAGES:
        results[stage] = stage_flow(stage)(region=region, inputs=stage_inputs(inputs, stage), store=store, run_id=run_id)
    return {"stages": results}
