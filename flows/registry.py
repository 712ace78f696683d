"""Which flow runs which stage; used by the CLI, the demo and the whole-process flow."""

from __future__ import annotations

import importlib

STAGE_FLOWS = {
    "1": ("flows.tahap_1", "tahap_1"),
    "2": ("flows.tahap_2", "tahap_2"),
    "3": ("flows.tahap_3", "tahap_3"),
    "4": ("flows.tahap_4", "tahap_4"),
    "all": ("flows.bimtek_all", "bimtek_all"),
}


def stage_flow(stage: str):
    """The Prefect flow object of a stage ("1".."4" or "all")."""
    module_name, attribute = STAGE_FLOWS[str(stage)]
    return getattr(importlib.import_module(module_name), attribute)


def describe_result(stage: str, result: dict) -> list[str]:
    """Human-readable lines about what a stage (or the whole process) published."""
    if "stages" in result:
        return [line for key, sub in result["stages"].items() for line in describe_result(key, sub)]
    waiting = (
        "; PERLU PERBAIKAN: terbit tetapi belum terkini sampai koordinator menerimanya (bimtek terima)"
        if result.get("terkini") is False
        else ""
    )
    return [
        f"Tahap {stage}: run {result['run_id']} di {result['run_url']} "
        f"(valid {result['rows_valid']}, ditolak {result['rows_rejected']}{waiting})"
    ]


def run_stage_flow(stage: str, region: str, inputs: str, store: str | None, run_id: str | None) -> list[str]:
    """Run one stage flow (or the whole process) and describe what it published."""
    from flows.outcomes import flow_result

    flow = stage_flow(stage)
    result = flow_result(flow(region=region, inputs=inputs, store=store, run_id=run_id, return_state=True))
    return describe_result(stage, result)
