"""The sample's Tahap IV run (the session's published store): its open data package validates, the Perbup has its
JDIHN metadata beside it, and every stage run left its cockpit summary and pointer."""

from __future__ import annotations

import json

from frictionless import validate

from bimtek.stages.jdih import METADATA_KEY
from bimtek.stages.open_data import DATAPACKAGE_KEY
from bimtek.store.cockpit import SUMMARY_KEY, run_file_summary


def test_tahap_4_publishes_a_valid_data_package_and_jdih_metadata(sample_store):
    run = sample_store.run_dir(4)
    report = validate(run / DATAPACKAGE_KEY)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((run / DATAPACKAGE_KEY).read_text(encoding="utf-8"))
    assert len(package["resources"]) == 6 and package["kode_wilayah"]["kemendagri"] == "13.05"
    metadata = json.loads((run / METADATA_KEY).read_text(encoding="utf-8"))
    assert metadata["jenis"] == "Peraturan Bupati" and metadata["nomor"] is None
    assert "buku/rancangan-perbup.html" in metadata["lampiran"]
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    listed = {item["path"] for item in manifest["outputs"]}
    assert {DATAPACKAGE_KEY, METADATA_KEY, SUMMARY_KEY} <= listed


def test_every_stage_leaves_its_cockpit_summary(sample_store):
    for stage in (1, 2, 3, 4):
        pointer = json.loads((sample_store.region_dir / "kokpit" / f"tahap-{stage}.json").read_text(encoding="utf-8"))
        in_run = json.loads((sample_store.run_dir(stage) / SUMMARY_KEY).read_text(encoding="utf-8"))
        assert run_file_summary(pointer) == in_run and pointer["stage"] == f"tahap-{stage}"
        assert pointer["run_id"] == sample_store.run_dir(stage).name
        assert (
            pointer["rows_total"]
            == sample_store.stage_result(stage)["rows_valid"] + sample_store.stage_result(stage)["rows_rejected"]
        )
        assert sum(pointer["opd"].values()) > 0
    assert "draft" in pointer
