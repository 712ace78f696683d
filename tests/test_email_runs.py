"""A published run's letters reach their OPD as PDF attachments, the Tim Pelaksana gets a digest, and a coordinator
accepts a "Perlu perbaikan" run from the digest's single-use link (issue 26), against a real loopback SMTP server."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bimtek.core.region import load_region
from bimtek.core.settings import get_settings
from bimtek.store.accept_links import claim_accept_link, make_accept_token, read_accept_token
from bimtek.store.acceptance import AcceptanceError
from bimtek.store.package import read_latest
from tasks.run_mail import deliver_run_mail
from tests.smtp_server import smtp_server  # noqa: F401 - fixture
from tests.test_acceptance import EARLIER, REGION, publish
from tests.test_portal import REGION_PATH, SECRET, login, region, store  # noqa: F401 - fixtures
from tests.test_portal_accounts import make_client

RUN = "20261205T010000Z"
LETTERS = {
    "Dinas Kesehatan": ("umpan-balik/umpan-balik-dinas-kesehatan.pdf", b"%PDF-1.4 surat untuk Dinas Kesehatan"),
    "Dinas Sosial": ("umpan-balik/umpan-balik-dinas-sosial.pdf", b"%PDF-1.4 surat untuk Dinas Sosial"),
}


def _publish_needs_fix(store, monkeypatch) -> None:  # noqa: F811
    """A Tahap III run with 4 of 10 rows rejected (over the 20% threshold) and two OPD letters as PDF."""
    import tests.test_acceptance as acceptance

    original = acceptance.publish_outputs.fn

    def with_letters(store_url, region_slug, stage, run, outputs, inputs):
        outputs = {**outputs, **dict(LETTERS.values())}
        return original(store_url, region_slug, stage, run, outputs, inputs)

    monkeypatch.setattr(acceptance.publish_outputs, "fn", with_letters)
    result = publish(store, RUN, 10, 4, monkeypatch)
    assert result["terkini"] is False  # waiting for a coordinator


def _deliver(store):  # noqa: F811
    return deliver_run_mail(
        load_region(REGION_PATH), 3, RUN, store, True, True, f"http://portal.test/hasil/{REGION}/tahap-3/{RUN}"
    )


def test_letters_reach_their_opd_as_pdf_and_the_coordinator_accepts_from_the_link(
    smtp_server,  # noqa: F811
    store,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    monkeypatch.setenv("BIMTEK_PORTAL_SECRET", SECRET)
    get_settings.cache_clear()
    _publish_needs_fix(store, monkeypatch)
    summary = _deliver(store)
    assert summary.sent == 3, summary
    for opd, address in (("Dinas Kesehatan", "dinkes"), ("Dinas Sosial", "dinsos")):
        [message] = smtp_server.to(f"{address}@padangpariamankab.example")
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == LETTERS[opd][0].rsplit("/", 1)[1]
        assert attachment.get_content() == LETTERS[opd][1]  # its own letter, byte for byte
        assert opd in message["Subject"] and "Tahap III" in message["Subject"]
    [digest] = smtp_server.to("tim-smartcity@padangpariamankab.example")
    body = digest.get_content().replace("\r\n", "\n")
    assert "Perlu perbaikan (1):\n- Dinas Kesehatan" in body  # the report's rejections are Dinas Kesehatan's
    assert "Belum mengirim (" in body and "Rakor penutupan: 8 Desember 2026" in body
    assert "perlu persetujuan" in digest["Subject"]
    [link] = re.findall(r"http://127\.0\.0\.1:4300(/terima/\S+)", body)

    again = _deliver(store)
    assert again.sent == 0 and len(smtp_server.messages) == 3  # the same day: nothing twice

    client, config = make_client(store, tmp_path)
    outside = client.get(link, follow_redirects=False)
    assert outside.status_code == 303 and outside.headers["location"].startswith("/masuk?lanjut=")  # login first
    login(client)
    page = client.get(link)
    assert page.status_code == 200 and "Jadikan terkini" in page.text and RUN in page.text
    assert read_latest(store, REGION, 3)["run_id"] == EARLIER  # opening the link changes nothing
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    accepted = client.post(link, data={"csrf": csrf}, follow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"] == f"/hasil/{REGION}/tahap-3/{RUN}"
    latest = read_latest(store, REGION, 3)
    assert latest["run_id"] == RUN and latest["diterima_oleh"] == "ani"
    assert any(e.action == "jadikan terkini (tautan e-mail)" and RUN in e.detail for e in config.accounts.audit())
    reused = client.post(link, data={"csrf": csrf}, follow_redirects=False)
    assert reused.status_code == 409 and "sudah dipakai" in reused.text  # single use


def test_accept_tokens_are_signed_short_lived_and_single_use(store):  # noqa: F811
    token = make_accept_token(SECRET, REGION, 3, RUN)
    link = read_accept_token(SECRET, token, dt.timedelta(hours=1))
    assert (link.region, link.stage, link.run_id) == (REGION, 3, RUN)
    with pytest.raises(AcceptanceError, match="kedaluwarsa"):
        read_accept_token(SECRET, token, dt.timedelta(seconds=-1))
    with pytest.raises(AcceptanceError, match="tidak sah"):
        read_accept_token("x" * 40, token, dt.timedelta(hours=1))
    with pytest.raises(AcceptanceError, match="tidak sah"):
        read_accept_token(SECRET, make_accept_token(SECRET, "../x", 3, RUN), dt.timedelta(hours=1))
    claim_accept_link(store, link, "ani")
    with pytest.raises(AcceptanceError, match="sudah dipakai"):
        claim_accept_link(store, link, "budi")


def test_a_failing_smtp_server_never_fails_the_delivery(store, monkeypatch):  # noqa: F811
    from bimtek.core.settings import get_settings
    from tests.smtp_server import free_port

    monkeypatch.setenv("BIMTEK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BIMTEK_SMTP_PORT", str(free_port()))  # nothing listens there
    monkeypatch.setenv("BIMTEK_SMTP_FROM", "tim@kab.example")
    monkeypatch.setenv("BIMTEK_SMTP_TLS", "none")
    get_settings.cache_clear()
    try:
        _publish_needs_fix(store, monkeypatch)
        summary = _deliver(store)
    finally:
        get_settings.cache_clear()
    assert summary.sent == 0 and len(summary.records) == 3
    assert all(r.status == "gagal" and "tidak dapat terhubung" in (r.galat or "") for r in summary.records)
