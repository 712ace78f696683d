"""The national roll-up at scale: 514 regions from published runs, N vs 2N regions from inputs, plain pandas.

    uv run --no-sync python bench/bench_national.py --published 514 --inputs 8 --workers 2 \
        --out bench/results/national.json

Self-contained: starts its own `prefect server start` (SQLite in a temporary folder, so the flow and every Dask
worker talk to one server instead of each starting a temporary one), then
1. `--published R`: R region files (names and provinces as `bimtek synth` draws them) with hand-made published
   Tahap I-IV runs each (report.json per stage, a roadmap of 40-90 programs, commitment status of 20 OPD, written
   with `publish_run`, so manifests and sha256 are real), and the `nasional` flow reading all of them from the store
   on a local Dask cluster of `--workers` processes, then drafting the national document, table and chart;
2. `--inputs N`: a `bimtek synth` cohort of 2N regions; the flow recomputes N regions, then 2N, from their inputs
   (every stage validated); the ratio 2N/N and the wall per recomputed region;
3. the plain-pandas national path (bench/plain_national.py) over the same 2N regions.
Every figure: wall s, the peak RSS of each Dask worker process (sampled every 0.5 s) and of this process; load
average before and after each step. Summary printed; JSON with `--out`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
BIN = Path(sys.executable).parent

from bench_december import free_port, load, stop, wait_healthy  # noqa: E402


class WorkerSampler(threading.Thread):
    """Peak RSS (MiB) of every descendant process of this one except `skip`, by pid, every 0.5 s."""

    def __init__(self, skip: set[int]):
        super().__init__(daemon=True)
        self.skip, self.peak = skip, {}
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self.stop.wait(0.5):
            for child in me.children(recursive=True):
                if child.pid in self.skip or any(p.pid in self.skip for p in child.parents()):
                    continue
                try:
                    rss = child.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                self.peak[child.pid] = max(self.peak.get(child.pid, 0.0), rss)


def timed(label: str, fn, skip: set[int]) -> tuple[object, dict]:
    sampler = WorkerSampler(skip)
    before = load()
    sampler.start()
    started = time.monotonic()
    result = fn()
    wall = time.monotonic() - started
    sampler.stop.set()
    sampler.join()
    workers = sorted(round(v) for v in sampler.peak.values() if v > 50)
    figures = {
        "wall_s": round(wall, 1),
        "peak_rss_per_worker_mib": workers,
        "peak_rss_flow_process_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_before": before,
        "load_after": load(),
    }
    print(f"{label:<44} {figures}", flush=True)
    return result, figures


def write_published(cohort: Path, store: Path, regions: int, seed: int = 21) -> None:
    """`regions` region files and hand-made published Tahap I-IV runs of each (see the module docstring)."""
    from datetime import UTC, datetime

    import pandas as pd
    import yaml

    from bimtek.core.paths import SAMPLE_DIR
    from bimtek.core.taxonomy import load_taxonomy
    from bimtek.core.vocabularies import SIGNED, UNSIGNED
    from bimtek.store.package import publish_run
    from bimtek.store.storage import open_location

    sys.path.insert(0, str(SAMPLE_DIR))
    from cohort import region_entry

    base = yaml.safe_load((SAMPLE_DIR / "padang-pariaman" / "region.yaml").read_text(encoding="utf-8"))
    codes = [d.code for d in load_taxonomy().dimensions]
    rng = random.Random(seed)
    location = open_location(str(store))
    when = datetime(2026, 12, 1, tzinfo=UTC)
    for index in range(1, regions + 1):
        entry = region_entry(index, rng)
        folder = cohort / entry["slug"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "region.yaml").write_text(
            yaml.safe_dump({**base, **entry, "synthetic": True}, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        programs = rng.randrange(40, 91)
        roadmap = pd.DataFrame(
            {
                "dimensi": [rng.choice(codes) for _ in range(programs)],
                "anggaran": [rng.randrange(50, 5000) * 1.0e6 for _ in range(programs)],
                "quick_win_candidate": [rng.random() < 0.1 for _ in range(programs)],
            }
        )
        status = pd.DataFrame(
            {"opd": [f"OPD {i}" for i in range(20)], "status": [SIGNED if rng.random() < 0.7 else UNSIGNED] * 20}
        )
        for stage in (1, 2, 3, 4):
            valid, rejected = rng.randrange(60, 200), rng.randrange(0, 12)
            report = {
                "region": entry["slug"],
                "rows_total": valid + rejected,
                "rows_valid": valid,
                "rows_rejected": rejected,
                "files": [{"path": "berkas.csv"}],
                "rejections": [],
            }
            outputs = {"validation/report.json": json.dumps(report).encode()}
            if stage == 3:
                outputs["roadmap/roadmap.csv"] = roadmap.to_csv(index=False).encode()
            if stage == 4:
                outputs["komitmen/status_komitmen.csv"] = status.to_csv(index=False).encode()
            publish_run(location, entry["slug"], stage, "terbit", outputs, [], when, "bench")


def subset(cohort: Path, out: Path, n: int) -> Path:
    """A cohort folder holding the first `n` regions of `cohort` (symbolic links)."""
    out.mkdir(parents=True, exist_ok=True)
    for folder in sorted(p.parent for p in cohort.glob("*/region.yaml"))[:n]:
        (out / folder.name).symlink_to(folder)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--published", type=int, default=514)
    parser.add_argument("--inputs", type=int, default=8, help="N: recompute N then 2N regions (0: skip)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bimtek-national-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(work / "prefect-home"), PREFECT_UI_ENABLED="false")
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=(work / "server.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    result: dict = {"workers": args.workers, "load_start": load()}
    try:
        wait_healthy(f"http://127.0.0.1:{port}/api", server, 900)
        os.environ.update(
            PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
            BIMTEK_DOCUMENT_FORMATS="",
            BIMTEK_CACHE="off",
            BIMTEK_DASK_WORKERS=str(args.workers),
        )
        os.environ.pop("BIMTEK_DASK_ADDRESS", None)
        from bimtek.core.environment import apply_quiet_defaults

        apply_quiet_defaults()
        from flows.nasional import nasional
        from flows.runners import dask_task_runner

        flow = nasional.with_options(task_runner=dask_task_runner())
        skip = {server.pid}
        if args.published:
            cohort, store = work / "published", work / "store-published"
            _, result["write_published"] = timed(
                f"write {args.published} published regions",
                lambda: write_published(cohort, store, args.published),
                skip,
            )
            run, result["published"] = timed(
                f"nasional, {args.published} regions from published runs",
                lambda: flow(cohort=str(cohort), store=str(store), run_id="terbit"),
                skip,
            )
            result["published"]["regions"], result["published"]["from_store"] = run["regions"], run["from_store"]
            document = store / "nasional" / "tahap-4" / "terbit" / "buku" / "ringkasan-nasional.md"
            result["published"]["document_lines"] = len(document.read_text(encoding="utf-8").splitlines())
        if args.inputs:
            n = args.inputs
            full = work / "synth"
            _, result["synth"] = timed(
                f"bimtek synth --regions {2 * n}",
                lambda: subprocess.run(
                    [str(BIN / "bimtek"), "synth", "--regions", str(2 * n), "--seed", "3", "--out", str(full)],
                    check=True,
                    capture_output=True,
                ),
                skip,
            )
            for count in (n, 2 * n):
                cohort = subset(full, work / f"cohort-{count}", count)
                _, result[f"inputs_{count}"] = timed(
                    f"nasional, {count} regions recomputed from inputs",
                    lambda cohort=cohort, count=count: flow(
                        cohort=str(cohort), store=str(work / f"store-{count}"), run_id="hitung", recompute=True
                    ),
                    skip,
                )
            import plain_national

            plain, result["plain_pandas"] = timed(
                f"plain pandas, {2 * n} regions", lambda: plain_national.run(full), skip
            )
            result["plain_pandas"]["regions"] = len(plain)
            wall_n, wall_2n = result[f"inputs_{n}"]["wall_s"], result[f"inputs_{2 * n}"]["wall_s"]
            result["ratio_2n_vs_n"] = round(wall_2n / wall_n, 2)
            result["wall_per_region_s"] = round(wall_2n / (2 * n), 2)
            result["marginal_wall_per_region_s"] = round((wall_2n - wall_n) / n, 2)
            result["flow_vs_plain_pandas"] = round(wall_2n / max(result["plain_pandas"]["wall_s"], 0.1), 1)
    finally:
        stop(server)
        result["load_end"] = load()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({k: v for k, v in result.items() if not isinstance(v, dict)}, indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
