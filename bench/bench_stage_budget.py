"""Inboxes for the stage-wide memory bound (issue 19 item 4); the run is measured from outside with /usr/bin/time.

    uv run python bench/bench_stage_budget.py --near-limit /tmp/bench/inbox-4x199960
    uv run python bench/bench_stage_budget.py --rows-200k /tmp/bench/inbox-200k
    BIMTEK_DOCUMENT_FORMATS="" /usr/bin/time -v uv run bimtek run 3 --region sample/padang-pariaman/region.yaml \\
        --inputs /tmp/bench/inbox-4x199960 --store /tmp/bench/store --run-id batas

`--near-limit`: four .xlsx files of four sheets x 49 990 rows (199 960 rows each: every sheet just under
`max_rows_per_sheet`, every file under `max_file_bytes`). With the default `max_stage_rows` the first file is read
and the others are reported "unreadable" with the stage-budget message. `--rows-200k`: 45 files x 4 445 rows
(bench.write_inbox), which stays within the budget. Figures: docs/performance.md.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent))

from bench_pipeline import HEADER, synthetic_rows  # noqa: E402

from bimtek.core.paths import SAMPLE_DIR  # noqa: E402
from bimtek.core.region import load_region  # noqa: E402

SHEETS, SHEET_ROWS, FILES = 4, 49_990, 4


def write_near_limit(folder: Path) -> None:
    """FILES workbooks of SHEETS sheets x SHEET_ROWS rows, written streaming."""
    region = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
    rng = random.Random(5)
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(FILES):
        opd = region.opd_names[index % len(region.opd_names)]
        workbook = openpyxl.Workbook(write_only=True)
        for sheet_no in range(SHEETS):
            sheet = workbook.create_sheet(f"Usulan {sheet_no + 1}")
            sheet.append(HEADER)
            for row in synthetic_rows(
                opd, SHEET_ROWS, (region.period.start, region.period.end), rng, index * 10 + sheet_no
            ):
                sheet.append(row)
        workbook.save(folder / f"usulan-{index + 1}.xlsx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--near-limit", type=Path)
    parser.add_argument("--rows-200k", type=Path)
    args = parser.parse_args()
    if args.near_limit:
        write_near_limit(args.near_limit)
    if args.rows_200k:
        from bench import write_inbox

        write_inbox(args.rows_200k, 45, 4445)


if __name__ == "__main__":
    main()
