"""Tahap IV builder (finalisation): final quick wins, commitment sheets, final book set, draft Perbup, rakor pack.

Inputs: the validated rows of the Tahap IV inbox (`komitmen`, `review`, `quick_win_final`) and the files of the
earlier stages listed in `PREVIOUS` (read by the flow through latest.json; the Tahap III roadmap is required).

Modules of this package: `inputs` (what is read), `context` (the shared figures), `commitments` (commitment
sheets), `review` (chapter review), `perbup` (the Rancangan Perbup), `final_set` (the books); this module wires
them. The legal rules (what a regulation may carry, DRAF gaps, numbers in words) live in bimtek.core.legal.

Steps: the cross-stage rule `quick_win_unknown` (a final quick win must be a Tahap III roadmap program) moves rows
to the rejected ones, then the validation report is built; the aggregates are computed again from the roadmap
(the published `aggregates/by_dimension.csv` is only compared, and a difference is noted); the figures of
bimtek.analysis.finalisation fill one context that every template reads.

Deliverables (keys in the run folder):

| key | content |
|---|---|
| validation/report.json, validation/quarantine.csv | as every stage (including quick_win_unknown rows) |
| quick_win/quick_win_final.csv | the final quick wins (analysis.finalisation.FINAL_COLUMNS) |
| quick_win/rencana_aksi_final.csv | the steps of every final quick win (analysis.action_plans.STEP_COLUMNS) |
| komitmen/status_komitmen.csv, komitmen/belum_tanda_tangan.csv | commitment status per OPD, OPD that have not signed |
| komitmen/lembar-komitmen-<opd-slug>.md/.html | one printable sheet per roadmap OPD (the region's list when empty) |
| komitmen/lembar-komitmen-kepala-daerah.md/.html | the regional head's sheet |
| review/bab_revisi.csv | chapters still under revision, with the reviewers' notes, named as the final Buku 2 names them |
| review/status_bab.csv | every chapter of the final Buku 2 with its verdict (disetujui, revisi, belum direviu, baris reviu ditolak) |
| buku/buku-1-analisis-strategis.md/.html | copied from Tahap II (else Tahap I) when published; a run note otherwise |
| buku/buku-2-masterplan.md/.html, roadmap/roadmap.xlsx/.csv, aggregates/*.csv, grafik/* | rendered again with the final quick wins |
| buku/buku-3-quick-wins, buku-4-roadmap, ringkasan-eksekutif, rancangan-perbup (.md/.html) | drafted here |
| sipd/matriks-renstra.xlsx, sipd/usulan-nomenklatur.xlsx | the coded programs as Renstra rows, the uncoded ones as nomenclature proposals (bimtek.stages.sipd_outputs) |
| rakor/paket-rakor.md/.html/.pptx | the pack for the closing coordination meeting: a 16:9 deck (PDF and PowerPoint) |
| data-terbuka/* | open data for the Satu Data portal: CSV tables, datapackage.json, DCAT, CKAN body (stages.open_data) |
| buku/rancangan-perbup.jdih.json | the draft regulation's JDIHN metadata (stages.jdih) |

Nothing here reads the clock or a run id: the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd

from bimtek.analysis import finalisation as fin
from bimtek.analysis.action_plans import DRAFT_KEY, final_action_plans, read_draft, steps_by_program
from bimtek.core.legal import LegalGap
from bimtek.core.model import ValidationReport
from bimtek.core.nomenclature import Nomenclature
from bimtek.core.paths import REPORT_KEY
from bimtek.core.region import Region
from bimtek.core.settings import Settings
from bimtek.stages.jdih import jdih_files
from bimtek.stages.open_data import open_data_files
from bimtek.stages.output import StageOutput
from bimtek.stages.sipd_outputs import RENSTRA_KEY, USULAN_KEY, sipd_files
from bimtek.stages.tables import csv_bytes
from bimtek.stages.tahap_4.commitments import commitment_files, commitment_gaps, commitment_note
from bimtek.stages.tahap_4.context import finalisation_context
from bimtek.stages.tahap_4.final_set import (
    copied_buku_1,
    drafted_documents,
    final_masterplan,
    final_narrative,
    presentation_gaps,
    rakor_deck,
    roadmap_overview_chart,
)
from bimtek.stages.tahap_4.inputs import (
    BUKU_2,
    BY_DIMENSION_KEY,
    PREVIOUS,
    ROADMAP_KEY,
    PreviousFiles,
)
from bimtek.stages.tahap_4.review import book_chapters, rejected_reviews
from bimtek.validation import (
    SheetResult,
    build_report,
    combined_valid,
    quarantine_csv,
    report_json,
)
from bimtek.validation.stage_4_rules import reject_unknown_action_plans, reject_unknown_quick_wins

__all__ = ["BUKU_2", "PREVIOUS", "ROADMAP_KEY", "PreviousFiles", "Tahap4Output", "build_tahap_4"]


@dataclass
class Tahap4Output(StageOutput):
    report: ValidationReport | None = None
    """The validation report after the cross-stage rule (the flow's rows_valid / rows_rejected)."""
    results: list[SheetResult] = field(default_factory=list)
    """The validation results after the cross-stage rule (for the OPD feedback letters)."""
    legal_gaps: list[LegalGap] = field(default_factory=list)
    """Texts the legal documents miss (each such document is marked DRAFT): the Prefect outcome and the portal
    list them."""

    def draft_summary(self) -> list[str]:
        """One Indonesian sentence per missing legal text (empty when every legal document can be signed)."""
        return [gap.sentence() for gap in self.legal_gaps]


def _by_dimension_note(published: bytes | None, computed: pd.DataFrame) -> list[str]:
    """A note when the published Tahap III by_dimension.csv differs from the figures recomputed from the roadmap."""
    if published is None:
        return []
    frame = pd.read_csv(io.BytesIO(published))
    same = (
        list(frame.get("dimensi", [])) == list(computed["dimensi"])
        and list(frame.get("programs", [])) == list(computed["programs"])
        and all(
            abs(float(a) - float(b)) < 0.5 for a, b in zip(frame.get("anggaran_total", []), computed["anggaran_total"])
        )
    )
    return (
        []
        if same
        else [
            "Angka per dimensi Tahap III (aggregates/by_dimension.csv) berbeda dari roadmap; buku Tahap IV memakai "
            "angka yang dihitung ulang dari roadmap/roadmap.csv."
        ]
    )


def build_tahap_4(
    region: Region,
    results: list[SheetResult],
    settings: Settings,
    previous: PreviousFiles,
    nomenclature: Nomenclature | None = None,
) -> Tahap4Output:
    """All Tahap IV deliverables of one run, keyed by their path in the run folder (module doc).

    `nomenclature`: the region's loaded SIPD export (None: the bundled reference of its version), for sipd/*."""
    roadmap = fin.read_roadmap(previous.get(3, ROADMAP_KEY) or b"")
    results = reject_unknown_quick_wins(results, roadmap, region)
    choice = fin.final_quick_wins(roadmap, combined_valid(results, "quick_win_final"), settings.quick_win_count)
    final_keys = list(zip(choice.frame["opd"], choice.frame["nama_program"]))
    results = reject_unknown_action_plans(results, final_keys, region)
    report = build_report(region.slug, results)
    steps = final_action_plans(
        choice.frame, combined_valid(results, "rencana_aksi_quick_win"), read_draft(previous.get(2, DRAFT_KEY))
    )
    narrative = final_narrative(previous)
    masterplan, aggregates, charts, plan_markdown = final_masterplan(
        region, roadmap, settings, previous, final_keys, steps_by_program(steps), narrative
    )
    status = fin.commitment_status(roadmap, combined_valid(results, "komitmen"), region.opd_names)
    review = combined_valid(results, "review")
    chapters = book_chapters(plan_markdown)
    context = finalisation_context(
        region,
        settings,
        roadmap,
        aggregates,
        choice,
        status,
        review,
        report,
        previous,
        buku_2_markdown=plan_markdown,
        charts=charts,
        steps=steps,
        narrative=narrative,
        rejected_reviews=rejected_reviews(results),
    )

    files: dict[str, bytes] = {
        REPORT_KEY: report_json(report),
        "validation/quarantine.csv": quarantine_csv(results),
        "quick_win/quick_win_final.csv": csv_bytes(choice.frame),
        "quick_win/rencana_aksi_final.csv": csv_bytes(steps),
        "komitmen/status_komitmen.csv": csv_bytes(status),
        "komitmen/belum_tanda_tangan.csv": csv_bytes(fin.unsigned_opd(status)),
        "review/bab_revisi.csv": csv_bytes(fin.chapters_under_revision(review, chapters or None)),
        "review/status_bab.csv": csv_bytes(fin.chapter_status(review, chapters, rejected_reviews(results))),
    }
    copied, notes = copied_buku_1(previous)
    files.update(copied)
    files.update(masterplan)
    files.update(drafted_documents(context))
    chosen = set(final_keys)
    final_roadmap = roadmap.assign(
        quick_win_terpilih=[(o, n) in chosen for o, n in zip(roadmap["opd"], roadmap["nama_program"])]
    )
    files.update(roadmap_overview_chart(final_roadmap, region, settings))
    files.update(rakor_deck(context, files))
    files.update(commitment_files(context, roadmap, region))
    sipd, sipd_notes = sipd_files(roadmap, region, nomenclature)
    files.update(sipd)
    files.update(open_data_files(region, files))
    files.update(jdih_files(region, files, context["perbup"]["draft"], tuple(settings.formats)))

    notes += _by_dimension_note(previous.get(3, BY_DIMENSION_KEY), aggregates["by_dimension"])
    notes.append(_quick_win_note(context["quick_wins"]))
    notes.append(commitment_note(context))
    notes.append(_review_note(context["review"]))
    notes += sipd_notes
    gaps = [*context["perbup"]["gaps"], *presentation_gaps(context), *commitment_gaps(context)]
    notes += [f"Bertanda DRAFT: {gap.sentence()}." for gap in gaps]
    return Tahap4Output(
        files=files,
        figures=aggregates["by_dimension"],
        highlights=[
            ("Ringkasan eksekutif (HTML)", "buku/ringkasan-eksekutif.html"),
            ("Buku 2 Masterplan (HTML)", "buku/buku-2-masterplan.html"),
            ("Buku 3 Quick Win (HTML)", "buku/buku-3-quick-wins.html"),
            ("Buku 4 Peta Jalan (HTML)", "buku/buku-4-roadmap.html"),
            ("Peta Jalan (Excel)", "roadmap/roadmap.xlsx"),
            ("Matriks Renstra SIPD (Excel)", RENSTRA_KEY),
            ("Usulan nomenklatur SIPD (Excel)", USULAN_KEY),
            ("Rancangan Perbup (HTML)", "buku/rancangan-perbup.html"),
            ("Paket rakor (HTML)", "rakor/paket-rakor.html"),
            ("Paket rakor (PowerPoint)", "rakor/paket-rakor.pptx"),
            ("OPD belum tanda tangan (CSV)", "komitmen/belum_tanda_tangan.csv"),
            ("Laporan validasi", REPORT_KEY),
            ("Paket hasil (ZIP)", "bundle.zip"),
        ],
        notes=notes,
        report=report,
        results=results,
        legal_gaps=gaps,
    )


def _quick_win_note(quick_wins: dict) -> str:
    names = "; ".join(r["nama_program"] for r in quick_wins["rows"]) or "tidak ada"
    if quick_wins["from_file"]:
        return f"Quick win final dari berkas pilihan Tahap IV ({len(quick_wins['rows'])}): {names}."
    return (
        f"Quick win final: {len(quick_wins['rows'])} kandidat teratas peringkat Tahap III (berkas pilihan tidak ada "
        f"atau tidak memuat baris valid): {names}."
    )


def _review_note(review: dict) -> str:
    text = (
        f"Reviu Buku 2: {review['disetujui']} dari {review['total']} bab disetujui, {review['revisi']} masih direvisi"
        f" (review/bab_revisi.csv), {review.get('belum', 0)} belum direviu"
    )
    if review.get("ditolak"):
        text += f"; {review['ditolak']} baris reviu ditolak validasi (review/status_bab.csv, validation/report.json)"
    return text + "."
