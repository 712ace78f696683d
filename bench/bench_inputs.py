"""Peak memory of the input side on oversized and limit-sized OPD files (one case per process, ru_maxrss).

Each case writes its file into a temporary inbox, then does what the per-file ingest task does (read the file
through `Location.read_input` with the byte limit, `read_table`) and validates the tables it yields. Target: peak
RSS under 1.5 GiB whatever the file; oversized files are refused before they are read or parsed.

    uv run python bench/bench_inputs.py --case all [--out bench/results/inputs.json]

Cases:
- csv-200mb: a 200 MB CSV (refused by max_file_bytes before it is read);
- xlsx-expands-1500mb: a small .xlsx whose sheet expands to 1.5 GB (refused on its zip directory);
- csv-at-limits: a CSV just under every default limit (24 MB, 50 000 rows of short repeated cells, as many
  columns as the bytes allow);
- csv-at-limits-distinct: the same size with every extra cell a distinct 6-character text (no sharing possible:
  the worst a file within the limits may cost);
- xlsx-at-limits: an .xlsx of 50 000 rows x 20 columns (read streaming, read-only).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bimtek.core.environment import apply_quiet_defaults

apply_quiet_defaults()

from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.region import load_region
from bimtek.core.settings import get_settings
from bimtek.ingest.reader import read_table
from bimtek.store.storage import InputRefusedError, open_location
from bimtek.validation import validate_sheet

HEADER = ["OPD", "Dimensi", "Nama Program", "Anggaran (Rp)", "Sumber Dana", "Tahun Mulai", "Tahun Selesai"]
MiB = 1024 * 1024
CASES = ("csv-200mb", "xlsx-expands-1500mb", "csv-at-limits", "csv-at-limits-distinct", "xlsx-at-limits")


def _row(n: int) -> list[str]:
    return ["Dinas Kesehatan", "Smart Living", f"Program {n}", "1500000", "APBD", "2028", "2029"]


def write_case(case: str, folder: Path) -> Path:
    """Write the file of `case` into `folder` (streaming, so the writer stays small too)."""
    if case == "csv-200mb":
        path = folder / "besar.csv"
        with path.open("w", encoding="utf-8") as handle:
            handle.write(",".join(HEADER) + "\n")
            n = 0
            while handle.tell() < 200 * MiB:
                handle.write(",".join(_row(n)) + "\n")
                n += 1
        return path
    if case == "xlsx-expands-1500mb":
        path = folder / "bom.xlsx"
        with (
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
            archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
        ):
            for _ in range(1500):
                member.write(b" " * MiB)
        return path
    limits = get_settings()
    if case in ("csv-at-limits", "csv-at-limits-distinct"):
        distinct = case.endswith("distinct")
        rows = limits.max_rows_per_sheet
        line_budget = (limits.max_file_bytes - 4096) // (rows + 1)
        base = ",".join(_row(0))
        cell = 7 if distinct else 3
        extra = max(0, min(limits.max_columns_per_sheet - len(HEADER), (line_budget - len(base) - 8) // cell))
        path = folder / "batas.csv"
        counter = 0
        with path.open("w", encoding="utf-8") as handle:
            handle.write(",".join(HEADER + [f"K{i}" for i in range(extra)]) + "\n")
            for n in range(rows):
                if distinct:
                    tail = "".join(f",{v:06x}" for v in range(counter, counter + extra))
                    counter += extra
                else:
                    tail = ",12" * extra
                handle.write(",".join(_row(n)) + tail + "\n")
        return path
    if case == "xlsx-at-limits":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Data")
        sheet.append(HEADER + [f"K{i}" for i in range(13)])
        for n in range(limits.max_rows_per_sheet):
            sheet.append(_row(n) + [f"isi {i}" for i in range(13)])
        path = folder / "batas.xlsx"
        workbook.save(path)
        return path
    raise SystemExit(f"unknown case {case}")


def run_case(case: str) -> dict:
    """Write, ingest and validate one case in this process; returns timings, statuses and peak RSS."""
    limits = get_settings()
    region = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
    with tempfile.TemporaryDirectory() as folder:
        path = write_case(case, Path(folder))
        size = path.stat().st_size
        rss_after_write = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        location = open_location(folder)
        try:
            data = location.read_input(path.name, max_bytes=limits.max_file_bytes)
        except InputRefusedError as exc:
            statuses, rows, message = ["unreadable"], 0, f"refused by storage: {exc.reason}"
        else:
            sheets = read_table(path.name, data, ["program"], limits)
            del data
            results = [validate_sheet(sheet, region) for sheet in sheets]
            statuses = [r.file_report.status for r in results]
            rows = sum(r.file_report.rows for r in results)
            message = sheets[0].message
        seconds = time.perf_counter() - started
    return {
        "case": case,
        "file_mib": round(size / MiB, 1),
        "statuses": statuses,
        "rows": rows,
        "message": message[:160],
        "seconds": round(seconds, 2),
        "peak_rss_mib_before_ingest": round(rss_after_write / 1024, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", default="all", choices=("all", *CASES))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.case != "all":
        print(json.dumps(run_case(args.case)))
        return
    results = []
    for case in CASES:  # one process per case, so each peak is its own
        output = subprocess.run([sys.executable, __file__, "--case", case], check=True, capture_output=True, text=True)
        results.append(json.loads(output.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
