"""Tahap IV final book set: every book rendered with the FINAL quick wins, never a stale copy of Tahap III.

- Buku 2 Masterplan, `roadmap/roadmap.xlsx` (and .csv), the aggregates and charts are rendered again from the
  Tahap III roadmap with `quick_win_terpilih` set to the final quick wins (bimtek.stages.tahap_3.masterplan_files),
  with the narrative text and the Tahap I analysis Tahap III used.
- Buku 1 is the reviewed book of Tahap II (else Tahap I), copied with its readiness chart; it keeps its own stage
  label.
- Buku 3, Buku 4, the executive summary, the Perbup draft and the rakor pack are drafted from the shared context.
"""

from __future__ import annotations

import json

import pandas as pd

from bimtek.books.narrative import NARASI_KEY, STRATEGI_KEY, read_narrative
from bimtek.books.templating import MarkdownText, render_book
from bimtek.charts.figures import CHART_FOLDER
from bimtek.core.region import Region
from bimtek.core.settings import Settings
from bimtek.core.taxonomy import load_taxonomy
from bimtek.stages.tables import csv_bytes
from bimtek.stages.tahap_2 import read_figures
from bimtek.stages.tahap_3 import masterplan_files
from bimtek.stages.tahap_4_context import book_source
from bimtek.stages.tahap_4_inputs import (
    BUKU_1,
    READINESS_CHART_KEY,
    REPORT_KEY,
    PreviousFiles,
)
from bimtek.stages.tahap_4_perbup import PERBUP_KEY

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
) -> tuple[dict[str, bytes], dict[str, pd.DataFrame], dict]:
    """(files, aggregates, chart references) of the final Buku 2, roadmap workbook/CSV, aggregates and charts."""
    report_bytes = previous.get(3, REPORT_KEY)
    report = json.loads(report_bytes) if report_bytes else None
    narrative = read_narrative(previous.get(3, NARASI_KEY), previous.get(3, STRATEGI_KEY))
    tahap_1 = {key: data for (stage, key), data in previous.files.items() if stage == 1 and data is not None}
    files, aggregates = masterplan_files(
        region, roadmap, settings, report, narrative, read_figures(tahap_1), final_quick_wins=final_keys
    )
    chosen = set(final_keys)
    final_roadmap = roadmap.assign(
        quick_win_terpilih=[(o, n) in chosen for o, n in zip(roadmap["opd"], roadmap["nama_program"])]
    )
    files["roadmap/roadmap.csv"] = csv_bytes(final_roadmap)
    return files, aggregates, chart_references(files)


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


def drafted_documents(context: dict) -> dict[str, bytes]:
    """Markdown + HTML of Buku 3, Buku 4, the executive summary, the Perbup draft and the rakor pack (its 16:9
    layout: bimtek.books.buku_2.LAYOUTS)."""
    files: dict[str, bytes] = {}
    words = context["region"]
    for key, (template, title) in DOCUMENTS.items():
        draft = context["perbup"]["draft"] if key == PERBUP_KEY else None
        markdown_text, html = render_book(template, {**context, "draft": draft}, title.format(**words))
        files[f"{key}.md"], files[f"{key}.html"] = markdown_text.encode("utf-8"), html.encode("utf-8")
    return files


def rakor_slides(context: dict, files: dict[str, bytes]) -> list:
    """The rakor deck's slides for PowerPoint: the same figures as templates/paket-rakor.md.j2."""
    from bimtek.core.formatting import angka, persen, rupiah_words, tanggal
    from bimtek.documents.pptx import Slide

    s, words, period = context["summary"], context["region"], context["period"]
    owners, review = context["commitments"]["owners"], context["review"]
    rakor = f" · Rapat koordinasi {tanggal(context['calendar']['rakor'])}" if context["calendar"]["rakor"] else ""
    finals = context["quick_wins"]["rows"]
    slides = [
        Slide(
            "Paket Rakor Gerakan Menuju Smart City",
            [
                f"{words['name']} · Provinsi {words['province']}{rakor}",
                f"Masterplan Smart City {period['start']}–{period['end']}: {angka(s['programs'])} program, "
                f"{rupiah_words(s['anggaran'])}, {angka(len(finals))} quick win final.",
            ],
        ),
        Slide(
            "1. Profil singkat",
            table=(
                ["Uraian", "Nilai"],
                [
                    ["Periode masterplan", f"{period['start']}–{period['end']} ({period['years']} tahun)"],
                    ["Program", f"{angka(s['programs'])} program dari {angka(s['opd'])} OPD pemilik program"],
                    ["Total anggaran", rupiah_words(s["anggaran"])],
                    ["Dimensi tercakup", f"{s['dimensions_covered']} dari {s['dimensions_total']}"],
                    [
                        "Lembar komitmen ditandatangani",
                        f"{angka(owners['signed'])} dari {angka(owners['total'])} OPD pemilik program",
                    ],
                    ["Bab masih direvisi", f"{angka(review['revisi'])} dari {angka(review['total'])} bab"],
                ],
            ),
        ),
        Slide("2. Enam dimensi Smart City", image=files.get(f"{CHART_FOLDER}/program-anggaran-per-dimensi.png")),
        Slide(
            "3. Peta Jalan",
            table=(
                ["Tahapan", "Tahun", "Program", "Anggaran", "Porsi"],
                [
                    [h["horizon"], h["tahun"], angka(h["programs"]), h["anggaran_words"], persen(h["share"])]
                    for h in context["horizons"]
                ],
            ),
        ),
        Slide(
            "4. Quick win final",
            table=(
                ["No", "Quick win", "OPD", "Tahun", "Anggaran", "Target"],
                [
                    [
                        str(q["urutan"]),
                        q["nama_program"],
                        q["opd"],
                        q["tahun"],
                        rupiah_words(q["anggaran"]),
                        q.get("target") or "belum diisi",
                    ]
                    for q in finals
                ],
            ),
        ),
        Slide(
            "5. Tindak lanjut",
            [
                *(
                    [f"Lembar komitmen yang belum ditandatangani: {'; '.join(owners['unsigned'])}."]
                    if owners["unsigned"]
                    else []
                ),
                *(f"Revisi {b['bab']}: {b['catatan'] or 'tanpa catatan'}" for b in review["revisions"]),
                f"Penetapan masterplan sebagai {words['regulation']} (rancangan terlampir dalam set buku final).",
            ],
        ),
    ]
    return slides


def rakor_deck(context: dict, files: dict[str, bytes]) -> dict[str, bytes]:
    """rakor/paket-rakor.pptx: the 16:9 PowerPoint of the rakor pack."""
    from bimtek.documents.pptx import deck_pptx

    title = DOCUMENTS[RAKOR][1].format(**context["region"])
    data = deck_pptx(
        rakor_slides(context, files),
        title=title,
        region_name=context["region"]["name"],
        synthetic=context["synthetic"],
        synthetic_notice=context["synthetic_notice"],
    )
    return {f"{RAKOR}.pptx": data}
