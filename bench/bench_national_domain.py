"""The national recompute's per-region work against the plain-pandas path, in one process and one time window.

    uv run bimtek synth --regions 3 --seed 7 --out /tmp/cohort
    uv run --no-sync python bench/bench_national_domain.py /tmp/cohort --repeat 2 [--profile]

Alternates `bench/plain_national.py` (`region_row` over the cohort) and the function each Dask task of the
`nasional` flow runs (`tasks.national.summarise_region`, without Prefect and Dask), so both see the same machine
load; prints both times, their ratio and the 1-minute load average per round. `--profile` prints the 30 most
expensive functions of the flow path by cumulative time (cProfile inflates many small calls, so read its shares
as a map, and time a fix without it).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cohort", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    import plain_national

    from tasks.national import summarise_region

    summarise = summarise_region.fn
    regions = sorted(args.cohort.glob("*/region.yaml"))
    summarise(str(regions[0]), str(regions[0].parent / "inputs"))  # imports and GX set-up outside the timing
    plain_national.region_row(regions[0].parent)
    for _ in range(args.repeat):
        started = time.perf_counter()
        for path in regions:
            plain_national.region_row(path.parent)
        plain = time.perf_counter() - started
        started = time.perf_counter()
        for path in regions:
            summarise(str(path), str(path.parent / "inputs"))
        flow = time.perf_counter() - started
        print(
            f"regions {len(regions)}  plain {plain:.2f} s  flow path {flow:.2f} s  ratio {flow / plain:.2f}x  "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for path in regions:
            summarise(str(path), str(path.parent / "inputs"))
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
