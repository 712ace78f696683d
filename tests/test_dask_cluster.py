"""The national roll-up on a Dask cluster started the way operators start one: `dask scheduler --port P` and
`dask worker tcp://...` as separate processes, the flow finding the scheduler through `BIMTEK_DASK_ADDRESS`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from cli.ops import start_group, stop_group
from tests.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
REGIONS = 2
WORKERS = 2


def _start(args: list[str], log: Path, env: dict) -> subprocess.Popen:
    """One `dask` operator command in its own process group (so teardown reaches the worker's nanny children)."""
    return start_group([str(Path(sys.executable).parent / "dask"), *args], env, log, cwd=ROOT)


@pytest.fixture(scope="module")
def dask_cluster(prefect_harness, tmp_path_factory):
    """`dask scheduler` + `dask worker --nworkers 2` on free ports; yields the scheduler address."""
    from distributed import Client
    from prefect.settings import PREFECT_API_URL

    logs = tmp_path_factory.mktemp("dask-logs")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PREFECT_API_URL": PREFECT_API_URL.value() or "",
        "BIMTEK_DOCUMENT_FORMATS": "",
    }
    scheduler = _start(
        ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], logs / "scheduler.log", env
    )
    worker = None
    try:
        worker = _start(
            [
                "worker",
                address,
                "--nworkers",
                str(WORKERS),
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            logs / "worker.log",
            env,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(WORKERS, timeout=max(1, deadline - time.monotonic()))
                break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline or scheduler.poll() is not None or worker.poll() is not None:
                    raise RuntimeError(
                        (logs / "scheduler.log").read_text() + (logs / "worker.log").read_text()
                    ) from None
                time.sleep(1)
        yield address
    finally:
        if worker is not None:
            stop_group(worker)
        stop_group(scheduler)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    from typer.testing import CliRunner

    from cli.main import app

    out = tmp_path_factory.mktemp("cohort-dask")
    result = CliRunner().invoke(app, ["synth", "--regions", str(REGIONS), "--seed", "9", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_nasional_on_a_separate_scheduler_and_worker_processes(dask_cluster, cohort, tmp_path, monkeypatch):
    from distributed import Client

    from bimtek.core.settings import get_settings
    from flows.nasional import nasional
    from flows.runners import dask_task_runner
    from tasks.national import summarise_region

    monkeypatch.setenv("BIMTEK_DASK_ADDRESS", dask_cluster)
    get_settings.cache_clear()
    try:
        runner = dask_task_runner()
        assert runner.address == dask_cluster
        with Client(dask_cluster) as client:
            before = client.run_on_scheduler(_finished_prefixes)
        result = nasional.with_options(task_runner=runner)(
            cohort=str(cohort), store=str(tmp_path / "store"), run_id="dask-klaster", recompute=True
        )
        with Client(dask_cluster) as client:
            after = client.run_on_scheduler(_finished_prefixes)
            pids = set(client.run(os.getpid).values())
    finally:
        get_settings.cache_clear()

    assert result["regions"] == REGIONS and result["from_store"] == 0
    assert len(pids) == WORKERS and os.getpid() not in pids
    ran = {prefix: after.get(prefix, 0) - before.get(prefix, 0) for prefix in after}
    assert ran.get("summarise_region", 0) >= REGIONS, ran  # the regions ran on the scheduler's workers
    per_region = pd.read_csv(
        tmp_path / "store" / "nasional" / "tahap-4" / "dask-klaster" / "nasional" / "per_daerah.csv"
    ).set_index("slug")
    for region in sorted(cohort.glob("*/region.yaml")):
        here = summarise_region.fn(str(region), str(region.parent / "inputs"))
        row = per_region.loc[here.slug]
        assert (row["program"], row["baris_valid"], row["baris_ditolak"]) == (
            sum(here.programs.values()),
            here.rows_valid,
            here.rows_rejected,
        )
    assert per_region["program"].sum() == result["programs"] > 0


def _finished_prefixes(dask_scheduler) -> dict[str, int]:
    """Task prefix -> state transitions the scheduler counted for it (runs in the scheduler process)."""
    return {name: sum(prefix.state_counts.values()) for name, prefix in dask_scheduler.task_prefixes.items()}
