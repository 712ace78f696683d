"""Draft quick-win action plans (Tahap II): four quarterly steps within the first year of each candidate.

Candidates are the roadmap's `quick_win_candidate` rows (bimtek.analysis.roadmap.build_roadmap: one budget year, short
term, felt by citizens, improves an existing service), in `peringkat_quick_win` order. A quick win delivers within
one budget year, so every step falls in the candidate's `tahun_mulai`. The steps are a draft for the Tahap II
workshop: the OPD replaces them with its own plan; the texts reuse the program's target group and indicator.

`action_plan(roadmap)` columns (one row per candidate and quarter; ACTION_PLAN_COLUMNS):
urutan (peringkat_quick_win), opd, dimensi (label), elemen (label or empty), nama_program, tahun, triwulan
("Triwulan I".."Triwulan IV"), bulan ("Januari-Maret"...), langkah, tonggak (milestone), indikator, sasaran,
anggaran_program (the program's whole budget, repeated on each of its four rows: do not add them up),
sumber_dana, usulan_opd (the OPD proposed it as a quick win).
"""

from __future__ import annotations

import pandas as pd

from bimtek.core.text import is_blank

ACTION_PLAN_COLUMNS = [
    "urutan",
    "opd",
    "dimensi",
    "elemen",
    "nama_program",
    "tahun",
    "triwulan",
    "bulan",
    "langkah",
    "tonggak",
    "indikator",
    "sasaran",
    "anggaran_program",
    "sumber_dana",
    "usulan_opd",
]
NO_INDICATOR = "indikator belum ditetapkan OPD"
DEFAULT_TARGET = "masyarakat penerima layanan"

QUARTERS = (
    (
        "Triwulan I",
        "Januari–Maret",
        "Persiapan: menetapkan tim pelaksana di {opd}, menyusun kerangka acuan kerja dan memastikan anggaran "
        "{sumber_dana} tercantum dalam DPA.",
        "Tim pelaksana dan kerangka acuan kerja ditetapkan; anggaran siap digunakan.",
    ),
    (
        "Triwulan II",
        "April–Juni",
        "Pengembangan: menyiapkan layanan {nama_program}, termasuk data, prosedur dan petugas, lalu uji coba terbatas.",
        "Uji coba terbatas selesai dan masukan pengguna dicatat.",
    ),
    (
        "Triwulan III",
        "Juli–September",
        "Peluncuran: meluncurkan layanan dan menyosialisasikannya kepada {sasaran}.",
        "Layanan diluncurkan dan mulai digunakan sasaran.",
    ),
    (
        "Triwulan IV",
        "Oktober–Desember",
        "Evaluasi: mengukur capaian indikator ({indikator}) dan melaporkan hasilnya kepada Dewan Smart City.",
        "Capaian indikator terukur; laporan hasil quick win disampaikan.",
    ),
)
"""(quarter, months, step, milestone) templates; the step text is filled with the program's values."""


def _text(value: object, default: str) -> str:
    if is_blank(value):
        return default
    return str(value).strip()


def candidates(roadmap: pd.DataFrame) -> pd.DataFrame:
    """The roadmap's quick-win candidates in peringkat_quick_win order (index 0..n-1)."""
    chosen = roadmap[roadmap["quick_win_candidate"].astype(bool)]
    return chosen.sort_values("peringkat_quick_win", kind="mergesort").reset_index(drop=True)


def action_plan(roadmap: pd.DataFrame) -> pd.DataFrame:
    """Four quarterly steps per quick-win candidate (module doc); empty frame with the columns when none."""
    rows = []
    for rec in candidates(roadmap).to_dict("records"):
        values = {
            "opd": rec["opd"],
            "nama_program": rec["nama_program"],
            "sumber_dana": rec["sumber_dana"],
            "sasaran": _text(rec.get("sasaran"), DEFAULT_TARGET),
            "indikator": _text(rec.get("indikator"), NO_INDICATOR),
        }
        for quarter, months, step, milestone in QUARTERS:
            rows.append(
                {
                    "urutan": int(rec["peringkat_quick_win"]),
                    "opd": rec["opd"],
                    "dimensi": rec["dimensi_label"],
                    "elemen": _text(rec.get("elemen_label"), ""),
                    "nama_program": rec["nama_program"],
                    "tahun": int(rec["tahun_mulai"]),
                    "triwulan": quarter,
                    "bulan": months,
                    "langkah": step.format(**values),
                    "tonggak": milestone,
                    "indikator": values["indikator"],
                    "sasaran": values["sasaran"],
                    "anggaran_program": float(rec["anggaran"]),
                    "sumber_dana": rec["sumber_dana"],
                    "usulan_opd": bool(rec["quick_win_usulan"]),
                }
            )
    frame = pd.DataFrame(rows, columns=ACTION_PLAN_COLUMNS)
    return frame.astype({"urutan": "int64", "tahun": "int64", "anggaran_program": "float64", "usulan_opd": "bool"})
