"""A simulated December week: many regions' stage runs dispatched at once to a Prefect work pool.

    uv run --no-sync python bench/bench_december.py --regions 6 --workers 3 --stages 3,4 --out bench/results/december.json

Self-contained: writes a synthetic cohort (`bimtek synth`), creates a fresh PostgreSQL database
(`--database`, default bimtek_national_bench on 127.0.0.1:5432, user postgres, trust), starts `prefect server start`
on a free port against it, creates a process work pool, deploys the stage flows from this clone (no deployment
concurrency limit: the dispatcher's limits are the ones measured), starts `--workers` process workers
(`prefect worker start --limit 1`), then dispatches every region's `--stages` through flows/dispatch.py with
`--parallel` regions at once (default: the number of workers) and waits for all of them. Everything it started is
stopped and the database dropped at the end.

Measured: wall of the dispatch, throughput (runs per minute), queue wait per run (submitted by the dispatcher ->
started on a worker), final states (failures), and the peak RSS of every worker's process tree (the worker and the
flow-run subprocess it starts), sampled every 0.5 s. Load average before and after. PDF/DOCX are off unless
`--formats pdf,docx`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POOL = "bench-nasional"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)


class TreeSampler(threading.Thread):
    """Peak RSS (MiB) of each root process and its children, sampled every 0.5 s."""

    def __init__(self, pids: dict[str, int]):
        super().__init__(daemon=True)
        self.pids, self.peak = pids, dict.fromkeys(pids, 0.0)
        self.peak_child = dict.fromkeys(pids, 0.0)
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.stop.wait(0.5):
            for name, pid in self.pids.items():
                try:
                    root = psutil.Process(pid)
                    children = root.children(recursive=True)
                    rss = [root.memory_info().rss] + [c.memory_info().rss for c in children]
                except psutil.Error:
                    continue
                self.peak[name] = max(self.peak[name], sum(rss) / 2**20)
                self.peak_child[name] = max(self.peak_child[name], max(rss[1:], default=0) / 2**20)


def wait_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("Prefect server exited")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"Prefect server not healthy within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regions", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=0, help="regions at once (default: --workers)")
    parser.add_argument("--stages", default="3,4")
    parser.add_argument("--formats", default="")
    parser.add_argument("--database", default="bimtek_national_bench")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    stages = [int(s) for s in args.stages.split(",")]
    parallel = args.parallel or args.workers
    work = Path(tempfile.mkdtemp(prefix="bimtek-december-"))
    cohort, store = work / "cohort", work / "store"
    result: dict = {"regions": args.regions, "workers": args.workers, "parallel": parallel, "stages": stages}
    result["load_before"] = load()
    subprocess.run(
        [str(BIN / "bimtek"), "synth", "--regions", str(args.regions), "--seed", "12", "--out", str(cohort)],
        check=True,
        capture_output=True,
    )
    psql(f"DROP DATABASE IF EXISTS {args.database}")
    psql(f"CREATE DATABASE {args.database}")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_") or key == "PREFECT_HOME"}
    env.update(
        PREFECT_HOME=str(work / "prefect-home"),
        PREFECT_SERVER_DATABASE_CONNECTION_URL=f"postgresql+asyncpg://postgres@127.0.0.1:5432/{args.database}",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_ENABLED="false",
    )
    processes: list[subprocess.Popen] = []
    log = (work / "server.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    processes.append(server)
    try:
        started = time.monotonic()
        wait_healthy(api, server, 900)
        result["server_start_s"] = round(time.monotonic() - started, 1)
        client_env = {
            **env,
            "PREFECT_API_URL": api,
            "BIMTEK_REGIONS": str(cohort),
            "BIMTEK_DOCUMENT_FORMATS": args.formats,
            "BIMTEK_CACHE": "off",
            "BIMTEK_STORE": str(store),
            # The synthetic inboxes carry deliberate mistakes; a run over the rejection threshold still becomes
            # terkini here, so each region's Tahap IV finds its Tahap III (no coordinator accepts runs in a bench).
            "BIMTEK_ACCEPT_NEEDS_FIX": "true",
        }
        os.environ.update(client_env)
        subprocess.run(
            [str(BIN / "prefect"), "work-pool", "create", POOL, "--type", "process"],
            env=client_env,
            check=True,
            capture_output=True,
        )
        sys.path.insert(0, str(ROOT))
        deploy(stages)
        workers = {}
        for i in range(args.workers):
            worker_log = (work / f"worker-{i}.log").open("wb")
            worker = subprocess.Popen(
                [str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--limit", "1", "--name", f"w{i}"],
                env=client_env,
                cwd=ROOT,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
            processes.append(worker)
            workers[f"w{i}"] = worker.pid
        sampler = TreeSampler(workers)
        sampler.start()
        from flows.dispatch import dispatch_regions, summary

        regions = [
            {"slug": path.parent.name, "region": str(path), "inputs": str(path.parent / "inputs")}
            for path in sorted(cohort.glob("*/region.yaml"))
        ]
        started = time.monotonic()
        runs = dispatch_regions(regions, stages, str(store), parallel, deployment="tahap-{stage}/bench-tahap-{stage}")
        wall = time.monotonic() - started
        sampler.stop.set()
        sampler.join()
        outcome = summary(runs)
        waits = [r["queue_wait_s"] for r in outcome["runs"] if r["queue_wait_s"] is not None]
        durations = [r["ended_s"] - r["started_s"] for r in outcome["runs"] if r["started_s"] is not None]
        result.update(
            dispatch_wall_s=round(wall, 1),
            runs=len(runs),
            states=outcome["states"],
            failures=len(runs) - outcome["states"].get("COMPLETED", 0),
            throughput_runs_per_min=round(len(runs) / wall * 60, 2),
            queue_wait_s={
                "median": round(statistics.median(waits), 1) if waits else None,
                "max": round(max(waits), 1) if waits else None,
            },
            run_s={"median": round(statistics.median(durations), 1) if durations else None},
            peak_rss_per_worker_tree_mib={k: round(v) for k, v in sampler.peak.items()},
            peak_rss_per_flow_run_mib={k: round(v) for k, v in sampler.peak_child.items()},
            published={s: len(list(store.glob(f"*/tahap-{s}/latest.json"))) for s in stages},
            per_run=outcome["runs"],
        )
    finally:
        for process in reversed(processes):
            stop(process)
        result["load_after"] = load()
        try:
            psql(f"DROP DATABASE IF EXISTS {args.database}")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(work, ignore_errors=True)
    print_summary(result)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def deploy(stages: list[int]) -> None:
    """`bench-tahap-N` deployments of the stage flows from this clone, on the bench pool, without a concurrency
    limit (prefect.yaml's deployments allow one run at a time)."""
    from prefect import flow

    for stage in stages:
        source = flow.from_source(source=str(ROOT), entrypoint=f"flows/tahap_{stage}.py:tahap_{stage}")
        source.deploy(name=f"bench-tahap-{stage}", work_pool_name=POOL, print_next_steps=False)


def print_summary(result: dict) -> None:
    print(f"December week: {result['regions']} regions x tahap {result['stages']}, {result['workers']} workers")
    for key in (
        "load_before",
        "load_after",
        "server_start_s",
        "dispatch_wall_s",
        "runs",
        "states",
        "failures",
        "throughput_runs_per_min",
        "queue_wait_s",
        "run_s",
        "peak_rss_per_worker_tree_mib",
        "peak_rss_per_flow_run_mib",
        "published",
    ):
        print(f"  {key:<32} {result.get(key)}")


if __name__ == "__main__":
    main()
