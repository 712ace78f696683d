"""Monev (Tahap V): one semester's realisation of the masterplan, scored as the ministry scores it."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from pydantic import AfterValidator, Field

from bimtek.core.columns import datasets_for_stage
from bimtek.core.monev import MONEV_STAGE, Semester, monev_stage_path
from flows.artifacts import artifact_key, publish_stage_artifacts
from flows.intake import run_intake
from flows.naming import run_name
from flows.notify import notify_if_needed
from flows.options import stage_flow_options
from flows.outcomes import coordinator_outcome
from flows.parameters import InboxText, RegionChoice, RunIdText, StoreText, stage_locations
from tasks.documents import render_documents
from tasks.monev import draft_monev, load_monev_history, load_monev_plan
from tasks.publishing import archive_run_inputs, choose_run, publish_outputs

STAGE = MONEV_STAGE


def _semester(value: str) -> str:
    return str(Semester.parse(value))


SEMESTER_PATTERN = r"^\s*\d{4}-[sS][12]\s*$"
SemesterText = Annotated[
    str,
    AfterValidator(_semester),
    Field(json_schema_extra={"title": "Semester (mis. 2027-S1)", "pattern": SEMESTER_PATTERN}),
]
"""The run form's semester: `YYYY-S1` (Januari-Juni) or `YYYY-S2` (Juli-Desember), refused otherwise."""


@flow(name="monev", flow_run_name=run_name("monev"), **stage_flow_options())
@coordinator_outcome(STAGE)
def monev(
    region: RegionChoice, semester: SemesterText, inputs: InboxText = "", store: StoreText = "", run_id: RunIdText = ""
) -> dict:
    """Tahap IV plan + ingest -> validate (incl. program_unplanned) -> score -> report -> package -> store.

    Publishes under `<store>/<region>/monev/<semester>/<run-id>/`. Semester: 2027-S1 (Januari-Juni) atau 2027-S2
    (Juli-Desember).
    """
    term = Semester.parse(semester)
    reg, inputs, store = stage_locations(region, inputs, store, STAGE)
    run = choose_run(run_id)
    plan = load_monev_plan(store, reg.slug)
    intake = run_intake(inputs, reg, STAGE, datasets_for_stage(STAGE), store)
    archived = archive_run_inputs(store, reg.slug, inputs, intake.inputs)
    history = load_monev_history(store, reg.slug, term)
    drafted = draft_monev(reg, term, intake.results, plan, history, store)
    report = drafted.report
    output = render_documents(drafted, reg, STAGE, report, drafted.results, store=store, semester=str(term))
    extra = {"previous_runs": {"tahap-4": plan[2]}, "semester": str(term)}
    result = publish_outputs(
        store,
        reg.slug,
        monev_stage_path(term),
        run,
        output.files,
        archived,
        extra,
        highlights=output.highlights,
        region_codes=reg.codes.record(),
    )
    publish_stage_artifacts(reg, STAGE, report, replace(output, figures=None), result["links"])
    create_markdown_artifact(
        markdown=drafted.summary,
        key=artifact_key(reg.slug, "monev", str(term), "ringkasan"),
        description=f"Ringkasan monev {term.label} - {reg.name}",
    )
    notify_if_needed(reg, STAGE, report, result)
    return {
        **result,
        "semester": str(term),
        "indeks": drafted.indeks,
        "rows_valid": report.rows_valid,
        "rows_rejected": report.rows_rejected,
    }
