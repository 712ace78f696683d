"""Tahap IV builder (finalisation): final quick wins, commitment sheets, final book set, draft Perbup, rakor pack.

Inputs: the validated rows of the Tahap IV inbox (`komitmen`, `review`, `quick_win_final`) and the files of the
earlier stages listed in `PREVIOUS` (read by the flow through latest.json; the Tahap III roadmap is required).

Steps: the cross-stage rule `quick_win_unknown` (a final quick win must be a Tahap III roadmap program) moves rows
to the rejected ones, then the validation report is built; the aggregates are computed again from the roadmap
(the published `aggregates/by_dimension.csv` is only compared, and a difference is noted); the figures of
bimtek.analysis.finalisation fill one context that every template reads.

Deliverables (keys in the run folder):

| key | content |
|---|---|
| validation/report.json, validation/quarantine.csv | as every stage (including quick_win_unknown rows) |
| quick_win/quick_win_final.csv | the final quick wins (analysis.finalisation.FINAL_COLUMNS) |
| komitmen/status_komitmen.csv, komitmen/belum_tanda_tangan.csv | commitment status per OPD, OPD that have not signed |
| komitmen/lembar-komitmen-<opd-slug>.md/.html | one printable sheet per roadmap OPD (the region's list when empty) |
| komitmen/lembar-komitmen-kepala-daerah.md/.html | the regional head's sheet |
| review/bab_revisi.csv | chapters still under revision, with the reviewers' notes |
| buku/buku-1-analisis-strategis.md/.html | copied from Tahap II (else Tahap I) when published; a run note otherwise |
| buku/buku-2-masterplan.md/.html | copied from Tahap III when present |
| buku/buku-3-quick-wins, buku-4-roadmap, ringkasan-eksekutif, rancangan-perbup (.md/.html) | drafted here |
| rakor/paket-rakor.md/.html | the pack for the closing coordination meeting |

Nothing here reads the clock or a run id: the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pandas as pd

from bimtek.aggregate import TOTAL_LABEL, all_aggregates
from bimtek.analysis import finalisation as fin
from bimtek.model import ValidationReport
from bimtek.region import Region
from bimtek.render import SYNTHETIC_NOTICE, render_book
from bimtek.roadmap import horizons
from bimtek.settings import Settings
from bimtek.stages.output import StageOutput
from bimtek.stages.previous import PreviousOutput
from bimtek.stages.tables import csv_bytes
from bimtek.summary import table_rows
from bimtek.taxonomy import load_taxonomy
from bimtek.validation import SheetResult, build_report, combined_valid, quarantine_csv, report_json
from bimtek.validation.messages import rule_label
from bimtek.validation.stage_4_rules import SIGNED, reject_unknown_quick_wins
from bimtek.workbooks import slugify

STAGE = 4
ROADMAP_KEY = "roadmap/roadmap.csv"
BY_DIMENSION_KEY = "aggregates/by_dimension.csv"
BUKU_1 = "buku/buku-1-analisis-strategis"
BUKU_2 = "buku/buku-2-masterplan"
HEAD_SLUG = "kepala-daerah"

MASTERPLAN_CHART_KEYS = tuple(
    f"grafik/{name}.png"
    for name in ("program-anggaran-per-dimensi", "cakupan-opd-per-dimensi",
                 *(f"peta-jalan-{d.code}" for d in load_taxonomy().dimensions))
)
"""Charts Buku 2 refers to (../grafik/*.png): copied with it, so the final book set shows them too."""

PREVIOUS = (
    PreviousOutput(3, ROADMAP_KEY, True),
    PreviousOutput(3, BY_DIMENSION_KEY, True),
    PreviousOutput(3, f"{BUKU_2}.md", False),
    PreviousOutput(3, f"{BUKU_2}.html", False),
    PreviousOutput(2, f"{BUKU_1}.md", False),
    PreviousOutput(2, f"{BUKU_1}.html", False),
    PreviousOutput(1, f"{BUKU_1}.md", False),
    PreviousOutput(1, f"{BUKU_1}.html", False),
    *(PreviousOutput(3, key, False) for key in MASTERPLAN_CHART_KEYS),
)
"""Earlier stages' files Tahap IV reads; Buku 1 is taken from Tahap II (the reviewed book), else from Tahap I."""

DOCUMENTS = {
    "buku/buku-3-quick-wins": ("buku-3-quick-wins.md.j2", "Buku 3 Quick Wins Smart City {name}"),
    "buku/buku-4-roadmap": ("buku-4-roadmap.md.j2", "Buku 4 Road Map Smart City {name}"),
    "buku/ringkasan-eksekutif": ("ringkasan-eksekutif.md.j2", "Ringkasan Eksekutif Masterplan Smart City {name}"),
    "buku/rancangan-perbup": ("rancangan-perbup.md.j2", "Rancangan {regulation} tentang Masterplan Smart City {name}"),
    "rakor/paket-rakor": ("paket-rakor.md.j2", "Paket Rakor Gerakan Menuju Smart City {name}"),
}
"""Run-folder key (without suffix) -> (template, HTML title) of the documents drafted from the shared context."""
SHEET_TEMPLATE = "lembar-komitmen.md.j2"


@dataclass
class PreviousFiles:
    """Bytes of the earlier stages' files, keyed by (stage, key); None when absent."""

    files: dict[tuple[int, str], bytes | None] = field(default_factory=dict)
    runs: dict[int, str] = field(default_factory=dict)
    """Run id of each earlier stage a file was read from (for the manifest; never written into a deliverable)."""

    def manifest_extra(self) -> dict | None:
        """`{"previous_runs": {"tahap-3": run_id, ...}}` for publish_outputs, or None when nothing was read."""
        if not self.runs:
            return None
        return {"previous_runs": {f"tahap-{stage}": run for stage, run in sorted(self.runs.items(), reverse=True)}}

    def get(self, stage: int, key: str) -> bytes | None:
        return self.files.get((stage, key))


@dataclass
class Tahap4Output(StageOutput):
    report: ValidationReport | None = None
    """The validation report after the cross-stage rule (the flow's rows_valid / rows_rejected)."""
    results: list[SheetResult] = field(default_factory=list)
    """The validation results after the cross-stage rule (for the OPD feedback letters)."""


# ----------------------------------------------------------------------------------------------- region words

def region_words(region: Region) -> dict:
    """How the region, its head and its regulation are named: Kota -> Wali Kota / Perwali, else Bupati / Perbup.

    `short_name` drops "Kabupaten"/"Kota" and a trailing remark in parentheses ("Kabupaten Padang Pariaman
    (sampel sintetis)" -> "Padang Pariaman"), for titles such as "Bupati Padang Pariaman".
    """
    is_city = region.name.strip().lower().startswith("kota")
    head = "Wali Kota" if is_city else "Bupati"
    return {
        "name": region.name,
        "short_name": re.sub(r"^(kabupaten|kota)\s+|\s*\([^)]*\)$", "", region.name.strip(), flags=re.IGNORECASE),
        "province": region.province,
        "slug": region.slug,
        "kind": "Kota" if is_city else "Kabupaten",
        "head": head,
        "regulation": f"Peraturan {head}",
        "regulation_short": "Perwali" if is_city else "Perbup",
    }


# ----------------------------------------------------------------------------------------------- context

def _share(part: float, whole: float) -> float:
    return float(part) / float(whole) if whole else 0.0


def _year_span(start: object, end: object) -> str:
    return str(start) if start == end else f"{start}–{end}"


def _with_years(rows: list[dict]) -> list[dict]:
    return [{**r, "tahun": _year_span(r["tahun_mulai"], r["tahun_selesai"])} for r in rows]


def _validation(report: ValidationReport) -> dict:
    per_rule: dict[str, int] = {}
    for rejection in report.rejections:
        per_rule[rejection.rule] = per_rule.get(rejection.rule, 0) + 1
    return {
        "rows_total": report.rows_total, "rows_valid": report.rows_valid, "rows_rejected": report.rows_rejected,
        "files": len(report.files),
        "per_rule": [{"rule": r, "label": rule_label(r), "count": n}
                     for r, n in sorted(per_rule.items(), key=lambda x: (-x[1], x[0]))],
    }


def _dimension_horizon_matrix(rows: list[dict], spans: dict) -> list[dict]:
    """Per dimension (taxonomy order): programs and budget in each horizon."""
    out = []
    for dim in load_taxonomy().dimensions:
        members = [r for r in rows if r["dimensi"] == dim.code]
        cells = [{"programs": sum(1 for r in members if r["horizon"] == h),
                  "anggaran": sum(r["anggaran"] for r in members if r["horizon"] == h)} for h in spans]
        out.append({"label": dim.label, "cells": cells, "programs": len(members),
                    "anggaran": sum(r["anggaran"] for r in members)})
    return out


def book_source(previous: PreviousFiles, base: str, stages: tuple[int, ...]) -> int | None:
    """The first of `stages` that published book `base` (.md or .html), or None."""
    return next((s for s in stages if any(previous.get(s, base + x) is not None for x in (".md", ".html"))), None)


def _book_list(previous: PreviousFiles) -> list[dict]:
    """The final book set and whether each book is in this run."""
    buku_1_stage = book_source(previous, BUKU_1, (2, 1))
    buku_2 = book_source(previous, BUKU_2, (3,)) is not None
    stage_names = {1: "Tahap I", 2: "Tahap II", 3: "Tahap III"}
    return [
        {"title": "Buku 1 Analisis Strategis", "key": f"{BUKU_1}.html", "available": buku_1_stage is not None,
         "origin": stage_names.get(buku_1_stage, "")},
        {"title": "Buku 2 Masterplan", "key": f"{BUKU_2}.html", "available": buku_2, "origin": "Tahap III"},
        {"title": "Buku 3 Quick Wins", "key": "buku/buku-3-quick-wins.html", "available": True, "origin": "Tahap IV"},
        {"title": "Buku 4 Road Map", "key": "buku/buku-4-roadmap.html", "available": True, "origin": "Tahap IV"},
        {"title": "Ringkasan Eksekutif", "key": "buku/ringkasan-eksekutif.html", "available": True,
         "origin": "Tahap IV"},
    ]


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def buku_2_chapters(markdown_text: bytes | None) -> list[str]:
    """The level-2 headings ("BAB I PENDAHULUAN", "LAMPIRAN") of the published Buku 2 Markdown, as plain text."""
    if not markdown_text:
        return []
    lines = markdown_text.decode("utf-8").splitlines()
    return [_unescape(line[3:].strip()) for line in lines if line.startswith("## ")]


def finalisation_context(
    region: Region,
    settings: Settings,
    roadmap: pd.DataFrame,
    aggregates: dict[str, pd.DataFrame],
    choice: fin.QuickWinChoice,
    status: pd.DataFrame,
    review: pd.DataFrame,
    report: ValidationReport,
    previous: PreviousFiles,
) -> dict:
    """Everything the Tahap IV documents show, as plain Python values (the templates format them)."""
    spans = horizons(region.period, settings)
    rows = _with_years(table_rows(roadmap))
    total = float(roadmap["anggaran"].sum()) if len(roadmap) else 0.0
    by_dim = [{**d, "share": _share(d["anggaran_total"], total)} for d in table_rows(aggregates["by_dimension"])]
    by_horizon = [
        {**h, "tahun": _year_span(h["tahun_awal"], h["tahun_akhir"]), "share": _share(h["anggaran_total"], total),
         "rows": sorted((r for r in rows if r["horizon"] == h["horizon"]), key=lambda r: r["peringkat"])}
        for h in table_rows(aggregates["by_horizon"])
    ]
    funding = aggregates["budget_by_funding"]
    funding_total = funding[funding["dimensi"] == TOTAL_LABEL]
    sources = [c for c in funding.columns if c not in ("dimensi", "jumlah")]
    funding_rows = [
        {"sumber": s, "anggaran": float(funding_total[s].iloc[0]), "share": _share(funding_total[s].iloc[0], total)}
        for s in sources if len(funding_total) and float(funding_total[s].iloc[0]) > 0
    ]
    finals = _with_years(table_rows(choice.frame))
    final_keys = {(r["opd"], r["nama_program"]) for r in finals}
    others = sorted((r for r in rows if r["quick_win_candidate"] and (r["opd"], r["nama_program"]) not in final_keys),
                    key=lambda r: r["peringkat_quick_win"])
    status_rows = table_rows(status)
    unsigned = table_rows(fin.unsigned_opd(status))
    revisions = table_rows(fin.chapters_under_revision(review))
    calendar = {k: v.isoformat() for k, v in region.calendar.items()}
    return {
        "region": region_words(region),
        "period": {"start": region.period.start, "end": region.period.end,
                   "years": region.period.end - region.period.start + 1},
        "calendar": {"tahap_4": calendar.get("tahap-4"), "rakor": calendar.get("rakor")},
        "synthetic": bool(region.synthetic),
        "synthetic_notice": SYNTHETIC_NOTICE,
        "summary": {
            "programs": len(rows),
            "opd": int(roadmap["opd"].nunique()) if len(roadmap) else 0,
            "anggaran": total,
            "dimensions_total": len(by_dim),
            "dimensions_covered": sum(1 for d in by_dim if d["programs"]),
            "candidates": sum(1 for r in rows if r["quick_win_candidate"]),
        },
        "dimensions": by_dim,
        "horizons": by_horizon,
        "dimension_horizons": _dimension_horizon_matrix(rows, spans),
        "horizon_names": list(spans),
        "budget_by_year": table_rows(aggregates["budget_by_year"]),
        "funding": funding_rows,
        "quick_wins": {
            "rows": finals,
            "source": choice.source,
            "from_file": choice.source == fin.SOURCE_FILE,
            "file_rows": choice.file_rows,
            "count": settings.quick_win_count,
            "anggaran": sum(r["anggaran"] for r in finals),
            "others": others,
        },
        "commitments": {
            "rows": status_rows,
            "unsigned": unsigned,
            "signed": fin.signed_count(status),
            "total": len(status_rows),
            "signed_status": SIGNED,
        },
        "review": {**fin.review_summary(review), "revisions": revisions},
        "validation": _validation(report),
        "books": _book_list(previous),
        "buku_2_chapters": buku_2_chapters(previous.get(3, f"{BUKU_2}.md")),
        "settings": {"short_term_years": settings.short_term_years, "medium_term_years": settings.medium_term_years},
    }


# ----------------------------------------------------------------------------------------------- commitment sheets

def sheet_opd(roadmap: pd.DataFrame, region: Region) -> list[str]:
    """OPD that get a commitment sheet: those of the roadmap (region list order first), else the region's list."""
    names = list(dict.fromkeys(roadmap["opd"].tolist()))
    return fin.opd_order(names, region.opd_names) if names else list(region.opd_names)


def commitment_sheets(context: dict, roadmap: pd.DataFrame, region: Region) -> dict[str, dict]:
    """File slug -> the `sheet` entry of the commitment-sheet template (one per OPD, then the regional head)."""
    rows = _with_years(table_rows(roadmap))
    status = {r["opd"]: r for r in context["commitments"]["rows"]}
    sheets: dict[str, dict] = {}
    for opd in sheet_opd(roadmap, region):
        programs = sorted((r for r in rows if r["opd"] == opd), key=lambda r: r["peringkat"])
        signer = status.get(opd, {})
        sheets[slugify(opd)] = {
            "kind": "opd",
            "opd": opd,
            "pejabat": signer.get("pejabat"),
            "jabatan": signer.get("jabatan") or f"Kepala {opd}",
            "tanggal": signer.get("tanggal") if signer.get("status") == SIGNED else None,
            "programs": programs,
            "anggaran": sum(r["anggaran"] for r in programs),
            "quick_wins": [q for q in context["quick_wins"]["rows"] if q["opd"] == opd],
        }
    sheets[HEAD_SLUG] = {
        "kind": "kepala_daerah",
        "opd": f"{context['region']['head']} {context['region']['short_name']}",
        "pejabat": None,
        "jabatan": f"{context['region']['head']} {context['region']['short_name']}",
        "tanggal": None,
        "programs": [],
        "anggaran": context["summary"]["anggaran"],
        "quick_wins": context["quick_wins"]["rows"],
    }
    return sheets


# ----------------------------------------------------------------------------------------------- files

def _document(key: str, template: str, title: str, context: dict) -> dict[str, bytes]:
    markdown_text, html = render_book(template, context, title)
    return {f"{key}.md": markdown_text.encode("utf-8"), f"{key}.html": html.encode("utf-8")}


def _copied_books(previous: PreviousFiles) -> tuple[dict[str, bytes], list[str]]:
    """Buku 1 and Buku 2 of earlier stages, copied under buku/; notes for the ones that are missing."""
    files: dict[str, bytes] = {}
    notes: list[str] = []
    for base, stages, missing in (
        (BUKU_1, (2, 1),
         "Buku 1 Analisis Strategis belum diterbitkan pada Tahap I/II; set buku final belum memuatnya."),
        (BUKU_2, (3,), "Buku 2 Masterplan tidak ditemukan pada hasil Tahap III; set buku final belum memuatnya."),
    ):
        stage = book_source(previous, base, stages)
        if stage is None:
            notes.append(missing)
            continue
        for suffix in (".md", ".html"):  # both formats from the same stage
            data = previous.get(stage, base + suffix)
            if data is not None:
                files[base + suffix] = data
    if BUKU_2 + ".html" in files:
        files.update({key: data for key in MASTERPLAN_CHART_KEYS if (data := previous.get(3, key)) is not None})
    return files, notes


def _by_dimension_note(published: bytes | None, computed: pd.DataFrame) -> list[str]:
    """A note when the published Tahap III by_dimension.csv differs from the figures recomputed from the roadmap."""
    if published is None:
        return []
    frame = pd.read_csv(io.BytesIO(published))
    same = (
        list(frame.get("dimensi", [])) == list(computed["dimensi"])
        and list(frame.get("programs", [])) == list(computed["programs"])
        and all(abs(float(a) - float(b)) < 0.5
                for a, b in zip(frame.get("anggaran_total", []), computed["anggaran_total"]))
    )
    return [] if same else [
        "Angka per dimensi Tahap III (aggregates/by_dimension.csv) berbeda dari roadmap; buku Tahap IV memakai "
        "angka yang dihitung ulang dari roadmap/roadmap.csv."
    ]


def build_tahap_4(
    region: Region,
    results: list[SheetResult],
    settings: Settings,
    previous: PreviousFiles,
) -> Tahap4Output:
    """All Tahap IV deliverables of one run, keyed by their path in the run folder (module doc)."""
    roadmap = fin.read_roadmap(previous.get(3, ROADMAP_KEY) or b"")
    results = reject_unknown_quick_wins(results, roadmap, region)
    report = build_report(region.slug, results)
    aggregates = all_aggregates(roadmap, region, horizons(region.period, settings))
    choice = fin.final_quick_wins(roadmap, combined_valid(results, "quick_win_final"), settings.quick_win_count)
    status = fin.commitment_status(roadmap, combined_valid(results, "komitmen"), region.opd_names)
    review = combined_valid(results, "review")
    context = finalisation_context(region, settings, roadmap, aggregates, choice, status, review, report, previous)

    files: dict[str, bytes] = {
        "validation/report.json": report_json(report),
        "validation/quarantine.csv": quarantine_csv(results),
        "quick_win/quick_win_final.csv": csv_bytes(choice.frame),
        "komitmen/status_komitmen.csv": csv_bytes(status),
        "komitmen/belum_tanda_tangan.csv": csv_bytes(fin.unsigned_opd(status)),
        "review/bab_revisi.csv": csv_bytes(fin.chapters_under_revision(review)),
    }
    copied, notes = _copied_books(previous)
    files.update(copied)
    words = context["region"]
    for key, (template, title) in DOCUMENTS.items():
        files.update(_document(key, template, title.format(**words), context))
    for slug, sheet in commitment_sheets(context, roadmap, region).items():
        title = f"Lembar Komitmen Smart City {words['name']} - {sheet['opd']}"
        files.update(_document(f"komitmen/lembar-komitmen-{slug}", SHEET_TEMPLATE, title, {**context, "sheet": sheet}))

    notes += _by_dimension_note(previous.get(3, BY_DIMENSION_KEY), aggregates["by_dimension"])
    notes.append(_quick_win_note(context["quick_wins"]))
    notes.append(
        f"Lembar komitmen ditandatangani {context['commitments']['signed']} dari {context['commitments']['total']} "
        f"OPD; {len(context['commitments']['unsigned'])} OPD belum (komitmen/belum_tanda_tangan.csv)."
    )
    notes.append(f"Bab yang masih direvisi: {context['review']['revisi']} (review/bab_revisi.csv).")
    return Tahap4Output(
        files=files,
        figures=aggregates["by_dimension"],
        highlights=[
            ("Ringkasan eksekutif (HTML)", "buku/ringkasan-eksekutif.html"),
            ("Buku 3 Quick Wins (HTML)", "buku/buku-3-quick-wins.html"),
            ("Buku 4 Road Map (HTML)", "buku/buku-4-roadmap.html"),
            ("Rancangan Perbup (HTML)", "buku/rancangan-perbup.html"),
            ("Paket rakor (HTML)", "rakor/paket-rakor.html"),
            ("OPD belum tanda tangan (CSV)", "komitmen/belum_tanda_tangan.csv"),
            ("Laporan validasi", "validation/report.json"),
            ("Paket hasil (ZIP)", "bundle.zip"),
        ],
        notes=notes,
        report=report,
        results=results,
    )


def _quick_win_note(quick_wins: dict) -> str:
    names = "; ".join(r["nama_program"] for r in quick_wins["rows"]) or "tidak ada"
    if quick_wins["from_file"]:
        return f"Quick win final dari berkas pilihan Tahap IV ({len(quick_wins['rows'])}): {names}."
    return (
        f"Quick win final: {len(quick_wins['rows'])} kandidat teratas peringkat Tahap III (berkas pilihan tidak ada "
        f"atau tidak memuat baris valid): {names}."
    )
