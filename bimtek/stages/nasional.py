"""The national summary of a cohort (flow `nasional`): tables, workbook, chart and a Markdown/HTML document.

Keys (in the run folder of `<store>/nasional/tahap-4/<run-id>/`):
- `nasional/per_daerah.csv`, `nasional/per_dimensi.csv`, `nasional/per_provinsi.csv`: the tables of
  `bimtek.analysis.national` (every region, whatever the cohort's size);
- `nasional/ringkasan-nasional.xlsx`: the same three tables as sheets "Per daerah", "Per dimensi", "Per provinsi";
- `grafik/sebaran-program-per-dimensi-nasional.png`, `.svg`: programs per region, per dimension (box plot);
- `buku/ringkasan-nasional.md`, `.html` (+ `.pdf`, `.docx` from the deliverables layer, as for every book): totals,
  the chart, per dimension, per province, and per region up to `national_max_region_rows` regions; above it the
  regions with the most and the fewest programs, with a line pointing to the complete table.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook

from bimtek.analysis.national import RegionFigures, listed_regions, national_tables
from bimtek.analysis.summary import table_rows
from bimtek.books.templating import render_book
from bimtek.charts.figures import book_reference, chart_files
from bimtek.charts.plots import programs_across_regions
from bimtek.core.vocabularies import SYNTHETIC_NOTICE
from bimtek.stages.output import StageOutput
from bimtek.workbooks.xlsx import safe_sheet_name, set_widths, style_header, workbook_bytes

TEMPLATE = "ringkasan-nasional.md.j2"
DOCUMENT = "buku/ringkasan-nasional"


def national_context(tables: dict[str, pd.DataFrame], chart, synthetic: bool, max_region_rows: int) -> dict:
    """The template context: totals, the listed regions (all, or the most and fewest programs), per dimension and
    per province rows, the chart path."""
    per_region = tables["per_region"]
    most, fewest = listed_regions(per_region, max_region_rows)
    valid, rejected = int(per_region["baris_valid"].sum()), int(per_region["baris_ditolak"].sum())
    return {
        "synthetic": synthetic,
        "synthetic_notice": SYNTHETIC_NOTICE,
        "totals": {
            "regions": len(per_region),
            "complete": int((per_region["tahap_berisi"] == 4).sum()),
            "rows_valid": valid,
            "rows_rejected": rejected,
            "reject_share": rejected / (valid + rejected) if valid + rejected else 0.0,
            "programs": int(per_region["program"].sum()),
            "anggaran": float(per_region["anggaran"].sum()),
            "quick_wins": int(per_region["kandidat_quick_win"].sum()),
            "signed": int(per_region["komitmen_ditandatangani"].sum()),
            "commitments": int(per_region["komitmen_total"].sum()),
        },
        "per_region": table_rows(most),
        "fewest_regions": table_rows(fewest),
        "regions_not_listed": len(per_region) - len(most) - len(fewest),
        "per_dimension": table_rows(tables["per_dimension"]),
        "per_province": table_rows(tables["per_province"]),
        "chart": book_reference(chart),
    }


def national_workbook(tables: dict[str, pd.DataFrame]) -> bytes:
    """The three tables as sheets, written in bulk (one append per row)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = (
        ("Per daerah", tables["per_region"]),
        ("Per dimensi", tables["per_dimension"]),
        ("Per provinsi", tables["per_province"]),
    )
    for title, frame in sheets:
        sheet = workbook.create_sheet(safe_sheet_name(title))
        sheet.append(list(frame.columns))
        style_header(sheet[1])
        for row in frame.itertuples(index=False):
            sheet.append([value.item() if hasattr(value, "item") else value for value in row])
        set_widths(sheet, [24 if i < 3 else 14 for i in range(len(frame.columns))])
        sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)


def build_nasional(figures: list[RegionFigures], max_region_rows: int = 30) -> StageOutput:
    """Every file of the national summary from the regions' figures (`max_region_rows`: the setting
    `national_max_region_rows`)."""
    tables = national_tables(figures)
    chart = programs_across_regions(tables["per_region"])
    synthetic = any(f.synthetic for f in figures)
    markdown, html = render_book(
        TEMPLATE,
        national_context(tables, chart, synthetic, max_region_rows),
        "Ringkasan Nasional Gerakan Menuju Smart City",
    )
    files = {
        "nasional/per_daerah.csv": _csv(tables["per_region"]),
        "nasional/per_dimensi.csv": _csv(tables["per_dimension"]),
        "nasional/per_provinsi.csv": _csv(tables["per_province"]),
        "nasional/ringkasan-nasional.xlsx": national_workbook(tables),
        f"{DOCUMENT}.md": markdown.encode("utf-8"),
        f"{DOCUMENT}.html": html.encode("utf-8"),
        **chart_files([chart]),
    }
    return StageOutput(
        files=files,
        figures=tables["per_region"],
        highlights=[
            ("Ringkasan nasional (HTML)", f"{DOCUMENT}.html"),
            ("Ringkasan nasional (Excel)", "nasional/ringkasan-nasional.xlsx"),
        ],
    )


def _csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")
