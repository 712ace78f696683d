"""A run over the rejection threshold is published but becomes "terkini" only when a coordinator accepts it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bimtek.core.settings import get_settings
from bimtek.store.acceptance import AWAITING, AcceptanceError, accept_run, awaits_acceptance, needs_fix
from bimtek.store.package import read_latest, read_manifest
from tasks.publishing import publish_outputs
from tests.test_portal import PASSWORD, csrf_of, login, region, store  # noqa: F401 - fixtures
from tests.test_portal_accounts import make_client

REGION = "padang-pariaman"
EARLIER = "20261201T010000Z"
"""The current Tahap III run of the `store` fixture."""


def report(rows_total: int, rows_rejected: int) -> bytes:
    rejections = [{"path": "dinas-kesehatan/20261201T080000Z-a.csv", "rule": "anggaran"}] * rows_rejected
    return json.dumps(
        {
            "region": REGION,
            "rows_total": rows_total,
            "rows_valid": rows_total - rows_rejected,
            "rows_rejected": rows_rejected,
            "rejections": rejections,
        }
    ).encode()


def publish(store, run_id: str, rows_total: int, rows_rejected: int, monkeypatch, accept: bool = False) -> dict:  # noqa: F811
    monkeypatch.setenv("BIMTEK_ACCEPT_NEEDS_FIX", "true" if accept else "false")
    get_settings.cache_clear()
    try:
        outputs = {"validation/report.json": report(rows_total, rows_rejected), "buku/a.html": b"<p>a</p>"}
        return publish_outputs.fn(str(store.root), REGION, 3, (run_id, "token"), outputs, [])
    finally:
        get_settings.cache_clear()


def test_needs_fix_is_strictly_above_the_share():
    assert needs_fix(10, 3, 0.2) and not needs_fix(10, 2, 0.2) and not needs_fix(0, 0, 0.2)


def test_a_run_over_the_threshold_is_published_without_moving_terkini(store, monkeypatch):  # noqa: F811
    result = publish(store, "20261203T010000Z", 10, 4, monkeypatch)
    assert result["terkini"] is False
    assert read_latest(store, REGION, 3)["run_id"] == EARLIER
    assert read_manifest(store, REGION, 3, "20261203T010000Z")["terkini"] == AWAITING
    assert awaits_acceptance(store, REGION, 3, "20261203T010000Z")

    clean = publish(store, "20261204T010000Z", 10, 2, monkeypatch)
    assert clean["terkini"] is True and read_latest(store, REGION, 3)["run_id"] == "20261204T010000Z"
    assert "terkini" not in read_manifest(store, REGION, 3, "20261204T010000Z")


def test_the_setting_lets_such_a_run_become_terkini_at_once(store, monkeypatch):  # noqa: F811
    result = publish(store, "20261203T010000Z", 10, 9, monkeypatch, accept=True)
    assert result["terkini"] is True and read_latest(store, REGION, 3)["run_id"] == "20261203T010000Z"


def test_accept_run_moves_terkini_and_records_who(store, monkeypatch):  # noqa: F811
    publish(store, "20261203T010000Z", 10, 4, monkeypatch)
    record = accept_run(store, REGION, 3, "20261203T010000Z", "rina")
    latest = read_latest(store, REGION, 3)
    assert latest == record and latest["run_id"] == "20261203T010000Z" and latest["diterima_oleh"] == "rina"
    assert not awaits_acceptance(store, REGION, 3, EARLIER)
    with pytest.raises(AcceptanceError, match="belum terbit"):
        accept_run(store, REGION, 3, "20261209T010000Z", "rina")
    for region_slug, run_id in ((REGION, "../../etc"), ("../x", "20261203T010000Z"), (REGION, "latest.json")):
        with pytest.raises(AcceptanceError, match="tidak sah"):
            accept_run(store, region_slug, 3, run_id, "rina")


def test_portal_shows_the_waiting_run_and_a_coordinator_accepts_it(store, tmp_path, monkeypatch):  # noqa: F811
    publish(store, "20261203T010000Z", 10, 4, monkeypatch)
    client, config = make_client(store, tmp_path)
    config.accounts.create("tutor", "peninjau", PASSWORD)
    reviewer, _ = make_client(store, tmp_path)
    login(reviewer, "tutor")
    page = reviewer.get(f"/hasil/{REGION}/tahap-3/20261203T010000Z").text
    assert "belum menjadi terkini" in page and "Jadikan terkini" not in page
    token = csrf_of(reviewer, f"/hasil/{REGION}/tahap-3/20261203T010000Z")
    refused = reviewer.post(f"/hasil/{REGION}/tahap-3/20261203T010000Z/terima", data={"csrf": token})
    assert refused.status_code == 403 and read_latest(store, REGION, 3)["run_id"] == EARLIER

    login(client)
    stage = client.get(f"/hasil/{REGION}/tahap-3").text
    assert "menunggu persetujuan" in stage
    path = f"/hasil/{REGION}/tahap-3/20261203T010000Z"
    assert "Jadikan terkini" in client.get(path).text
    assert client.post(f"{path}/terima", data={"csrf": "palsu"}).status_code == 403
    accepted = client.post(f"{path}/terima", data={"csrf": csrf_of(client, path)}, follow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"] == path
    assert read_latest(store, REGION, 3)["run_id"] == "20261203T010000Z"
    page = client.get(path).text
    assert "terkini</span>" in page and "belum menjadi terkini" not in page
    assert any(entry.action == "jadikan terkini" for entry in config.accounts.audit())


def test_bimtek_terima_accepts_from_the_command_line(store, tmp_path, monkeypatch):  # noqa: F811
    from cli.main import app

    publish(store, "20261203T010000Z", 10, 4, monkeypatch)
    monkeypatch.setenv("BIMTEK_PORTAL_DATA", str(tmp_path / "portal"))
    get_settings.cache_clear()
    try:
        args = ["terima", "--region", REGION, "--stage", "3", "--store", str(store.root)]
        wrong = CliRunner().invoke(app, [*args, "--run-id", "20261209T010000Z"])
        done = CliRunner().invoke(app, [*args, "--run-id", "20261203T010000Z"])
    finally:
        get_settings.cache_clear()
    assert wrong.exit_code == 2 and "belum terbit" in wrong.output
    assert done.exit_code == 0, done.output
    assert read_latest(store, REGION, 3)["run_id"] == "20261203T010000Z"


def test_the_cli_line_says_when_a_run_waits_for_acceptance():
    from flows.registry import describe_result

    result = {"run_id": "r1", "run_url": "/store/r1", "rows_valid": 6, "rows_rejected": 4}
    assert describe_result("3", {**result, "terkini": True}) == ["Tahap 3: run r1 di /store/r1 (valid 6, ditolak 4)"]
    waiting = describe_result("3", {**result, "terkini": False})[0]
    assert "PERLU PERBAIKAN" in waiting and "belum terkini" in waiting and "bimtek terima" in waiting


def test_a_next_stage_says_which_run_waits_for_acceptance(tmp_path, monkeypatch):
    from bimtek.stages.previous import MissingStageError, PreviousOutput
    from bimtek.store.storage import LocalLocation
    from tasks.previous import read_previous_files

    fresh = LocalLocation(tmp_path / "baru")
    publish(fresh, "20261203T010000Z", 10, 4, monkeypatch)
    needs = [PreviousOutput(3, "buku/a.html", True)]
    with pytest.raises(MissingStageError) as caught:
        read_previous_files(str(fresh.root), REGION, needs, needed_by=4)
    assert caught.value.waiting == ("20261203T010000Z",)
    assert "belum terkini" in str(caught.value) and "--run-id 20261203T010000Z" in str(caught.value)
    accept_run(fresh, REGION, 3, "20261203T010000Z", "rina")
    files, runs = read_previous_files(str(fresh.root), REGION, needs, needed_by=4)
    assert files[(3, "buku/a.html")] == b"<p>a</p>" and runs == {3: "20261203T010000Z"}
