"""Legal and presentation documents: what they cite, how they name signatories, and what they never carry.

Two kinds of document leave a Tahap IV run. The workshop books (Buku 1-4) are for the Tim Pelaksana and show their
gaps ("belum diisi" boxes, validation counts). The legal and presentation documents (`LEGAL_DOCUMENTS`: the Perbup
and its Lampiran, the executive summary, the rakor deck, the commitment sheets, the letters to the OPD) are signed
or shown outside, so they never carry a `PROCESS_ARTEFACTS` phrase; when one would need text that is missing it is
marked `DRAFT_MARK` and the run lists what is missing (`LegalGap`).

Citations (`mengingat`): the national regulations of schemas/legal/peraturan.json with their Lembaran Negara
(LN) and Tambahan Lembaran Negara (TLN) numbers, after the region's formation law and before its RPJMD Perda
(both from the region file). Signature blocks of a regulation name the signatory in capitals without academic
titles, religious honorifics or rank (`signature_name`); every other document prints a name as written.

Numbers and money in a regulation's articles (Lampiran II UU 12/2011): a count is written in figures and in words,
"82 (delapan puluh dua)" (`angka_kata`); an amount in full Rupiah with cents and in words, "Rp70.250.000.000,00 (tujuh
puluh miliar dua ratus lima puluh juta rupiah)" (`rupiah_kata`). `terbilang` spells a whole number.

Funding: the articles name the funding categories of `FUNDING_ARTICLE` (each source of the one funding vocabulary,
bimtek.core.vocabularies.FUNDING_SCHEMES, falls in exactly one) and keep no amounts; the amounts per source and year
are in the Lampiran.

Markup: a legal document's text never shows Markdown or HTML syntax (`markup_leaks` finds it in rendered plain
text: image or link syntax, emphasis stars, heading hashes, table pipes, tags).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from bimtek.core.paths import SCHEMAS_DIR
from bimtek.core.region import Region
from bimtek.core.vocabularies import FUNDING_SCHEMES

PERATURAN_PATH = SCHEMAS_DIR / "legal" / "peraturan.json"
NEGARA = "Lembaran Negara Republik Indonesia"
TAMBAHAN = "Tambahan Lembaran Negara Republik Indonesia"

DRAFT_MARK = "DRAFT"
"""The word a legal document carries (banner and watermark) while a part of its text is missing."""

DOTS = "...................."
"""What a regulation prints where a text is still to be written (with the DRAF banner naming it)."""
GAP_MARKER = re.compile(r"^<!-- kosong: (.*?) \| (.*?) \| (.*?) -->$")
"""The plan-mode "belum diisi" of Buku 2 (templates/_belum-diisi.md.j2): what, who, where. The Perbup's annex turns
it into `DOTS` and a `LegalGap`; it never reaches a rendered document."""

LEGAL_DOCUMENTS = (
    "buku/rancangan-perbup",
    "buku/ringkasan-eksekutif",
    "rakor/paket-rakor",
    "komitmen/lembar-komitmen-",
    "umpan-balik/umpan-balik-",
    "buku/surat-monev/",
)
"""Run-folder key prefixes of the legal and presentation documents (any suffix: .md, .html, .pdf, .docx, .pptx)."""

PROCESS_ARTEFACTS = {
    "belum diisi": r"belum\s+diisi",
    "validation count": r"\bvalidasi\b|baris\s+usulan",
    "workshop book pointer": r"\bBuku\s+[1-4]\b|berkas\s+narasi|\bTahap\s+(?:I{1,3}|IV)\b\s+(?:belum|masih)",
    "internal review status": r"masih\s+direvisi|belum\s+sesuai\s+DPA|catatan\s+penyusun|dihapus\s+sebelum",
    "run file": r"\b(?:validation|review|komitmen|buku|aggregates|roadmap|quick_win|grafik|rakor)/[\w.-]+",
}
"""Process artefacts by kind -> pattern (case-insensitive): what a legal or presentation document never shows. A
letter may name the OPD's own input file (what it has to correct); a file of the run folder it never names."""
_ARTEFACTS = re.compile("|".join(f"(?:{p})" for p in PROCESS_ARTEFACTS.values()), re.IGNORECASE)


def is_legal_document(key: str) -> bool:
    """True for a run-folder key of a legal or presentation document (`LEGAL_DOCUMENTS`)."""
    return key.startswith(LEGAL_DOCUMENTS)


_NODE_TARGET = re.compile(r"(\]\()[^)\n]*(\))")
"""The target of a Markdown image or link node: the file a page shows, no text a reader sees."""


def process_artefacts(text: str) -> list[str]:
    """Every process-artefact phrase found in `text` (empty for a clean legal document); the targets of image and
    link nodes are left out (a chart's file name is not read)."""
    return [m.group(0) for m in _ARTEFACTS.finditer(_NODE_TARGET.sub(r"\1\2", text))]


@dataclass(frozen=True)
class LegalGap:
    """A text a legal document needs and the run did not have: the document is a DRAFT until it is given."""

    document: str
    """Its name as a reader knows it ("Rancangan Peraturan Bupati")."""
    missing: str
    """What is missing, as the document's DRAFT banner names it (Indonesian)."""
    where: str
    """Where the coordinator fills it in (a key of the region file, or the stage that publishes it)."""
    who: str = "Tim Pelaksana"
    """Who fills it in (an OPD for its programs' targets and baselines, the Tim Pelaksana otherwise)."""

    def sentence(self) -> str:
        return f"{self.document}: {self.missing} belum ada (isi: {self.where}; diisi oleh {self.who})"


# ----------------------------------------------------------------------------------------------- citations


@lru_cache(maxsize=1)
def national_regulations() -> tuple[dict, ...]:
    """The entries of schemas/legal/peraturan.json in citation order."""
    return tuple(json.loads(PERATURAN_PATH.read_text(encoding="utf-8"))["peraturan"])


def _gazette(entry: dict) -> str:
    ln = entry["ln"]
    parts = [f"{NEGARA} Tahun {ln['tahun']} Nomor {ln['nomor']}"]
    if entry.get("tln"):
        parts.append(f"{TAMBAHAN} Nomor {entry['tln']}")
    return "(" + ", ".join(parts) + ")"


def _title(entry: dict) -> str:
    return f"{entry['jenis']} Nomor {entry['nomor']} Tahun {entry['tahun']} tentang {entry['tentang']}"


def citation(entry: dict) -> str:
    """One Mengingat item: "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah (Lembaran Negara ...
    Nomor 244, Tambahan ... Nomor 5587) sebagaimana telah beberapa kali diubah terakhir dengan ... (...)" (the
    formula of Lampiran II UU 12/2011, without a comma)."""
    text = f"{_title(entry)} {_gazette(entry)}"
    latest = entry.get("perubahan_terakhir")
    if latest:
        how = "beberapa kali diubah terakhir" if latest.get("kali") == "beberapa kali" else "diubah"
        text += f" sebagaimana telah {how} dengan {_title(latest)} {_gazette(latest)}"
    return text


def short_citation(entry: dict) -> str:
    """A regulation as a book's "Dasar hukum" lists it: title, and "beserta perubahannya" when it was amended."""
    return _title(entry) + (" beserta perubahannya" if entry.get("perubahan_terakhir") else "")


def mengingat(formation_law: str | None, rpjmd: str | None) -> list[str]:
    """The Mengingat list: the formation law (when known), the national regulations, the RPJMD Perda (when known)."""
    items = [formation_law.strip()] if formation_law and formation_law.strip() else []
    items += [citation(entry) for entry in national_regulations()]
    if rpjmd and rpjmd.strip():
        items.append(rpjmd.strip())
    return items


# ----------------------------------------------------------------------------------------------- names

_PREFIX_TITLES = re.compile(
    r"^(?:(?:prof|dr|drs|dra|drg|ir|h|hj|kh|hm|ns|apt|tgk|ustadz|st)\.\s*)+",
    re.IGNORECASE,
)
"""Titles written before a name: Prof., Dr./dr., Drs./Dra., drg., Ir., H./Hj./KH., Ns., apt. ..."""
_SUFFIX_TITLES = re.compile(r",.*$")
"""Everything after the first comma is a degree (", S.H., M.M.")."""


def signature_name(name: str) -> str:
    """A name as a regulation's signature block prints it: capitals, no titles, honorifics or rank.

    "H. Andi Contoh, S.H., M.M." -> "ANDI CONTOH"; "dr. Rina Sehat, Sp.A" -> "RINA SEHAT".
    """
    bare = _SUFFIX_TITLES.sub("", _PREFIX_TITLES.sub("", name.strip())).strip()
    return (bare or name.strip()).upper()


# ----------------------------------------------------------------------------------------------- addressees

_HEAD_TITLES = (
    (re.compile(r"^Sekretariat Daerah\b", re.IGNORECASE), lambda opd: "Sekretaris Daerah"),
    (re.compile(r"^Sekretariat DPRD\b", re.IGNORECASE), lambda opd: "Sekretaris DPRD"),
    (re.compile(r"^Inspektorat\b", re.IGNORECASE), lambda opd: "Inspektur"),
    (re.compile(r"^(RSUD|Rumah Sakit|Perumda|PDAM|Perusahaan)\b", re.IGNORECASE), lambda opd: f"Direktur {opd}"),
)
"""OPD whose head is not "Kepala <OPD>": the Sekretariat Daerah is led by the Sekretaris Daerah, the Inspektorat by
the Inspektur, a hospital or regional company by its Direktur."""


def head_title(opd: str) -> str:
    """How a letter addresses the head of an OPD: "Sekretaris Daerah", "Inspektur", "Direktur RSUD ...", else
    "Kepala <OPD>"."""
    for pattern, title in _HEAD_TITLES:
        if pattern.search(opd.strip()):
            return title(opd.strip())
    return f"Kepala {opd.strip()}"


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
        **region.signatories(),
    }


# ----------------------------------------------------------------------------------------------- numbers in words

_ONES = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += ["seratus"] if hundreds == 1 else [_ONES[hundreds], "ratus"]
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words += [_ONES[tens], "puluh"] + ([_ONES[ones]] if ones else [])
    elif rest >= 12:
        words += [_ONES[rest - 10], "belas"]
    elif rest == 11:
        words.append("sebelas")
    elif rest == 10:
        words.append("sepuluh")
    elif rest:
        words.append(_ONES[rest])
    return words


def _spelled(n: int) -> list[str]:
    for scale, name in _SCALES:
        if n >= scale:
            head, rest = divmod(n, scale)
            return [*_spelled(head), name, *(_spelled(rest) if rest else [])]
    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands:
        words += ["seribu"] if thousands == 1 else [*_below_thousand(thousands), "ribu"]
    return words + _below_thousand(rest)


def terbilang(value: int) -> str:
    """A whole number in Indonesian words: 82 -> "delapan puluh dua", 1100 -> "seribu seratus", 70_250_000_000 ->
    "tujuh puluh miliar dua ratus lima puluh juta", 0 -> "nol", -5 -> "minus lima". Up to 999 triliun."""
    n = int(value)
    if n < 0:
        return "minus " + terbilang(-n)
    if n >= 10**15:
        raise ValueError(f"{n} is beyond the words this speller knows (up to 999 triliun)")
    return " ".join(_spelled(n)) if n else "nol"


def angka_kata(value: object) -> str:
    """A count as a regulation writes it: "82 (delapan puluh dua)"; 2 -> "2 (dua)"."""
    n = int(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP))
    return f"{n} ({terbilang(n)})"


def rupiah_kata(value: object) -> str:
    """An amount as a regulation writes it: full Rupiah with cents, then words, "Rp70.250.000.000,00 (tujuh puluh
    miliar dua ratus lima puluh juta rupiah)"; cents are spelled too ("... rupiah lima puluh sen")."""
    exact = Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    whole = int(exact)
    cents = int((abs(exact) - abs(whole)) * 100)
    grouped = f"{abs(whole):,}".replace(",", ".")
    sign = "-" if exact < 0 else ""
    words = f"{terbilang(whole)} rupiah" + (f" {terbilang(cents)} sen" if cents else "")
    return f"{sign}Rp{grouped},{cents:02d} ({words})"


LEGAL_FILTERS = {"angka_kata": angka_kata, "rupiah_kata": rupiah_kata}
"""Jinja filters of the legal wording (registered beside bimtek.core.formatting.FILTERS)."""


# ----------------------------------------------------------------------------------------------- funding articles

FUNDING_ARTICLE = (
    ("APBD", ("APBD",)),
    ("APBN, termasuk DAK", ("APBN", "DAK")),
    ("CSR", ("CSR",)),
    ("KPBU", ("KPBU",)),
    (
        "sumber lain yang sah dan tidak mengikat sesuai ketentuan peraturan perundang-undangan",
        ("APBD Provinsi", "Dana Desa", "Swasta", "Hibah", "Lainnya"),
    ),
)
"""The funding categories a Perbup's Pendanaan article lists (in order) and the sources of the one funding vocabulary
each covers: APBD Provinsi, Dana Desa/APB Nagari, private money and grants are "sumber lain yang sah"."""


def funding_category(source: str) -> str:
    """The Pendanaan article's category of a funding source code (`FUNDING_ARTICLE`)."""
    for category, sources in FUNDING_ARTICLE:
        if source in sources:
            return category
    raise KeyError(f"funding source {source!r} has no category in FUNDING_ARTICLE")


assert sorted(s for _, group in FUNDING_ARTICLE for s in group) == sorted(FUNDING_SCHEMES.codes), (
    "every funding source falls in exactly one Pendanaan category"
)


# ----------------------------------------------------------------------------------------------- markup

MARKUP = {
    "image or link": r"!\[[^\]\n]*\]|\[[^\]\n]*\]\([^)\n]*\)",
    "link target": r"\]\(",
    "emphasis": r"\*\*|__|(?<![\w*])\*(?=\w)",
    "heading": r"^\s*#{1,6}\s",
    "table": r"^\s*\|.*\|\s*$|\|\s*-{3,}",
    "tag": r"</?[a-zA-Z][^>\n]*>|&[a-z]+;",
}
"""Markup by kind -> pattern: what the plain text of a rendered legal document never contains."""
_MARKUP = re.compile("|".join(f"(?:{p})" for p in MARKUP.values()), re.MULTILINE)


def markup_leaks(plain_text: str) -> list[str]:
    """Every piece of Markdown or HTML syntax left in the plain text of a rendered document (empty when clean)."""
    return [m.group(0) for m in _MARKUP.finditer(plain_text)]
