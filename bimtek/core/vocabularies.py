"""The closed vocabularies: readiness pillars, SWOT components and types (Tahap I), commitment and review statuses
(Tahap IV), yes/no, Roman numerals.

Each vocabulary maps free text (Indonesian or English, case, spaces and punctuation ignored through
`bimtek.core.text.fold_key`) to a stable code, in the order the book presents them. The intake dropdowns
(`bimtek.workbooks.intake_template`) offer the labels of the same vocabularies. Validation uses `match` to build
the `__code` helper columns its suite checks; the analysis and the book use `codes` and `label`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from bimtek.core.text import fold_key


@dataclass(frozen=True)
class Term:
    code: str
    label: str
    """How the book writes it (Bahasa Indonesia)."""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[Term, ...]

    @property
    def codes(self) -> list[str]:
        """Codes in presentation order."""
        return [t.code for t in self.terms]

    @property
    def labels(self) -> list[str]:
        return [t.label for t in self.terms]

    @cached_property
    def _lookup(self) -> dict[str, str]:
        return {fold_key(name): t.code for t in self.terms for name in (t.code, t.label, *t.aliases)}

    def match(self, text: object) -> str | None:
        """Code for free text, or None when the text names no term."""
        return self._lookup.get(fold_key(text))

    def label(self, code: str) -> str:
        """Label of a code (the code itself when unknown)."""
        return next((t.label for t in self.terms if t.code == code), code)


PILLARS = Vocabulary(
    "pilar",
    (
        Term("struktur", "Struktur", ("structure",)),
        Term("infrastruktur", "Infrastruktur", ("infrastructure",)),
        Term("suprastruktur", "Suprastruktur", ("suprastructure", "superstructure", "superstruktur")),
    ),
)
"""The three readiness pillars (domain: people and budget; networks and data center; plans and regulations)."""

SWOT_COMPONENTS = Vocabulary(
    "komponen SWOT",
    (
        Term("alam", "Alam", ("nature", "sumber daya alam", "sda")),
        Term("budaya", "Budaya", ("culture", "sosial budaya")),
        Term("struktur", "Struktur", ("structure",)),
        Term("infrastruktur", "Infrastruktur", ("infrastructure",)),
        Term("suprastruktur", "Suprastruktur", ("suprastructure", "superstructure", "superstruktur")),
    ),
)
"""The five components the Tahap I SWOT groups work on."""

SWOT_TYPES = Vocabulary(
    "jenis SWOT",
    (
        Term("S", "Kekuatan", ("strength", "strengths", "kekuatan (s)")),
        Term("W", "Kelemahan", ("weakness", "weaknesses", "kelemahan (w)")),
        Term("O", "Peluang", ("opportunity", "opportunities", "peluang (o)")),
        Term("T", "Ancaman", ("threat", "threats", "tantangan", "ancaman (t)")),
    ),
)
"""Strengths, weaknesses, opportunities, threats; coded S/W/O/T."""

SIGNED, UNSIGNED = "ditandatangani", "belum"
"""Tahap IV commitment statuses (signed or not yet)."""
APPROVED, REVISION = "disetujui", "revisi"
"""Tahap IV review verdicts (approved or to revise)."""

COMMITMENT_STATUSES = Vocabulary(
    "status komitmen",
    (
        Term(SIGNED, SIGNED, ("sudah ditandatangani", "signed", "ditanda tangani", "telah ditandatangani")),
        Term(UNSIGNED, UNSIGNED, ("belum ditandatangani", "not signed", "unsigned")),
    ),
)
"""Status of a Tahap IV commitment sheet; the intake dropdown offers the labels, validation folds the aliases."""

REVIEW_STATUSES = Vocabulary(
    "status reviu",
    (
        Term(APPROVED, APPROVED, ("setuju", "approved")),
        Term(REVISION, REVISION, ("perlu revisi", "revision")),
    ),
)
"""Verdict of a Tahap IV chapter review."""

YES_NO = ("ya", "tidak")
"""How a yes/no column is offered in the intake dropdowns (`bimtek.core.parsing` reads more spellings)."""

SYNTHETIC_NOTICE = "DATA SINTETIS — bukan data resmi daerah"
"""Banner of every book, cover and footer made from synthetic (sample) data."""


def int_to_roman(number: int) -> str:
    """Roman numeral of 1..399 (chapter numbers)."""
    parts = ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, symbol in parts:
        while number >= value:
            out, number = out + symbol, number - value
    return out


ROMAN = {stage: int_to_roman(stage) for stage in (1, 2, 3, 4)}
"""Roman numerals of the four Bimtek stages; prefer `stage_name` ("Tahap III") or the `romawi` template filter."""


def stage_name(stage: int) -> str:
    """How every document and message names a stage: 3 -> "Tahap III"."""
    return f"Tahap {int_to_roman(int(stage))}"


_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman_to_int(text: str) -> int | None:
    """Value of a well-formed Roman numeral up to 399 ("IV" -> 4), None for anything else ("IIV", "VX")."""
    text = text.lower()
    if not text or any(ch not in _ROMAN_VALUES for ch in text):
        return None
    total = 0
    for ch, nxt in zip(text, text[1:] + " "):
        value = _ROMAN_VALUES[ch]
        total += -value if nxt != " " and _ROMAN_VALUES[nxt] > value else value
    return total if int_to_roman(total) == text.upper() else None


NARRATIVE_PARTS = Vocabulary(
    "bagian narasi",
    (
        Term("latar_belakang", "Latar belakang", ("latar belakang", "background")),
        Term("gambaran_umum", "Gambaran umum daerah", ("gambaran umum", "profil daerah", "profil", "profile")),
        Term("visi", "Visi", ("vision", "visi smart city")),
        Term("misi", "Misi", ("mission", "misi smart city")),
        Term("strategi_umum", "Strategi umum smart city", ("strategi umum", "strategi smart city", "strategi")),
        Term("kelembagaan", "Kelembagaan dan tata kelola", ("kelembagaan", "tata kelola", "governance structure")),
        Term("suprastruktur", "Rencana suprastruktur", ("suprastruktur", "enabler suprastruktur")),
        Term("infrastruktur", "Rencana infrastruktur", ("infrastruktur", "enabler infrastruktur")),
        Term("infostruktur", "Rencana infostruktur", ("infostruktur", "enabler infostruktur")),
        Term("pendanaan", "Strategi pendanaan", ("pendanaan", "strategi pembiayaan", "financing")),
        Term("manajemen_risiko", "Manajemen risiko", ("risiko", "manajemen risiko", "risk management")),
        Term("monev", "Monitoring dan evaluasi", ("monev", "monitoring evaluasi", "pemantauan dan evaluasi")),
    ),
)
"""The region-level parts of the masterplan text the Tim Pelaksana writes (dataset `narasi`, Tahap III), in book
order. `misi` may have several rows (one mission each); the other parts join their rows as paragraphs. The parts
from `kelembagaan` on open the chapters on institutions, enablers, financing, risk and monitoring (each with the
table of its own Tim Pelaksana sheet, bimtek.books.masterplan_chapters)."""

ENABLERS = ("suprastruktur", "infrastruktur", "infostruktur")
"""The enabler plans of the masterplan (NARRATIVE_PARTS codes), in book order."""

RISK_LEVELS = Vocabulary(
    "tingkat risiko",
    (
        Term("rendah", "Rendah", ("low", "kecil", "1")),
        Term("sedang", "Sedang", ("medium", "menengah", "2")),
        Term("tinggi", "Tinggi", ("high", "besar", "3")),
    ),
)
"""Likelihood and impact of a masterplan risk (dataset `risiko`, Tahap III), lowest first."""

MONEV_AREAS = Vocabulary(
    "area evaluasi",
    (
        Term("baseline", "Baseline", ("kondisi awal", "data dasar")),
        Term("output", "Output", ("keluaran",)),
        Term("outcome", "Outcome", ("hasil",)),
        Term("impact", "Impact", ("dampak", "manfaat")),
        Term("quick_win", "Quick Win", ("quickwin", "quick-win")),
    ),
)
"""The five areas of the ministry's Smart City evaluation guide (Baseline, Output, Outcome, Impact, Quick Win), in
the guide's order: the monitoring indicators of the masterplan (dataset `monev`, Tahap III) are mapped to them."""

FUNDING_SCHEMES = Vocabulary(
    "skema pendanaan",
    (
        Term("APBD", "APBD", ("apbd kabupaten", "apbd kota")),
        Term("APBD Provinsi", "APBD Provinsi", ("apbd prov", "apbd i")),
        Term("APBN", "APBN", ()),
        Term("DAK", "DAK", ("dana alokasi khusus",)),
        Term(
            "Dana Desa",
            "Dana Desa",
            ("dana desa/apb nagari", "apb nagari", "apbnag", "apb desa", "apbdes", "dana nagari", "alokasi dana desa"),
        ),
        Term("CSR", "CSR", ("tjsl", "tanggung jawab sosial perusahaan")),
        Term("KPBU", "KPBU", ("kerja sama pemerintah dan badan usaha", "ppp")),
        Term("Swasta", "Swasta", ("private",)),
        Term("Hibah", "Hibah", ("grant",)),
        Term("Lainnya", "Lainnya", ("lain lain", "other")),
    ),
)
"""The one funding vocabulary: a program's source (`sumber_dana`, schemas/taxonomy.json `funding_sources` lists the
same codes in the same order; bimtek.core.taxonomy matches the aliases too) and a scheme of the masterplan's funding
plan (dataset `pendanaan`, Tahap III). "Dana Desa" covers Dana Desa and the nagari's own budget (APB Nagari); KPBU
is a source a program may name. How a Perbup groups them is bimtek.core.legal.FUNDING_ARTICLE."""

QUARTERS = Vocabulary(
    "triwulan",
    (
        Term("I", "Triwulan I", ("triwulan 1", "tw i", "tw 1", "tw1", "q1", "1", "i")),
        Term("II", "Triwulan II", ("triwulan 2", "tw ii", "tw 2", "tw2", "q2", "2", "ii")),
        Term("III", "Triwulan III", ("triwulan 3", "tw iii", "tw 3", "tw3", "q3", "3", "iii")),
        Term("IV", "Triwulan IV", ("triwulan 4", "tw iv", "tw 4", "tw4", "q4", "4", "iv")),
    ),
)
"""The quarters of a budget year, as the quick-win action plans name them (dataset `rencana_aksi_quick_win`,
Tahap IV; Tahap II's draft writes the labels)."""


MONEV_PROGRAM_STATUSES = Vocabulary(
    "status pelaksanaan",
    (
        Term("belum_mulai", "belum mulai", ("belum dimulai", "belum", "not started")),
        Term("berjalan", "berjalan", ("sedang berjalan", "on going", "ongoing", "dalam pelaksanaan", "proses")),
        Term("selesai", "selesai", ("tuntas", "done", "completed", "sudah selesai")),
        Term("dibatalkan", "dibatalkan", ("batal", "ditunda", "cancelled", "canceled")),
    ),
)
"""Status of a masterplan program (or a final quick win) in a monev semester (Tahap V); `dibatalkan` needs a reason."""

MONEV_ITEM_STATUSES = Vocabulary(
    "status butir",
    (
        Term("ada", "ada", ("sudah ada", "sudah", "terbit", "sudah terbit", "ya", "tersedia")),
        Term("proses", "dalam proses", ("proses", "sedang disusun", "draf", "draft")),
        Term("belum", "belum ada", ("belum", "tidak ada", "tidak", "belum tersedia")),
    ),
)
"""Status of a region-level monev item (a regulation, a decree, budget tagging ...)."""

MONEV_ITEMS = Vocabulary(
    "butir monev",
    (
        Term("data_dasar", "Data dasar wilayah", ("baseline", "data dasar", "profil data dasar")),
        Term("regulasi", "Regulasi smart city", ("perbup", "perwal", "peraturan", "regulasi")),
        Term("sk_dewan", "SK Dewan Smart City", ("sk dewan", "dewan smart city")),
        Term("sk_tim", "SK Tim Pelaksana", ("sk tim", "sk tim pelaksana", "tim pelaksana")),
        Term("penandaan_anggaran", "Penandaan anggaran", ("tagging anggaran", "budget tagging", "penandaan")),
        Term("manfaat_warga", "Bukti manfaat warga", ("manfaat warga", "manfaat", "dampak warga")),
        Term("quick_win", "Status quick win", ("quick win", "status quick win")),
    ),
)
"""What the Tim Pelaksana reports for the whole region each monev semester (dataset `monev_wilayah`). `quick_win`
rows name a final quick win (nama_program) and take a program status; `manfaat_warga` may have several rows (one
benefit each); the others take an item status."""


CANCELLED_WORDS = ("batal", "dibatalkan", "dihapus", "tidak jadi", "ditiadakan", "dicoret", "drop", "gugur")
"""Status words a clerk writes on a row that is no longer meant (in a Keterangan/Status cell): the reader leaves
such a row out and names it (`bimtek.ingest.reader.rows`). A cell counts when it starts with one of them as a
whole word ("Batal", "DIBATALKAN - diganti program X"), so a program name that merely contains one is kept."""
BEFORE_WORDS = ("semula", "sebelum", "sebelumnya")
"""Header words of the old values in a before/after ("Semula / Menjadi") table: never read as the figure."""
AFTER_WORDS = ("menjadi", "sesudah", "setelah", "perubahan")
"""Header words of the new values in a before/after table: the values read."""
