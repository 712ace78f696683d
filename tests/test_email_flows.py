"""The e-mail of issue 26 inside Prefect runs: the scheduled `pengingat` flow and a stage run's outcome, both under
the session's Prefect harness and against a real loopback SMTP server."""

from __future__ import annotations

from prefect import flow

from bimtek.core.settings import get_settings
from bimtek.store.deliveries import list_deliveries
from bimtek.store.storage import open_location
from flows.outcomes import NEEDS_FIX_STATE, coordinator_outcome, flow_result
from tests.smtp_server import smtp_server  # noqa: F401 - fixture
from tests.test_email import region_store  # noqa: F401 - fixture
from tests.test_email_runs import RUN, _publish_needs_fix
from tests.test_portal import SECRET, region, store  # noqa: F401 - fixtures


def _artifact(key: str) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])), limit=1)
    return str(artifact.data)


def test_the_scheduled_reminder_flow_sends_logs_and_shows_each_send(prefect_harness, smtp_server, region_store):  # noqa: F811
    from portal.reminders import pengingat

    region_file, store_path = region_store
    result = pengingat(region=str(region_file), stage=3, store=str(store_path))
    assert result == {"terkirim": 3, "gagal": 0, "dilewati": 0, "tanpa_alamat": ["Dinas Perhubungan"]}
    assert len(smtp_server.messages) == 3
    markdown = _artifact("kab-uji-pengingat-tahap-3")
    assert "Terkirim 3, gagal 0." in markdown and "dinsos@kab-uji.example" in markdown
    assert "Dinas Perhubungan: tanpa alamat e-mail" in markdown
    again = pengingat(region=str(region_file), stage=3, store=str(store_path))
    assert again["terkirim"] == 0 and again["dilewati"] == 3 and len(smtp_server.messages) == 3
    assert len(list_deliveries(open_location(str(store_path)), "kab-uji")) == 3


@flow(name="uji-surat-email")
@coordinator_outcome(3)
def published_needs_fix(region: str, store: str) -> dict:  # noqa: F811 - flow parameters, not the fixtures
    return {"run_id": RUN, "rows_valid": 6, "rows_rejected": 4, "terkini": False}


def test_a_needs_fix_stage_run_mails_its_letters_and_is_not_green(prefect_harness, smtp_server, store, monkeypatch):  # noqa: F811
    monkeypatch.setenv("BIMTEK_PORTAL_SECRET", SECRET)
    _publish_needs_fix(store, monkeypatch)
    get_settings.cache_clear()
    state = published_needs_fix(region="padang-pariaman", store=str(store.root), return_state=True)
    assert state.is_failed() and state.name == NEEDS_FIX_STATE and flow_result(state)["run_id"] == RUN
    assert sorted(r for rcpts in smtp_server.recipients for r in rcpts) == [
        "dinkes@padangpariamankab.example",
        "dinsos@padangpariamankab.example",
        "tim-smartcity@padangpariamankab.example",
    ]
    assert "/terima/" in smtp_server.to("tim-smartcity@padangpariamankab.example")[0].get_content()
    markdown = _artifact("padang-pariaman-tahap-3-email")
    assert "Terkirim 3, gagal 0." in markdown and "umpan-balik-dinas-kesehatan.pdf" in markdown
