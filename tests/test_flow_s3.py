"""The S3 path end to end: OPD files read from, and the run published to, a real S3 endpoint (moto server)."""

import json

import boto3
import pytest

from bimtek.core.paths import SAMPLE_DIR
from flows.outcomes import flow_result

pytestmark = pytest.mark.s3

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INBOX = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3"
FILES = ["usulan-program-dinas-pupr.xlsx", "usulan-program-dpmn.csv", "usulan-program-rsud.xlsx", "rusak.xlsx"]


def _get_json(client, bucket: str, key: str) -> dict:
    return json.loads(client.get_object(Bucket=bucket, Key=key)["Body"].read())


def test_tahap_3_reads_inputs_from_s3_and_publishes_to_s3(prefect_harness, s3_server, s3_bucket):
    from flows.tahap_3 import tahap_3

    client = boto3.client("s3")
    for name in FILES:
        client.put_object(Bucket=s3_bucket, Key=f"inbox/tahap-3/{name}", Body=(INBOX / name).read_bytes())

    result = flow_result(  # a "Perlu perbaikan" run ends Failed but published: read its result from the state
        tahap_3(
            region=str(REGION),
            inputs=f"s3://{s3_bucket}/inbox/tahap-3",
            store=f"s3://{s3_bucket}/hasil",
            run_id="s3-run",
            return_state=True,
        )
    )

    # More than a fifth of these rows are rejected: the run is published but waits for a coordinator before it
    # becomes "terkini" (bimtek.store.acceptance), so latest.json is not written.
    assert result["run_id"] == "s3-run" and result["terkini"] is False
    assert "Contents" not in client.list_objects_v2(Bucket=s3_bucket, Prefix="hasil/padang-pariaman/tahap-3/latest")
    manifest = _get_json(client, s3_bucket, "hasil/padang-pariaman/tahap-3/s3-run/manifest.json")
    assert manifest["terkini"] == "menunggu persetujuan"
    assert sorted(e["path"] for e in manifest["inputs"]) == sorted(FILES)
    report = _get_json(client, s3_bucket, "hasil/padang-pariaman/tahap-3/s3-run/validation/report.json")
    assert report["rows_total"] == report["rows_valid"] + report["rows_rejected"]
    assert {f["path"] for f in report["files"]} == set(FILES)
    # PUPR carries opd_unknown, year_range and duplicate rows; DPMN funding_source and year_range.
    rules = {(r["path"], r["rule"]) for r in report["rejections"]}
    assert ("usulan-program-dinas-pupr.xlsx", "duplicate") in rules
    assert ("usulan-program-dpmn.csv", "funding_source") in rules
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=s3_bucket, Prefix="hasil/")["Contents"]}
    for entry in manifest["outputs"]:
        assert f"hasil/padang-pariaman/tahap-3/s3-run/{entry['path']}" in keys
    assert "hasil/padang-pariaman/tahap-3/s3-run/bundle.zip" in keys


def test_links_to_deliverables_go_through_the_portal_login_never_presigned(prefect_harness, s3_server, s3_bucket):
    from bimtek.core.settings import get_settings
    from flows.tahap_3 import tahap_3

    client = boto3.client("s3")
    client.put_object(
        Bucket=s3_bucket, Key="inbox/usulan-program-dpmn.csv", Body=(INBOX / "usulan-program-dpmn.csv").read_bytes()
    )
    result = flow_result(
        tahap_3(
            region=str(REGION),
            inputs=f"s3://{s3_bucket}/inbox",
            store=f"s3://{s3_bucket}/hasil",
            run_id="links",
            return_state=True,
        )
    )
    links = dict(result["links"])
    url = links["Laporan validasi"]
    assert url == f"{get_settings().portal_url}/berkas/padang-pariaman/tahap-3/links/validation/report.json"
    assert not any("X-Amz" in link for link in links.values())  # the bundle holds quarantine.csv: login first
    stored = client.get_object(Bucket=s3_bucket, Key="hasil/padang-pariaman/tahap-3/links/validation/report.json")
    fetched = json.loads(stored["Body"].read())
    assert fetched["region"] == "padang-pariaman" and fetched["rows_total"] >= 1
