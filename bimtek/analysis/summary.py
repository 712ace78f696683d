"""Run summaries for people (Bahasa Indonesia): the Markdown shown in the Prefect UI and the table rows behind it."""

from __future__ import annotations

import pandas as pd

from bimtek.core.formatting import rupiah
from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.core.values import frame_records

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
            "lembar": f.sheet,
            "status": STATUS_LABELS.get(f.status, f.status),
            "baris": int(f.rows),
            "valid": int(f.rows_valid),
            "ditolak": int(f.rows_rejected),
        }
        for f in report.files
    ]


FIGURE_LABELS = {
    "dimensi": "Dimensi",
    "elemen": "Elemen",
    "opd": "OPD",
    "programs": "Jumlah program",
    "program": "Jumlah program",
    "ide": "Jumlah ide",
    "anggaran_total": "Total anggaran",
    "anggaran": "Anggaran",
    "quick_win_candidates": "Kandidat quick win",
    "quick_win": "Quick win",
}
"""Indonesian column labels of the per-dimension figures shown in the Prefect UI (others: words capitalised)."""


def figures_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures for people: Indonesian column labels and Rupiah amounts ("Rp 27.975.000.000") for budget columns."""
    shown = frame.copy()
    for column in shown.columns:
        if "anggaran" in str(column).lower():
            shown[column] = shown[column].map(rupiah).astype(object)
    labels = {c: FIGURE_LABELS.get(str(c), str(c).replace("_", " ").capitalize()) for c in shown.columns}
    return shown.rename(columns=labels)


def table_rows(frame: pd.DataFrame) -> list[dict]:
    """DataFrame rows as JSON-safe dicts (numpy numbers to Python, timestamps to ISO text, NA to None)."""
    return [
        {str(key): value.isoformat() if isinstance(value, pd.Timestamp) else value for key, value in record.items()}
        for record in frame_records(frame)
    ]


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
        lines += [
            "",
            "## Berkas yang perlu perhatian",
            "",
            "| Berkas | Lembar | Status | Ditolak | Keterangan |",
            "|---|---|---|---|---|",
        ]
        for f in problem_files:
            message = (f.message or "").replace("|", "/").replace("\n", " ")
            lines.append(
                f"| {f.path} | {f.sheet} | {STATUS_LABELS.get(f.status, f.status)} | {f.rows_rejected} | {message} |"
            )
    if figures is not None and len(figures):
        figures = figures_display(figures)
        lines += ["", "## Angka per dimensi", "", "| " + " | ".join(map(str, figures.columns)) + " |"]
        lines.append("|" + "---|" * len(figures.columns))
        for row in figures.itertuples(index=False):
            lines.append("| " + " | ".join(str(v) for v in row) + " |")
    if links:
        lines += ["", "## Hasil", ""] + [f"- [{label}]({url})" for label, url in links]
    return "\n".join(lines) + "\n"


def overall_summary_markdown(region: Region, results: dict[str, dict], portal_url: str) -> str:
    """The summary `bimtek-all` leaves: one row per stage (run, rows valid/rejected) with its portal page."""
    lines = [
        f"# {region.name} - Tahap I-IV",
        "",
        "| Tahap | Run | Baris valid | Baris ditolak | Hasil |",
        "|---|---|---|---|---|",
    ]
    base = portal_url.rstrip("/")
    for stage, result in results.items():
        run_id = result.get("run_id", "-")
        link = f"[buka di portal]({base}/hasil/{region.slug}/tahap-{stage}/{run_id})"
        lines.append(
            f"| {stage} | {run_id} | {result.get('rows_valid', 0)} | {result.get('rows_rejected', 0)} | {link} |"
        )
    return "\n".join(lines) + "\n"
