"""Benchmark of Tahap III, side by side in one process: the Prefect flow, the same domain functions called
directly, and a plain-pandas data path (bench/plain_pandas.py) with the same rules and verdicts.

    uv run python bench/bench.py --quick                 # seconds; run by tests/test_bench.py (invariants only)
    uv run python bench/bench.py --full --out bench/results/full.json

Prints a table and writes JSON. Fixed costs (imports, Prefect API start-up, GX set-up) are measured once and
reported apart from the per-input figures. Every figure is wall time (s), process CPU time (s; the temporary
Prefect server runs in another process and is not counted) and the process's peak RSS so far (MiB; a high-water
mark, so later paths include earlier ones). Checks (`invariants`): the three paths agree on valid/rejected rows
and on programs and budget per dimension; a rerun with one changed file re-validates exactly that file; every
chart image is at most 4 000 px on its long side. Sizes (full / quick):
- main inbox: 45 OPD files x 100 rows / 4 x 12 (half CSV, half XLSX, about 3 % of rows with a mistake);
- validation alone: one CSV of 200 000 rows / 500;
- drafting alone: 2 000 valid programs in one region / skipped (the quick mode checks the flow run's charts).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("BIMTEK_DOCUMENT_FORMATS", "")
os.environ.setdefault("BIMTEK_CACHE", "off")

_STARTED = time.perf_counter()
from bimtek.core.environment import apply_quiet_defaults  # noqa: E402

apply_quiet_defaults()

SIZES = {
    "quick": {"files": 4, "rows": 12, "big_rows": 500, "draft_programs": 0},
    "full": {"files": 45, "rows": 100, "big_rows": 200_000, "draft_programs": 2_000},
}
TARGETS = {
    "flow_vs_plain_plus_drafting": 3.0,
    "flow_vs_direct": 1.3,
    "validation_rows_per_s": 200_000,
    "draft_2000_programs_s": 30.0,
    "chart_max_side_px": 4000,
    "rerun_one_changed_vs_full": 0.3,
}


def peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(fn):
    """(result, {"wall_s", "cpu_s", "peak_rss_mib"}) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, {
        "wall_s": round(time.perf_counter() - wall, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "peak_rss_mib": peak_rss_mib(),
    }


def write_inbox(folder: Path, files: int, rows: int, seed: int = 7) -> None:
    from bench_pipeline import make_inbox

    folder.mkdir(parents=True, exist_ok=True)
    for name, data in make_inbox(files, rows, seed).items():
        (folder / name).write_bytes(data)


def write_big_csv(path: Path, rows: int) -> None:
    """One OPD file of `rows` rows (the benchmark's row generator, repeated blocks with unique names)."""
    import random

    from bench_pipeline import HEADER, synthetic_rows

    from bimtek.core.paths import SAMPLE_DIR
    from bimtek.core.region import load_region

    region = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
    rng = random.Random(11)
    lines = [";".join(HEADER)]
    block = 1000
    for start in range(0, rows, block):
        opd = region.opd_names[(start // block) % len(region.opd_names)]
        for row in synthetic_rows(
            opd, min(block, rows - start), (region.period.start, region.period.end), rng, start // block
        ):
            lines.append(";".join(str(v) for v in row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def direct_path(inbox: Path, region, store: Path) -> dict:
    """Tahap III through the domain functions the flow's tasks call, without Prefect."""
    from datetime import UTC, datetime

    from bimtek.core.columns import datasets_for_stage
    from bimtek.core.settings import get_settings
    from bimtek.ingest.reader import read_table
    from bimtek.stages.deliverables import document_formats, feedback_files
    from bimtek.stages.tahap_3 import build_tahap_3
    from bimtek.store.package import code_version, file_entry, publish_run
    from bimtek.store.storage import open_location
    from bimtek.validation import build_report, mark_duplicates, validate_sheets

    timings = {}
    datasets = datasets_for_stage(3)
    (sheets, entries), timings["ingest"] = measure(lambda: _read_all(inbox, datasets, read_table, file_entry))
    results, timings["validate"] = measure(lambda: mark_duplicates(validate_sheets(sheets, region)))
    report = build_report(region.slug, results)
    output, timings["draft"] = measure(lambda: build_tahap_3(region, results, report, get_settings()))

    def deliver_and_publish():
        files = dict(output.files)
        files.update(feedback_files(report, results, region, 3)[0])
        files.update(document_formats(files, region, 3, get_settings().formats))
        publish_run(
            open_location(str(store)),
            region.slug,
            3,
            "bench-direct",
            files,
            entries,
            datetime(2026, 1, 1, tzinfo=UTC),
            code_version(),
        )
        return files

    _, timings["deliver_publish"] = measure(deliver_and_publish)
    return {"report": report, "output": output, "timings": timings}


def _read_all(inbox: Path, datasets, read_table, file_entry):
    sheets, entries = [], []
    for path in sorted(inbox.iterdir()):
        data = path.read_bytes()
        sheets.extend(read_table(path.name, data, datasets))
        entries.append(file_entry(path.name, data))
    return sheets, entries


def per_dimension(frame, dimension: str, count: str, budget: str) -> dict[str, tuple[int, float]]:
    grouped = frame.groupby(dimension).agg(n=(count, "size"), b=(budget, "sum"))
    return {str(k): (int(v.n), round(float(v.b), 2)) for k, v in grouped.iterrows()}


def run(mode: str, workdir: Path) -> dict:
    sizes = SIZES[mode]
    fixed: dict[str, dict] = {}
    paths: dict[str, dict] = {}
    invariants: dict[str, bool] = {}

    def _imports():
        import bench_pipeline  # noqa: F401
        import plain_pandas  # noqa: F401

        import flows.tahap_3  # noqa: F401
        from bimtek.stages import tahap_3  # noqa: F401

    _, fixed["imports"] = measure(_imports)
    fixed["imports"]["since_start_s"] = round(time.perf_counter() - _STARTED, 3)
    from cli.prefect_api import ensure_prefect_api

    _, fixed["prefect_api"] = measure(ensure_prefect_api)
    fixed["prefect_api"]["running_server"] = bool(os.environ.get("PREFECT_API_URL"))
    from bimtek.validation import warm_up

    _, fixed["gx_setup"] = measure(warm_up)

    import plain_pandas

    from bimtek.charts.plots import MAX_SIDE_PX  # noqa: F401
    from bimtek.core.paths import SAMPLE_DIR
    from bimtek.core.region import load_region
    from flows.tahap_3 import tahap_3

    region_file = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
    region = load_region(region_file)
    inbox = workdir / "inbox"
    write_inbox(inbox, sizes["files"], sizes["rows"])

    flow_result, paths["flow"] = measure(
        lambda: tahap_3(
            region=str(region_file), inputs=str(inbox), store=str(workdir / "store-flow"), run_id="bench-flow"
        )
    )
    direct, paths["direct"] = measure(lambda: direct_path(inbox, region, workdir / "store-direct"))
    paths["direct"]["steps"] = direct.pop("timings")
    plain, paths["plain_pandas"] = measure(lambda: plain_pandas.run(inbox, region, workdir / "plain"))

    report = direct["report"]
    invariants["same_valid_rows"] = flow_result["rows_valid"] == report.rows_valid == int(plain["valid"].sum())
    invariants["same_rejected_rows"] = (
        flow_result["rows_rejected"] == report.rows_rejected == int((~plain["valid"]).sum())
    )
    rejected_direct = {(r.path, r.row) for r in report.rejections}
    rejected_plain = set(zip(plain.loc[~plain["valid"], "_path"], plain.loc[~plain["valid"], "_row"]))
    invariants["same_rejected_row_ids"] = rejected_direct == rejected_plain
    import pandas as pd

    flow_dims = pd.read_csv(workdir / "store-flow" / region.slug / "tahap-3" / "bench-flow" / "roadmap" / "roadmap.csv")
    ours = per_dimension(flow_dims, "dimensi", "nama_program", "anggaran")
    theirs = per_dimension(plain[plain["valid"]], "dimensi_code", "nama_program", "anggaran_num")
    invariants["same_programs_and_budget_per_dimension"] = ours == theirs

    figures = {}
    drafting = paths["direct"]["steps"]["draft"]["wall_s"]
    figures["flow_vs_direct"] = round(paths["flow"]["wall_s"] / paths["direct"]["wall_s"], 2)
    figures["flow_vs_plain_plus_drafting"] = round(
        paths["flow"]["wall_s"] / (paths["plain_pandas"]["wall_s"] + drafting), 2
    )
    figures["flow_vs_plain_cpu"] = round(paths["flow"]["cpu_s"] / max(paths["plain_pandas"]["cpu_s"], 1e-3), 1)

    figures.update(rerun_figures(tahap_3, region_file, inbox, workdir, invariants))
    figures.update(validation_figures(workdir, region, sizes["big_rows"]))
    if sizes["draft_programs"]:
        figures.update(draft_figures(region, sizes["draft_programs"], invariants))
    else:
        run_folder = workdir / "store-flow" / region.slug / "tahap-3" / "bench-flow"
        figures["chart_max_side_px"] = max_chart_side({p.name: p.read_bytes() for p in run_folder.rglob("*.png")})
        invariants["charts_at_most_4000_px"] = figures["chart_max_side_px"] <= 4000
    return {
        "mode": mode,
        "sizes": sizes,
        "fixed": fixed,
        "paths": paths,
        "figures": figures,
        "invariants": invariants,
        "targets": TARGETS,
        "peak_rss_mib": peak_rss_mib(),
    }


def rerun_figures(tahap_3, region_file: Path, inbox: Path, workdir: Path, invariants: dict) -> dict:
    """Tahap III with the cache on: a full run, then a rerun with one file changed (same process: no fixed cost)."""
    from bimtek.core.settings import get_settings
    from flows.intake import run_intake  # noqa: F401

    cache_inbox = workdir / "inbox-cache"
    shutil.copytree(inbox, cache_inbox)
    os.environ["BIMTEK_CACHE"] = str(workdir / "cache")
    get_settings.cache_clear()
    try:
        store = str(workdir / "store-cache")
        _, first = measure(lambda: tahap_3(region=str(region_file), inputs=str(cache_inbox), store=store, run_id="a"))
        changed = sorted(cache_inbox.iterdir())[1]
        changed.write_bytes(changed.read_bytes() + b"\n")
        _, second = measure(lambda: tahap_3(region=str(region_file), inputs=str(cache_inbox), store=store, run_id="b"))
        verdicts = sorted((workdir / "cache" / "validasi").iterdir())
        invariants["rerun_validates_only_the_changed_file"] = len(verdicts) == len(list(cache_inbox.iterdir())) + 1
    finally:
        os.environ["BIMTEK_CACHE"] = "off"
        get_settings.cache_clear()
    return {
        "cached_first_run": first,
        "rerun_one_changed": second,
        "rerun_one_changed_vs_full": round(second["wall_s"] / first["wall_s"], 2),
    }


def validation_figures(workdir: Path, region, rows: int) -> dict:
    """One big CSV: ingest, then validation (GX already set up) in rows per second. The sheet-size limit
    (BIMTEK_MAX_ROWS_PER_SHEET, 50 000 by default) is raised to `rows` for this measure only: it is about the
    throughput of the reader and the rules, not the limit."""
    from bimtek.core.settings import get_settings
    from bimtek.ingest.reader import read_table
    from bimtek.validation import validate_sheets

    path = workdir / "besar.csv"
    write_big_csv(path, rows)
    limits = get_settings().model_copy(update={"max_rows_per_sheet": max(rows, get_settings().max_rows_per_sheet)})
    sheets, ingest = measure(lambda: read_table(path.name, path.read_bytes(), ["program"], limits))
    results, validate = measure(lambda: validate_sheets(sheets, region))
    checked = sum(r.file_report.rows for r in results)
    return {
        "big_file_rows": checked,
        "big_file_ingest": ingest,
        "big_file_validate": validate,
        "validation_rows_per_s": round(checked / max(validate["wall_s"], 1e-6)),
    }


def draft_figures(region, programs: int, invariants: dict) -> dict:
    """Drafting alone (roadmap, aggregates, charts, workbook, Buku 2) for `programs` valid programs."""
    from bench_pipeline import make_inbox

    from bimtek.core.settings import get_settings
    from bimtek.ingest.reader import read_table
    from bimtek.stages.tahap_3 import build_tahap_3
    from bimtek.validation import build_report, mark_duplicates, validate_sheets

    files = max(1, programs // 100)
    inbox = make_inbox(files, programs // files, seed=3)
    sheets = [s for name, data in sorted(inbox.items()) for s in read_table(name, data, ["program"])]
    results = mark_duplicates(validate_sheets(sheets, region))
    report = build_report(region.slug, results)
    output, timing = measure(lambda: build_tahap_3(region, results, report, get_settings()))
    largest_side = max_chart_side(output.files)
    invariants["charts_at_most_4000_px"] = largest_side <= 4000
    sizes = {key: len(data) for key, data in output.files.items()}
    return {
        "draft_programs": report.rows_valid,
        "draft": timing,
        "chart_max_side_px": largest_side,
        "draft_bytes_total": sum(sizes.values()),
        "draft_largest_files": dict(sorted(sizes.items(), key=lambda kv: -kv[1])[:4]),
    }


def max_chart_side(files: dict[str, bytes]) -> int:
    """The longest side in pixels of any PNG among `files`."""
    import io

    from PIL import Image

    return max(max(Image.open(io.BytesIO(data)).size) for key, data in files.items() if key.endswith(".png"))


def print_table(result: dict) -> None:
    rows = [
        ("fixed: imports", result["fixed"]["imports"]),
        ("fixed: Prefect API", result["fixed"]["prefect_api"]),
        ("fixed: GX set-up", result["fixed"]["gx_setup"]),
    ]
    rows += [(f"path: {name}", figures) for name, figures in result["paths"].items()]
    rows += [(f"direct step: {name}", figures) for name, figures in result["paths"]["direct"]["steps"].items()]
    f = result["figures"]
    rows += [
        ("rerun: cached first run", f["cached_first_run"]),
        ("rerun: one file changed", f["rerun_one_changed"]),
        (f"big file ingest ({f['big_file_rows']} rows)", f["big_file_ingest"]),
        (f"big file validate ({f['big_file_rows']} rows)", f["big_file_validate"]),
    ]
    if "draft" in f:
        rows.append((f"draft alone ({f['draft_programs']} programs)", f["draft"]))
    print(f"{'measure':<40} {'wall s':>9} {'CPU s':>9} {'peak MiB':>9}")
    for label, m in rows:
        print(f"{label:<40} {m['wall_s']:>9.2f} {m['cpu_s']:>9.2f} {m['peak_rss_mib']:>9.1f}")
    print()
    for key in (
        "flow_vs_direct",
        "flow_vs_plain_plus_drafting",
        "flow_vs_plain_cpu",
        "rerun_one_changed_vs_full",
        "validation_rows_per_s",
        "chart_max_side_px",
    ):
        target = result["targets"].get(key)
        print(f"{key:<40} {f[key]:>12}" + (f"   target {target}" if target else ""))
    print("invariants:", ", ".join(f"{k}={'ok' if v else 'FAILED'}" for k, v in result["invariants"].items()))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_const", const="quick", dest="mode")
    mode.add_argument("--full", action="store_const", const="full", dest="mode")
    parser.add_argument("--out", type=Path, help="write the JSON here")
    parser.add_argument("--workdir", type=Path, help="keep the generated inputs and stores here")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bimtek-bench-"))
    try:
        result = run(args.mode or "quick", workdir)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(result)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
