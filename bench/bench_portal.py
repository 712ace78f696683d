"""Load test of the portal: many OPD uploading at once while coordinators browse (loopback only, bounded).

    uv run python bench/bench_portal.py                          # 100 OPD (95 small CSV + 5 x 20 000-row XLSX)
    uv run python bench/bench_portal.py --opd 20 --big 1 --out bench/results/portal-small.json

The portal runs as a real uvicorn process (`bimtek server` starts it the same way) on a free loopback port, over a
temporary local store and account file. Each simulated OPD opens its signed link, posts its file and follows the
progress page until the check's result shows; meanwhile `--browsers` coordinators log in and load the results,
region, stage, status and login pages in a loop. Reported: page latency p50/p95 (coordinator pages, and the login
page alone), upload time p50/p95, uploads per minute over the whole wave, errors (any non-2xx/3xx answer or an
upload without its result), and the portal process's peak RSS (sampled every 0,2 s). Every request goes to
127.0.0.1; the run stops by itself (`--timeout`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psutil  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bimtek.core.paths import SAMPLE_DIR  # noqa: E402
from bimtek.core.region import load_region  # noqa: E402
from bimtek.store.storage import LocalLocation  # noqa: E402
from portal.accounts import AccountStore  # noqa: E402
from portal.invitations import invitation_links  # noqa: E402
from portal.serve import portal_command  # noqa: E402

REGION_PATH = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
SECRET = "bench-" + "k" * 40  # pragma: allowlist secret
ACCOUNT, PASSWORD = "bench-koordinator", "sandi-bench-panjang"  # pragma: allowlist secret
COLUMNS = ["opd", "dimensi", "elemen", "nama_program", "anggaran", "sumber_dana", "tahun_mulai", "tahun_selesai"]
ELEMENTS = [("living", "health"), ("governance", "service"), ("economy", "welfare"), ("society", "learning")]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _row(opd: str, n: int) -> list:
    dimension, element = ELEMENTS[n % len(ELEMENTS)]
    source = "Dana Desa" if n % 17 == 0 else "APBD"  # about 6 % of rows rejected
    return [opd, dimension, element, f"Program {n}", 100_000_000 + n, source, 2030, 2031]


def small_csv(opd: str, rows: int = 12) -> bytes:
    lines = [",".join(COLUMNS)] + [",".join(str(v) for v in _row(opd, n)) for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def big_xlsx(opd: str, rows: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("program")
    sheet.append(COLUMNS)
    for n in range(rows):
        sheet.append(_row(opd, n))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pages: list[float] = []
        self.login_pages: list[float] = []
        self.uploads: list[float] = []
        self.errors: list[str] = []

    def add(self, bucket: list[float], value: float) -> None:
        with self.lock:
            bucket.append(value)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text[:200])


def opd_upload(base: str, link: str, name: str, data: bytes, record: Recorder, deadline: float) -> None:
    path = link.removeprefix(base)
    started = time.perf_counter()
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            form = client.get(path)
            token = CSRF.search(form.text).group(1)
            answer = client.post(path, data={"csrf": token}, files={"berkas": (name, data)}, follow_redirects=False)
            if answer.status_code == 303:
                progress = answer.headers["location"]
                answer = client.get(progress)
                while "sedang-diperiksa" in answer.text and time.monotonic() < deadline:
                    time.sleep(1)  # what the page's meta refresh does
                    answer = client.get(progress)
            if answer.status_code != 200 or "hasil-pemeriksaan" not in answer.text:
                alert = re.search(r'class="alert"[^>]*>([^<]*)', answer.text)
                record.error(f"upload {name}: {answer.status_code} {alert.group(1) if alert else answer.text[:80]!r}")
                return
    except Exception as exc:  # noqa: BLE001 - counted as an error, the wave goes on
        record.error(f"upload {name}: {type(exc).__name__}: {exc}")
        return
    record.add(record.uploads, time.perf_counter() - started)


def coordinator(base: str, record: Recorder, stop: threading.Event) -> None:
    pages = ["/hasil", "/hasil/padang-pariaman", "/hasil/padang-pariaman/tahap-3", "/status/padang-pariaman/tahap-3"]
    with httpx.Client(base_url=base, timeout=60) as client:
        token = CSRF.search(client.get("/masuk").text).group(1)
        answer = client.post("/masuk", data={"nama": ACCOUNT, "kata_sandi": PASSWORD, "csrf": token})
        if answer.status_code != 303:
            record.error(f"login: {answer.status_code}")
            return
        n = 0
        while not stop.is_set():
            path = pages[n % len(pages)]
            n += 1
            try:
                started = time.perf_counter()
                answer = client.get(path)
                record.add(record.pages, time.perf_counter() - started)
                if answer.status_code != 200:
                    record.error(f"{path}: {answer.status_code}")
                started = time.perf_counter()
                with httpx.Client(base_url=base, timeout=60) as anonymous:
                    if anonymous.get("/masuk").status_code != 200:
                        record.error("/masuk refused")
                record.add(record.login_pages, time.perf_counter() - started)
            except httpx.HTTPError as exc:
                if not stop.is_set():  # after the wave the portal is stopped under the last request: not an error
                    record.error(f"{path}: {type(exc).__name__}")
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--opd", type=int, default=100, help="simulated OPD uploading at once")
    parser.add_argument("--big", type=int, default=5, help="how many of them send a 20 000-row XLSX")
    parser.add_argument("--big-rows", type=int, default=20_000)
    parser.add_argument("--browsers", type=int, default=5, help="coordinators browsing meanwhile")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    store = LocalLocation(work / "store")
    AccountStore(work / "data" / "portal.sqlite3").create(ACCOUNT, "admin", PASSWORD)
    region = load_region(REGION_PATH)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    links = invitation_links(region, 3, store, SECRET, base, dt.datetime.now(dt.UTC), 1)
    env = {
        **os.environ,
        "BIMTEK_PORTAL_SECRET": SECRET,
        "BIMTEK_STORE": str(store.root),
        "BIMTEK_PORTAL_DATA": str(work / "data"),
        "BIMTEK_PORTAL_URL": base,
    }
    server = subprocess.Popen([*portal_command("127.0.0.1", port), "--log-level", "warning"], env=env, cwd=ROOT)
    peak = [0]
    stop = threading.Event()
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/masuk", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        process = psutil.Process(server.pid)

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], process.memory_info().rss)
                time.sleep(0.2)

        files = []
        for n in range(args.opd):
            link = links[n % len(links)]
            if n < args.big:
                files.append((link, f"besar-{n}.xlsx", big_xlsx(link.opd, args.big_rows)))
            else:
                files.append((link, f"kecil-{n}.csv", small_csv(link.opd)))
        record = Recorder()
        threads = [threading.Thread(target=sample, daemon=True)]
        threads += [threading.Thread(target=coordinator, args=(base, record, stop)) for _ in range(args.browsers)]
        for thread in threads:
            thread.start()
        time.sleep(1)  # the coordinators are logged in and browsing before the wave
        deadline = time.monotonic() + args.timeout
        started = time.perf_counter()
        uploads = [
            threading.Thread(target=opd_upload, args=(base, link.url, name, data, record, deadline))
            for link, name, data in files
        ]
        for thread in uploads:
            thread.start()
        for thread in uploads:
            thread.join(max(1, deadline - time.monotonic()))
        wave = time.perf_counter() - started
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    result = {
        "command": " ".join(["python", "bench/bench_portal.py", *sys.argv[1:]]),
        "opd": args.opd,
        "big_files": args.big,
        "big_rows": args.big_rows,
        "coordinators": args.browsers,
        "wave_seconds": round(wave, 1),
        "uploads_done": len(record.uploads),
        "uploads_per_minute": round(len(record.uploads) / wave * 60, 1),
        "upload_p50_s": round(_percentile(record.uploads, 0.5), 2),
        "upload_p95_s": round(_percentile(record.uploads, 0.95), 2),
        "page_requests": len(record.pages),
        "page_p50_s": round(_percentile(record.pages, 0.5), 3),
        "page_p95_s": round(_percentile(record.pages, 0.95), 3),
        "page_max_s": round(max(record.pages, default=float("nan")), 3),
        "login_page_p95_s": round(_percentile(record.login_pages, 0.95), 3),
        "login_page_max_s": round(max(record.login_pages, default=float("nan")), 3),
        "errors": len(record.errors),
        "error_samples": record.errors[:5],
        "portal_peak_rss_mib": round(peak[0] / 1_048_576),
        "page_mean_s": round(statistics.fmean(record.pages), 3) if record.pages else None,
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
