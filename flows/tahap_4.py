"""Tahap IV: finalisation - final quick wins, commitment sheets, final book set, draft Perbup and rakor pack."""

from __future__ import annotations

from prefect import flow

from bimtek.core.columns import datasets_for_stage
from flows.artifacts import publish_stage_artifacts
from flows.intake import run_intake
from flows.naming import run_name
from flows.notify import notify_if_needed
from flows.options import stage_flow_options
from flows.outcomes import coordinator_outcome
from flows.parameters import InboxText, RegionChoice, RunIdText, StoreText, stage_locations
from tasks.documents import render_documents
from tasks.publishing import archive_run_inputs, choose_run, publish_outputs
from tasks.tahap_4 import draft_tahap_4, load_tahap_4_previous

STAGE = 4


@flow(name="tahap-4", flow_run_name=run_name("tahap-4"), **stage_flow_options())
@coordinator_outcome(STAGE)
def tahap_4(region: RegionChoice, inputs: InboxText = "", store: StoreText = "", run_id: RunIdText = "") -> dict:
    """Tahap III outputs + ingest -> validate (incl. quick_win_unknown) -> finalise -> documents -> package -> store.

    Raises MissingStageError (from tasks.previous) when Tahap III was never published for the region.
    """
    reg, inputs, store = stage_locations(region, inputs, store, STAGE)
    run = choose_run(run_id)
    previous = load_tahap_4_previous(store, reg.slug)
    intake = run_intake(inputs, reg, STAGE, datasets_for_stage(STAGE), store)
    archived = archive_run_inputs(store, reg.slug, inputs, intake.inputs)
    drafted = draft_tahap_4(reg, intake.results, previous)
    report = intake.attach(drafted.report)
    output = render_documents(drafted, reg, STAGE, report, drafted.results, store=store)
    draft = drafted.draft_summary()
    extra = {**(previous.manifest_extra() or {}), **({"draft": draft} if draft else {})} or None
    result = publish_outputs(
        store,
        reg.slug,
        STAGE,
        run,
        output.files,
        archived,
        extra,
        highlights=output.highlights,
        region_codes=reg.codes.record(),
    )
    publish_stage_artifacts(reg, STAGE, report, output, result["links"])
    notify_if_needed(reg, STAGE, report, result)
    counts = {"rows_valid": report.rows_valid, "rows_rejected": report.rows_rejected}
    return {**result, **counts, **({"draft": draft} if draft else {})}
