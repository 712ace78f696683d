"""The whole Bimtek for a region: Tahap I -> IV in order, each as a subflow publishing before the next starts."""

from __future__ import annotations

from prefect import flow

from flows.artifacts import publish_overall_artifact
from flows.naming import run_name
from flows.options import stage_flow_options
from flows.outcomes import flow_result
from flows.parameters import InboxText, RegionChoice, RunIdText, StoreText, region_for_run
from flows.registry import stage_flow

STAGES = ("1", "2", "3", "4")


def stage_inputs(inputs: str, stage: str) -> str:
    """The inbox of one stage inside the region's inputs location (a folder or an s3:// prefix); empty stays empty
    (each stage then reads its own inbox in the store)."""
    return f"{inputs.rstrip('/')}/tahap-{stage}" if inputs else ""


@flow(name="bimtek-all", flow_run_name=run_name("bimtek-all"), **stage_flow_options(fan_out=False))
def bimtek_all(region: RegionChoice, inputs: InboxText = "", store: StoreText = "", run_id: RunIdText = "") -> dict:
    """Run Tahap I, II, III and IV on `<inputs>/tahap-N/`; each stage reads what the previous one published.

    Args:
        region: Region (kabupaten/kota) terdaftar; pilih dari daftar.
        inputs: Folder atau s3://bucket/prefix berisi tahap-1 .. tahap-4. Kosong = kotak masuk setiap tahap di store.
        store: Tujuan hasil (folder atau s3://bucket/prefix). Kosong = BIMTEK_STORE worker.
        run_id: Nama folder run setiap tahap. Kosong = waktu UTC saat tahap itu terbit.
    """
    results = {}
    for stage in STAGES:
        results[stage] = flow_result(
            stage_flow(stage)(
                region=region, inputs=stage_inputs(inputs, stage), store=store, run_id=run_id, return_state=True
            )
        )
    publish_overall_artifact(region_for_run(region), results)
    return {"stages": results}
