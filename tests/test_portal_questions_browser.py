"""The answer path in a real browser (Playwright driving Debian's chromium, as tests/test_portal_browser.py).

An OPD uploads a file with an amount no region could mean (Rp 125 triliun), reads the question with both readings
on its upload page, picks "Rp 125 miliar" and sends it; the coordinator sees the answer, by whom, on the stage's
question page. Screenshots go to docs/images/portal-pertanyaan-*.png when BIMTEK_SCREENSHOTS=1.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from bimtek.core.region import load_region
from bimtek.core.settings import Settings
from bimtek.store.answers import load_answers
from bimtek.store.storage import LocalLocation
from portal.accounts import AccountStore
from portal.app import PortalConfig, create_app
from portal.invitations import invitation_links
from tests.processes import free_port
from tests.test_portal_browser import CHROMIUM, DESKTOP, PHONE, REGION_PATH, _shot, browser

__all__ = ["browser"]  # the chromium fixture of the portal browser tests

pytestmark = pytest.mark.browser
PASSWORD = "sandi-uji-pertanyaan"  # pragma: allowlist secret
FILE = (
    "opd,dimensi,elemen,nama_program,anggaran,sumber_dana,tahun_mulai,tahun_selesai\n"
    "Dinas Kesehatan,living,health,Telemedisin Puskesmas,1500000000,APBD,2030,2031\n"
    "Dinas Kesehatan,living,health,Server Data Center,125000000000000,APBD,2030,2031\n"
)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    import uvicorn

    store = LocalLocation(tmp_path_factory.mktemp("portal-q") / "store")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    accounts = AccountStore(tmp_path_factory.mktemp("portal-q-data") / "portal.sqlite3")
    accounts.create("ani", "koordinator", PASSWORD, ("padang-pariaman",))
    config = PortalConfig(
        store=store,
        regions={"padang-pariaman": REGION_PATH},
        secret="q" * 40,
        accounts=accounts,
        settings=Settings(store=str(store.root), portal_url=base, upload_pool="thread"),
    )
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the portal did not start"
    region = load_region(REGION_PATH)
    links = invitation_links(region, 3, store, "q" * 40, base, dt.datetime.now(dt.UTC), 7)
    yield {"base": base, "store": store, "link": next(link.url for link in links if link.opd == "Dinas Kesehatan")}
    server.should_exit = True
    thread.join(timeout=10)


def test_opd_answers_a_question_and_the_coordinator_sees_it(portal, browser, tmp_path):
    assert CHROMIUM
    opd = browser.new_context(viewport=PHONE)
    page = opd.new_page()
    page.goto(portal["link"])
    upload = tmp_path / "usulan dinkes.csv"
    upload.write_text(FILE, encoding="utf-8")
    page.set_input_files("#berkas", str(upload))
    page.get_by_role("button", name="Unggah dan periksa").click()
    questions = page.locator("#pertanyaan")
    questions.wait_for(timeout=120_000)
    text = questions.inner_text()
    assert "Rp 125 triliun atau Rp 125 miliar?" in text and "1 belum dijawab" in text
    _shot(page, "pertanyaan-opd")
    questions.get_by_label("Rp 125 miliar").check()
    questions.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_url(f"{portal['link']}#pertanyaan")
    answered = page.locator("#pertanyaan").inner_text()
    assert "0 belum dijawab" in answered and "Sudah dijawab: Rp 125 miliar" in answered
    (stored,) = load_answers(portal["store"], "padang-pariaman").values()
    assert (stored.option, stored.answered_by) == ("b", "OPD via tautan Dinas Kesehatan")
    _shot(page, "pertanyaan-opd-dijawab")
    opd.close()

    coordinator = browser.new_context(viewport=DESKTOP)
    page = coordinator.new_page()
    page.goto(f"{portal['base']}/pertanyaan/padang-pariaman/tahap-3")
    page.fill("#nama", "ani")
    page.fill("#kata_sandi", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{portal['base']}/pertanyaan/padang-pariaman/tahap-3")
    body = page.locator("main").inner_text()
    assert "0 dari 1 pertanyaan belum dijawab" in body
    assert "Dijawab: Rp 125 miliar (oleh OPD via tautan Dinas Kesehatan" in body
    _shot(page, "pertanyaan-koordinator")
    coordinator.close()
