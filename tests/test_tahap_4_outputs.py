"""Tahap IV builder on a tiny hand-made Tahap III roadmap: final quick wins, unsigned OPD, chapters under revision,
figures in the books."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from bimtek.analysis import finalisation as fin
from bimtek.analysis.roadmap import build_roadmap
from bimtek.books.buku_2 import CHAPTERS
from bimtek.core.columns import load_spec
from bimtek.core.formatting import rupiah, rupiah_words
from bimtek.core.model import PROGRAM_COLUMNS, ROW_COLUMN, Sheet
from bimtek.core.region import parse_region
from bimtek.core.settings import Settings
from bimtek.stages.tables import csv_bytes
from bimtek.stages.tahap_4 import BUKU_2, ROADMAP_KEY, PreviousFiles, build_tahap_4
from bimtek.validation import mark_duplicates, validate_sheet, warm_up

SETTINGS = Settings(short_term_years=1, medium_term_years=4, quick_win_count=3)
OPD = [
    "Dinas Kesehatan",
    "Dinas Komunikasi dan Informatika",
    "Dinas Lingkungan Hidup",
    "Dinas Sosial",
    "Dinas Perhubungan",
    "Inspektorat",
]
REGION_DATA = {
    "slug": "contoh",
    "name": "Kabupaten Contoh",
    "province": "Sumatera Barat",
    "period": {"start": 2027, "end": 2036},
    "calendar": {"tahap-4": "2026-10-12", "rakor": "2026-12-08"},
    "opd": [
        {"name": "Dinas Kesehatan", "aliases": ["Dinkes"]},
        {"name": "Dinas Komunikasi dan Informatika", "aliases": ["Diskominfo"]},
        {"name": "Dinas Lingkungan Hidup", "aliases": ["DLH"]},
        {"name": "Dinas Sosial"},
        {"name": "Dinas Perhubungan", "aliases": ["Dishub"]},
        {"name": "Inspektorat"},
    ],
}
REGION = parse_region(REGION_DATA)

PROGRAMS = [
    # opd, dimensi, elemen, nama_program, anggaran, start, end, dampak, proposed
    ("Dinas Kesehatan", "living", "health", "Pendaftaran Online Pasien Puskesmas", 300e6, 2027, 2027, 5, True),
    (
        "Dinas Komunikasi dan Informatika",
        "governance",
        "service",
        "Aplikasi Pengaduan Warga Online",
        200e6,
        2027,
        2027,
        4,
        False,
    ),
    (
        "Dinas Lingkungan Hidup",
        "environment",
        "waste",
        "Aplikasi Bank Sampah Digital Warga",
        150e6,
        2027,
        2027,
        3,
        False,
    ),
    ("Dinas Sosial", "society", "community", "Layanan Bansos Online", 100e6, 2027, 2027, 2, False),
    ("Dinas Perhubungan", "living", "mobility", "Pembangunan Terminal Baru", 5e9, 2028, 2031, 3, False),
]


def make_roadmap(budgets: dict[str, float] | None = None) -> pd.DataFrame:
    """The Tahap III roadmap of PROGRAMS (budgets overridden by program name)."""
    rows = []
    for i, (opd, dim, el, name, budget, start, end, impact, proposed) in enumerate(PROGRAMS):
        rows.append(
            {
                "opd": opd,
                "dimensi": dim,
                "elemen": el,
                "nama_program": name,
                "deskripsi": None,
                "anggaran": (budgets or {}).get(name, budget),
                "sumber_dana": "APBD",
                "tahun_mulai": start,
                "tahun_selesai": end,
                "quick_win": proposed,
                "sasaran": "Warga",
                "indikator": None,
                "dampak": impact,
                "kesiapan": 3,
                "_path": f"opd-{i}.xlsx",
                "_sheet": "",
                "_row": 2,
            }
        )
    frame = pd.DataFrame(rows).astype({"dampak": "Int64", "kesiapan": "Int64", "quick_win": bool})
    return build_roadmap(
        frame.reindex(columns=[c for c in [*PROGRAM_COLUMNS, "_path", "_sheet", "_row"] if c in frame.columns]),
        REGION,
        SETTINGS,
    )


def previous_of(roadmap: pd.DataFrame, extra: dict | None = None) -> PreviousFiles:
    """The Tahap III roadmap (+ other earlier files keyed by (stage, key))."""
    return PreviousFiles({(3, ROADMAP_KEY): csv_bytes(roadmap), **(extra or {})})


def sheet(dataset: str, rows: list[dict], path: str = "hasil-tahap-4.xlsx") -> Sheet:
    spec = load_spec(dataset)
    frame = pd.DataFrame(rows, dtype="object")
    frame[ROW_COLUMN] = range(2, len(rows) + 2)
    headers = {c.name: c.label for c in spec.columns if c.name in frame.columns}
    return Sheet(path=path, sheet=dataset, frame=frame, dataset=dataset, header_row=1, original_headers=headers)


def komitmen(opd: str, status: str, tanggal: str | None = "2026-10-12") -> dict:
    return {
        "opd": opd,
        "nama_pejabat": f"Pejabat {opd}",
        "jabatan": f"Kepala {opd}",
        "status": status,
        "tanggal": tanggal,
    }


KOMITMEN_ROWS = [
    komitmen("Dinkes", "ditandatangani"),
    komitmen("Diskominfo", "belum", None),
    komitmen("DLH", "sudah"),  # rejected (commitment_status): DLH then counts as not recorded
    komitmen("Dinas Sosial", "ditandatangani", "13/10/2026"),
    komitmen("Inspektorat", "belum", None),  # owns no program, still has not signed
]  # Dinas Perhubungan is absent and owns a program
REVIEW_ROWS = [
    {"bab": "Bab I Pendahuluan", "status": "disetujui", "catatan": None},
    {"bab": "Penutup", "status": "revisi", "catatan": None},
    {"bab": "4", "status": "revisi", "catatan": "Lengkapi sumber dana"},
    {"bab": "Bab III", "status": "selesai", "catatan": "ditolak: status tidak dikenal"},
    {"bab": "BAB II - Gambaran Umum", "status": "Perlu revisi", "catatan": "Tambahkan data penduduk"},
]


@pytest.fixture(scope="module", autouse=True)
def _gx_warm() -> None:
    warm_up()


def validated(*sheets: Sheet) -> list:
    return mark_duplicates([validate_sheet(s, REGION, s.dataset) for s in sheets])


def build(quick_wins: list[dict] | None, roadmap: pd.DataFrame | None = None, region=REGION, extra: dict | None = None):
    sheets = [sheet("komitmen", KOMITMEN_ROWS), sheet("review", REVIEW_ROWS)]
    if quick_wins is not None:
        sheets.append(sheet("quick_win_final", quick_wins, path="quick-win-final.csv"))
    roadmap = make_roadmap() if roadmap is None else roadmap
    return build_tahap_4(region, validated(*sheets), SETTINGS, previous_of(roadmap, extra))


def csv_of(output, key: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(output.files[key]), keep_default_na=False)


@pytest.fixture(scope="module")
def chosen():
    """A run with a quick_win_final file: two known programs and one unknown."""
    return build(
        [
            {"opd": "Dinas Sosial", "nama_program": "layanan bansos  online"},
            {"opd": "Dishub", "nama_program": "Pembangunan Terminal Baru"},
            {"opd": "Dinkes", "nama_program": "Program Fiktif"},
        ]
    )


@pytest.fixture(scope="module")
def default():
    """A run without a quick_win_final file."""
    return build(None)


# ----------------------------------------------------------------------------------------------- quick wins


def test_final_quick_wins_come_from_the_file_in_file_order(chosen):
    final = csv_of(chosen, "quick_win/quick_win_final.csv")
    assert final["nama_program"].tolist() == ["Layanan Bansos Online", "Pembangunan Terminal Baru"]
    assert final["opd"].tolist() == ["Dinas Sosial", "Dinas Perhubungan"]
    assert final["urutan"].tolist() == [1, 2] and set(final["sumber_pilihan"]) == {"berkas"}
    book = chosen.files["buku/buku-3-quick-wins.md"].decode()
    assert "melalui berkas pilihan quick win" in book and "Layanan Bansos Online" in book


def test_unknown_final_quick_win_is_rejected_in_report_and_quarantine(chosen):
    report = chosen.report
    unknown = [r for r in report.rejections if r.rule == "quick_win_unknown"]
    assert [(r.path, r.row, r.value) for r in unknown] == [("quick-win-final.csv", 4, "Program Fiktif")]
    assert report.rows_total == report.rows_valid + report.rows_rejected
    assert (report.rows_total, report.rows_rejected) == (13, 3)  # commitment_status, review_status, quick_win_unknown
    quarantine = chosen.files["validation/quarantine.csv"].decode("utf-8-sig")
    assert "Program Fiktif" in quarantine and "tidak ada dalam roadmap Tahap III" in quarantine


def test_default_final_quick_wins_are_the_top_three_candidates(default):
    final = csv_of(default, "quick_win/quick_win_final.csv")
    assert final["nama_program"].tolist() == [
        "Pendaftaran Online Pasien Puskesmas",
        "Aplikasi Pengaduan Warga Online",
        "Aplikasi Bank Sampah Digital Warga",
    ]
    assert final["peringkat_quick_win"].tolist() == [1, 2, 3] and set(final["sumber_pilihan"]) == {"peringkat"}
    assert "kandidat teratas" in default.files["buku/buku-3-quick-wins.md"].decode()


def test_file_with_only_unknown_programs_falls_back_to_the_ranking():
    output = build([{"opd": "Dinkes", "nama_program": "Program Fiktif"}])
    final = csv_of(output, "quick_win/quick_win_final.csv")
    assert len(final) == 3 and set(final["sumber_pilihan"]) == {"peringkat"}
    assert [r.rule for r in output.report.rejections].count("quick_win_unknown") == 1


# ----------------------------------------------------------------------------------------------- commitments, review


def test_unsigned_opd_list_is_exact(default):
    unsigned = csv_of(default, "komitmen/belum_tanda_tangan.csv")
    assert list(unsigned.columns) == ["opd", "status", "pejabat", "program", "anggaran", "keterangan"]
    assert list(zip(unsigned["opd"], unsigned["status"])) == [
        ("Dinas Komunikasi dan Informatika", "belum"),
        ("Dinas Lingkungan Hidup", "tidak tercatat"),
        ("Dinas Perhubungan", "tidak tercatat"),
        ("Inspektorat", "belum"),
    ]
    status = csv_of(default, "komitmen/status_komitmen.csv")
    assert status["opd"].tolist() == OPD
    signed = status[status["status"] == "ditandatangani"]
    assert signed["tanggal"].tolist() == ["2026-10-12", "2026-10-13"]
    assert signed["pejabat"].tolist() == ["Pejabat Dinkes", "Pejabat Dinas Sosial"]


def test_chapters_under_revision_are_exact(default):
    """Chapters are named as the final Buku 2 names them; "Penutup" (no number) is matched to its chapter."""
    revisions = csv_of(default, "review/bab_revisi.csv")
    assert revisions.to_dict("records") == [
        {
            "nomor": 2,
            "bab": "Bab II",
            "judul": "Gambaran umum daerah",
            "catatan": "Tambahkan data penduduk",
            "keterangan": "",
        },
        {
            "nomor": 4,
            "bab": "Bab IV",
            "judul": "Visi, misi dan strategi smart city",
            "catatan": "Lengkapi sumber dana",
            "keterangan": "",
        },
        {"nomor": 13, "bab": "Bab XIII", "judul": "Penutup", "catatan": "", "keterangan": ""},
    ]


def test_chapter_status_lists_every_chapter_of_the_book_and_the_rejected_row(default):
    """Every chapter of the rendered Buku 2 once; the review row validation rejected ("Bab III", status "selesai")
    shows as such with its message instead of vanishing; the run note counts the book's 13 chapters."""
    status = csv_of(default, "review/status_bab.csv")
    book = default.files["buku/buku-2-masterplan.md"].decode()
    headings = re.findall(r"^## BAB ([IVXLC]+) ", book, re.M)
    assert len(status) == len(headings) == len(CHAPTERS) == 13
    by_bab = dict(zip(status["bab"], status["status"]))
    assert by_bab["Bab I"] == "disetujui" and by_bab["Bab II"] == "revisi" and by_bab["Bab XIII"] == "revisi"
    assert by_bab["Bab III"] == "baris reviu ditolak" and by_bab["Bab V"] == "belum direviu"
    assert '"selesai"' in status.loc[status["bab"] == "Bab III", "catatan"].item()
    note = next(n for n in default.notes if n.startswith("Reviu Buku 2"))
    assert (
        note.startswith("Reviu Buku 2: 1 dari 13 bab disetujui, 3 masih direvisi") and "1 baris reviu ditolak" in note
    )


def test_review_row_naming_a_chapter_the_book_lacks_is_marked():
    review = pd.DataFrame(
        {
            "bab": ["Bab XX"],
            "bab_nomor": pd.array([20], dtype="Int64"),
            "bab_judul": [None],
            "status": ["revisi"],
            "catatan": ["?"],
        }
    )
    chapters = [{"number": 1, "title": "Pendahuluan"}]
    out = fin.chapters_under_revision(review, chapters)
    assert out[["bab", "keterangan"]].values.tolist() == [["Bab XX", fin.NOT_IN_BOOK]]
    assert fin.review_summary(review, chapters)["tidak_dikenal"] == 1


def test_commitment_sheets_one_per_roadmap_opd_and_the_regional_head(default):
    sheets = sorted(k for k in default.files if k.startswith("komitmen/lembar-komitmen-") and k.endswith(".md"))
    assert sheets == sorted(
        [
            "komitmen/lembar-komitmen-dinas-kesehatan.md",
            "komitmen/lembar-komitmen-dinas-komunikasi-dan-informatika.md",
            "komitmen/lembar-komitmen-dinas-lingkungan-hidup.md",
            "komitmen/lembar-komitmen-dinas-sosial.md",
            "komitmen/lembar-komitmen-dinas-perhubungan.md",
            "komitmen/lembar-komitmen-kepala-daerah.md",
        ]
    )
    dinkes = default.files["komitmen/lembar-komitmen-dinas-kesehatan.md"].decode()
    assert "Pejabat Dinkes" in dinkes and "12 Oktober 2026" in dinkes and "tanda tangan dan cap" in dinkes
    assert "Pendaftaran Online Pasien Puskesmas" in dinkes and "Jabatan" in dinkes
    head = default.files["komitmen/lembar-komitmen-kepala-daerah.md"].decode()
    assert "Bupati Contoh" in head
    assert all(name in head for name in ("Pendaftaran Online Pasien Puskesmas", "Aplikasi Pengaduan Warga Online"))
    assert default.files["komitmen/lembar-komitmen-dinas-kesehatan.html"].startswith(b"<!DOCTYPE html>")


# ----------------------------------------------------------------------------------------------- books


def test_buku_4_total_follows_the_roadmap_budget():
    base = build(None).files["buku/buku-4-roadmap.md"].decode()
    changed = build(None, make_roadmap({"Pembangunan Terminal Baru": 7e9})).files["buku/buku-4-roadmap.md"].decode()
    assert rupiah(5.75e9) in base and rupiah(7.75e9) not in base
    assert rupiah(7.75e9) in changed and rupiah(5.75e9) not in changed


def test_documents_and_figures(default):
    keys = set(default.files)
    for base in (
        "buku/buku-3-quick-wins",
        "buku/buku-4-roadmap",
        "buku/ringkasan-eksekutif",
        "buku/rancangan-perbup",
        "rakor/paket-rakor",
    ):
        assert {f"{base}.md", f"{base}.html"} <= keys
    perbup = default.files["buku/rancangan-perbup.md"].decode()
    assert "PERATURAN BUPATI CONTOH" in perbup and "KETENTUAN UMUM" in perbup and "Dewan Smart City" in perbup
    assert all(part in perbup for part in ("Menimbang", "Mengingat", "MEMUTUSKAN", "Pasal 1", "Pasal 10", "LAMPIRAN"))
    rakor = default.files["rakor/paket-rakor.md"].decode()
    assert "8 Desember 2026" in rakor and "](../grafik/rakor-program-anggaran-per-dimensi.png)" in rakor
    assert "pimpinan 2 dari 5 OPD pemilik program" in rakor
    assert "direviu" not in rakor and "direvisi" not in rakor and "Revisi" not in rakor  # no internal review status
    assert "DATA SINTETIS" not in rakor
    ringkasan = default.files["buku/ringkasan-eksekutif.md"].decode()
    assert "ditandatangani oleh 2 dari 5 OPD pemilik program" in ringkasan
    assert any("Buku 1" in note for note in default.notes)
    assert {"buku/buku-2-masterplan.md", "roadmap/roadmap.xlsx", "grafik/peta-jalan-living.png"} <= keys


def test_buku_1_is_copied_buku_2_rendered_again_and_synthetic_banner_shown():
    from bimtek.core.legal import process_artefacts

    region = parse_region({**REGION_DATA, "synthetic": True})
    buku_1 = b"> **DATA SINTETIS.**\n\n# Buku 1\n"
    stale = b"# Buku 2 Tahap III\n\n## BAB IV KANDIDAT QUICK WIN\n"
    output = build(
        None, region=region, extra={(2, "buku/buku-1-analisis-strategis.md"): buku_1, (3, f"{BUKU_2}.md"): stale}
    )
    assert output.files["buku/buku-1-analisis-strategis.md"] == buku_1
    assert output.files[f"{BUKU_2}.md"] != stale and b"Tahap IV" in output.files[f"{BUKU_2}.md"]
    perbup = output.files["buku/rancangan-perbup.md"].decode()
    lampiran = perbup.split("| | LAMPIRAN |", 1)[1]
    assert "#### BAB I PENDAHULUAN" in lampiran and "#### BAB VII QUICK WIN DAN RENCANA AKSI" in lampiran
    assert "##### Lampiran A. Daftar program" in lampiran and f"total anggaran {rupiah_words(5.75e9)}" in lampiran
    assert "#### BAB XII MONITORING DAN EVALUASI" in lampiran and "#### BAB XIII PENUTUP" in lampiran
    for workshop in ("Buku 2 ini", "lolos validasi", "Belum diisi", "Buku 3", "Buku 4", "Temuan validasi"):
        assert workshop not in lampiran, workshop  # the plan rendering: no process text
    book = output.files[f"{BUKU_2}.md"].decode()
    assert "Buku 2 ini" in book and "Belum diisi" in book  # the workshop book keeps it
    assert process_artefacts(lampiran) == []
    assert "# Buku 2" not in lampiran and lampiran.count("DATA SINTETIS") == 1  # no title, one banner (the Perbup's)
    for key, data in output.files.items():
        if key.endswith(".md") and not key.startswith("narasi/"):
            assert data.startswith(b"> **DATA SINTETIS"), key
        if key.endswith(".html"):
            assert b"DATA SINTETIS" in data, key


def test_empty_roadmap_gives_sheets_for_the_region_opd_list():
    output = build(
        [{"opd": "Dinkes", "nama_program": "Pendaftaran Online Pasien Puskesmas"}], roadmap=make_roadmap().iloc[0:0]
    )
    assert len(csv_of(output, "quick_win/quick_win_final.csv")) == 0
    assert [r.rule for r in output.report.rejections].count("quick_win_unknown") == 1
    sheets = [k for k in output.files if k.startswith("komitmen/lembar-komitmen-") and k.endswith(".md")]
    assert len(sheets) == len(OPD) + 1
    assert "Belum ada quick win" in output.files["buku/buku-3-quick-wins.md"].decode()


def test_same_inputs_give_identical_files(default):
    assert build(None).files == default.files


def test_missing_plan_sheets_show_boxes_in_the_workshop_book_and_nothing_in_the_annex(default):
    """No Tim Pelaksana workbook: every new chapter of the workshop Buku 2 says what is missing, who writes it and
    on which sheet; the Perbup's Lampiran (plan mode) keeps the chapter headings without any box."""
    book = default.files[f"{BUKU_2}.md"].decode()
    for what, sheet in (
        ("Susunan Dewan Smart City, Tim Pelaksana dan peran per program", "Kelembagaan"),
        ("Rencana suprastruktur", "Narasi Masterplan"),
        ("Rencana pendanaan per tahun dan skema (APBD, DAK/APBN, CSR, KPBU)", "Pendanaan"),
        ("Daftar risiko dengan kemungkinan, dampak, mitigasi dan penanggung jawab", "Risiko"),
        ("Indikator monitoring dan evaluasi per area, siklus dan pelaporan", "Monev"),
    ):
        assert f"**Belum diisi** — {what}: diisi oleh Tim Pelaksana / Bappeda (lembar {sheet} " in book, what
    assert "**Belum diisi** — Rujukan RPJMD/Renstra setiap program: diisi oleh OPD pemilik program" in book
    lampiran = default.files["buku/rancangan-perbup.md"].decode().split("| | LAMPIRAN |", 1)[1]
    assert "#### BAB X PENDANAAN" in lampiran and "Belum diisi" not in lampiran
    # each missing plan is a dotted line in the Lampiran and a gap of the Perbup, with who and where
    gaps = {g.missing: g for g in default.legal_gaps if g.document.startswith("Rancangan")}
    assert "Rencana pendanaan per tahun dan skema (APBD, DAK/APBN, CSR, KPBU)" in gaps
    assert gaps["Rencana suprastruktur"].where == "lembar Narasi Masterplan pada berkas narasi Tahap III"
    chapter = lampiran.split("#### BAB XI")[0].split("#### BAB X PENDANAAN")[1]
    assert "...................." in chapter
