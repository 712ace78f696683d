"""The portal with FastAPI's TestClient: login, results, file serving, OPD links, uploads, live status, security."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.region import load_region, registered_regions
from bimtek.core.settings import Settings
from bimtek.ingest.inbox import (
    folder_opd,
    inbox_prefix,
    safe_file_name,
    upload_key,
    uploaded_at,
)
from bimtek.store.package import publish_run
from bimtek.store.storage import LocalLocation, portal_file_url
from portal.accounts import AccountStore
from portal.app import PortalConfig, create_app
from portal.invitations import invitation_links
from portal.security import CSRF_COOKIE
from portal.tokens import Invite, make_token, revoke

REGION_PATH = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
SECRET = "s" * 40
PASSWORD = "rahasia-koordinator"  # pragma: allowlist secret
ACCOUNT = "ani"
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
HEADER = "opd,dimensi,elemen,nama_program,anggaran,sumber_dana,tahun_mulai,tahun_selesai\n"
GOOD_ROW = "Dinas Kesehatan,living,health,Telemedisin Puskesmas,1500000000,APBD,2030,2031\n"
BAD_ROW = "Dinas Kesehatan,living,health,Rekam Medis Elektronik,1 M,Dana Aspirasi,2030,2031\n"


@pytest.fixture(scope="module")
def region():
    return load_region(REGION_PATH)


@pytest.fixture
def store(tmp_path: Path, region) -> LocalLocation:
    location = LocalLocation(tmp_path / "store")
    outputs = {
        "buku/buku-2-masterplan.html": b"<html><body><h1>Buku 2 Masterplan</h1></body></html>",
        "buku/buku-2-masterplan.pdf": b"%PDF-1.4 tiny",
        "roadmap/roadmap.xlsx": b"PK\x03\x04 workbook",
    }
    publish_run(location, region.slug, 3, "20261130T010000Z", outputs, [], NOW, "test")
    publish_run(location, region.slug, 3, "20261201T010000Z", outputs, [], NOW, "test")
    return location


def accounts_in(folder: Path) -> AccountStore:
    accounts = AccountStore(folder / "portal.sqlite3")
    accounts.create(ACCOUNT, "koordinator", PASSWORD, ("padang-pariaman",))
    return accounts


def portal_settings(store_url: str, **changes) -> Settings:
    """Thread pool in TestClient tests (no process start per test); tests/test_portal_browser.py runs the process pool."""
    defaults = {"upload_wait_seconds": 60, "upload_pool": "thread"}
    return Settings(store=store_url, portal_url="http://portal.test", **{**defaults, **changes})


@pytest.fixture
def client(store, tmp_path) -> TestClient:
    config = PortalConfig(
        store=store,
        regions={"padang-pariaman": REGION_PATH},
        secret=SECRET,
        accounts=accounts_in(tmp_path),
        settings=portal_settings(str(store.root), upload_max_bytes=2000),
    )
    return TestClient(create_app(config), base_url="http://portal.test")


def csrf_of(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code in (200, 400), page.text
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def login(client: TestClient, name: str = ACCOUNT, password: str = PASSWORD) -> None:
    token = csrf_of(client, "/masuk")
    response = client.post(
        "/masuk", data={"nama": name, "kata_sandi": password, "lanjut": "/hasil", "csrf": token}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/hasil"


def invite_url(region, store, stage: int = 3, opd: str = "Dinas Kesehatan", days: int = 7) -> str:
    links = invitation_links(region, stage, store, SECRET, "http://portal.test", dt.datetime.now(dt.UTC), days)
    url = next(link.url for link in links if link.opd == opd)
    return url.removeprefix("http://portal.test")


# --------------------------------------------------------------------------------------------- domain helpers


def test_inbox_keys_and_folder_attribution(region):
    key = upload_key("dinas-kesehatan", "../Usulan Dinkes (final).XLSX", NOW)
    assert key == "dinas-kesehatan/20261201T080000Z-usulan-dinkes-final.xlsx"
    assert uploaded_at(key) == NOW
    assert folder_opd(key, region) == "Dinas Kesehatan"
    assert folder_opd("usulan-dinkes.xlsx", region) is None
    assert folder_opd("orang-lain/x.csv", region) is None
    assert safe_file_name("..") == "berkas"
    assert inbox_prefix("padang-pariaman", 2) == "padang-pariaman/kotak-masuk/tahap-2"


def test_local_links_point_to_the_portal_never_file_urls(store):
    url = store.share_url("padang-pariaman/tahap-3/r 1/buku/buku 2.html", 60, "https://portal.example/")
    assert url == "https://portal.example/berkas/padang-pariaman/tahap-3/r%201/buku/buku%202.html"
    assert portal_file_url("http://x", "a/b.pdf") == "http://x/berkas/a/b.pdf"


def test_registered_regions_found_by_slug():
    assert registered_regions([SAMPLE_DIR]) == {"padang-pariaman": REGION_PATH}


# --------------------------------------------------------------------------------------------- login and results


def test_coordinator_pages_need_login(client):
    response = client.get("/hasil/padang-pariaman", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/masuk?lanjut=/hasil/padang-pariaman"
    assert (
        client.get(
            "/berkas/padang-pariaman/tahap-3/20261201T010000Z/roadmap/roadmap.xlsx", follow_redirects=False
        ).status_code
        == 303
    )


def test_login_refuses_wrong_password_missing_csrf_and_foreign_redirects(client):
    token = csrf_of(client, "/masuk")
    wrong = client.post("/masuk", data={"nama": ACCOUNT, "kata_sandi": "salah", "csrf": token})
    assert wrong.status_code == 401 and "Nama akun atau kata sandi salah" in wrong.text
    no_csrf = client.post("/masuk", data={"nama": ACCOUNT, "kata_sandi": PASSWORD})
    assert no_csrf.status_code == 403 and "Formulir kedaluwarsa" in no_csrf.text
    away = client.post(
        "/masuk",
        data={"nama": ACCOUNT, "kata_sandi": PASSWORD, "csrf": token, "lanjut": "//evil.example"},
        follow_redirects=False,
    )
    assert away.status_code == 303 and away.headers["location"] == "/hasil"


def test_results_region_stage_runs_files(client):
    login(client)
    assert "Kabupaten Padang Pariaman" in client.get("/hasil").text
    region_page = client.get("/hasil/padang-pariaman").text
    assert "/hasil/padang-pariaman/tahap-3/20261201T010000Z" in region_page
    runs = client.get("/hasil/padang-pariaman/tahap-3").text
    current = re.findall(r'>(\d{8}T\d{6}Z)</a>\s*(<span class="badge ok">terkini)?', runs)
    assert current == [("20261201T010000Z", '<span class="badge ok">terkini'), ("20261130T010000Z", "")]
    files = client.get("/hasil/padang-pariaman/tahap-3/20261130T010000Z").text
    assert "terkini" not in files
    assert 'href="/berkas/padang-pariaman/tahap-3/20261130T010000Z/buku/buku-2-masterplan.html"' in files
    assert "bundle.zip" in files
    assert "DRAFT" not in files


def test_run_page_lists_what_the_legal_documents_miss(client, store, region):
    gap = "Rancangan Peraturan Bupati: nama Sekretaris Daerah belum ada (isi: officials.secretary)"
    outputs = {"buku/rancangan-perbup.html": b"<html><body>Perbup</body></html>"}
    publish_run(store, region.slug, 4, "20261202T010000Z", outputs, [], NOW, "test", {"draft": [gap]})
    login(client)
    page = client.get("/hasil/padang-pariaman/tahap-4/20261202T010000Z").text
    assert "Dokumen hukum bertanda DRAFT" in page and gap in page


def test_files_open_inline_or_download_with_the_right_type(client):
    login(client)
    base = "/berkas/padang-pariaman/tahap-3/20261201T010000Z"
    html = client.get(f"{base}/buku/buku-2-masterplan.html")
    assert html.status_code == 200 and "Buku 2 Masterplan" in html.text
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert html.headers["content-disposition"].startswith("inline")
    pdf = client.get(f"{base}/buku/buku-2-masterplan.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.headers["content-disposition"].startswith("inline")
    xlsx = client.get(f"{base}/roadmap/roadmap.xlsx")
    assert xlsx.headers["content-disposition"].startswith("attachment")
    bundle = client.get(f"{base}/bundle.zip")
    assert bundle.status_code == 200 and bundle.content[:2] == b"PK"


@pytest.mark.parametrize(
    "path",
    [
        "/berkas/padang-pariaman/tahap-3/20261201T010000Z/../latest.json",
        "/berkas/padang-pariaman/tahap-3/20261201T010000Z/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/berkas/padang-pariaman/tahap-3/latest.json/x",
        "/berkas/padang-pariaman/tahap-9/20261201T010000Z/manifest.json",
        "/berkas/padang-pariaman/tahap-3/20261201T010000Z/buku/tidak-ada.html",
        "/berkas/..%2F..%2Fetc/tahap-3/x/passwd",
    ],
)
def test_no_request_path_reaches_a_file_outside_the_runs(client, path):
    login(client)
    assert client.get(path).status_code == 404


def test_symlink_out_of_the_store_is_refused(client, store, tmp_path):
    login(client)
    secret_file = tmp_path / "rahasia.txt"
    secret_file.write_text("rahasia")
    target = store.root / "padang-pariaman/tahap-3/20261201T010000Z/buku/buku-2-masterplan.pdf"
    target.unlink()
    target.symlink_to(secret_file)
    assert client.get("/berkas/padang-pariaman/tahap-3/20261201T010000Z/buku/buku-2-masterplan.pdf").status_code == 404


# --------------------------------------------------------------------------------------------- OPD links and uploads


def test_opd_uploads_a_file_with_a_mistake_and_sees_its_rejection(client, store, region):
    url = invite_url(region, store)
    page = client.get(url)
    assert page.status_code == 200 and "Dinas Kesehatan" in page.text
    template = client.get(f"{url}/templat")
    assert template.headers["content-disposition"] == 'attachment; filename="usulan-tahap-3-dinas-kesehatan.xlsx"'
    assert "Petunjuk" in load_workbook(io.BytesIO(template.content)).sheetnames
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    data = (HEADER + GOOD_ROW + BAD_ROW).encode()
    result = client.post(url, data={"csrf": token}, files={"berkas": ("usulan dinkes.csv", data, "text/csv")})
    assert result.status_code == 200
    assert "1 dari 2 baris ditolak" in result.text
    assert "Dana Aspirasi" in result.text and "sumber dana" in result.text.lower()
    again = client.post(url, data={"csrf": token}, files={"berkas": ("usulan dinkes.csv", data, "text/csv")})
    assert again.status_code == 200 and "tidak disimpan dua kali" in again.text
    saved = store.child("padang-pariaman/kotak-masuk/tahap-3").list()
    assert len(saved) == 1 and saved[0].startswith("dinas-kesehatan/") and saved[0].endswith("usulan-dinkes.csv")


def test_upload_limits_type_size_and_csrf(client, store, region):
    url = invite_url(region, store)
    token = csrf_of(client, url)
    wrong_type = client.post(url, data={"csrf": token}, files={"berkas": ("usulan.exe", b"MZ", "application/x")})
    assert wrong_type.status_code == 400 and "tidak diterima" in wrong_type.text
    too_big = client.post(url, data={"csrf": token}, files={"berkas": ("usulan.csv", b"x" * 2001, "text/csv")})
    assert too_big.status_code == 400 and "terlalu besar; batasnya 2 KB" in too_big.text and "(0" not in too_big.text
    huge = client.post(url, data={"csrf": token}, files={"berkas": ("usulan.csv", b"x" * 70_000, "text/csv")})
    assert huge.status_code == 413 and "terlalu besar" in huge.text
    no_csrf = client.post(url, files={"berkas": ("usulan.csv", HEADER.encode(), "text/csv")})
    assert no_csrf.status_code == 403
    client.cookies.delete(CSRF_COOKIE)
    forged = client.post(url, data={"csrf": "x"}, files={"berkas": ("usulan.csv", HEADER.encode(), "text/csv")})
    assert forged.status_code == 403
    assert store.child("padang-pariaman/kotak-masuk").list(missing_ok=True) == []


def test_links_are_scoped_expiring_revocable_and_unforgeable(client, store, region):
    expired = make_token(SECRET, Invite("padang-pariaman", 3, "dinas-kesehatan", 0, NOW - dt.timedelta(days=1)))
    assert "kedaluwarsa" in client.get(f"/unggah/{expired}").text
    forged = make_token("k" * 40, Invite("padang-pariaman", 3, "dinas-kesehatan", 0, NOW + dt.timedelta(days=900)))
    assert client.get(f"/unggah/{forged}").status_code == 403
    url = invite_url(region, store)
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert client.get(tampered).status_code == 403
    assert client.get(url).status_code == 200
    revoke(store, "padang-pariaman", 3, "dinas-kesehatan")
    revoked = client.get(url)
    assert revoked.status_code == 403 and "dicabut" in revoked.text
    assert client.get(invite_url(region, store)).status_code == 200
    other_stage = invite_url(region, store, stage=2)
    assert "Tahap 2" in client.get(other_stage).text
    # signed with the real key but naming no stage or an unsafe region: refused, never a 500 (browser QA L11)
    future = NOW + dt.timedelta(days=9)
    for invite in (
        Invite("padang-pariaman", 0, "dinas-kesehatan", 0, future),
        Invite("padang-pariaman", 9, "dinas-kesehatan", 0, future),
        Invite("../kab-lain", 3, "dinas-kesehatan", 0, future),
    ):
        token = make_token(SECRET, invite)
        for path in (f"/unggah/{token}", f"/unggah/{token}/templat"):
            answer = client.get(path)
            assert answer.status_code == 403 and "tidak sah" in answer.text, (invite, path)


def test_size_limits_are_written_the_indonesian_way():
    from portal.submissions import size_limit_text

    assert [size_limit_text(n) for n in (10 * 1_048_576, 2_621_440, 2000, 2048)] == ["10 MB", "2,5 MB", "2 KB", "2 KB"]


def test_status_changes_when_an_opd_uploads(client, store, region):
    login(client)
    before = client.get("/status/padang-pariaman/tahap-3").text
    assert "lengkap: 0" in before and f"belum mengirim: {len(region.opd)}" in before
    url = invite_url(region, store)
    token = csrf_of(client, url)
    client.post(url, data={"csrf": token}, files={"berkas": ("a.csv", (HEADER + BAD_ROW).encode(), "text/csv")})
    after = client.get("/status/padang-pariaman/tahap-3").text
    row = re.search(r"<tr>\s*<td data-label=\"OPD\">Dinas Kesehatan</td>(.*?)</tr>", after, re.DOTALL).group(1)
    assert "perlu perbaikan" in row and "WIB" in row
    assert "perlu perbaikan: 1" in after
    first = re.search(r"<tbody>\s*<tr>\s*<td data-label=\"OPD\">([^<]+)</td>", after).group(1)
    assert first == "Dinas Kesehatan", "the OPD that sent a file is listed before the 32 that sent none"


def test_security_headers_on_every_page(client):
    response = client.get("/masuk")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


# --------------------------------------------------------------------------------------------- CLI


def test_undangan_writes_one_link_per_opd_and_revokes(tmp_path, monkeypatch, region):
    from typer.testing import CliRunner

    from cli.main import app

    monkeypatch.setenv("BIMTEK_PORTAL_SECRET", SECRET)
    monkeypatch.setenv("BIMTEK_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("BIMTEK_PORTAL_URL", "https://portal.example")
    from bimtek.core.settings import get_settings

    get_settings.cache_clear()
    out = tmp_path / "undangan.xlsx"
    try:
        result = CliRunner().invoke(
            app, ["undangan", "--region", str(REGION_PATH), "--stage", "2", "--out", str(out), "--cabut", "Dinkes"]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    rows = [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]]
    assert [row[0] for row in rows] == region.opd_names
    assert all(row[1].startswith("https://portal.example/unggah/") for row in rows)
    assert len({row[1] for row in rows}) == len(rows)
    versions = (tmp_path / "store/padang-pariaman/undangan/tahap-2.json").read_text()
    assert '"dinas-kesehatan": 1' in versions


# --------------------------------------------------------------------------------------------- S3 store


@pytest.mark.s3
def test_s3_store_files_through_presigned_links_and_uploads_in_the_inbox(s3_bucket, region, tmp_path):
    import urllib.request

    from bimtek.store.storage import open_location

    store = open_location(f"s3://{s3_bucket}/hasil")
    publish_run(
        store, region.slug, 3, "20261201T010000Z", {"buku/buku-2-masterplan.html": b"<h1>Buku 2</h1>"}, [], NOW, "test"
    )
    config = PortalConfig(
        store=store,
        regions={"padang-pariaman": REGION_PATH},
        secret=SECRET,
        accounts=accounts_in(tmp_path),
        settings=portal_settings(store.url),
    )
    client = TestClient(create_app(config), base_url="http://portal.test")
    login(client)
    assert "terkini" in client.get("/hasil/padang-pariaman/tahap-3/20261201T010000Z").text
    moved = client.get(
        "/berkas/padang-pariaman/tahap-3/20261201T010000Z/buku/buku-2-masterplan.html", follow_redirects=False
    )
    assert moved.status_code == 303 and "X-Amz-Expires=900&" in moved.headers["location"]  # 15 minutes
    with urllib.request.urlopen(moved.headers["location"], timeout=30) as response:
        assert response.read() == b"<h1>Buku 2</h1>"
        assert response.headers["Content-Type"].startswith("text/html")
    url = invite_url(region, store)
    token = csrf_of(client, url)
    assert (
        client.post(
            url, data={"csrf": token}, files={"berkas": ("a.csv", (HEADER + GOOD_ROW).encode(), "text/csv")}
        ).status_code
        == 200
    )
    [key] = store.child("padang-pariaman/kotak-masuk/tahap-3").list()
    assert key.startswith("dinas-kesehatan/") and key.endswith("-a.csv")
    assert "lengkap: 1" in client.get("/status/padang-pariaman/tahap-3").text


def test_server_shows_deploy_output_without_the_repeated_worker_advice():
    from portal.serve import portal_command, without_deploy_noise

    output = "\n".join(
        [
            "Deployment 'tahap-3/tahap-3' successfully created",
            "To execute flow runs from these deployments, start a worker in a separate terminal that pulls work",
            "        $ prefect worker start --pool 'bimtek-process'",
        ]
        * 6
    )
    assert without_deploy_noise(output).splitlines() == ["Deployment 'tahap-3/tahap-3' successfully created"] * 6
    assert portal_command("0.0.0.0", 4300)[-7:-2] == ["--host", "0.0.0.0", "--port", "4300", "--no-access-log"]
    assert portal_command("0.0.0.0", 4300)[-2:] == ["--timeout-graceful-shutdown", "10"]


def test_status_reuses_the_check_made_at_upload(client, store, region, monkeypatch):
    import portal.submissions as submissions

    url = invite_url(region, store)
    token = csrf_of(client, url)
    client.post(url, data={"csrf": token}, files={"berkas": ("a.csv", (HEADER + GOOD_ROW).encode(), "text/csv")})
    monkeypatch.setattr(submissions, "validate_file", lambda *args: pytest.fail("validated again"))
    login(client)
    assert "lengkap: 1" in client.get("/status/padang-pariaman/tahap-3").text
