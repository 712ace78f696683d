"""Messages for the OPD, in Bahasa Indonesia: what is wrong (column as written, value) and how to fix it.

One function per rule id, registered with `@message_for(rule)`; later stages register their own rules.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from bimtek.core.parsing import money_unit
from bimtek.core.questions import HELD_RULE
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.text import fold_key


@dataclass(frozen=True)
class MessageContext:
    """What a message may mention about one failing cell."""

    header: str
    """The column as the OPD wrote it (or its contract label)."""
    value: str | None
    """The cell as the OPD wrote it."""
    region: Region | None = None
    observed: object = None
    """The helper value the rule looked at (e.g. -inf for a number that could not be read)."""
    row: dict = field(default_factory=dict)
    """The row's normalized values (helper columns), for rules comparing columns."""
    extra: dict = field(default_factory=dict)
    """Rule-specific facts (duplicate: first occurrence; missing_column: missing headers)."""


_MESSAGES: dict[str, Callable[[MessageContext], str]] = {}


def message_for(rule: str) -> Callable[[Callable[[MessageContext], str]], Callable[[MessageContext], str]]:
    """Register the message builder of a rule id."""

    def decorate(func: Callable[[MessageContext], str]) -> Callable[[MessageContext], str]:
        _MESSAGES[rule] = func
        return func

    return decorate


def render(rule: str, ctx: MessageContext) -> str:
    """The message of `rule` for one cell (a generic sentence for rules without a builder)."""
    builder = _MESSAGES.get(rule)
    if builder is None:
        return f'Kolom "{ctx.header}" berisi {quoted(ctx.value)} yang tidak memenuhi aturan "{rule}".'
    return builder(ctx)


def known_rules() -> list[str]:
    return sorted(_MESSAGES)


def quoted(value: object) -> str:
    """A cell value as a message shows it: in quotes, or the word "kosong" for a blank cell."""
    return "kosong" if value is None else f'"{value}"'


def _unreadable(observed: object) -> bool:
    return isinstance(observed, float) and math.isinf(observed) and observed < 0


@message_for("required")
def _required(ctx: MessageContext) -> str:
    return f'Kolom "{ctx.header}" kosong, padahal wajib diisi. Lengkapi isinya.'


@message_for("missing_column")
def _missing_column(ctx: MessageContext) -> str:
    headers = ctx.extra.get("headers") or [ctx.header]
    names = ", ".join(f'"{h}"' for h in headers)
    noun = "kolom wajib" if len(headers) == 1 else "kolom-kolom wajib"
    return (
        f"Berkas ini tidak memiliki {noun} {names}, sehingga barisnya tidak dapat diperiksa. "
        "Tambahkan kolom tersebut pada baris judul tabel (gunakan templat isian), lalu kirim ulang."
    )


@message_for("dimension")
def _dimension(ctx: MessageContext) -> str:
    labels = ", ".join(d.label for d in load_taxonomy().dimensions)
    return f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan salah satu dari enam dimensi ({labels}).'


@message_for("element")
def _element(ctx: MessageContext) -> str:
    taxonomy = load_taxonomy()
    # The row's dimension: the one helper `__code` value that is a dimension code (element codes never are).
    dimension_code = next(
        (v for k, v in ctx.row.items() if k.endswith("__code") and v in taxonomy.dimension_codes), None
    )
    if dimension_code is None:
        return f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan elemen yang dikenal. Isi elemen yang sesuai atau kosongkan.'
    dimension = taxonomy.dimension(dimension_code)
    elements = ", ".join(f"{e.label} ({e.label_id})" for e in dimension.elements)
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan salah satu elemen {dimension.label}: {elements}. '
        "Pilih salah satunya atau kosongkan."
    )


@message_for("budget")
def _budget(ctx: MessageContext) -> str:
    if _unreadable(ctx.observed) and money_unit(ctx.value) is not None:
        return (
            f'Kolom "{ctx.header}" berisi {quoted(ctx.value)} yang menulis satuannya sendiri, padahal tabel ini sudah '
            "menyebut satuan anggaran (di judul kolom, judul tabel atau catatan). Tulis angkanya saja dalam satuan "
            "tabel, atau tulis semua anggaran dalam rupiah penuh dan hapus keterangan satuannya."
        )
    if _unreadable(ctx.observed):
        return (
            f'Kolom "{ctx.header}" berisi {quoted(ctx.value)} yang tidak dapat dibaca sebagai angka rupiah. '
            "Tulis angka, misalnya 1.500.000 atau Rp 1,5 M."
        )
    settings = get_settings()
    if isinstance(ctx.observed, (int, float)) and ctx.observed > settings.max_budget:
        ceiling = f"{settings.max_budget:,}".replace(",", ".")
        return (
            f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, di atas batas wajar anggaran satu program '
            f"(Rp {ceiling}). Periksa jumlah nol atau satuan (juta/miliar/triliun)."
        )
    if isinstance(ctx.observed, (int, float)) and ctx.observed == 0:
        return (
            f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}: anggaran program tidak boleh 0. Tulis perkiraan '
            "anggarannya dalam rupiah penuh (misalnya 150.000.000)."
        )
    if isinstance(ctx.observed, (int, float)) and ctx.observed > 0:
        floor = f"{settings.min_budget:,}".replace(",", ".")
        return (
            f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, di bawah batas wajar anggaran satu program '
            f"(Rp {floor}). Jika angkanya ditulis dalam ribu atau juta rupiah, tulis dalam rupiah penuh atau "
            'sebutkan satuannya di judul kolom (misalnya "Anggaran (Rp juta)").'
        )
    return f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, anggaran tidak boleh negatif. Tulis angka 0 atau lebih.'


@message_for("funding_source")
def _funding_source(ctx: MessageContext) -> str:
    sources = ", ".join(load_taxonomy().funding_sources)
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan sumber dana yang dikenal ({sources}). '
        'Pilih salah satunya; gunakan "Lainnya" bila tidak ada yang cocok.'
    )


@message_for("year_range")
def _year_range(ctx: MessageContext) -> str:
    start, end = ctx.region.period.start, ctx.region.period.end
    if _unreadable(ctx.observed):
        return (
            f'Kolom "{ctx.header}" berisi {quoted(ctx.value)} yang bukan tahun. '
            f"Tulis tahun dengan angka antara {start} dan {end}, misalnya {start}."
        )
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, di luar periode masterplan {start}-{end}. '
        f"Pilih tahun antara {start} dan {end}."
    )


@message_for("year_order")
def _year_order(ctx: MessageContext) -> str:
    start = ctx.row.get("tahun_mulai")
    start_text = f" ({start})" if start is not None else ""
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, lebih awal dari tahun mulai{start_text}. '
        "Tahun selesai harus sama dengan atau sesudah tahun mulai."
    )


@message_for("score_range")
def _score_range(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, bukan angka bulat 1 sampai 5. '
        "Isi 1, 2, 3, 4 atau 5 (5 = paling tinggi), atau kosongkan."
    )


@message_for("opd_unknown")
def _opd_unknown(ctx: MessageContext) -> str:
    text = (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)}, yang tidak ada dalam daftar OPD {ctx.region.name}. '
        "Tulis nama OPD sesuai daftar resmi"
    )
    guess = closest_opd(str(ctx.value or ""), ctx.region)
    return text + (f' (mungkin maksudnya "{guess}"?).' if guess else ".")


SUGGESTION_RATIO = 0.85
"""How alike (difflib ratio of folded names) a written OPD name must be to an official name or alias to be
suggested: a typo ("Dinas Kesehatn"), not merely another Dinas ("Dinas Antah Berantah" -> no suggestion)."""


def closest_opd(value: str, region) -> str | None:
    """The official OPD name closest to `value` (folded names and aliases, ratio >= SUGGESTION_RATIO), or None."""
    lookup = region.opd_lookup()
    return _closest(fold_key(value), tuple(sorted(lookup.items())))


@lru_cache(maxsize=1024)
def _closest(folded: str, lookup: tuple[tuple[str, str], ...]) -> str | None:
    if not folded:
        return None
    names = dict(lookup)
    if folded in names:
        return names[folded]
    matches = difflib.get_close_matches(folded, list(names), n=1, cutoff=SUGGESTION_RATIO)
    return names[matches[0]] if matches else None


@message_for("duplicate")
def _duplicate(ctx: MessageContext) -> str:
    where = _place(ctx.extra.get("first_path"), ctx.extra.get("first_sheet"), ctx.extra.get("first_row"))
    noun = ctx.extra.get("noun", "Program")
    return (
        f'{noun} {quoted(ctx.value)} dari OPD "{ctx.extra.get("opd", "")}" sudah tercantum {where}. '
        f"Hapus baris ganda ini, atau beri nama {noun.lower()} yang berbeda bila memang {noun.lower()} lain."
    )


@message_for("opd_link")
def _opd_link(ctx: MessageContext) -> str:
    sender = ctx.extra.get("sender", "")
    return (
        f'Baris ini menyebut OPD {quoted(ctx.value)}, tetapi berkas dikirim lewat tautan unggah milik "{sender}"; '
        f'baris dari tautan ini hanya dihitung untuk "{sender}". Bila program ini milik "{sender}", ubah kolom '
        f'"{ctx.header}" menjadi "{sender}"; bila milik OPD lain, minta OPD itu mengunggahnya lewat tautannya sendiri.'
    )


@message_for("team_dataset")
def _team_dataset(ctx: MessageContext) -> str:
    sender = ctx.extra.get("sender", "")
    return (
        f'Isian {quoted(ctx.value)} milik Tim Pelaksana Smart City, tetapi berkas ada di kotak masuk "{sender}" '
        "(tautan unggah OPD itu); isian ini tidak dihitung. Tim Pelaksana mengirimnya lewat tautannya sendiri, atau "
        "koordinator menaruhnya di kotak masuk."
    )


@message_for("quick_win")
def _quick_win(ctx: MessageContext) -> str:
    return (
        f'Kolom "{ctx.header}" berisi {quoted(ctx.value)} yang bukan jawaban ya/tidak; dibaca sebagai "tidak". '
        "Isi ya, tidak, atau kosongkan."
    )


def _place(path: object, sheet: object, row: object) -> str:
    """'di berkas "a.xlsx" (sheet "Program") baris 3'."""
    text = f'di berkas "{path}"'
    if sheet:
        text += f' (sheet "{sheet}")'
    return text + f" baris {row}"


RULE_LABELS = {
    "required": "Kolom wajib kosong",
    "missing_column": "Kolom wajib tidak ada pada judul kolom",
    "dimension": "Dimensi tidak dikenal",
    "element": "Elemen bukan bagian dari dimensinya",
    "budget": "Anggaran tidak terbaca",
    "funding_source": "Sumber dana tidak dikenal",
    "year_range": "Tahun di luar periode masterplan",
    "year_order": "Tahun selesai sebelum tahun mulai",
    "score_range": "Nilai di luar skala 1–5",
    "opd_unknown": "Nama OPD tidak dikenal",
    "duplicate": "Baris ganda",
    "opd_link": "OPD lain dikirim lewat tautan OPD ini",
    "team_dataset": "Isian Tim Pelaksana dikirim lewat tautan OPD",
    "quick_win": "Isian quick win bukan ya/tidak",
    "pillar": "Pilar kesiapan tidak dikenal",
    "swot_component": "Komponen SWOT tidak dikenal",
    "swot_type": "Jenis SWOT tidak dikenal",
    "commitment_status": "Status lembar komitmen tidak dikenal",
    "review_status": "Hasil reviu bab tidak dikenal",
    "date": "Tanggal tidak terbaca",
    "quick_win_unknown": "Quick win tidak ada dalam peta jalan Tahap III",
    "narrative_part": "Bagian narasi tidak dikenal",
    "risk_level": "Tingkat risiko tidak dikenal",
    "monev_area": "Area evaluasi tidak dikenal",
    "funding_scheme": "Skema pendanaan tidak dikenal",
    "quarter": "Triwulan tidak dikenal",
    "action_plan_unknown": "Rencana aksi untuk program yang bukan quick win final",
    HELD_RULE: "Ditahan: perlu konfirmasi (pertanyaan pembacaan)",
    "sipd_code_unknown": "Kode sub kegiatan tidak ada dalam nomenklatur SIPD",
    "sipd_code_level": "Kode sub kegiatan untuk tingkat pemerintahan lain",
    "sipd_code_urusan": "Kode sub kegiatan di luar urusan yang diampu OPD",
    "sipd_code_unchecked": "Kode sub kegiatan belum dapat diperiksa",
    "sipd_code_suggestion": "Saran kode sub kegiatan untuk program tanpa kode",
}
"""How a book names each rule id (a reader never sees the id itself); a test keeps it complete."""


def rule_label(rule: str) -> str:
    """The Indonesian label of a rule id ("Aturan validasi lain" for an id without one)."""
    return RULE_LABELS.get(rule, "Aturan validasi lain")
