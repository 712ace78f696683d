"""Region stage runs dispatched to a work pool (flows/dispatch.py, used by `nasional --books`).

End to end, started the way operators start it: `prefect server start` on PostgreSQL on a free port, the process
work pool `bimtek-process`, the `tahap-3` and `tahap-4` deployments of prefect.yaml deployed from this checkout
(`prefect deploy -n ...`), one `prefect worker start --limit 1`, then the dispatcher over three synthetic regions
(`bimtek synth`, Tahap III inbox cut to a few files, PDF/DOCX off): one with its inputs, one without (its Tahap III
fails on the worker), one the deployments do not list (the server refuses its run). The global limit
`bimtek-daerah-serentak` is set to 1 slot on the server beforehand while the dispatcher has 2 threads, so what
keeps the runs apart is the server's limit, as it is for several dispatchers sharing one server.

The chain logic itself (order, a failure ends only its region, the thread bound, times taken inside the slots)
is also tested without a server, with `run_deployment` and the concurrency slots faked.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sys
import threading
import time
import types
from pathlib import Path

import pytest

from bimtek.store.acceptance import AWAITING
from flows.dispatch import GLOBAL_LIMIT, DispatchedRun, region_limit
from flows.outcomes import NEEDS_FIX_STATE

STAGES = [3, 4]
TAHAP_3_FILES = (
    "usulan-program-dinas-perdagangan.csv",
    "usulan-program-dpmn.csv",
    "usulan-program-bkd.xlsx",
    "narasi-tim-pelaksana.xlsx",
)
"""A few files of the synthetic Tahap III inbox: two short runs still draft the roadmap Tahap IV needs."""


def most_at_once(runs: list[DispatchedRun]) -> int:
    """The most runs the dispatcher had out at the same time (submitted -> ended)."""
    events = sorted([(r.submitted_s, 1) for r in runs] + [(r.ended_s, -1) for r in runs], key=lambda e: (e[0], e[1]))
    out = most = 0
    for _, step in events:
        out += step
        most = max(most, out)
    return most


# ------------------------------------------------------------------------------------ chain logic, no server


class FakePool:
    """`run_deployment` and `concurrency` of flows.dispatch, faked: `global_slots` slots for the global limit
    (released a moment before the context exits, as a client returns after the server freed the slot), run
    outcomes by region slug ("gagal": Failed, "ditolak": refused at creation, else Completed)."""

    def __init__(self, global_slots: int):
        self.slots = threading.Semaphore(global_slots)
        self.lock = threading.Lock()
        self.calls: list[tuple[str, dict, list[str]]] = []
        self.limit_names: list[list[str]] = []
        self.out = self.most_out = 0

    @contextlib.contextmanager
    def concurrency(self, names, occupy, strict):
        assert (occupy, strict) == (1, True)
        self.limit_names.append(list(names))
        self.slots.acquire()
        try:
            yield
        finally:
            self.slots.release()
            time.sleep(0.05)

    def run_deployment(self, name, parameters, tags, **options):
        slug = parameters["region"]
        with self.lock:
            self.calls.append((name, parameters, tags))
            self.out += 1
            self.most_out = max(self.most_out, self.out)
        try:
            if slug == "ditolak":
                raise RuntimeError("Validation failed for field 'region'")
            time.sleep(0.05)
            kind = "FAILED" if slug == "gagal" else "COMPLETED"
            state = types.SimpleNamespace(type=types.SimpleNamespace(value=kind), message=f"{kind} {slug}")
            return types.SimpleNamespace(id=f"{slug}-{name}", state=state, start_time=None)
        finally:
            with self.lock:
                self.out -= 1


def _dispatch_fake(monkeypatch, slugs: list[str], parallel: int, global_slots: int):
    import flows.dispatch as dispatch

    pool = FakePool(global_slots)
    monkeypatch.setattr(dispatch, "ensure_limits", lambda slugs, parallel: None)
    monkeypatch.setattr(dispatch, "concurrency", pool.concurrency)
    monkeypatch.setattr(dispatch, "run_deployment", pool.run_deployment)
    regions = [{"slug": s, "region": f"/kohort/{s}/region.yaml", "inputs": f"/kohort/{s}/inputs/"} for s in slugs]
    return dispatch.dispatch_regions(regions, STAGES, "/store", parallel), pool


def test_chains_keep_order_and_a_failure_ends_only_its_region(monkeypatch):
    runs, pool = _dispatch_fake(monkeypatch, ["baik", "gagal", "ditolak", "lain"], parallel=2, global_slots=2)

    assert [(r.region, r.stage, r.state) for r in runs] == [
        ("baik", 3, "COMPLETED"),
        ("baik", 4, "COMPLETED"),
        ("gagal", 3, "FAILED"),
        ("ditolak", 3, "FAILED"),
        ("lain", 3, "COMPLETED"),
        ("lain", 4, "COMPLETED"),
    ]
    refused = runs[3]
    assert refused.flow_run_id == "" and "Validation failed" in refused.message and refused.started_s is None
    for name, parameters, tags in pool.calls:
        slug = parameters["region"]
        stage = name.split("/")[1].removeprefix("tahap-")
        assert name == f"tahap-{stage}/tahap-{stage}"
        assert parameters == {
            "region": slug,
            "inputs": f"/kohort/{slug}/inputs/tahap-{stage}",
            "store": "/store",
        }
        assert tags == [f"daerah:{slug}", "nasional"]
    assert all(names == [GLOBAL_LIMIT, region_limit(names[1].removeprefix("daerah-"))] for names in pool.limit_names)
    for slug in ("baik", "lain"):
        third, fourth = (r for r in runs if r.region == slug)
        assert fourth.submitted_s >= third.ended_s
    assert pool.most_out == 2  # the thread bound: 4 regions, 2 at once


def test_recorded_times_never_overlap_under_a_one_slot_global_limit(monkeypatch):
    """Two threads, one global slot: a run's end is taken while its slot is held, so the next region's run is
    submitted after it (taken after the release, the next run could start first and the times would overlap)."""
    runs, pool = _dispatch_fake(monkeypatch, ["baik", "lain"], parallel=2, global_slots=1)

    assert [r.state for r in runs] == ["COMPLETED"] * 4
    assert pool.most_out == 1
    assert most_at_once(runs) == 1, [(r.region, r.stage, r.submitted_s, r.ended_s) for r in runs]


def test_limits_created_by_another_dispatcher_meanwhile_are_kept(monkeypatch):
    """Two dispatchers starting at once both find a limit missing; the second create is refused (409)."""
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    import flows.dispatch as dispatch

    created: list[tuple[str, int]] = []

    class Client:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read_global_concurrency_limit_by_name(self, name):
            raise ObjectNotFound(None)

        def create_global_concurrency_limit(self, limit):
            created.append((limit.name, limit.limit))
            if limit.name == GLOBAL_LIMIT:
                raise ObjectAlreadyExists(None)

    monkeypatch.setattr(dispatch, "get_client", lambda sync_client: Client())
    dispatch.ensure_limits(["baik"], parallel=3)
    assert created == [(GLOBAL_LIMIT, 3), (region_limit("baik"), 1)]


# ------------------------------------------------------------------------------- end to end, real processes


def _cohort(root: Path) -> tuple[Path, list[dict]]:
    """`bimtek synth` of two regions: the first with a short Tahap III inbox, the second without inputs; plus a
    third region outside the registered folder (no file: the server refuses its run before any worker reads it)."""
    from typer.testing import CliRunner

    from cli.main import app
    from tasks.national import list_cohort

    cohort = root / "kohort"
    result = CliRunner().invoke(app, ["synth", "--regions", "2", "--seed", "9", "--out", str(cohort)])
    assert result.exit_code == 0, result.output
    found = list_cohort.fn(str(cohort))
    inbox = Path(found[0]["inputs"]) / "tahap-3"
    for path in inbox.iterdir():
        if path.name not in TAHAP_3_FILES:
            path.unlink()
    shutil.rmtree(found[1]["inputs"])
    outside = root / "tidak-terdaftar" / "kota-tidak-terdaftar"
    outside.mkdir(parents=True)
    regions = [{"slug": Path(r["region"]).parent.name, "region": r["region"], "inputs": r["inputs"]} for r in found]
    regions.append({"slug": outside.name, "region": str(outside / "region.yaml"), "inputs": str(outside / "inputs")})
    return cohort, regions


async def _server_view(run_ids: list[str], slugs: list[str]):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags

    async with get_client() as client:
        runs = {str(r): await client.read_flow_run(r) for r in run_ids}
        deployments = {d.id: d.name for d in await client.read_deployments()}
        tagged = {
            slug: len(
                await client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[f"daerah:{slug}"]))
                )
            )
            for slug in slugs
        }
        limits = {
            name: await client.read_global_concurrency_limit_by_name(name)
            for name in [GLOBAL_LIMIT, *(region_limit(s) for s in slugs)]
        }
    return runs, deployments, tagged, limits


@pytest.mark.server
@pytest.mark.timeout(900)
def test_regions_dispatched_to_a_work_pool_end_to_end(tmp_path, database_url):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from cli.deploy import ensure_work_pool
    from cli.ops import WORK_POOL, server_env
    from flows.dispatch import dispatch_regions, summary
    from tests.processes import Stack, free_port

    started = time.monotonic()
    phases: dict[str, float] = {}
    cohort, regions = _cohort(tmp_path)
    good, empty, unlisted = (r["slug"] for r in regions)
    store = tmp_path / "store"
    port = free_port()
    env = server_env(
        "127.0.0.1",
        port,
        database_url,
        base={
            **os.environ,
            "PREFECT_HOME": str(tmp_path / "prefect-home"),
            "PREFECT_PROFILES_PATH": str(tmp_path / "profiles.toml"),
            "PREFECT_SERVER_UI_ENABLED": "false",
            "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
            "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "3",
            "PREFECT_WORKER_QUERY_SECONDS": "2",
            "PREFECT_WORKER_PREFETCH_SECONDS": "5",
            # the deployments' region list: the cohort added (not the third region); prefect.yaml's default stays
            "BIMTEK_REGIONS": f"{cohort},sample",
            "BIMTEK_STORE": str(store),
            "BIMTEK_DOCUMENT_FORMATS": "",
            "BIMTEK_CACHE": "off",
            "GX_ANALYTICS_ENABLED": "False",
        },
    )
    env.pop("BIMTEK_HOME", None)  # the pull step finds the clone by itself
    stack = Stack(tmp_path, env)
    leftovers: list[str] = []
    runs: list[DispatchedRun] = []
    try:
        stack.start_server(port)
        phases["server"] = round(time.monotonic() - started, 1)
        with temporary_settings(updates={PREFECT_API_URL: env["PREFECT_API_URL"]}):
            assert asyncio.run(ensure_work_pool(WORK_POOL)) is True
            stack.start("worker", ["worker", "start", "--pool", WORK_POOL, "--limit", "1", "--name", "w1"])
            stack.run(
                "deploy", [sys.executable, "-m", "prefect", "--no-prompt", "deploy", "-n", "tahap-3", "-n", "tahap-4"]
            )
            phases["deploy"] = round(time.monotonic() - started, 1)
            with get_client(sync_client=True) as client:  # as if another dispatcher, or the operator, set it
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=GLOBAL_LIMIT, limit=1))
            runs = dispatch_regions(regions, STAGES, str(store), parallel=2)
            phases["dispatch"] = round(time.monotonic() - started, 1)
            stack.remember_descendants()
            ids = [r.flow_run_id for r in runs if r.flow_run_id]
            server_runs, deployments, tagged, limits = asyncio.run(_server_view(ids, [good, empty, unlisted]))

        outcome = json.dumps(summary(runs), indent=1)
        # -- every region's chain: the good one published twice, the other two ended after their first stage
        chain = [(r.region, r.stage, r.state) for r in runs]
        if chain[1] == (good, 4, "FAILED"):  # "Perlu perbaikan" (not green): published, waiting for acceptance
            assert server_runs[runs[1].flow_run_id].state.name == NEEDS_FIX_STATE, outcome
            chain[1] = (good, 4, "COMPLETED")
        assert chain == [
            (good, 3, "COMPLETED"),
            (good, 4, "COMPLETED"),
            (empty, 3, "FAILED"),
            (unlisted, 3, "FAILED"),
        ], f"{outcome}\n{stack.logs()}"
        refused = runs[3]
        assert refused.flow_run_id == "" and refused.message, outcome
        failed = server_runs[runs[2].flow_run_id]
        assert failed.state.is_failed() and failed.state.message.startswith("Gagal"), failed.state
        assert tagged == {good: 2, empty: 1, unlisted: 0}  # no Tahap IV run of the region whose Tahap III failed
        for run in runs[:3]:
            child = server_runs[run.flow_run_id]
            assert {f"daerah:{run.region}", "nasional"} <= set(child.tags), child.tags
            assert deployments[child.deployment_id] == f"tahap-{run.stage}"
            assert child.parameters["region"] == run.region  # the region by slug, as the run form lists it
        # -- a region's Tahap IV was submitted (and started) only after its Tahap III had ended
        third, fourth = runs[0], runs[1]
        assert fourth.submitted_s >= third.ended_s, outcome
        assert server_runs[fourth.flow_run_id].start_time >= server_runs[third.flow_run_id].end_time
        # -- the server's 1-slot global limit held the 2 dispatcher threads to one run at a time
        assert most_at_once(runs) == 1, outcome
        assert limits[GLOBAL_LIMIT].limit == 1 and limits[GLOBAL_LIMIT].active_slots == 0
        assert all(limits[region_limit(s)].limit == 1 for s in (good, empty, unlisted))
        # -- published: both stages of the good region, nothing of the others
        for stage, run in ((3, third), (4, fourth)):
            folder = store / good / f"tahap-{stage}"
            published = [path for path in folder.iterdir() if (path / "manifest.json").is_file()]
            state = server_runs[run.flow_run_id].state
            assert len(published) == 1 and (state.is_completed() or state.name == NEEDS_FIX_STATE), (published, state)
            if state.name == NEEDS_FIX_STATE:  # published, "terkini" only once a coordinator accepts it
                manifest = json.loads((published[0] / "manifest.json").read_text())
                assert manifest["terkini"] == AWAITING and not (folder / "latest.json").exists()
            else:
                assert json.loads((folder / "latest.json").read_text())["run_id"] == published[0].name
        assert not (store / empty / "tahap-3" / "latest.json").exists()
        assert not (store / empty / "tahap-4").exists() and not (store / unlisted).exists()
    finally:
        leftovers = stack.stop()
        print(f"dispatch e2e: {time.monotonic() - started:.1f} s (cumulative phases: {phases})")
        for run in runs:  # the dispatch's own clock: submitted, started on the worker, ended
            print(f"  {run.region} tahap-{run.stage} {run.state} {run.submitted_s} {run.started_s} {run.ended_s}")
    assert not leftovers, f"processes left behind after teardown: {leftovers}"
