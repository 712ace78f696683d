"""The portal in a real browser: Playwright driving Debian's chromium (/usr/bin/chromium, never a downloaded one).

One portal (uvicorn in a thread) over a temporary store holding a real Tahap III run built from three sample files.
An OPD opens its link, uploads a file with a mistake and reads the rejection; the coordinator logs in, sees the
OPD's status change and opens Buku 2 from the run's page with a named account, reads the audit log that recorded it,
logs out and finds the old session cookie dead; a read-only reviewer sees no audit log. Screenshots of every page, at phone and desktop widths,
go to docs/images/portal-*.png when BIMTEK_SCREENSHOTS=1.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

import pytest

from bimtek.core.columns import datasets_for_stage
from bimtek.core.paths import PROJECT_ROOT, SAMPLE_DIR
from bimtek.core.region import load_region
from bimtek.core.settings import Settings
from bimtek.ingest.reader import read_table
from bimtek.stages.tahap_3 import build_tahap_3
from bimtek.store.package import publish_run
from bimtek.store.storage import LocalLocation
from bimtek.validation import build_report, mark_duplicates, validate_sheet
from portal.accounts import AccountStore
from portal.app import PortalConfig, create_app
from portal.invitations import invitation_links
from tests.processes import free_port

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
REGION_PATH = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INBOX = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3"
SAMPLE_FILES = (
    "usulan-program-bagian-organisasi.csv",
    "usulan-program-bagian-perekonomian.csv",
    "usulan-program-bkpsdm.csv",
)
SECRET, PASSWORD = "b" * 40, "sandi-uji-peramban"
COORDINATOR, REVIEWER = "ani", "tutor-kementerian"
RUN_ID = "20261201T020000Z"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
SHOTS = PROJECT_ROOT / "docs" / "images"
BAD_FILE = (
    "opd,dimensi,elemen,nama_program,anggaran,sumber_dana,tahun_mulai,tahun_selesai\n"
    "Dinas Kesehatan,living,health,Telemedisin Puskesmas,1500000000,APBD,2030,2031\n"
    "Dinas Kesehatan,living,health,Rekam Medis Elektronik,1 M,Dana Aspirasi,2030,2031\n"
)


def _publish_sample_run(store: LocalLocation) -> None:
    """A real Tahap III run (Buku 2 HTML with charts) from three sample files, published like a flow would."""
    region = load_region(REGION_PATH)
    results = []
    for name in SAMPLE_FILES:
        for sheet in read_table(name, (INBOX / name).read_bytes(), datasets_for_stage(3)):
            results.append(validate_sheet(sheet, region, sheet.dataset or "program"))
    results = mark_duplicates(results)
    output = build_tahap_3(region, results, build_report(region.slug, results), Settings(document_formats=""))
    now = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
    publish_run(store, region.slug, 3, RUN_ID, output.files, [], now, "test")


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    import uvicorn

    store = LocalLocation(tmp_path_factory.mktemp("portal") / "store")
    _publish_sample_run(store)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    accounts = AccountStore(tmp_path_factory.mktemp("portal-data") / "portal.sqlite3")
    accounts.create(COORDINATOR, "koordinator", PASSWORD, ("padang-pariaman",))
    accounts.create(REVIEWER, "peninjau", PASSWORD)
    config = PortalConfig(
        store=store,
        regions={"padang-pariaman": REGION_PATH},
        secret=SECRET,
        accounts=accounts,
        settings=Settings(store=str(store.root), portal_url=base),
    )
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the portal did not start"
    region = load_region(REGION_PATH)
    links = invitation_links(region, 3, store, SECRET, base, dt.datetime.now(dt.UTC), 7)
    yield {"base": base, "link": next(link.url for link in links if link.opd == "Dinas Kesehatan")}
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield instance
        instance.close()


def _shot(page, name: str, full_page: bool = True) -> None:
    """Save the page at phone and desktop widths when BIMTEK_SCREENSHOTS=1 (docs/images/portal-<name>-*.png)."""
    if os.environ.get("BIMTEK_SCREENSHOTS") != "1":
        return
    for label, size in (("ponsel", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"portal-{name}-{label}.png"), full_page=full_page)


def test_opd_upload_then_coordinator_status_and_buku_2(portal, browser, tmp_path):
    opd = browser.new_context(viewport=PHONE)
    page = opd.new_page()
    page.goto(portal["link"])
    assert page.locator("h1").inner_text() == "Unggah berkas Tahap 3"
    assert "Dinas Kesehatan" in page.content()
    _shot(page, "unggah")
    upload = tmp_path / "usulan dinkes.csv"
    upload.write_text(BAD_FILE, encoding="utf-8")
    page.set_input_files("#berkas", str(upload))
    page.get_by_role("button", name="Unggah dan periksa").click()
    result = page.locator("#hasil-pemeriksaan")
    result.wait_for(timeout=180_000)  # a worker process checks it; the page refreshes itself until the result
    assert "1 dari 2 baris ditolak" in result.inner_text()
    assert "Dana Aspirasi" in result.locator("table.rejections").inner_text()
    _shot(page, "unggah-hasil")
    opd.close()

    coordinator = browser.new_context(viewport=DESKTOP)
    page = coordinator.new_page()
    page.goto(f"{portal['base']}/status/padang-pariaman/tahap-3")
    assert page.url.startswith(f"{portal['base']}/masuk")
    _shot(page, "masuk")
    page.fill("#nama", COORDINATOR)
    page.fill("#kata_sandi", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{portal['base']}/status/padang-pariaman/tahap-3")
    row = page.locator("table.status tr", has_text="Dinas Kesehatan")
    assert "perlu perbaikan" in row.inner_text()
    assert "WIB" in row.inner_text()
    assert "belum mengirim" in page.locator("table.status tr", has_text="Dinas Pendidikan").inner_text()
    _shot(page, "status")

    page.goto(f"{portal['base']}/hasil")
    _shot(page, "hasil")
    page.get_by_role("link", name="Kabupaten Padang Pariaman").click()
    _shot(page, "region")
    page.get_by_role("link", name=RUN_ID).click()
    assert "terkini" in page.locator("h1").inner_text()
    _shot(page, "run")
    with coordinator.expect_page() as opened:
        page.locator("tr", has_text="buku-2-masterplan.html").get_by_role("link", name="buka").click()
    book = opened.value
    book.wait_for_load_state()
    assert book.url.endswith(f"/berkas/padang-pariaman/tahap-3/{RUN_ID}/buku/buku-2-masterplan.html")
    assert "Masterplan" in book.title() or "Masterplan" in book.locator("body").inner_text()[:2000]
    images = book.locator("img")
    assert images.count() >= 1
    assert book.evaluate("Array.from(document.images).every(img => img.complete && img.naturalWidth > 0)")
    _shot(book, "buku-2", full_page=False)
    book.close()

    page.get_by_role("link", name="Log audit").click()
    log = page.locator("table.files").inner_text()
    assert "buka berkas" in log and "masuk" in log and COORDINATOR in log
    assert "buku-2-masterplan.html" in log
    _shot(page, "audit")
    session = [cookie for cookie in coordinator.cookies() if cookie["name"] == "bimtek_sesi"]
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(f"{portal['base']}/masuk")
    coordinator.close()
    replay = browser.new_context(viewport=DESKTOP)
    replay.add_cookies(session)  # the cookie of the ended session, replayed: the server no longer knows it
    page = replay.new_page()
    page.goto(f"{portal['base']}/hasil")
    assert page.url.startswith(f"{portal['base']}/masuk")
    replay.close()


def test_reviewer_reads_results_but_not_the_audit_log(portal, browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{portal['base']}/masuk")
    page.fill("#nama", REVIEWER)
    page.fill("#kata_sandi", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{portal['base']}/hasil")
    assert "Kabupaten Padang Pariaman" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Log audit").count() == 0
    response = page.goto(f"{portal['base']}/audit")
    assert response.status == 403 and "hanya untuk admin dan koordinator" in page.locator("main").inner_text()
    response = page.goto(f"{portal['base']}/tidak-ada")
    assert response.status == 404 and "Halaman tidak ditemukan" in page.locator("main").inner_text()
    context.close()
