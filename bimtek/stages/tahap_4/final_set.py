"""Tahap IV final book set: every book rendered with the FINAL quick wins, never a stale copy of Tahap III.

- Buku 2 Masterplan, `roadmap/roadmap.xlsx` (and .csv), the aggregates and charts are rendered again from the
  Tahap III roadmap with `quick_win_terpilih` set to the final quick wins (bimtek.stages.tahap_3.masterplan_files),
  with the narrative text and the Tahap I analysis Tahap III used.
- Buku 1 is the reviewed book of Tahap II (else Tahap I), copied with its readiness chart; it keeps its own stage
  label.
- Buku 3, Buku 4, the executive summary and the Perbup draft are drafted from the shared context; the Perbup's
  Lampiran is Buku 2 in plan mode (`final_masterplan` returns that Markdown; bimtek.books.buku_2.render_buku_2).
- The rakor deck is one list of slides (`rakor_slides`) printed twice: the PowerPoint (bimtek.documents.pptx) and
  the landscape HTML/PDF (templates/paket-rakor.md.j2), so both show the same slides and totals rows; its roadmap
  visual is `grafik/peta-jalan.png` (`roadmap_overview_chart`, final quick wins hatched).
"""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd

from bimtek.books.narrative import NARASI_KEY, PLAN_KEYS, STRATEGI_KEY, Narrative, read_narrative
from bimtek.books.templating import MarkdownText, render_book
from bimtek.charts.figures import CHART_FOLDER
from bimtek.core.legal import LegalGap
from bimtek.core.region import Region
from bimtek.core.settings import Settings
from bimtek.core.taxonomy import load_taxonomy
from bimtek.documents.pptx import Slide
from bimtek.stages.tables import csv_bytes
from bimtek.stages.tahap_2 import read_figures
from bimtek.stages.tahap_3 import PLAN_MARKDOWN_KEY, masterplan_files
from bimtek.stages.tahap_4.context import book_source
from bimtek.stages.tahap_4.inputs import (
    BUKU_1,
    READINESS_CHART_KEY,
    REPORT_KEY,
    PreviousFiles,
)
from bimtek.stages.tahap_4.perbup import PERBUP_KEY

DOCUMENTS = {
    "buku/buku-3-quick-wins": ("buku-3-quick-wins.md.j2", "Buku 3 Quick Win Smart City {name}"),
    "buku/buku-4-roadmap": ("buku-4-roadmap.md.j2", "Buku 4 Peta Jalan Smart City {name}"),
    "buku/ringkasan-eksekutif": ("ringkasan-eksekutif.md.j2", "Ringkasan Eksekutif Masterplan Smart City {name}"),
    PERBUP_KEY: ("rancangan-perbup.md.j2", "Rancangan {regulation} tentang Masterplan Smart City {name}"),
    "rakor/paket-rakor": ("paket-rakor.md.j2", "Paket Rakor Gerakan Menuju Smart City {name}"),
}
"""Run-folder key (without suffix) -> (template, HTML title) of the documents drafted from the shared context."""
RAKOR = "rakor/paket-rakor"
MISSING_BUKU_1 = "Buku 1 Analisis Strategis belum diterbitkan pada Tahap I/II; set buku final belum memuatnya."


def final_masterplan(
    region: Region,
    roadmap: pd.DataFrame,
    settings: Settings,
    previous: PreviousFiles,
    final_keys: list[tuple[str, str]],
    action_plans: dict[tuple[str, str], list[dict]] | None = None,
    narrative: Narrative | None = None,
) -> tuple[dict[str, bytes], dict[str, pd.DataFrame], dict, bytes]:
    """(files, aggregates, chart references, plan-mode Buku 2 Markdown) of the final Buku 2, roadmap workbook/CSV,
    aggregates and charts; the plan-mode Markdown is what the Perbup's Lampiran embeds (never published alone)."""
    report_bytes = previous.get(3, REPORT_KEY)
    report = json.loads(report_bytes) if report_bytes else None
    narrative = narrative if narrative is not None else final_narrative(previous)
    tahap_1 = {key: data for (stage, key), data in previous.files.items() if stage == 1 and data is not None}
    files, aggregates = masterplan_files(
        region,
        roadmap,
        settings,
        report,
        narrative,
        read_figures(tahap_1),
        final_quick_wins=final_keys,
        action_plans=action_plans,
    )
    plan_markdown = files.pop(PLAN_MARKDOWN_KEY)
    chosen = set(final_keys)
    final_roadmap = roadmap.assign(
        quick_win_terpilih=[(o, n) in chosen for o, n in zip(roadmap["opd"], roadmap["nama_program"])]
    )
    files["roadmap/roadmap.csv"] = csv_bytes(final_roadmap)
    return files, aggregates, chart_references(files), plan_markdown


def final_narrative(previous: PreviousFiles) -> Narrative:
    """The text and plan sheets Tahap III published (nothing written when it published none)."""
    return read_narrative(
        previous.get(3, NARASI_KEY),
        previous.get(3, STRATEGI_KEY),
        {name: previous.get(3, key) for name, key in PLAN_KEYS.items()},
    )


def chart_references(files: dict[str, bytes], from_folder: str = "buku") -> dict:
    """References from `from_folder` to the masterplan charts present in `files`: overview and gantt per code."""
    prefix = "../" * len([p for p in from_folder.split("/") if p]) + f"{CHART_FOLDER}/"

    def ref(name: str) -> MarkdownText | None:
        return MarkdownText(prefix + f"{name}.png") if f"{CHART_FOLDER}/{name}.png" in files else None

    return {
        "overview": ref("program-anggaran-per-dimensi"),
        "gantt": {d.code: ref(f"peta-jalan-{d.code}") for d in load_taxonomy().dimensions},
    }


def copied_buku_1(previous: PreviousFiles) -> tuple[dict[str, bytes], list[str]]:
    """Buku 1 of Tahap II (else Tahap I) with its readiness chart; a note when neither stage published it."""
    stage = book_source(previous, BUKU_1, (2, 1))
    if stage is None:
        return {}, [MISSING_BUKU_1]
    files = {BUKU_1 + suffix: data for suffix in (".md", ".html") if (data := previous.get(stage, BUKU_1 + suffix))}
    if (chart := previous.get(stage, READINESS_CHART_KEY)) is not None:
        files[READINESS_CHART_KEY] = chart
    return files, []


SUMMARY_KEY = "buku/ringkasan-eksekutif"
PRESENTATION = "Ringkasan eksekutif dan paket rakor"
"""How the outcome names the two presentation documents (they show the same visi, strategy and quick wins)."""


def presentation_gaps(context: dict) -> list[LegalGap]:
    """What the executive summary and the rakor deck need and the run did not have: visi, misi, a strategy per
    dimension (Tahap III narrative) and a target for every final quick win. Each makes both documents a DRAFT."""
    vision = context["vision"]
    narrative = "narasi Tim Pelaksana Tahap III"
    wanted = [
        ("visi", f"{narrative}, bagian visi", not vision["visi"]),
        ("misi", f"{narrative}, bagian misi", not vision["misi"]),
        ("strategi per dimensi", f"{narrative}, lembar strategi per dimensi", not vision["dimensions"]),
    ]
    wanted += [
        (f"target quick win {q['nama_program']}", "kolom Target usulan program OPD", not q.get("target"))
        for q in context["quick_wins"]["rows"]
    ]
    return [LegalGap(PRESENTATION, what, where) for what, where, missing in wanted if missing]


def drafted_documents(context: dict) -> dict[str, bytes]:
    """Markdown + HTML of Buku 3, Buku 4, the executive summary and the Perbup draft (the rakor deck: rakor_deck)."""
    files: dict[str, bytes] = {}
    words = context["region"]
    for key, (template, title) in DOCUMENTS.items():
        if key == RAKOR:
            continue
        draft = {
            PERBUP_KEY: context["perbup"]["draft"],
            SUMMARY_KEY: [g.missing for g in presentation_gaps(context)],
        }.get(key)
        markdown_text, html = render_book(template, {**context, "draft": draft}, title.format(**words))
        files[f"{key}.md"], files[f"{key}.html"] = markdown_text.encode("utf-8"), html.encode("utf-8")
    return files


DECK_CHARTS = {"dimensions": "rakor-program-anggaran-per-dimensi", "years": "rakor-peta-jalan-per-tahun"}
"""File stems (under grafik/) of the rakor deck's own charts, drawn for a 16:9 slide (bimtek.charts.plots.SLIDE)."""


def roadmap_overview_chart(roadmap: pd.DataFrame, region: Region, settings: Settings) -> dict[str, bytes]:
    """grafik/peta-jalan.png/.svg: the whole roadmap in one Gantt (one row per element when it has more than
    `gantt_max_programs` programs), final quick wins hatched; and the deck's slide charts (`DECK_CHARTS`: programs
    and budget per dimension, programs per dimension and year), every label >= 14 pt when projected."""
    from bimtek.analysis.aggregate import by_dimension
    from bimtek.analysis.roadmap import horizons
    from bimtek.charts.figures import chart_files
    from bimtek.charts.plots import SLIDE, programs_budget_by_dimension, roadmap_gantt, roadmap_years_by_dimension

    spans = horizons(region.period, settings)
    slide_charts = [
        programs_budget_by_dimension(by_dimension(roadmap), SLIDE, DECK_CHARTS["dimensions"]),
        roadmap_years_by_dimension(roadmap, region.period.start, region.period.end, horizons=spans),
    ]
    chart = roadmap_gantt(
        roadmap,
        region.period.start,
        region.period.end,
        horizons=spans,
        max_programs=settings.gantt_max_programs,
        highlight="quick_win_terpilih",
    )
    return chart_files([chart, *slide_charts])


def _quick_win_slide(q: dict, number: int) -> Slide:
    """One final quick win: baseline -> target as the headline, then its steps per quarter and who, when, how
    much and for whom."""
    from bimtek.core.formatting import rupiah_words

    rows = [
        ["OPD penanggung jawab", q["opd"]],
        ["Waktu dan anggaran", f"{q['tahun']} · {rupiah_words(q['anggaran'])} ({q['sumber_dana']})"],
        ["Sasaran (penerima manfaat)", q.get("sasaran") or "-"],
        ["Indikator", q.get("indikator") or "-"],
    ]
    steps = [f"{st['triwulan']}: {st['langkah']}" for st in q.get("steps", [])]
    headline = f"Baseline {q.get('baseline') or 'menyusul'} \u2192 target {q.get('target') or 'menyusul'}"
    return Slide(
        f"{number}. Quick win {q['urutan']}: {q['nama_program']}",
        steps[:4],
        table=(["Uraian", "Isi"], rows),
        headline=headline,
    )


def rakor_slides(context: dict, files: dict[str, bytes]) -> list[Slide]:
    """The rakor deck a regional head presents, one `Slide` per slide: the PowerPoint AND the landscape PDF/HTML
    (templates/paket-rakor.md.j2 prints these same slides), so both show the same slides and totals rows. No
    internal review status (chapter reviews, unsigned sheets by name) reaches the panel."""
    from bimtek.core.formatting import angka, persen, rupiah_words, tanggal

    s, words, period, vision = context["summary"], context["region"], context["period"], context["vision"]
    owners = context["commitments"]["owners"]
    rakor = f" · Rapat koordinasi {tanggal(context['calendar']['rakor'])}" if context["calendar"]["rakor"] else ""
    finals = context["quick_wins"]["rows"]
    total = rupiah_words(s["anggaran"]) if s["anggaran"] else "Rp 0"
    slides = [
        Slide(
            "Masterplan Smart City " + words["name"],
            [
                f"Paparan {words['head']} {words['short_name']} · Provinsi {words['province']}{rakor}",
                f"Masterplan {period['start']}–{period['end']}: {angka(s['programs'])} program, {total}, "
                f"{angka(len(finals))} quick win.",
            ],
        ),
        Slide(
            "1. Profil daerah",
            vision["profil"][:1],
            table=(
                ["Uraian", "Nilai"],
                [
                    ["Periode masterplan", f"{period['start']}–{period['end']} ({period['years']} tahun)"],
                    ["Program", f"{angka(s['programs'])} program dari {angka(s['opd'])} OPD"],
                    ["Total anggaran", total],
                    ["Dimensi tercakup", f"{s['dimensions_covered']} dari {s['dimensions_total']}"],
                ],
            ),
        ),
        Slide(
            "2. Visi dan misi",
            [*(f"Visi: {v}" for v in vision["visi"]), *(f"Misi {i}: {m}" for i, m in enumerate(vision["misi"], 1))],
        ),
        Slide(
            "3. Strategi per dimensi",
            table=(
                ["Dimensi", "Strategi"],
                [
                    [d["label"], next((f["text"] for f in d["fields"] if f["title"] == "Strategi"), "menyusul")]
                    for d in vision["dimensions"]
                ],
            ),
        ),
        Slide(
            "4. Enam dimensi Smart City",
            image=files.get(f"{CHART_FOLDER}/{DECK_CHARTS['dimensions']}.png"),
            image_ref=f"../{CHART_FOLDER}/{DECK_CHARTS['dimensions']}.png",
        ),
        Slide(
            "5. Peta jalan",
            table=(
                ["Tahapan", "Tahun", "Program", "Anggaran", "Porsi"],
                [
                    *[
                        [h["horizon"], h["tahun"], angka(h["programs"]), h["anggaran_words"], persen(h["share"])]
                        for h in context["horizons"]
                    ],
                    [
                        "Jumlah",
                        f"{period['start']}–{period['end']}",
                        angka(s["programs"]),
                        total,
                        persen(1 if s["anggaran"] else 0),
                    ],
                ],
            ),
            bold_last=True,
        ),
        Slide(
            "6. Peta jalan per tahun",
            image=files.get(f"{CHART_FOLDER}/{DECK_CHARTS['years']}.png"),
            image_ref=f"../{CHART_FOLDER}/{DECK_CHARTS['years']}.png",
        ),
        Slide(
            "7. Quick win",
            table=(
                ["No", "Quick win", "OPD", "Tahun", "Anggaran", "Target"],
                [
                    *[
                        [
                            str(q["urutan"]),
                            q["nama_program"],
                            q["opd"],
                            q["tahun"],
                            rupiah_words(q["anggaran"]),
                            q.get("target") or "-",
                        ]
                        for q in finals
                    ],
                    ["", "Jumlah", "", "", rupiah_words(context["quick_wins"]["anggaran"]) if finals else "Rp 0", ""],
                ],
            ),
            bold_last=True,
        ),
        *(_quick_win_slide(q, 8 + i) for i, q in enumerate(finals)),
        Slide(
            f"{8 + len(finals)}. Sumber pendanaan",
            table=(
                ["Sumber dana", "Anggaran", "Porsi"],
                [
                    *[[f["sumber"], f["anggaran_words"], persen(f["share"])] for f in context["funding"]],
                    ["Jumlah", total, persen(1 if s["anggaran"] else 0)],
                ],
            ),
            bold_last=True,
        ),
        Slide(
            f"{9 + len(finals)}. Komitmen bersama",
            [
                f"Lembar komitmen ditandatangani oleh {words['head']} dan pimpinan {angka(owners['signed'])} dari "
                f"{angka(owners['total'])} OPD pemilik program.",
                f"Masterplan akan ditetapkan dengan {words['regulation']} dan menjadi acuan RPJMD serta Renstra OPD.",
                "Quick win dilaksanakan dan dilaporkan capaiannya setiap triwulan kepada Dewan Smart City.",
            ],
        ),
    ]
    return slides


def rakor_deck(context: dict, files: dict[str, bytes]) -> dict[str, bytes]:
    """rakor/paket-rakor .md/.html (landscape 16:9 PDF from the HTML) and .pptx, both from `rakor_slides`."""
    from bimtek.documents.pptx import deck_pptx

    template, title_pattern = DOCUMENTS[RAKOR]
    title = title_pattern.format(**context["region"])
    slides = [_amounts_kept(slide) for slide in rakor_slides(context, files)]
    draft = [g.missing for g in presentation_gaps(context)]
    if draft:  # the title slide says so in both prints (PDF and PowerPoint); the PDF also carries the watermark
        slides[0] = replace(slides[0], lines=[f"DRAFT — belum tersedia: {'; '.join(draft)}.", *slides[0].lines])
    view = {**context, "slides": [slide_view(x) for x in slides], "draft": draft or None}
    markdown_text, html = render_book(template, view, title)
    data = deck_pptx(
        slides,
        title=title,
        region_name=context["region"]["name"],
        synthetic=context["synthetic"],
        synthetic_notice=context["synthetic_notice"],
    )
    return {f"{RAKOR}.md": markdown_text.encode("utf-8"), f"{RAKOR}.html": html.encode("utf-8"), f"{RAKOR}.pptx": data}


def _amounts_kept(slide: Slide) -> Slide:
    """The slide with every amount of its table held together (PDF and PowerPoint never wrap "Rp 1,43 miliar")."""
    from bimtek.documents.pptx import keep_amounts

    if slide.table is None:
        return slide
    header, rows = slide.table
    return replace(slide, table=(header, [[keep_amounts(cell) for cell in row] for row in rows]))


def slide_view(slide: Slide) -> dict:
    """A Slide as template values (the image as its reference from rakor/, when the chart exists)."""
    return {
        "title": slide.title,
        "headline": slide.headline,
        "lines": slide.lines,
        "table": slide.table,
        "bold_last": slide.bold_last,
        "image": MarkdownText(slide.image_ref) if slide.image is not None and slide.image_ref else None,
    }
