"""Validation-only flow: ingest and validate an inbox, write the report; publishes nothing."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from bimtek.core.columns import datasets_for_stage
from bimtek.validation import build_report, report_json
from flows.artifacts import publish_validation_artifacts
from flows.intake import run_intake
from flows.naming import run_name
from flows.notify import notify_if_needed
from flows.options import stage_flow_options
from flows.parameters import InboxText, RegionChoice, ReportPathText, StageNumber, stage_locations


@flow(name="validasi-inbox", flow_run_name=run_name("validasi"), **stage_flow_options())
def validate_inputs(
    region: RegionChoice, inputs: InboxText = "", stage: StageNumber = 3, report_path: ReportPathText = ""
) -> dict:
    """Check the OPD files of one stage's inbox and write validation/report.json-style output to `report_path`.

    Args:
        region: Region (kabupaten/kota) terdaftar; pilih dari daftar.
        inputs: Kotak masuk berkas OPD (folder atau s3://bucket/prefix). Kosong = kotak masuk tahap ini di store.
        stage: Tahap (1-4) yang kontrak kolomnya dipakai.
        report_path: Berkas laporan JSON di mesin worker (boleh kosong: laporan tetap tampil sebagai artefak).
    """
    reg, inputs, _store = stage_locations(region, inputs, "", stage)
    intake = run_intake(inputs, reg, stage, datasets_for_stage(stage))
    report = intake.attach(build_report(reg.slug, intake.results))
    if report_path:
        target = Path(report_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(report_json(report))
    publish_validation_artifacts(reg, stage, report)
    notify_if_needed(reg, stage, report)
    return {"rows_total": report.rows_total, "rows_valid": report.rows_valid, "rows_rejected": report.rows_rejected}
