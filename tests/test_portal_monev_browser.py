"""Monev in the portal, in a real browser (Playwright driving /usr/bin/chromium), and the contrast of every text.

The store holds a Tahap IV plan and monev runs of two semesters (one run of Semester II waiting for acceptance),
published like the flows publish them. The coordinator finds both semesters on the region page, opens a semester,
a run and its report, and accepts the waiting run; the OPD's monev link names its semester and deadline and gives
a realisation workbook already holding the OPD's programs of that year. On every page visited, each element's text
colour against its effective background is at least 4.5:1 (WCAG AA, computed in chromium).
Screenshots go to docs/images/portal-monev-*.png when BIMTEK_SCREENSHOTS=1.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bimtek.core.formatting import tanggal
from bimtek.core.monev import Semester
from bimtek.core.paths import PROJECT_ROOT, SAMPLE_DIR
from bimtek.core.region import load_region
from bimtek.core.settings import Settings
from bimtek.store.acceptance import AWAITING
from bimtek.store.package import publish_run, read_latest
from bimtek.store.storage import LocalLocation
from portal.accounts import AccountStore
from portal.app import PortalConfig, create_app
from portal.invitations import invitation_links
from portal.monev import link_semester
from tests.processes import free_port

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
REGION_PATH = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
SLUG = "padang-pariaman"
SECRET, PASSWORD = "m" * 40, "sandi-uji-monev-peramban"
COORDINATOR = "ani"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
SHOTS = PROJECT_ROOT / "docs" / "images"
S1_RUN, S2_RUN, S2_WAITING = "20270801T010000Z", "20280201T010000Z", "20280202T010000Z"
ROADMAP = (
    "opd,dimensi,nama_program,indikator,target,anggaran,tahun_mulai,tahun_selesai\n"
    "Dinas Kesehatan,living,Telemedisin Puskesmas,Puskesmas terlayani,24 puskesmas,2000000000,2026,2036\n"
    "Dinas Kesehatan,living,Rekam Medis Elektronik,RS memakai RME,1 RSUD,900000000,2026,2036\n"
    "Dinas Pariwisata Pemuda dan Olahraga,branding,Portal Wisata,Kunjungan,naik 10%,500000000,2026,2036\n"
)
CONTRAST_SCRIPT = """() => {
  const parse = (text) => { const m = text.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const found = [];
  for (const element of document.querySelectorAll('body *')) {
    const own = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(element);
    if (!own || style.visibility === 'hidden' || style.display === 'none') continue;
    const fg = luminance(parse(style.color)), bg = luminance(background(element));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    found.push({text: element.textContent.trim().slice(0, 40), tag: element.tagName, ratio, color: style.color});
  }
  return found;
}"""


def _report(total: int, rejected: int) -> bytes:
    return json.dumps({"rows_total": total, "rows_valid": total - rejected, "rows_rejected": rejected}).encode()


def _publish(store: LocalLocation) -> None:
    now = dt.datetime(2028, 2, 2, 1, 0, tzinfo=dt.UTC)
    plan = {"roadmap/roadmap.csv": ROADMAP.encode(), "quick_win/quick_win_final.csv": b"opd,nama_program\n"}
    publish_run(store, SLUG, 4, "20261201T010000Z", plan, [], now, "test")
    for semester, run_id, label in (("2027-S1", S1_RUN, "Semester I 2027"), ("2027-S2", S2_RUN, "Semester II 2027")):
        report = f"<html><body><h1>Laporan Monev {label}</h1><p>Indeks 3,31</p></body></html>".encode()
        outputs = {"buku/laporan-monev.html": report, "validation/report.json": _report(40, 2)}
        publish_run(store, SLUG, f"monev/{semester}", run_id, outputs, [], now, "test")
    waiting = {"buku/laporan-monev.html": b"<html><body>ulang</body></html>", "validation/report.json": _report(40, 20)}
    publish_run(
        store, SLUG, "monev/2027-S2", S2_WAITING, waiting, [], now, "test", {"terkini": AWAITING}, move_latest=False
    )


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    import uvicorn

    store = LocalLocation(tmp_path_factory.mktemp("monev") / "store")
    _publish(store)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    accounts = AccountStore(tmp_path_factory.mktemp("monev-data") / "portal.sqlite3")
    accounts.create(COORDINATOR, "koordinator", PASSWORD, (SLUG,))
    config = PortalConfig(
        store=store,
        regions={SLUG: REGION_PATH},
        secret=SECRET,
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
    links = invitation_links(region, 5, store, SECRET, base, dt.datetime.now(dt.UTC), 7)
    yield {
        "base": base,
        "store": store,
        "accounts": accounts,
        "link": next(link.url for link in links if link.opd == "Dinas Kesehatan"),
    }
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


def _shot(page, name: str) -> None:
    if os.environ.get("BIMTEK_SCREENSHOTS") != "1":
        return
    for label, size in (("ponsel", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"portal-monev-{name}-{label}.png"), full_page=True)


def _low_contrast(page) -> list[dict]:
    return [item for item in page.evaluate(CONTRAST_SCRIPT) if item["ratio"] < 4.5]


def test_coordinator_finds_monev_semesters_runs_and_reports(portal, browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{portal['base']}/masuk")
    assert _low_contrast(page) == []
    page.fill("#nama", COORDINATOR)
    page.fill("#kata_sandi", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{portal['base']}/hasil/{SLUG}")
    card = page.locator("#monev")
    assert "Semester II 2027" in card.inner_text() and "Semester I 2027" in card.inner_text()
    assert "Belum ada hasil" not in card.inner_text()
    assert card.locator(f"a[href='/hasil/{SLUG}/monev/2027-S2/{S2_RUN}']").count() == 1
    assert _low_contrast(page) == [], "the header and the cards must meet WCAG AA"
    _shot(page, "wilayah")

    page.goto(f"{portal['base']}/hasil/{SLUG}/tahap-5")  # the old address leads to the semesters
    assert page.url.endswith(f"/hasil/{SLUG}/monev")
    assert [row.inner_text().split("\t")[0] for row in page.locator("tbody tr").all()] == [
        "Semester II 2027 2027-S2",
        "Semester I 2027 2027-S1",
    ]
    assert _low_contrast(page) == []
    _shot(page, "semester")

    page.click("text=Semester II 2027")
    runs = page.locator("ul.list li")
    assert runs.count() == 2
    assert "menunggu persetujuan" in runs.nth(0).inner_text() and "terkini" in runs.nth(1).inner_text()
    page.click(f"text={S2_RUN}")
    assert "terkini" in page.locator("h1").inner_text()
    with context.expect_page() as opened:
        page.click("a[href$='buku/laporan-monev.html']")
    report = opened.value
    report.wait_for_load_state()
    assert "Laporan Monev Semester II 2027" in report.inner_text("h1")
    report.close()
    assert _low_contrast(page) == []
    _shot(page, "run")

    page.goto(f"{portal['base']}/hasil/{SLUG}/monev/2027-S2/{S2_WAITING}")
    assert "belum menjadi terkini" in page.inner_text("#perlu-perbaikan")
    page.click("text=Jadikan terkini")
    assert "terkini" in page.locator("h1").inner_text()
    assert read_latest(portal["store"], SLUG, "monev/2027-S2")["run_id"] == S2_WAITING
    entries = portal["accounts"].audit(20)
    assert any(e.action == "jadikan terkini" and S2_WAITING in e.detail for e in entries)
    assert any(e.action == "buka berkas" and e.detail.endswith("laporan-monev.html") for e in entries)

    page.goto(f"{portal['base']}/audit")
    assert "jadikan terkini" in page.inner_text("table")
    assert _low_contrast(page) == []
    assert page.goto(f"{portal['base']}/hasil/{SLUG}/monev/2027-S3").status == 404
    assert page.goto(f"{portal['base']}/hasil/{SLUG}/monev/2027-s1").status == 404
    context.close()


def test_opd_monev_link_names_the_semester_and_gives_its_plan(portal, browser):
    region = load_region(REGION_PATH)
    today = dt.datetime.now(ZoneInfo(region.timezone)).date()
    expected = link_semester(region, today)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, accept_downloads=True)
    page = context.new_page()
    page.goto(portal["link"])
    heading = page.inner_text("h1")
    assert heading == f"Unggah realisasi monev {expected.semester.label}"
    notice = page.inner_text("#semester-monev")
    assert str(expected.semester) in notice
    if expected.deadline is not None:
        assert f"{expected.deadline.day} " in notice and str(expected.deadline.year) in notice
    assert _low_contrast(page) == []
    _shot(page, "opd")

    with page.expect_download() as download:
        page.click("a[href$='/templat']")
    name = download.value.suggested_filename
    assert name == f"realisasi-{expected.semester}-dinas-kesehatan.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = workbook["Realisasi Program"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows() if any(cell.value for cell in row)]
    programs = [row for row in rows if "Dinas Kesehatan" in row]
    assert {row[1] for row in programs} >= {"Telemedisin Puskesmas", "Rekam Medis Elektronik"}
    assert all(str(expected.semester) in row for row in programs)
    assert not any("Portal Wisata" in row for row in rows), "another OPD's programs are not in this workbook"
    guide = " ".join(
        str(cell.value) for row in workbook["Petunjuk"].iter_rows(max_row=10) for cell in row if cell.value
    )
    if expected.deadline is not None:  # the semester's own deadline, not "ikuti jadwal dari Tim Pelaksana"
        assert f"Batas pengiriman: {tanggal(expected.deadline)}" in guide
        assert f"Batas pengiriman: {tanggal(expected.deadline)}" in str(sheet.cell(2, 1).value)
    context.close()


def test_link_semester_follows_the_calendar():
    region = load_region(REGION_PATH)  # monev-s1 2027-07-15, monev-s2 2028-01-15
    assert link_semester(region, dt.date(2026, 12, 7)).semester == Semester(2027, 1)
    assert link_semester(region, dt.date(2027, 7, 15)).deadline == dt.date(2027, 7, 15)
    after_s1 = link_semester(region, dt.date(2027, 7, 16))
    assert (after_s1.semester, after_s1.deadline) == (Semester(2027, 2), dt.date(2028, 1, 15))
    late = link_semester(region, dt.date(2028, 3, 1))  # no deadline ahead: the semester that ended last
    assert (late.semester, late.deadline) == (Semester(2027, 2), dt.date(2028, 1, 15))
    assert link_semester(region, dt.date(2028, 9, 1)) == link_semester(region, dt.date(2028, 9, 1))
    assert link_semester(region, dt.date(2028, 9, 1)).semester == Semester(2028, 1)
