"""Named accounts, throttled logins, server-side sessions, the audit log, the upload worker pool, the check cache on
disk, Indonesian error pages, and the Prefect API auth that `bimtek server` configures (FastAPI's TestClient)."""

from __future__ import annotations

import datetime as dt
import getpass
import threading

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from portal.accounts import AccountError, AccountStore
from portal.app import PortalConfig, create_app
from portal.checks import CheckCache, CheckQueue
from portal.security import SESSION_COOKIE
from portal.submissions import InboxStatus
from portal.throttle import LoginThrottle
from tests.test_portal import (
    ACCOUNT,
    BAD_ROW,
    GOOD_ROW,
    HEADER,
    PASSWORD,
    REGION_PATH,
    SECRET,
    csrf_of,
    invite_url,
    login,
    portal_settings,
    region,  # noqa: F401 - fixture
    store,  # noqa: F401 - fixture
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_client(location, folder, **options) -> tuple[TestClient, PortalConfig]:
    accounts = AccountStore(folder / "portal.sqlite3")
    if accounts.get(ACCOUNT) is None:
        accounts.create(ACCOUNT, "koordinator", PASSWORD, ("padang-pariaman",))
    settings = options.pop("settings", None) or portal_settings(str(location.root), upload_max_bytes=2000)
    config = PortalConfig(
        store=location,
        regions={"padang-pariaman": REGION_PATH},
        secret=SECRET,
        accounts=accounts,
        settings=settings,
        **options,
    )
    return TestClient(create_app(config), base_url="http://portal.test"), config


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def portal(store, tmp_path, clock):  # noqa: F811
    return make_client(store, tmp_path, throttle=LoginThrottle(5, 900, 60, clock=clock))


def try_login(client: TestClient, name: str, password: str):
    token = csrf_of(client, "/masuk")
    return client.post("/masuk", data={"nama": name, "kata_sandi": password, "csrf": token}, follow_redirects=False)


# --------------------------------------------------------------------------------------------- accounts, sessions


def test_thirty_wrong_passwords_are_throttled_per_account_and_per_address(portal, clock):
    client, config = portal
    codes = [try_login(client, ACCOUNT, f"salah-{n}").status_code for n in range(30)]
    assert codes[:4] == [401] * 4 and set(codes[4:]) == {429}
    locked = try_login(client, ACCOUNT, PASSWORD)  # even the right password waits out the lock
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.text and "Tunggu 1 menit" in locked.text
    assert locked.headers["Retry-After"] == "60"
    other = try_login(client, "akun-lain", "salah")  # same address, another name: the address is locked too
    assert other.status_code == 429
    clock.now += 61
    assert try_login(client, ACCOUNT, PASSWORD).status_code == 303
    actions = [entry.action for entry in config.accounts.audit(100)]
    assert actions.count("masuk gagal") == 5 and "masuk ditahan" in actions and actions[0] == "masuk"


def test_lock_doubles_when_guessing_goes_on(clock):
    throttle = LoginThrottle(3, 900, 60, clock=clock)
    assert [throttle.failed("akun:x") for _ in range(3)] == [0, 0, 60]
    clock.now += 60
    assert throttle.wait("akun:x") == 0
    assert [throttle.failed("akun:x") for _ in range(3)] == [0, 0, 120]
    throttle.succeeded("akun:x")
    assert throttle.wait("akun:x") == 0


def test_logout_ends_the_session_on_the_server(portal):
    client, config = portal
    login(client)
    cookie = client.cookies.get(SESSION_COOKIE)
    assert client.get("/hasil").status_code == 200
    client.post("/keluar", data={"csrf": client.cookies.get("bimtek_csrf")}, follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, cookie)  # replay the old cookie
    response = client.get("/hasil", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/masuk")
    assert [e.action for e in config.accounts.audit(3)][:2] == ["keluar", "masuk"]


def test_password_change_ends_every_session_and_disabling_locks_out(store, tmp_path):  # noqa: F811
    first, config = make_client(store, tmp_path)
    second, _ = make_client(store, tmp_path)
    login(first)
    login(second)
    token = csrf_of(first, "/akun/sandi")
    short = first.post(
        "/akun/sandi", data={"sandi_lama": PASSWORD, "sandi_baru": "pendek", "sandi_ulang": "pendek", "csrf": token}
    )
    assert short.status_code == 400 and "minimal 12 karakter" in short.text
    new = "kata-sandi-baru-yang-panjang"  # pragma: allowlist secret
    changed = first.post(
        "/akun/sandi",
        data={"sandi_lama": PASSWORD, "sandi_baru": new, "sandi_ulang": new, "csrf": token},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert second.get("/hasil", follow_redirects=False).status_code == 303  # the other device's session ended
    assert try_login(second, ACCOUNT, PASSWORD).status_code == 401
    login(second, password=new)
    config.accounts.set_active(ACCOUNT, False)
    assert second.get("/hasil", follow_redirects=False).status_code == 303
    assert try_login(second, ACCOUNT, new).status_code == 401


def test_roles_scope_regions_and_the_audit_log(store, tmp_path):  # noqa: F811
    client, config = make_client(store, tmp_path)
    config.accounts.create("dewi", "koordinator", PASSWORD, ("kota-lain",))
    config.accounts.create("tutor", "peninjau", PASSWORD)
    login(client, "dewi")
    assert "Padang Pariaman" not in client.get("/hasil").text
    assert client.get("/hasil/padang-pariaman").status_code == 404
    assert client.get("/berkas/padang-pariaman/tahap-3/20261201T010000Z/roadmap/roadmap.xlsx").status_code == 404
    assert client.get("/audit").status_code == 200
    reviewer, _ = make_client(store, tmp_path)
    login(reviewer, "tutor")
    assert reviewer.get("/hasil/padang-pariaman").status_code == 200
    refused = reviewer.get("/audit")
    assert refused.status_code == 403 and "hanya untuk admin dan koordinator" in refused.text


def test_a_coordinator_reads_only_the_audit_lines_of_its_regions(store, tmp_path):  # noqa: F811
    """N-M1: a coordinator's /audit holds its own lines and those of its regions; another region's coordinator's
    logins and file views, and account changes, are the admin's only; a mistyped name is not written down."""
    ani, config = make_client(store, tmp_path)
    for name, role, regions in (
        ("dewi", "koordinator", ("kota-lain",)),
        ("root", "admin", ()),
        ("semua", "koordinator", ()),
    ):
        config.accounts.create(name, role, PASSWORD, regions)
    config.accounts.log("cli", "buat akun", "dewi")
    login(ani)
    assert ani.get("/berkas/padang-pariaman/tahap-3/20261201T010000Z/roadmap/roadmap.xlsx").status_code == 200
    dewi, _ = make_client(store, tmp_path)
    assert try_login(dewi, "sandi-salah-di-kolom-nama", "x").status_code == 401
    login(dewi, "dewi")

    def lines(client) -> str:
        page = client.get("/audit")
        assert page.status_code == 200
        return page.text

    seen_by_dewi = lines(dewi)
    assert "dewi" in seen_by_dewi and "masuk" in seen_by_dewi
    assert "roadmap.xlsx" not in seen_by_dewi and f'<td data-label="Akun">{ACCOUNT}</td>' not in seen_by_dewi
    assert "buat akun" not in seen_by_dewi
    seen_by_ani = lines(ani)
    assert "padang-pariaman/tahap-3/20261201T010000Z/roadmap/roadmap.xlsx" in seen_by_ani
    assert '<td data-label="Akun">dewi</td>' not in seen_by_ani and "buat akun" not in seen_by_ani
    everyone, _ = make_client(store, tmp_path)
    login(everyone, "semua")  # koordinator of every region: every region's lines, still no one else's logins
    seen_by_all = lines(everyone)
    assert "roadmap.xlsx" in seen_by_all and '<td data-label="Akun">dewi</td>' not in seen_by_all
    admin, _ = make_client(store, tmp_path)
    login(admin, "root")
    seen_by_admin = lines(admin)
    assert "roadmap.xlsx" in seen_by_admin and '<td data-label="Akun">dewi</td>' in seen_by_admin
    assert "buat akun" in seen_by_admin and "(nama tidak dikenal)" in seen_by_admin
    assert "sandi-salah-di-kolom-nama" not in seen_by_admin


def test_audit_file_of_an_earlier_version_gains_the_region_column(tmp_path):
    import sqlite3

    path = tmp_path / "lama.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "create table audit (id integer primary key autoincrement, waktu text not null, nama text not null, "
            "aksi text not null, rincian text not null default '', alamat text not null default '')"
        )
        db.execute("insert into audit (waktu, nama, aksi) values ('2026-12-01T00:00:00+00:00', 'lama', 'masuk')")
    accounts = AccountStore(path)
    accounts.log("baru", "buka berkas", "padang-pariaman/x", region="padang-pariaman")
    reader = accounts.create("ani", "koordinator", PASSWORD, ("padang-pariaman",))
    assert [e.name for e in accounts.audit(reader=reader)] == ["baru"]
    assert [e.name for e in accounts.audit()] == ["baru", "lama"]


def test_account_store_rules(tmp_path):
    accounts = AccountStore(tmp_path / "a.sqlite3")
    strong = "kopi-durian-lembah-9"  # pragma: allowlist secret
    accounts.create("admin.satu", "admin", strong)
    with pytest.raises(AccountError, match="sudah ada"):
        accounts.create("admin.satu", "admin", strong)
    with pytest.raises(AccountError, match="Peran"):
        accounts.create("x1", "raja", strong)
    with pytest.raises(AccountError, match="Nama akun"):
        accounts.create("Nama Besar", "admin", strong)
    stored = (tmp_path / "a.sqlite3").read_bytes()
    assert strong.encode() not in stored and b"$argon2id$" in stored
    assert (tmp_path / "a.sqlite3").stat().st_mode & 0o077 == 0
    assert accounts.verify("admin.satu", strong).role == "admin"
    assert accounts.verify("tidak-ada", strong) is None


@pytest.mark.parametrize("weak", ["password1234", "aaaaaaaaaaaa", "qwertyuiop123", "budi.santoso1", "123456789012"])
def test_common_and_guessable_passwords_are_refused(tmp_path, weak):
    """ASVS 2.1.7: zxcvbn below BIMTEK_PASSWORD_MIN_SCORE refuses the password, on creation and on change, in
    Indonesian; the account name itself counts as a guessable word."""
    accounts = AccountStore(tmp_path / "a.sqlite3")
    with pytest.raises(AccountError, match="terlalu mudah ditebak"):
        accounts.create("budi.santoso", "koordinator", weak)
    assert accounts.get("budi.santoso") is None
    accounts.create("budi.santoso", "koordinator", "kopi-durian-lembah-9")
    with pytest.raises(AccountError, match="terlalu mudah ditebak"):
        accounts.set_password("budi.santoso", weak)
    assert accounts.verify("budi.santoso", "kopi-durian-lembah-9") is not None


def test_password_minimum_score_is_a_setting(tmp_path, monkeypatch):
    from bimtek.core.settings import get_settings

    accounts = AccountStore(tmp_path / "a.sqlite3")
    monkeypatch.setenv("BIMTEK_PASSWORD_MIN_SCORE", "0")
    get_settings.cache_clear()
    try:
        accounts.create("lama", "peninjau", "password1234")
    finally:
        monkeypatch.delenv("BIMTEK_PASSWORD_MIN_SCORE")
        get_settings.cache_clear()
    with pytest.raises(AccountError, match="terlalu mudah ditebak"):
        accounts.set_password("lama", "password1234")


def test_password_page_refuses_a_common_password(portal):
    client, config = portal
    login(client)
    token = csrf_of(client, "/akun/sandi")
    refused = client.post(
        "/akun/sandi",
        data={"sandi_lama": PASSWORD, "sandi_baru": "password1234", "sandi_ulang": "password1234", "csrf": token},
    )
    assert refused.status_code == 400 and "terlalu mudah ditebak" in refused.text
    assert config.accounts.verify(ACCOUNT, PASSWORD) is not None


def test_akun_command_creates_changes_and_disables(tmp_path, monkeypatch):
    from bimtek.core.settings import get_settings
    from cli.main import app

    monkeypatch.setenv("BIMTEK_PORTAL_DATA", str(tmp_path / "data"))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        made = runner.invoke(
            app, ["akun", "buat", "budi", "--peran", "peninjau", "--sandi-stdin"], input="sandi-budi-panjang\n"
        )
        assert made.exit_code == 0, made.output
        short = runner.invoke(app, ["akun", "sandi", "budi", "--sandi-stdin"], input="pendek\n")
        assert short.exit_code == 2 and "minimal 12 karakter" in short.output
        assert runner.invoke(app, ["akun", "nonaktif", "budi"]).exit_code == 0
        listed = runner.invoke(app, ["akun", "daftar"])
        assert "budi" in listed.output and "peninjau" in listed.output and "tidak" in listed.output
        assert "Kelola akun koordinator" in runner.invoke(app, ["akun", "--help"]).output
    finally:
        get_settings.cache_clear()
    accounts = AccountStore(tmp_path / "data" / "portal.sqlite3")
    assert accounts.get("budi").active is False
    assert [e.action for e in accounts.audit()] == ["nonaktifkan akun", "buat akun"]
    assert {e.name for e in accounts.audit()} == {f"cli:{getpass.getuser()}"}  # who ran the command (N-L3)


# --------------------------------------------------------------------------------------------- uploads, status


def test_upload_check_runs_in_the_pool_with_a_progress_page(store, tmp_path, region):  # noqa: F811
    release = threading.Event()
    gate = CheckQueue(1, 1)
    blocker = gate.submit("x", "penghalang", release.wait, 30)
    client, _ = make_client(
        store, tmp_path, checks=gate, settings=portal_settings(str(store.root), upload_wait_seconds=0.2)
    )
    url = invite_url(region, store)
    token = csrf_of(client, url)
    data = {"csrf": token}
    full = client.post(url, data=data, files={"berkas": ("a.csv", (HEADER + GOOD_ROW).encode(), "text/csv")})
    assert full.status_code == 503 and "Antrean pemeriksaan penuh" in full.text
    release.set()
    blocker.future.result(timeout=10)
    gate.max_pending = 2
    release.clear()
    second = gate.submit("x", "penghalang", release.wait, 30)  # the upload waits behind this one
    moved = client.post(
        url, data=data, files={"berkas": ("b.csv", (HEADER + BAD_ROW).encode(), "text/csv")}, follow_redirects=False
    )
    assert moved.status_code == 303 and "/periksa/" in moved.headers["location"]
    waiting = client.get(moved.headers["location"])
    assert 'http-equiv="refresh"' in waiting.text and "Menunggu giliran: 1 berkas" in waiting.text
    release.set()
    second.future.result(timeout=10)
    [job] = [j for j in gate._jobs.values() if j.name == "b.csv"]
    job.future.result(timeout=30)
    done = client.get(moved.headers["location"])
    assert "1 dari 1 baris ditolak" in done.text and "refresh" not in done.text
    assert client.get(moved.headers["location"].replace("/periksa/", "/periksa/x")).status_code == 404


def test_status_after_a_restart_reads_the_check_cache(store, tmp_path, region, monkeypatch):  # noqa: F811
    import portal.submissions as submissions

    folder = tmp_path / "cek"
    client, _ = make_client(store, tmp_path, status=InboxStatus(CheckCache(folder)))
    url = invite_url(region, store)
    client.post(
        url,
        data={"csrf": csrf_of(client, url)},
        files={"berkas": ("a.csv", (HEADER + GOOD_ROW).encode(), "text/csv")},
    )
    assert len(list(folder.glob("*.pickle"))) == 1
    monkeypatch.setattr(submissions, "validate_file", lambda *args: pytest.fail("validated again after restart"))
    restarted, _ = make_client(store, tmp_path, status=InboxStatus(CheckCache(folder)))
    login(restarted)
    assert "lengkap: 1" in restarted.get("/status/padang-pariaman/tahap-3").text


def test_unreadable_file_is_not_zero_of_zero(portal, store, region):  # noqa: F811
    client, _ = portal
    url = invite_url(region, store)
    page = client.post(
        url, data={"csrf": csrf_of(client, url)}, files={"berkas": ("rusak.xlsx", b"bukan excel", "application/x")}
    )
    assert "0 dari 0" not in page.text and "tidak ada baris yang dapat dibaca" in page.text


# --------------------------------------------------------------------------------------------- error pages


def test_error_pages_are_indonesian_html(portal):
    client, _ = portal
    missing = client.get("/tidak-ada")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "Halaman tidak ditemukan" in missing.text and "Not Found" not in missing.text
    wrong_method = client.get("/keluar")
    assert wrong_method.status_code == 405 and "metode HTTP tidak diizinkan" in wrong_method.text
    assert client.get("/favicon.ico").status_code == 204
    big = client.post("/unggah/x", content=b"x" * 200_000, headers={"content-type": "application/octet-stream"})
    assert big.status_code == 413 and "Berkas terlalu besar" in big.text and 'href="/unggah/x"' in big.text
    incomplete = client.post("/masuk", data={"csrf": csrf_of(client, "/masuk")})
    assert incomplete.status_code in (401, 422) and "{" not in incomplete.text.split("<main>")[1][:200]


# --------------------------------------------------------------------------------------------- Prefect API auth


def test_server_puts_the_prefect_api_behind_its_auth_string():
    from cli.ops import AUTH_ENV, PREFECT_AUTH_VARIABLES, auth_problem, server_env

    env = server_env("127.0.0.1", 4200, None, base={AUTH_ENV: "bimtek:sandi-prefect-panjang"})
    assert [env[name] for name in PREFECT_AUTH_VARIABLES] == ["bimtek:sandi-prefect-panjang"] * 2
    assert not set(PREFECT_AUTH_VARIABLES) & set(server_env("127.0.0.1", 4200, None, base={}))
    assert "tanpa autentikasi" in auth_problem("0.0.0.0", None)
    assert auth_problem("127.0.0.1", None) is None
    assert "minimal 12" in auth_problem("0.0.0.0", "bimtek:pendek")
    assert auth_problem("0.0.0.0", "bimtek:sandi-prefect-panjang") is None


def test_status_never_validates_in_the_request_a_file_checks_it_in_the_background(store, tmp_path, region):  # noqa: F811
    import time

    from bimtek.ingest.inbox import inbox_prefix, upload_key

    client, config = make_client(store, tmp_path)
    earlier = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)  # not a fresh upload: nobody else is checking it
    key = f"{inbox_prefix(region.slug, 3)}/{upload_key('dinas-kesehatan', 'a.csv', earlier)}"
    store.write_bytes(key, (HEADER + GOOD_ROW).encode())
    login(client)
    first = client.get("/status/padang-pariaman/tahap-3").text
    assert "1 berkas baru sedang diperiksa" in first and "lengkap: 0" in first
    deadline = time.monotonic() + 30
    while "sedang diperiksa" in (page := client.get("/status/padang-pariaman/tahap-3").text):
        assert time.monotonic() < deadline, "the background check never finished"
        time.sleep(0.2)
    assert "lengkap: 1" in page


def test_a_run_over_the_rejection_threshold_shows_perlu_perbaikan_and_whom_to_chase(store, tmp_path, region):  # noqa: F811
    import json

    from bimtek.store.package import publish_run

    report = {
        "region": "padang-pariaman",
        "rows_total": 10,
        "rows_valid": 6,
        "rows_rejected": 4,
        "rejections": [
            {"path": "dinas-kesehatan/20261201T080000Z-a.csv", "rule": "sumber_dana"},
            {"path": "usulan-lepas.xlsx", "rule": "anggaran"},
        ],
    }
    outputs = {"validation/report.json": json.dumps(report).encode()}
    publish_run(store, region.slug, 3, "20261202T010000Z", outputs, [], dt.datetime.now(dt.UTC), "test")
    client, _ = make_client(store, tmp_path)
    login(client)
    page = client.get("/hasil/padang-pariaman/tahap-3/20261202T010000Z").text
    assert "Perlu perbaikan" in page and "4 dari 10 baris (40%) ditolak, di atas batas 20%" in page
    assert "<li>Dinas Kesehatan</li>" in page and "<li>usulan-lepas.xlsx</li>" in page
    assert "tercatat sebagai terkini walau perlu perbaikan" in page
    stage = client.get("/hasil/padang-pariaman/tahap-3").text
    assert stage.count("Perlu perbaikan") == 1  # the two earlier runs have no report: no verdict invented
    assert "Perlu perbaikan" not in client.get("/hasil/padang-pariaman/tahap-3/20261201T010000Z").text


def test_check_processes_run_at_a_lower_priority_than_the_pages():
    import os

    queue = CheckQueue(1, 4, processes=True, nice=7)
    try:
        job = queue.submit("token", "nice", os.nice, 0)  # os.nice(0) returns the process's niceness
        assert job.future.result(timeout=120) == min(os.nice(0) + 7, 19)
    finally:
        queue.shutdown()
