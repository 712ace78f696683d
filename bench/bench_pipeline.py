"""Profile target and inbox generator: the Tahap III domain pipeline (no Prefect), ingest -> validate -> roadmap ->
aggregates -> Buku 2. The side-by-side benchmark is bench/bench.py (it imports `make_inbox` from here).

Generates a synthetic inbox of N OPD files x R rows (half CSV, half XLSX) for the sample region, then times each
step and reports peak memory (ru_maxrss). Targets (the size of a large kabupaten, 45 OPD sending 100 rows each):
whole pipeline under 60 s and peak RSS under 1.5 GiB on a 2-core machine; validation under 0.5 s per file.

    uv run python bench/bench_pipeline.py --files 45 --rows 100 [--out bench/results/pipeline.json]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import time
from pathlib import Path

import openpyxl

from bimtek.core.environment import apply_quiet_defaults

apply_quiet_defaults()

from bimtek.analysis.aggregate import all_aggregates  # noqa: E402
from bimtek.analysis.roadmap import build_roadmap, horizons  # noqa: E402
from bimtek.books.buku_2 import buku_2_context, render_buku_2  # noqa: E402
from bimtek.core.paths import SAMPLE_DIR  # noqa: E402
from bimtek.core.region import load_region  # noqa: E402
from bimtek.core.settings import get_settings  # noqa: E402
from bimtek.core.taxonomy import load_taxonomy  # noqa: E402
from bimtek.ingest.reader import read_table  # noqa: E402
from bimtek.validation import build_report, combined_valid, mark_duplicates, validate_sheets, warm_up  # noqa: E402

HEADER = [
    "OPD",
    "Dimensi",
    "Elemen",
    "Nama Program",
    "Anggaran (Rp)",
    "Sumber Dana",
    "Tahun Mulai",
    "Tahun Selesai",
    "Usulan Quick Win",
    "Dampak",
    "Kesiapan",
]


def synthetic_rows(opd: str, rows: int, period: tuple[int, int], rng: random.Random, file_no: int) -> list[list]:
    """Plausible program rows; about 3% carry a mistake so the rejection path is exercised too."""
    taxonomy = load_taxonomy()
    out = []
    for i in range(rows):
        dim = rng.choice(taxonomy.dimensions)
        start = rng.randint(*period)
        row = [
            opd,
            dim.label,
            rng.choice(dim.elements).label,
            f"Program {opd[:12]} berkas {file_no} no {i + 1}",
            f"Rp {rng.randint(50, 5000)} juta",
            rng.choice(["APBD", "APBN", "DAK", "CSR"]),
            start,
            rng.randint(start, period[1]),
            rng.choice(["ya", "tidak"]),
            rng.randint(1, 5),
            rng.randint(1, 5),
        ]
        if rng.random() < 0.03:
            row[1] = "Smart People"
        out.append(row)
    return out


def make_inbox(files: int, rows: int, seed: int = 7) -> dict[str, bytes]:
    region = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
    rng = random.Random(seed)
    inbox = {}
    for index in range(files):
        opd = region.opd_names[index % len(region.opd_names)]
        data = synthetic_rows(opd, rows, (region.period.start, region.period.end), rng, index)
        if index % 2:
            text = io.StringIO()
            text.write(";".join(HEADER) + "\n")
            for row in data:
                text.write(";".join(str(v) for v in row) + "\n")
            inbox[f"opd-{index:02d}.csv"] = text.getvalue().encode("utf-8")
        else:
            workbook = openpyxl.Workbook()
            sheet = workbook.active
            sheet.append(["USULAN PROGRAM SMART CITY"])
            sheet.append(HEADER)
            for row in data:
                sheet.append(row)
            buffer = io.BytesIO()
            workbook.save(buffer)
            inbox[f"opd-{index:02d}.xlsx"] = buffer.getvalue()
    return inbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=45)
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    region = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
    settings = get_settings()
    inbox = make_inbox(args.files, args.rows)
    timings: dict[str, float] = {}

    started = time.perf_counter()
    warm_up()
    timings["gx_warm_up_s"] = time.perf_counter() - started

    started = time.perf_counter()
    sheets = {name: read_table(name, data, ["program"]) for name, data in inbox.items()}
    timings["ingest_s"] = time.perf_counter() - started

    started = time.perf_counter()
    results = validate_sheets([s for name in sorted(sheets) for s in sheets[name]], region)
    results = mark_duplicates(results)
    timings["validate_s"] = time.perf_counter() - started
    timings["validate_per_file_s"] = timings["validate_s"] / max(len(inbox), 1)

    started = time.perf_counter()
    report = build_report(region.slug, results)
    programs = combined_valid(results)
    roadmap = build_roadmap(programs, region, settings)
    aggregates = all_aggregates(roadmap, region, horizons(region.period, settings))
    render_buku_2(buku_2_context(region, roadmap, settings, report, aggregates=aggregates))
    timings["roadmap_aggregate_render_s"] = time.perf_counter() - started

    total = sum(v for k, v in timings.items() if k.endswith("_s") and k != "validate_per_file_s")
    result = {
        "files": args.files,
        "rows_per_file": args.rows,
        "rows_total": report.rows_total,
        "rows_valid": report.rows_valid,
        "rows_rejected": report.rows_rejected,
        **{k: round(v, 3) for k, v in timings.items()},
        "total_s": round(total, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "targets": {"total_s": 60, "peak_rss_mib": 1536, "validate_per_file_s": 0.5},
    }
    result["targets_met"] = (
        result["total_s"] < 60 and result["peak_rss_mib"] < 1536 and result["validate_per_file_s"] < 0.5
    )
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
