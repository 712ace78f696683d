"""Tahap III: masterplan draft (Buku 2), roadmap and quick-win candidates from the OPD program proposals."""

from __future__ import annotations

from prefect import flow

from bimtek.core.columns import datasets_for_stage
from bimtek.stages.tahap_2 import FIGURE_KEYS
from bimtek.validation import build_report
from flows.artifacts import publish_stage_artifacts
from flows.intake import run_intake
from flows.naming import run_name
from flows.notify import notify_if_needed
from flows.options import stage_flow_options
from flows.outcomes import coordinator_outcome
from flows.parameters import InboxText, RegionChoice, RunIdText, StoreText, stage_locations
from tasks.cache import cache_location, cached, draft_key
from tasks.documents import render_documents
from tasks.drafting import draft_tahap_3
from tasks.previous import load_previous
from tasks.publishing import archive_run_inputs, choose_run, publish_outputs
from tasks.tahap_2 import load_tahap_1

STAGE = 3
BASELINE_STAGE, BASELINE_KEY = 2, "program/daftar_program.csv"
ANALYSIS_KEYS = tuple(FIGURE_KEYS.values())
"""Tahap I's analysis tables, summarised in Buku 2 (optional)."""


@flow(name="tahap-3", flow_run_name=run_name("tahap-3"), **stage_flow_options())
@coordinator_outcome(STAGE)
def tahap_3(region: RegionChoice, inputs: InboxText = "", store: StoreText = "", run_id: RunIdText = "") -> dict:
    """Ingest -> validate -> baseline (Tahap II) -> aggregate -> roadmap -> Buku 2 -> package -> store."""
    reg, inputs, store = stage_locations(region, inputs, store, STAGE)
    run = choose_run(run_id)
    intake = run_intake(inputs, reg, STAGE, datasets_for_stage(STAGE), store, keep_raw=False)  # no later rejections
    archived = archive_run_inputs(store, reg.slug, inputs, intake.inputs)
    report = intake.attach(build_report(reg.slug, intake.results))
    data, baseline_run = load_previous(store, reg.slug, BASELINE_STAGE, BASELINE_KEY, needed_by=STAGE, required=False)
    tahap_1, tahap_1_run = load_tahap_1(store, reg.slug, ANALYSIS_KEYS, needed_by=STAGE)
    earlier = b"\0".join([data or b"", *((tahap_1 or {})[k] for k in sorted(tahap_1 or {}))])
    cache, key = cache_location(store), draft_key(STAGE, reg, intake.results, report, earlier)
    output = cached(draft_tahap_3, cache, key)(reg, intake.results, report, baseline_csv=data, tahap_1=tahap_1)
    output = cached(render_documents, cache, f"{key}-dokumen")(output, reg, STAGE, report, intake.results, store=store)
    runs = {name: found for name, found in (("tahap-2", baseline_run), ("tahap-1", tahap_1_run)) if found}
    extra = {"previous_runs": runs} if runs else None
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
    return {**result, "rows_valid": report.rows_valid, "rows_rejected": report.rows_rejected}
