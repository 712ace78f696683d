"""The ministry's cockpit (`/nasional`) over a synthetic cohort: page time at N regions (default 514).

    uv run --no-sync python bench/bench_cockpit.py --regions 514 --out bench/results/cockpit-514.json

Writes N region files as `bimtek synth` does (sample/cohort.py `region_entry`: kind, APBD, a calendar shifted per
region; without the OPD input files, which the cockpit never reads), then publishes for each region what a real
run leaves for the cockpit (bimtek.store.cockpit: the newest summary per stage, a Tahap IV draft list, monev index
and trend for a part of them), and asks the portal for `/nasional` as a `pembina` account (FastAPI TestClient, in
process): the first request (the region index built from the YAML files, as after a portal start without its
index), then warm requests, and a filtered one. Reports times, page size and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

PASSWORD = "bench-pembina-1234"  # pragma: allowlist secret


def build(root: Path, regions: int, seed: int) -> dict[str, Path]:
    from bimtek.core.paths import SAMPLE_DIR
    from bimtek.store.cockpit import SUMMARY_KEY, run_summary, submission_part, write_pointer
    from bimtek.store.storage import LocalLocation

    sys.path.insert(0, str(SAMPLE_DIR))
    from cohort import region_entry

    base = yaml.safe_load((SAMPLE_DIR / "padang-pariaman" / "region.yaml").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    store = LocalLocation(root / "store")
    paths = {}
    for index in range(1, regions + 1):
        entry = region_entry(index, rng)
        path = root / "cohort" / entry["slug"] / "region.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump({**base, **entry, "synthetic": True}, allow_unicode=True), encoding="utf-8")
        paths[entry["slug"]] = path
        for stage in range(1, rng.randrange(0, 5) + 1):
            opd = {
                "lengkap": rng.randrange(5, 30),
                "perlu perbaikan": rng.randrange(0, 6),
                "belum mengirim": rng.randrange(0, 8),
            }
            outputs = {SUMMARY_KEY: submission_part(200, rng.randrange(0, 30), opd)}
            extra = {"draft": ["ibu kota"] if rng.random() < 0.4 else []} if stage == 4 else None
            summary = run_summary(
                outputs, f"tahap-{stage}", "20261201T000000Z", "2026-12-01T00:00:00+00:00", extra, rng.random() > 0.05
            )
            write_pointer(store, entry["slug"], summary)
            if stage == 4 and rng.random() < 0.5:
                first, second = round(rng.uniform(1, 5), 2), round(rng.uniform(1, 5), 2)
                monev = {
                    "monev/skor.json": json.dumps(
                        {
                            "semester": "2027-S2",
                            "indeks": str(second),
                            "bobot": {
                                "baseline": 10.0,
                                "output": 20.0,
                                "outcome": 30.0,
                                "impact": 30.0,
                                "quick_win": 10.0,
                            },
                        }
                    ).encode(),
                    "monev/tren.csv": f"semester,indeks\n2027-S1,{first}\n2027-S2,{second}\n".encode(),
                }
                write_pointer(store, entry["slug"], run_summary(monev, "monev/2027-S2", "r", "t", None, True))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=514)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--html", type=Path, help="also save the page (with portal.css beside it) for a screenshot")
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from bimtek.core.settings import Settings
    from portal.accounts import AccountStore
    from portal.app import STYLESHEET, PortalConfig, create_app

    root = Path(tempfile.mkdtemp(prefix="bench-cockpit-"))
    started = time.perf_counter()
    regions = build(root, args.regions, args.seed)
    built = time.perf_counter() - started
    accounts = AccountStore(root / "portal" / "portal.sqlite3")
    accounts.create("kementerian", "pembina", PASSWORD)
    settings = Settings(store=str(root / "store"), portal_url="http://portal.test", upload_pool="thread")
    config = PortalConfig(
        store=__import__("bimtek.store.storage", fromlist=["x"]).LocalLocation(root / "store"),
        regions=regions,
        secret="b" * 40,
        accounts=accounts,
        settings=settings,
    )
    client = TestClient(create_app(config), base_url="http://portal.test")
    page = client.get("/masuk")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    client.post("/masuk", data={"nama": "kementerian", "kata_sandi": PASSWORD, "lanjut": "/nasional", "csrf": token})

    def timed(params=None) -> tuple[float, str]:
        t = time.perf_counter()
        response = client.get("/nasional", params=params or {})
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - t, response.text

    first, _ = timed()
    warm = [timed()[0] for _ in range(args.repeat)]
    filtered, _ = timed({"jenis": "kota", "urut": "indeks"})
    _, text = timed()
    shown = text.count('<tr class="late">') + text.count("<tr>") - 1
    result = {
        "regions": args.regions,
        "rows_on_page": shown,
        "page_bytes": len(text.encode()),
        "build_seconds": round(built, 2),
        "first_request_seconds": round(first, 3),
        "warm_request_seconds_median": round(statistics.median(warm), 3),
        "warm_request_seconds_max": round(max(warm), 3),
        "filtered_request_seconds": round(filtered, 3),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if args.html:
        args.html.mkdir(parents=True, exist_ok=True)
        (args.html / "nasional.html").write_text(
            text.replace('href="/portal.css"', 'href="portal.css"'), encoding="utf-8"
        )
        (args.html / "portal.css").write_text(STYLESHEET.read_text(encoding="utf-8"), encoding="utf-8")


if __name__ == "__main__":
    main()
