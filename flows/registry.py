"""Which flow runs which stage; used by the CLI and the demo."""

from __future__ import annotations

DEMO_STAGES = (3,)
"""Stages `bimtek demo` runs on the sample region (grows as stages are built)."""


def run_stage_flow(stage: str, region: str, inputs: str, store: str | None, run_id: str | None) -> list[str]:
    """Run one stage flow and return human-readable lines about what was published."""
    from flows.tahap_3 import tahap_3

    flows = {"3": tahap_3}
    if stage not in flows:
        raise NotImplementedError(f"Tahap {stage} belum tersedia")
    result = flows[stage](region=region, inputs=inputs, store=store, run_id=run_id)
    return [
        f"Tahap {stage}: run {result['run_id']} di {result['run_url']} "
        f"(valid {result['rows_valid']}, ditolak {result['rows_rejected']})"
    ]
