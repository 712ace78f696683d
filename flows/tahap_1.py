"""Tahap I: readiness and strategic analysis (Buku 1) from the OPD readiness scores, SWOT statements and ideas."""

from __future__ import annotations

from prefect import flow

from bimtek.core.columns import datasets_for_stage
from bimtek.validation import build_report
from flows.artifacts import publish_stage_artifacts
from flows.intake import run_intake
from flows.naming import run_name
from flows.notify import notify_if_needed
from flows.options import stage_flow_options
from flows.outcomes import coordinator_outcome
from flows.parameters import InboxText, RegionChoice, RunIdText, StoreText, stage_locations
from tasks.documents import render_documents
from tasks.publishing import archive_run_inputs, choose_run, publish_outputs
from tasks.tahap_1 import draft_tahap_1

STAGE = 1


@flow(name="tahap-1", flow_run_name=run_name("tahap-1"), **stage_flow_options())
@coordinator_outcome(STAGE)
def tahap_1(region: RegionChoice, inputs: InboxText = "", store: StoreText = "", run_id: RunIdText = "") -> dict:
    """Ingest -> validate -> readiness/SWOT/keywords/long list -> Buku 1 (+ feedback, PDF/DOCX) -> package -> store."""
    reg, inputs, store = stage_locations(region, inputs, store, STAGE)
    run = choose_run(run_id)
    intake = run_intake(inputs, reg, STAGE, datasets_for_stage(STAGE), store)
    archived = archive_run_inputs(store, reg.slug, inputs, intake.inputs)
    report = intake.attach(build_report(reg.slug, intake.results))
    output = draft_tahap_1(reg, intake.results, report)
    output = render_documents(output, reg, STAGE, report, intake.results, store=store)
    result = publish_outputs(
        store,
        reg.slug,
        STAGE,
        run,
        output.files,
        archived,
        highlights=output.highlights,
        region_codes=reg.codes.record(),
    )
    publish_stage_artifacts(reg, STAGE, report, output, result["links"])
    notify_if_needed(reg, STAGE, report, result)
    return {**result, "rows_valid": report.rows_valid, "rows_rejected": report.rows_rejected}
