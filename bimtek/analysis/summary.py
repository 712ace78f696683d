"""Run summaries for people (Bahasa Indonesia): the Markdown shown in the Prefect UI and the table rows behind it."""

from __future__ import annotations

import pandas as pd

from bimtek.core.model import ValidationReport
from bimtek.core.region import Region

STATUS_LABELS = {
    "ok": "lengkap",
    "partial": "sebagian ditolak",
    "rejected": "ditolak seluruhnya",
    "unreadable": "tidak terbaca",
    "empty": "kosong",
}


def file_status_rows(report: ValidationReport) -> list[dict]:
    """One plain row per file/sheet for a table artifact (JSON-safe values only)."""
    return [
        {
            "berkas": f.path,
            "sheet": f.sheet,
            "status": STATUS_LABELS.get(f.status, f.status),
            "baris": int(f.rows),
            "valid": int(f.rows_valid),
            "ditolak": int(f.rows_rejected),
        }
        for f in report.files
    ]


def table_rows(frame: pd.DataFrame) -> list[dict]:
    """DataFrame rows as JSON-safe dicts (numpy numbers to Python, timestamps to ISO text, NA to None)."""
    rows = []
    for record in frame.to_dict(orient="records"):
        clean = {}
        for key, value in record.items():
            if isinstance(value, pd.Timestamp):
                value = value.isoformat()
            elif value is pd.NA or (isinstance(value, float) and value != value):
                value = None
            elif hasattr(value, "item"):
                value = value.item()
            clean[str(key)] = value
        rows.append(clean)
    return rows


def run_summary_markdown(
    region: Region,
    stage: int,
    report: ValidationReport,
    figures: pd.DataFrame | None = None,
    links: list[tuple[str, str]] | None = None,
    notes: list[str] | None = None,
) -> str:
    """The run summary a coordinator reads first: files, rows valid/rejected, figures per dimension, links."""
    lines = [
        f"# {region.name} - Tahap {stage}",
        "",
        f"- Berkas diperiksa: **{len(report.files)}**",
        f"- Baris: **{report.rows_total}** (valid **{report.rows_valid}**, ditolak **{report.rows_rejected}**)",
    ]
    for note in notes or []:
        lines.append(f"- {note}")
    problem_files = [f for f in report.files if f.status != "ok"]
    if problem_files:
        lines += ["", "## Berkas yang perlu perhatian", "", "| Berkas | Sheet | Status | Ditolak | Keterangan |", "|---|---|---|---|---|"]
        for f in problem_files:
            message = (f.message or "").replace("|", "/").replace("\n", " ")
            lines.append(f"| {f.path} | {f.sheet} | {STATUS_LABELS.get(f.status, f.status)} | {f.rows_rejected} | {message} |")
    if figures is not None and len(figures):
        lines += ["", "## Angka per dimensi", "", "| " + " | ".join(map(str, figures.columns)) + " |"]
        lines.append("|" + "---|" * len(figures.columns))
        for row in figures.itertuples(index=False):
            lines.append("| " + " | ".join(str(v) for v in row) + " |")
    if links:
        lines += ["", "## Hasil", ""] + [f"- [{label}]({url})" for label, url in links]
    return "\n".join(lines) + "\n"
