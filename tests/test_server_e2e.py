"""End to end, the way coordinators run bimtek: a real Prefect server on PostgreSQL, the work pool, `prefect deploy
--all` from the repo, the sample region's calendar schedules, a process worker, the portal, and two runs of the
tahap-3 deployment for the same region that must queue instead of overlapping: one through the API, one from the
Prefect UI's run form in Debian's chromium (Playwright), whose Buku 2 link is then opened through the portal with a
named coordinator account. The API is behind the basic-auth string `bimtek server` derives from BIMTEK_PREFECT_AUTH:
a call without it is refused.

Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres; CI starts it): the test creates a fresh database and
drops it afterwards. Fails, with the reason, when PostgreSQL cannot be reached. Every process it starts is in its
own process group and is stopped (with all descendants) at the end; the test asserts none is left.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bimtek.analysis.schedules import schedules_for_region
from bimtek.core.paths import PROJECT_ROOT
from bimtek.core.region import load_region
from cli.ops import AUTH_ENV, PREFECT_AUTH_VARIABLES, server_env, start_group
from tests.processes import Stack, free_port

pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]

SAMPLE_REGION = "sample/padang-pariaman/region.yaml"
SAMPLE_INPUTS = "sample/padang-pariaman/inputs/tahap-3"
TODAY = "2026-06-01"  # before the sample calendar: every window is applied, whatever the real date
RUN_TIMEOUT = 420  # both runs, queued one after the other; generous for a loaded 2-CPU CI machine
INBOX_FILES = 8
"""A slice of the sample inbox keeps two full tahap-3 runs short; the aggregates still list all six dimensions."""
WIB = ZoneInfo("Asia/Jakarta")
CHROMIUM = "/usr/bin/chromium"
PORTAL_ACCOUNT, PORTAL_PASSWORD = "koordinator-e2e", "sandi-e2e-panjang"  # pragma: allowlist secret
PREFECT_AUTH = "bimtek:e2e-prefect-sandi"  # pragma: allowlist secret


def _small_inbox(target: Path) -> Path:
    """A copy of a few sample program files (CSV and XLSX) in a folder every local worker can read."""
    import shutil

    source = PROJECT_ROOT / SAMPLE_INPUTS
    files = sorted(p for p in source.iterdir() if p.name.startswith("usulan-program-"))
    picked = [p for p in files if p.suffix == ".csv"][: INBOX_FILES // 2]
    picked += [p for p in files if p.suffix == ".xlsx"][: INBOX_FILES - len(picked)]
    assert picked, f"no sample program files in {source}"
    target.mkdir(parents=True)
    for path in picked:
        shutil.copy2(path, target / path.name)
    return target


def _run_deployments(store: Path, inbox: Path, ui: str, auth: str) -> list:
    """Run e2e-1 through the API, then e2e-2 the way a coordinator does: the deployment's run form in the UI."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    first = run_deployment(
        "tahap-3/tahap-3", parameters={"inputs": str(inbox), "store": str(store), "run_id": "e2e-1"}, timeout=0
    )
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("tahap-3/tahap-3")
    values = {"inputs": str(inbox), "store": str(store), "run_id": "e2e-2"}
    in_browser(_run_from_the_ui_form, f"{ui}/deployments/deployment/{deployment.id}/run", values, auth)
    return [first.id, _run_created_with(deployment.id, "e2e-2")]


def _run_created_with(deployment_id, run_id: str, timeout: float = 30) -> uuid.UUID:
    """The flow run of a deployment whose run_id parameter is `run_id` (the UI form shows no run page to read)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
            )
            found = [r for r in runs if r.parameters.get("run_id") == run_id]
            if found or time.monotonic() > deadline:
                assert found, f"no flow run with run_id={run_id}: {[r.parameters for r in runs]}"
                return found[0].id
            time.sleep(1)


def _run_from_the_ui_form(browser, form_url: str, values: dict[str, str], auth: str) -> None:
    """Open Deployments -> tahap-3 -> Run (custom run form), keep the region chosen, fill the fields, submit.

    The UI asks once for the API's auth string and keeps it (base64) in localStorage; the page starts with it."""
    import base64

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    encoded = base64.b64encode(auth.encode()).decode()
    page.add_init_script(f"window.localStorage.setItem('prefect-password', '{encoded}')")
    try:
        page.goto(form_url)
        page.get_by_text("Region (kabupaten/kota) terdaftar; pilih dari daftar.").wait_for(timeout=60_000)
        assert page.get_by_role("button", name="padang-pariaman").is_visible()  # the region list, default chosen
        for title in ("Wilayah", "Kotak masuk", "Tempat hasil", "Nama run"):  # Indonesian field titles
            assert page.get_by_text(title).first.is_visible(), (title, page.locator("body").inner_text()[:1500])
        fields = page.locator("textarea")  # one per text parameter, in signature order: inputs, store, run_id
        assert fields.count() == len(values), page.content()[:2000]
        for position, value in enumerate(values.values()):
            fields.nth(position).fill(value)
        page.get_by_role("button", name="Submit").click()
        page.wait_for_url(form_url.removesuffix("/run") + "*", timeout=60_000)  # back on the deployment page
    finally:
        page.close()


def _open_buku_2_from_the_artifact(browser, link: str, portal: str, account: str, password: str) -> str:
    """Log in to the portal, then follow the run's Buku 2 link as a coordinator would; return the page text."""
    page = browser.new_page()
    try:
        page.goto(f"{portal}/masuk")
        page.fill("#nama", account)
        page.fill("#kata_sandi", password)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{portal}/hasil")
        page.goto(link)
        return page.locator("body").inner_text()
    finally:
        page.close()


def _refused_runs() -> dict[str, str]:
    """Create runs with a wrong region and a wrong stage: the server must refuse both (enforce_parameter_schema)."""
    from prefect.deployments import run_deployment

    outcome = {}
    for label, deployment, parameters in (
        ("region", "tahap-3/tahap-3", {"region": "kab-tidak-terdaftar"}),
        ("stage", "validasi-inbox/validasi-inbox", {"stage": 7}),
    ):
        try:
            run = run_deployment(deployment, parameters=parameters, timeout=0)
            outcome[label] = f"accepted as {run.name}"
        except Exception as exc:  # noqa: BLE001 - the refusal is what the test wants to see
            outcome[label] = "refused" if "validation" in str(exc).lower() else f"{type(exc).__name__}: {exc}"
    return outcome


async def _wait(run_ids, timeout: float):
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout
    async with get_client() as client:
        while True:
            runs = [await client.read_flow_run(run_id) for run_id in run_ids]
            if all(r.state and r.state.is_final() for r in runs):
                return runs
            if time.monotonic() > deadline:
                return runs
            await asyncio.sleep(2)


async def _server_view(run_ids):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )

    async with get_client() as client:
        artifacts = await client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=list(run_ids)))
        )
        deployments = {d.name: d for d in await client.read_deployments()}
        schedules = {name: await client.read_deployment_schedules(d.id) for name, d in deployments.items()}
        logs = await client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=list(run_ids))))
        history = {run_id: [s.name for s in await client.read_flow_run_states(run_id)] for run_id in run_ids}
        pool = await client.read_work_pool("bimtek-process")
    return artifacts, deployments, schedules, logs, pool, history


def _api_status(url: str, path: str, auth: str | None) -> int:
    """HTTP status of a POST to the Prefect API (a read of flows or of blocks), with or without the auth string."""
    import base64

    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    request = urllib.request.Request(f"{url}{path}", data=b"{}", headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def in_browser(action, *args):
    """Run `action(browser, *args)` with Debian's chromium, in a thread of its own: Playwright's sync API keeps an
    event loop running in its thread, and this test also calls asyncio.run (Prefect client)."""
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)"

    def drive():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                return action(browser, *args)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(drive).result(timeout=180)


def test_coordinator_setup_end_to_end(tmp_path, database_url):
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

    from portal.serve import portal_command

    started = time.monotonic()
    port, portal_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}/api"
    portal = f"http://127.0.0.1:{portal_port}"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_PROFILES_PATH": str(tmp_path / "profiles.toml"),
        "PREFECT_API_URL": url,
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": database_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_ENABLED": "true",
        "BIMTEK_PORTAL_SECRET": "e2e-" + "s" * 40,  # pragma: allowlist secret
        "BIMTEK_PORTAL_DATA": str(tmp_path / "portal-data"),
        "BIMTEK_PORTAL_URL": portal,
        # schedules are applied, but the scheduler must not add runs of its own while the test counts runs
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "3",
        "PREFECT_WORKER_QUERY_SECONDS": "2",
        "PREFECT_WORKER_PREFETCH_SECONDS": "5",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "DO_NOT_TRACK": "1",
    }
    env.pop("BIMTEK_HOME", None)  # the pull step must find the clone by itself
    # the auth variables exactly as `bimtek server` derives them from its secret
    derived = server_env("127.0.0.1", port, None, base={AUTH_ENV: PREFECT_AUTH})
    env.update({name: derived[name] for name in PREFECT_AUTH_VARIABLES})
    client_settings = {PREFECT_API_URL: url, PREFECT_API_AUTH_STRING: PREFECT_AUTH}
    store = tmp_path / "store"
    env["BIMTEK_STORE"] = str(store)  # the portal serves this store; the runs are given it as a parameter too
    stack = Stack(tmp_path, env)
    leftovers: list[str] = []
    phases: dict[str, float] = {}
    try:
        stack.start_server(port, timeout=180)

        py = sys.executable
        phases["server"] = round(time.monotonic() - started, 1)
        # -- the API refuses a call without the auth string (flows and Secret blocks alike); health stays open
        assert _api_status(url, "/flows/filter", None) == 401
        assert _api_status(url, "/block_documents/filter", None) == 401
        assert _api_status(url, "/block_documents/filter", "bimtek:salah") == 401
        assert _api_status(url, "/flows/filter", PREFECT_AUTH) == 200
        stack.run(
            "akun", [py, "-m", "cli.main", "akun", "buat", PORTAL_ACCOUNT, "--sandi-stdin"], stdin=PORTAL_PASSWORD
        )
        with temporary_settings(updates=client_settings):
            from cli.deploy import ensure_work_pool

            assert asyncio.run(ensure_work_pool("bimtek-process")) is True  # what `bimtek server` does
        # the worker boots while the deployments are created
        stack.start("worker", ["worker", "start", "--pool", "bimtek-process", "--name", "e2e-worker"])
        stack.run("deploy", [py, "-m", "prefect", "--no-prompt", "deploy", "--all"])
        phases["deploy"] = round(time.monotonic() - started, 1)

        portal_env = {k: v for k, v in env.items() if k not in PREFECT_AUTH_VARIABLES}
        stack.groups.append(start_group(portal_command("127.0.0.1", portal_port), portal_env, tmp_path / "portal.log"))
        with temporary_settings(updates=client_settings):
            run_ids = _run_deployments(store, _small_inbox(tmp_path / "inbox"), url.removesuffix("/api"), PREFECT_AUTH)
            # the coordinator's schedules command runs while the worker works through the two runs
            applying = stack.spawn(
                "schedules",
                [py, "-m", "cli.main", "schedules", "--region", SAMPLE_REGION, "--apply", "--today", TODAY],
            )
            final = asyncio.run(_wait(run_ids, RUN_TIMEOUT))
            phases["runs"] = round(time.monotonic() - started, 1)
            applied = stack.finish("schedules", applying, timeout=120)
            stack.remember_descendants()
            artifacts, deployments, schedules, logs, pool, history = asyncio.run(_server_view(run_ids))
            refused = _refused_runs()
        assert "created" in applied, applied
        assert refused == {"region": "refused", "stage": "refused"}, refused

        states = [
            (r.name, r.state.type.value if r.state else None, r.state.message if r.state else None) for r in final
        ]
        run_logs = "\n".join(f"{log.flow_run_id} {log.message}" for log in logs)[-6000:]
        assert all(r.state and r.state.is_completed() for r in final), (
            f"runs did not complete within {RUN_TIMEOUT} s: {states}\n--- flow run logs ---\n{run_logs}\n{stack.logs()}"
        )

        # -- the second run waited for the first (deployment concurrency limit 1, ENQUEUE)
        first, second = sorted(final, key=lambda r: r.start_time)
        assert second.start_time >= first.end_time, (
            f"runs overlapped: {first.name} {first.start_time}..{first.end_time}, "
            f"{second.name} {second.start_time}..{second.end_time}"
        )
        assert "AwaitingConcurrencySlot" in history[second.id], f"second run never queued: {history[second.id]}"
        tahap_3 = deployments["tahap-3"]
        assert tahap_3.global_concurrency_limit is not None and tahap_3.global_concurrency_limit.limit == 1
        assert tahap_3.concurrency_options.collision_strategy.value == "ENQUEUE"
        assert tahap_3.enforce_parameter_schema is True
        # -- the run form: registered regions as a list, Indonesian descriptions, no "str | None" fields
        properties = tahap_3.parameter_openapi_schema["properties"]
        choices = properties["region"]["enum"]
        assert "padang-pariaman" in choices and len(choices) == len(set(choices)), properties["region"]
        assert not any(choice.endswith(".yaml") for choice in choices), choices  # each region once, by slug
        assert properties["inputs"]["description"].startswith("Kotak masuk berkas OPD"), properties["inputs"]
        assert all("anyOf" not in field for field in properties.values()), properties
        assert deployments["validasi-inbox"].parameter_openapi_schema["properties"]["stage"]["maximum"] == 5
        assert pool.type == "process"
        assert tahap_3.work_pool_name == "bimtek-process"

        # -- artifacts of both runs, with the documented keys and contents
        region = load_region(PROJECT_ROOT / SAMPLE_REGION)
        for run in final:
            own = {a.key: a for a in artifacts if a.flow_run_id == run.id and a.key}
            summary_key, figures_key = f"{region.slug}-tahap-3-ringkasan", f"{region.slug}-tahap-3-per-dimensi"
            opd_key, link_key = f"{region.slug}-tahap-3-status-opd", f"{region.slug}-tahap-3-tautan-laporan-validasi"
            assert {summary_key, figures_key, opd_key, link_key} <= set(own), f"{run.name}: keys {sorted(own)}"
            assert own[link_key].type == "markdown"  # Prefect stores a link artifact as Markdown "[text](url)"
            assert "report.json" in own[link_key].data
            opd_rows = own[opd_key].data
            opd_rows = json.loads(opd_rows) if isinstance(opd_rows, str) else opd_rows
            assert any(row["Status"] == "belum mengirim" for row in opd_rows), "8 files cannot cover 33 listed OPD"
            assert own[summary_key].type == "markdown"
            assert "Padang Pariaman" in own[summary_key].data
            figures = own[figures_key].data
            figures = json.loads(figures) if isinstance(figures, str) else figures
            assert len(figures) == 6, f"per-dimensi table should have six rows (one per dimension): {figures}"
        for n in (1, 2):
            assert (store / region.slug / "tahap-3" / f"e2e-{n}" / "manifest.json").is_file()

        # -- the run started from the UI form: its Buku 2 link opens in the browser, through the portal
        ui_run = next(r for r in final if r.id == run_ids[1])
        assert ui_run.parameters["run_id"] == "e2e-2" and ui_run.parameters["region"] == "padang-pariaman"
        assert re.fullmatch(r"padang-pariaman-tahap-3-\d{8}T\d{4}-[0-9a-f]{6}", ui_run.name), ui_run.name
        own = {a.key: a for a in artifacts if a.flow_run_id == ui_run.id and a.key}
        buku_2 = own[f"{region.slug}-tahap-3-tautan-buku-2-masterplan-html"].data
        link = re.search(r"https?://[^\s)\]]+", buku_2).group(0)
        assert link == f"{portal}/berkas/{region.slug}/tahap-3/e2e-2/buku/buku-2-masterplan.html", buku_2
        text = in_browser(_open_buku_2_from_the_artifact, link, portal, PORTAL_ACCOUNT, PORTAL_PASSWORD)
        assert "BUKU 2 MASTERPLAN SMART CITY" in text.upper(), text[:500]

        # -- the calendar's schedules, in Asia/Jakarta, on the deployments that exist
        expected = {
            s.slug: s
            for s in schedules_for_region(region, today=dt.date.fromisoformat(TODAY), region_path=SAMPLE_REGION)
            if s.deployment in deployments
        }
        on_server = {s.slug: (name, s) for name, items in schedules.items() for s in items}
        assert set(expected) <= set(on_server), f"missing schedules: {sorted(set(expected) - set(on_server))}"
        assert len([s for s in expected.values() if s.deployment == "validasi-inbox"]) == 6  # Tahap I-IV, 2 monev
        for slug, spec in expected.items():
            name, schedule = on_server[slug]
            assert name == spec.deployment
            assert schedule.schedule.timezone == "Asia/Jakarta"
            assert schedule.active
            assert schedule.parameters == spec.parameters
            first_run = next(iter(schedule.schedule.to_rrule()))
            assert first_run == spec.dates()[0], f"{slug}: first run {first_run} != {spec.dates()[0]}"
        draft = on_server[f"bimtek:{region.slug}:draf-tahap-3"][1]
        dates = list(draft.schedule.to_rrule())
        assert dates[0].date() == region.calendar["tahap-3"]
        assert dates[-1].date() == region.calendar["tahap-4"] - dt.timedelta(days=1)
        assert all(d.astimezone(WIB).time() == dt.time(22, 0) for d in dates)
    finally:
        leftovers = stack.stop()
        elapsed = time.monotonic() - started
        print(f"server e2e: {elapsed:.1f} s (cumulative phases: {phases})")
    assert not leftovers, f"processes left behind after teardown: {leftovers}"
