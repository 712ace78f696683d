"""Run outcomes a coordinator reads: Indonesian failure causes and the "Perlu perbaikan" completed state."""

from __future__ import annotations

import pytest
from prefect import flow

from bimtek.core.region import RegionError
from flows.outcomes import (
    NEEDS_FIX_STATE,
    coordinator_outcome,
    failure_cause,
    flow_result,
    rejection_summary,
)
from flows.parameters import UnknownRegionError, region_for_run


@flow(name="uji-gagal")
@coordinator_outcome(3)
def failing(region: str) -> dict:
    return {"region": region_for_run(region).slug}


@flow(name="uji-ditolak")
@coordinator_outcome(3)
def rejecting(region: str, rows_valid: int, rows_rejected: int) -> dict:
    return {"rows_valid": rows_valid, "rows_rejected": rows_rejected}


def test_unknown_region_fails_with_an_indonesian_cause(prefect_harness):
    state = failing(region="kab-tidak-ada", return_state=True)
    assert state.is_failed()
    assert state.message.startswith("Gagal: region tidak dapat dipakai. Region 'kab-tidak-ada' tidak dikenal")
    assert "padang-pariaman" in state.message
    with pytest.raises(UnknownRegionError):
        failing(region="kab-tidak-ada")


def test_many_rejections_end_in_perlu_perbaikan_and_few_in_completed(prefect_harness):
    state = rejecting(region="padang-pariaman", rows_valid=3, rows_rejected=7, return_state=True)
    # not a green Completed in the Prefect UI: a final Failed state named "Perlu perbaikan" (flows/outcomes.py doc)
    assert state.is_failed() and state.is_final() and state.name == NEEDS_FIX_STATE
    assert state.message.startswith("7 dari 10 baris (70%) ditolak, di atas batas 20%.")
    assert flow_result(state) == {"rows_valid": 3, "rows_rejected": 7}  # what it published stays readable
    with pytest.raises(UnknownRegionError):
        flow_result(failing(region="kab-tidak-ada", return_state=True))  # a real failure still raises
    clean = rejecting(region="padang-pariaman", rows_valid=9, rows_rejected=1, return_state=True)
    assert clean.is_completed() and clean.name == "Completed"


def test_failure_causes_and_rejection_summary():
    assert failure_cause(RegionError("x")).startswith("Gagal: region tidak dapat dipakai.")
    assert failure_cause(KeyError("k")).startswith("Gagal karena galat tak terduga (KeyError")
    report = {
        "rejections": [
            {"rule": "budget", "path": "b.csv"},
            {"rule": "budget", "path": "a.csv"},
            {"rule": "funding_source", "path": "a.csv"},
        ]
    }
    assert rejection_summary(report) == "aturan: budget (2), funding_source (1); berkas: a.csv, b.csv"


def test_notifications_speak_indonesian_with_percentages_links_and_no_none(monkeypatch):
    import json
    from types import SimpleNamespace

    from bimtek.core.paths import SAMPLE_DIR
    from bimtek.core.region import load_region
    from flows import notify

    sent = []
    monkeypatch.setattr(notify, "_emit", lambda event, resource, payload: sent.append((event, payload)) or True)
    notify.notify_failure(
        SimpleNamespace(name="tahap-3"),
        SimpleNamespace(id="abc123", name="x-tahap-3", parameters={"region": "kab-salah"}),
        SimpleNamespace(name="Failed", message=None),
    )
    region = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
    notify.notify_if_needed(
        region, 3, SimpleNamespace(rows_total=40, rows_rejected=11), {"run_id": "r1"}, threshold=0.2
    )
    [(failed_event, failed), (high_event, high)] = sent
    assert failed_event == "bimtek.run.failed" and high_event == "bimtek.validation.rejections-high"
    assert "None" not in json.dumps(failed) and "None" not in json.dumps(high)
    assert failed["region_name"] == "region tidak dikenal (kab-salah)" and failed["tahap"] == "Tahap 3"
    assert failed["message"] == "(tanpa pesan)"
    assert high["share_persen"] == "27,5%" and high["batas_persen"] == "20%"
    assert high["portal"] == "http://127.0.0.1:4300/hasil/padang-pariaman/tahap-3/r1"


def test_run_names_carry_region_stage_time_and_a_short_id(prefect_harness):
    import re

    from prefect.client.orchestration import get_client

    from flows.naming import run_name

    @flow(name="uji-nama", flow_run_name=run_name("tahap-3"))
    def named(region: str) -> None:
        return None

    states = [named(region="padang-pariaman", return_state=True) for _ in range(2)]
    with get_client(sync_client=True) as client:
        names = [client.read_flow_run(state.state_details.flow_run_id).name for state in states]
    assert all(re.fullmatch(r"padang-pariaman-tahap-3-\d{8}T\d{4}-[0-9a-f]{6}", name) for name in names), names
    assert names[0] != names[1]


@flow(name="uji-draf")
@coordinator_outcome(4)
def drafting(region: str, draft: list[str]) -> dict:
    return {"rows_valid": 9, "rows_rejected": 1, "draft": draft}


def test_missing_legal_text_ends_in_draf_listing_what_is_missing(prefect_harness):
    from flows.outcomes import DRAFT_STATE

    gap = "Rancangan Peraturan Bupati: nama Sekretaris Daerah belum ada (isi: officials.secretary)"
    state = drafting(region="padang-pariaman", draft=[gap], return_state=True)
    assert state.is_completed() and state.name == DRAFT_STATE
    assert state.message.startswith("Dokumen hukum bertanda DRAFT") and gap in state.message
    clean = drafting(region="padang-pariaman", draft=[], return_state=True)
    assert clean.name == "Completed"


def test_portal_run_page_lists_the_draft_gaps(tmp_path):
    import json

    from bimtek.store.package import MANIFEST_NAME, run_prefix
    from bimtek.store.storage import open_location
    from portal.results import run_draft

    store = open_location(tmp_path)
    key = f"{run_prefix('contoh', 4, 'r1')}/{MANIFEST_NAME}"
    store.write_bytes(key, json.dumps({"outputs": [], "draft": ["Rancangan Peraturan Bupati: ibu kota"]}).encode())
    assert run_draft(store, "contoh", 4, "r1") == ["Rancangan Peraturan Bupati: ibu kota"]
    store.write_bytes(key, json.dumps({"outputs": []}).encode())
    assert run_draft(store, "contoh", 4, "r1") == []


def test_a_needs_fix_run_emits_no_failure_event(monkeypatch):
    from types import SimpleNamespace

    from flows import notify

    sent = []
    monkeypatch.setattr(notify, "_emit", lambda event, resource, payload: sent.append(event) or True)
    run = SimpleNamespace(id="r1", name="x-tahap-3", parameters={"region": "padang-pariaman"})
    notify.notify_failure(SimpleNamespace(name="tahap-3"), run, SimpleNamespace(name=NEEDS_FIX_STATE, message="m"))
    assert sent == []  # rejections-high already told of it; the run published
    notify.notify_failure(SimpleNamespace(name="tahap-3"), run, SimpleNamespace(name="Failed", message="m"))
    assert sent == [notify.RUN_FAILED_EVENT]
