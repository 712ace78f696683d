"""Monev (Tahap V) documents: the semester report (templates/laporan-monev.md.j2, Markdown + HTML) and one letter
per OPD that is behind or has a point to clarify (templates/surat-monev-opd.html.j2: a naskah dinas like every
letter, bimtek.books.naskah_dinas); the stage adds PDF/DOCX like every book.

Figures come from `bimtek.analysis.monev.MonevScore` only, so the report, the letters, the workbook and the charts
agree; the index is printed with an Indonesian decimal comma (3,31).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from bimtek.analysis.monev import STATUS_LABELS, MonevScore
from bimtek.books.feedback.letters import next_event
from bimtek.books.naskah_dinas import Occasion, letter_head
from bimtek.books.templating import escape_markdown, html_environment, render_book
from bimtek.core.formatting import angka, persen
from bimtek.core.monev import Semester
from bimtek.core.region import Region
from bimtek.core.sanitise import unique_names
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.values import is_missing
from bimtek.core.vocabularies import SYNTHETIC_NOTICE, stage_name

REPORT_TEMPLATE = "laporan-monev.md.j2"
LETTER_TEMPLATE = "surat-monev-opd.html.j2"
STAGE_LABEL = f"Monev ({stage_name(5)})"


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if is_missing(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _progress_rows(progress: pd.DataFrame) -> list[dict]:
    rows = []
    for row in _records(progress):
        written = row["capaian_indikator"]
        percent = row["capaian_persen"]
        parts = [p for p in (written, f"{angka(percent, 1)}%" if percent is not None else None) if p]
        rows.append(
            {
                **row,
                "status_label": STATUS_LABELS.get(row["status"], row["status"]),
                "capaian_text": " / ".join(parts) or None,
            }
        )
    return rows


def _change(current: float, earlier: float) -> str:
    delta = current - earlier
    if abs(delta) < 0.005:
        return "tidak berubah"
    return f"{'naik' if delta > 0 else 'turun'} {angka(abs(delta), 2)} poin"


def monev_context(
    region: Region,
    semester: Semester,
    score: MonevScore,
    trend: pd.DataFrame,
    next_steps: list[str],
    plan_run: str,
    charts: Mapping[str, str],
    clarify: pd.DataFrame | None = None,
) -> dict:
    """Everything templates/laporan-monev.md.j2 reads (`clarify`: bimtek.analysis.monev.clarifications)."""
    labels = {d.code: d.label for d in load_taxonomy().dimensions}
    earlier = trend[trend["semester"] != str(semester)]
    previous = None
    if len(earlier):
        last = earlier.iloc[-1]
        previous = {
            "semester": last["semester"],
            "indeks_text": angka(last["indeks"], 2),
            "change": _change(float(score.indeks), float(last["indeks"])),
        }
    order = list(labels)
    per_dimensi = sorted(
        ({**row, "label": labels.get(row["dimensi"], row["dimensi"])} for row in _records(score.per_dimensi)),
        key=lambda row: order.index(row["dimensi"]) if row["dimensi"] in order else len(order),
    )
    quick_wins = [
        {**row, "status_label": STATUS_LABELS.get(row["status"], row["status"])} for row in _records(score.quick_wins)
    ]
    return {
        "region": region,
        "period": region.period,
        "semester": {"label": semester.label, "year": semester.year, "code": str(semester)},
        "plan_run": plan_run,
        "plan_date": region.calendar.get("tahap-4"),
        "indeks_text": angka(score.indeks, 2),
        "previous": previous,
        "evidence": score.evidence,
        "areas": _records(score.areas),
        "indicators": _records(score.indicators),
        "trend": _records(trend),
        "per_dimensi": per_dimensi,
        "per_opd": _records(score.per_opd),
        "progress": _progress_rows(score.progress),
        "quick_wins": quick_wins,
        "next_steps": next_steps,
        "clarify": _records(clarify) if clarify is not None and len(clarify) else [],
        "charts": dict(charts),
        "synthetic": region.synthetic,
        "synthetic_notice": SYNTHETIC_NOTICE,
        "stage_label": STAGE_LABEL,
    }


def render_monev_report(context: Mapping) -> tuple[str, str]:
    """(Markdown, HTML) of the semester report."""
    title = f"Laporan Monev Smart City {context['region'].name} - {context['semester']['label']}"
    return render_book(REPORT_TEMPLATE, context, title)


def status_text(counts: Mapping) -> str:
    """The non-zero program statuses of a per-OPD row as a phrase: "1 berjalan dan 1 belum dilaporkan"."""
    parts = [f"{angka(counts.get(code) or 0)} {label}" for code, label in STATUS_LABELS.items() if counts.get(code)]
    if len(parts) > 2:
        return ", ".join(parts[:-1]) + ", dan " + parts[-1]
    return " dan ".join(parts) or "belum ada yang dilaporkan"


def monev_letter_recipients(score: MonevScore, clarify: pd.DataFrame) -> list[str]:
    """The OPD that get a monev letter, in numbering order: every OPD marked `tertinggal` and every OPD with a
    point to clarify (clarify rows without an OPD are the Tim Pelaksana's own items: the report lists them)."""
    behind = score.per_opd[score.per_opd["tertinggal"]]["opd"].tolist() if not score.per_opd.empty else []
    asked = [o for o in clarify["opd"].tolist() if o] if len(clarify) else []
    return sorted(set(behind) | set(asked))


def monev_letters(
    region: Region,
    semester: Semester,
    score: MonevScore,
    threshold: float,
    clarify: pd.DataFrame,
    numbers: list[int] | None = None,
) -> dict[str, bytes]:
    """`surat-<opd-slug>.html` for every OPD of `monev_letter_recipients`, keyed by file name: naskah dinas dated from
    the monev calendar, numbered with `numbers` (claimed in the store, in recipient order; else 1, 2, ...)."""
    recipients = monev_letter_recipients(score, clarify)
    if not recipients:
        return {}
    names = unique_names(recipients, fallback="opd", max_bytes=100)
    occasion = Occasion.of(5, semester)
    per_opd = {row["opd"]: row for row in _records(score.per_opd)}
    template = html_environment().get_template(LETTER_TEMPLATE)
    files: dict[str, bytes] = {}
    for sequence, opd_name in zip(numbers or range(1, len(recipients) + 1), recipients):
        opd = per_opd.get(opd_name, {"opd": opd_name, "program": 0, "tertinggal": False})
        asked = _records(clarify[clarify["opd"] == opd_name]) if len(clarify) else []
        head = letter_head(
            region,
            opd_name,
            occasion,
            sequence=sequence,
            perihal=f"Hasil monitoring dan evaluasi Masterplan Smart City {semester.label}",
            lampiran="-",
        )
        html = template.render(
            head=head,
            region=region,
            semester={"label": semester.label, "year": semester.year},
            opd=opd,
            status_text=status_text(opd),
            programs=_progress_rows(score.progress[score.progress["opd"] == opd_name]),
            threshold=threshold,
            behind=bool(opd.get("tertinggal")),
            clarify=asked,
            next_event=next_event(region, 5, semester),
            synthetic=region.synthetic,
            synthetic_notice=SYNTHETIC_NOTICE,
        )
        files[f"surat-{names[opd_name]}.html"] = html.encode("utf-8")
    return files


def summary_markdown(region: Region, semester: Semester, score: MonevScore, trend: pd.DataFrame) -> str:
    """The short summary shown as a Prefect UI artifact (Indonesian)."""
    lines = [
        f"# Monev {semester.label} - {escape_markdown(region.name)}",
        "",
        f"**Indeks: {angka(score.indeks, 2)}** dari 5,00.",
        "",
        "| Area | Bobot | Skor |",
        "|---|---:|---:|",
    ]
    lines += [f"| {a['label']} | {angka(a['bobot'])}% | {angka(a['skor'], 2)} |" for a in _records(score.areas)]
    if len(trend) > 1:
        lines += ["", "Tren: " + " → ".join(f"{t['semester']} {angka(t['indeks'], 2)}" for t in _records(trend))]
    behind = score.per_opd[score.per_opd["tertinggal"]]["opd"].tolist() if not score.per_opd.empty else []
    lines += ["", escape_markdown(score.evidence["pernyataan"]), ""]
    serapan = score.progress["anggaran_realisasi"].fillna(0).sum() / max(score.progress["anggaran_rencana"].sum(), 1)
    lines.append(f"Serapan anggaran tahun {semester.year}: {persen(serapan)}.")
    names = ", ".join(escape_markdown(name) for name in behind)
    lines.append(f"OPD tertinggal ({len(behind)}): {names or 'tidak ada'}.")
    return "\n".join(lines) + "\n"
