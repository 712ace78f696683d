"""JDIHN metadata of the Rancangan Perbup/Perwali, written beside it: `buku/rancangan-perbup.jdih.json`.

A regional regulation is published in the Jaringan Dokumentasi dan Informasi Hukum Nasional with the metadata of
the document-management standard (Permenkumham 8/2019, metadata of a "Peraturan"). `FIELDS` lists the fields this
file carries, in the order JDIH entry forms ask for them, each with who fills it when it cannot be known from the
region file or the run (`FILLED_BY`). Rules:

- Only what the region file and the run state is filled: the jenis and its abbreviation, the judul (as the draft's
  heading states it), the T.E.U. badan (the region, the issuing body of a Perbup/Perwali), the tempat penetapan
  (the region's ibu kota), the penandatangan (the regional head's name, as the signature block prints it), the
  pemrakarsa (the coordinator office), bahasa, subjek, both region codes, the abstrak (the masterplan's figures from
  the run's own tables) and the attached files.
- Everything only known at enactment or promulgation (nomor, tahun, tanggal penetapan and pengundangan, sumber =
  Berita Daerah, status, lokasi, bidang hukum) is null and listed in `belum_diisi` with who fills it; nothing is
  invented. `status_dokumen` says it is a draft ("rancangan"); a draft whose legal text still misses something
  also lists those gaps (the document's DRAFT list).
"""

from __future__ import annotations

import io
import json

import pandas as pd

from bimtek.core.formatting import rupiah_words
from bimtek.core.legal import region_words, signature_name
from bimtek.core.region import Region

PERBUP_KEY = "buku/rancangan-perbup"
METADATA_KEY = f"{PERBUP_KEY}.jdih.json"
FIELDS = (
    "tipe_dokumen",
    "judul",
    "teu_badan",
    "nomor",
    "jenis",
    "singkatan_jenis",
    "tahun",
    "tempat_penetapan",
    "tanggal_penetapan",
    "tanggal_pengundangan",
    "sumber",
    "subjek",
    "status",
    "bahasa",
    "lokasi",
    "bidang_hukum",
    "pemrakarsa",
    "penandatangan",
    "abstrak",
    "lampiran",
    "kode_wilayah",
)
FILLED_BY = {
    "nomor": "Bagian Hukum, saat penetapan (nomor register peraturan)",
    "tahun": "Bagian Hukum, saat penetapan",
    "tempat_penetapan": "Tim Pelaksana: ibu kota di berkas region (capital)",
    "tanggal_penetapan": "Bagian Hukum, saat penetapan",
    "tanggal_pengundangan": "Sekretariat Daerah, saat pengundangan",
    "sumber": "Sekretariat Daerah: Berita Daerah tahun dan nomor, saat pengundangan",
    "status": "pengelola JDIH, setelah penetapan (mis. Berlaku)",
    "lokasi": "pengelola JDIH: tempat naskah asli disimpan",
    "bidang_hukum": "pengelola JDIH",
    "pemrakarsa": "Tim Pelaksana: kantor koordinator di berkas region (coordinator.office)",
    "penandatangan": "Tim Pelaksana: nama kepala daerah di berkas region (officials.head)",
}
SUBJECT = "SMART CITY - MASTERPLAN"
DOCUMENT_FORMATS = (".pdf", ".docx", ".html")


def _abstract(region: Region, files: dict[str, bytes]) -> str | None:
    """The masterplan's scope in one paragraph, from the run's own tables; None without them."""
    raw = files.get("aggregates/by_dimension.csv")
    if not raw:
        return None
    by_dimension = pd.read_csv(io.BytesIO(raw))
    programs = int(by_dimension["programs"].sum())
    budget = float(by_dimension["anggaran_total"].sum())
    quick = files.get("quick_win/quick_win_final.csv")
    quick_wins = len(pd.read_csv(io.BytesIO(quick))) if quick else 0
    words = region_words(region)
    return (
        f"{words['regulation']} ini menetapkan Masterplan Smart City {words['kind']} {words['short_name']} "
        f"Tahun {region.period.start}-{region.period.end} sebagai pedoman pembangunan smart city daerah: "
        f"{programs} program pada {len(by_dimension)} dimensi smart city dengan kebutuhan anggaran "
        f"{rupiah_words(budget)}, {quick_wins} quick win, kelembagaan Dewan Smart City dan Tim Pelaksana, "
        "pendanaan, serta pemantauan dan evaluasi. Masterplan menjadi lampiran peraturan."
    )


def jdih_metadata(region: Region, files: dict[str, bytes], draft: list[str], formats: tuple[str, ...] = ()) -> dict:
    """The metadata record (module doc); `draft`: what the Perbup's legal text still misses; `formats`: the
    document formats the run renders from the HTML (BIMTEK_DOCUMENT_FORMATS), listed as attachments too."""
    words = region_words(region)
    head = (words.get("officials") or {}).get("head")
    period = f"{region.period.start}–{region.period.end}"
    title = f"Masterplan Smart City {words['kind']} {words['short_name']} Tahun {period}"
    attached = sorted(key for key in files if key.startswith(PERBUP_KEY) and key.endswith(DOCUMENT_FORMATS))
    if f"{PERBUP_KEY}.html" in files:
        attached = sorted({*attached, *(f"{PERBUP_KEY}.{fmt}" for fmt in formats if f".{fmt}" in DOCUMENT_FORMATS)})
    record = {
        "tipe_dokumen": "Peraturan Perundang-undangan",
        "judul": f"{words['regulation']} {words['short_name']} tentang {title}",
        "teu_badan": f"{words['kind']} {words['short_name']}",
        "nomor": None,
        "jenis": words["regulation"],
        "singkatan_jenis": words["regulation_short"],
        "tahun": None,
        "tempat_penetapan": region.capital,
        "tanggal_penetapan": None,
        "tanggal_pengundangan": None,
        "sumber": None,
        "subjek": SUBJECT,
        "status": None,
        "bahasa": "Indonesia",
        "lokasi": None,
        "bidang_hukum": None,
        "pemrakarsa": region.coordinator.office if region.coordinator else None,
        "penandatangan": signature_name(head["name"]) if head else None,
        "abstrak": _abstract(region, files),
        "lampiran": attached,
        "kode_wilayah": {"kemendagri": region.codes.kemendagri, "bps": region.codes.bps},
    }
    missing = [name for name in FIELDS if record[name] is None]
    return {
        **record,
        "status_dokumen": "rancangan",
        "data_sintetis": region.synthetic,
        "belum_diisi": [{"kolom": name, "diisi_oleh": FILLED_BY.get(name, "Tim Pelaksana")} for name in missing],
        "kekurangan_naskah": list(draft),
    }


def jdih_files(
    region: Region, files: dict[str, bytes], draft: list[str], formats: tuple[str, ...] = ()
) -> dict[str, bytes]:
    """`buku/rancangan-perbup.jdih.json` beside the draft regulation (only when the run has the draft)."""
    if not any(key.startswith(PERBUP_KEY) for key in files):
        return {}
    data = jdih_metadata(region, files, draft, formats)
    return {METADATA_KEY: (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")}
