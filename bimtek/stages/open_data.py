"""`data-terbuka/`: a Tahap IV run's tables as open data for the region's Satu Data portal (Perpres 39/2019).

Built from the run's own files (nothing recomputed, nothing read from elsewhere), so what is published is what the
books show:

| key | content | from |
|---|---|---|
| data-terbuka/program.csv | the program list (owner, dimension, element, indicator, baseline, target, budget, funding, years) | roadmap/roadmap.csv |
| data-terbuka/peta-jalan.csv | the roadmap: horizon, score, rank, final quick win per program | roadmap/roadmap.csv |
| data-terbuka/agregat-dimensi.csv | programs, budget and quick-win candidates per dimension | aggregates/by_dimension.csv |
| data-terbuka/quick-win.csv | the final quick wins | quick_win/quick_win_final.csv |
| data-terbuka/rencana-pendanaan.csv | budget per dimension and funding source (long form) | aggregates/budget_by_funding.csv |
| data-terbuka/anggaran-per-tahun.csv | budget per year and dimension (long form) | aggregates/budget_by_year.csv |
| data-terbuka/datapackage.json | Frictionless Data Package (tabular): a schema per table with Indonesian titles and descriptions, the licence, both region codes (`kode_wilayah`: Kemendagri and BPS, null when the region file lacks one) | |
| data-terbuka/dcat.jsonld | the same dataset described in DCAT (JSON-LD), for catalogues that harvest DCAT | |
| data-terbuka/ckan-package.json | the body of a CKAN `package_create` request (organization, tags, extras, resources) that `bimtek satu-data` sends | |

`TABLES` holds every table's columns (name, type, Indonesian title and description): the one place to change them.
The licence (`LICENSE`) is Creative Commons Attribution 4.0, the licence Satu Data portals commonly offer; the
region's walidata confirms it before sending. A synthetic region's package says so in its title and description.
Nothing here reads the clock: the same run files give the same bytes.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import pandas as pd

from bimtek.core.legal import region_words
from bimtek.core.region import Region

FOLDER = "data-terbuka"
DATAPACKAGE_KEY = f"{FOLDER}/datapackage.json"
DCAT_KEY = f"{FOLDER}/dcat.jsonld"
CKAN_KEY = f"{FOLDER}/ckan-package.json"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Atribusi 4.0 Internasional",
}
CKAN_LICENSE_ID = "cc-by"
"""CKAN's identifier of the same licence."""
SYNTHETIC_NOTE = "DATA SINTETIS - bukan data resmi daerah"
BASE_TAGS = ("smart city", "masterplan", "gerakan menuju smart city", "peta jalan", "quick win")


@dataclass(frozen=True)
class Column:
    name: str
    source: str
    type: str
    """Table Schema type: string, integer, number, boolean."""
    title: str
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    source: str
    title: str
    description: str
    columns: tuple[Column, ...]
    melt: tuple[str, str, str] | None = None
    """(id column, variable column, value column) to turn a wide source table into long form."""

    @property
    def key(self) -> str:
        return f"{FOLDER}/{self.name}.csv"


def _c(name: str, type_: str, title: str, description: str, source: str | None = None) -> Column:
    return Column(name, source or name, type_, title, description)


TABLES: tuple[Table, ...] = (
    Table(
        "program",
        "roadmap/roadmap.csv",
        "Daftar program masterplan smart city",
        "Satu baris per program: OPD pengampu dan pendukung, dimensi dan elemen smart city, sasaran, indikator, "
        "baseline, target, anggaran, sumber dana dan tahun pelaksanaan.",
        (
            _c("opd", "string", "OPD pengampu", "Organisasi Perangkat Daerah yang bertanggung jawab"),
            _c("nama_program", "string", "Nama program", "Nama program sebagaimana diusulkan OPD"),
            _c("dimensi", "string", "Dimensi", "Dimensi smart city (enam dimensi)", "dimensi_label"),
            _c("elemen", "string", "Elemen", "Elemen smart city di dalam dimensi", "elemen_label"),
            _c("deskripsi", "string", "Uraian", "Uraian singkat program"),
            _c("sasaran", "string", "Sasaran", "Sasaran atau penerima manfaat"),
            _c("indikator", "string", "Indikator", "Indikator keberhasilan"),
            _c("baseline", "string", "Baseline", "Kondisi awal indikator"),
            _c("target", "string", "Target", "Target indikator"),
            _c("anggaran", "number", "Anggaran (Rp)", "Anggaran program seluruh tahun, dalam Rupiah"),
            _c("sumber_dana", "string", "Sumber dana", "APBD, APBD Provinsi, APBN, DAK, CSR, Swasta, Hibah, Lainnya"),
            _c("tahun_mulai", "integer", "Tahun mulai", "Tahun pertama pelaksanaan"),
            _c("tahun_selesai", "integer", "Tahun selesai", "Tahun terakhir pelaksanaan"),
            _c("opd_pendukung", "string", "OPD pendukung", "OPD lain yang mendukung, dipisah titik koma"),
        ),
    ),
    Table(
        "peta-jalan",
        "roadmap/roadmap.csv",
        "Peta jalan program smart city",
        "Satu baris per program: jangka waktu (horizon), skor dan peringkat prioritas, serta apakah program "
        "menjadi quick win final.",
        (
            _c("opd", "string", "OPD pengampu", "Organisasi Perangkat Daerah yang bertanggung jawab"),
            _c("nama_program", "string", "Nama program", "Nama program"),
            _c("dimensi", "string", "Dimensi", "Dimensi smart city", "dimensi_label"),
            _c("horizon", "string", "Jangka waktu", "Jangka pendek, menengah atau panjang"),
            _c("tahun_mulai", "integer", "Tahun mulai", "Tahun pertama pelaksanaan"),
            _c("tahun_selesai", "integer", "Tahun selesai", "Tahun terakhir pelaksanaan"),
            _c("skor", "number", "Skor prioritas", "Skor prioritas 0-1 dari dampak, kesiapan dan jangka waktu"),
            _c("peringkat", "integer", "Peringkat", "Peringkat prioritas di antara seluruh program"),
            _c(
                "quick_win_final",
                "boolean",
                "Quick win final",
                "Program terpilih sebagai quick win",
                "quick_win_terpilih",
            ),
        ),
    ),
    Table(
        "agregat-dimensi",
        "aggregates/by_dimension.csv",
        "Rekap program dan anggaran per dimensi",
        "Jumlah program, total anggaran dan kandidat quick win per dimensi smart city.",
        (
            _c("dimensi", "string", "Dimensi", "Dimensi smart city"),
            _c("jumlah_program", "integer", "Jumlah program", "Banyaknya program di dimensi ini", "programs"),
            _c("anggaran_total", "number", "Anggaran total (Rp)", "Jumlah anggaran program di dimensi ini"),
            _c(
                "kandidat_quick_win",
                "integer",
                "Kandidat quick win",
                "Program yang memenuhi kriteria quick win",
                "quick_win_candidates",
            ),
        ),
    ),
    Table(
        "quick-win",
        "quick_win/quick_win_final.csv",
        "Quick win final",
        "Program quick win yang disepakati pada Tahap IV, dengan baseline, target dan anggaran.",
        (
            _c("urutan", "integer", "Urutan", "Nomor urut quick win"),
            _c("opd", "string", "OPD pengampu", "Organisasi Perangkat Daerah yang bertanggung jawab"),
            _c("nama_program", "string", "Nama program", "Nama program quick win"),
            _c("dimensi", "string", "Dimensi", "Dimensi smart city", "dimensi_label"),
            _c("indikator", "string", "Indikator", "Indikator keberhasilan"),
            _c("baseline", "string", "Baseline", "Kondisi awal indikator"),
            _c("target", "string", "Target", "Target indikator"),
            _c("anggaran", "number", "Anggaran (Rp)", "Anggaran program, dalam Rupiah"),
            _c("sumber_dana", "string", "Sumber dana", "Sumber pendanaan"),
            _c("tahun_mulai", "integer", "Tahun mulai", "Tahun pertama pelaksanaan"),
            _c("tahun_selesai", "integer", "Tahun selesai", "Tahun terakhir pelaksanaan"),
            _c("opd_pendukung", "string", "OPD pendukung", "OPD lain yang mendukung"),
        ),
    ),
    Table(
        "rencana-pendanaan",
        "aggregates/budget_by_funding.csv",
        "Rencana pendanaan per dimensi dan sumber dana",
        "Anggaran program per dimensi smart city dan sumber dana (satu baris per pasangan), dalam Rupiah.",
        (
            _c("dimensi", "string", "Dimensi", "Dimensi smart city"),
            _c("sumber_dana", "string", "Sumber dana", "Sumber pendanaan"),
            _c("anggaran", "number", "Anggaran (Rp)", "Anggaran dari sumber dana ini di dimensi ini"),
        ),
        melt=("dimensi", "sumber_dana", "anggaran"),
    ),
    Table(
        "anggaran-per-tahun",
        "aggregates/budget_by_year.csv",
        "Anggaran per tahun dan dimensi",
        "Anggaran program per tahun pelaksanaan dan dimensi smart city (satu baris per pasangan), dalam Rupiah; "
        "anggaran multi-tahun tanpa rincian per tahun dibagi rata.",
        (
            _c("tahun", "integer", "Tahun", "Tahun anggaran"),
            _c("dimensi", "string", "Dimensi", "Dimensi smart city"),
            _c("anggaran", "number", "Anggaran (Rp)", "Anggaran di tahun dan dimensi ini"),
        ),
        melt=("tahun", "dimensi", "anggaran"),
    ),
)
WIDE_TOTALS = frozenset({"jumlah", "program_aktif", "dinyatakan_opd", "dibagi_rata"})
"""Columns of the wide aggregate tables that are totals or counts, not a funding source or dimension."""


def _frame(table: Table, data: bytes) -> pd.DataFrame:
    source = pd.read_csv(io.BytesIO(data))
    if table.melt:
        index, variable, value = table.melt
        kept = [c for c in source.columns if c != index and c not in WIDE_TOTALS]
        source = source.melt(id_vars=[index], value_vars=kept, var_name=variable, value_name=value)
    out = pd.DataFrame(index=source.index)
    for column in table.columns:
        values = source[column.source] if column.source in source else pd.Series([None] * len(source), dtype=object)
        if column.type == "integer":
            values = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        elif column.type == "number":
            values = pd.to_numeric(values, errors="coerce")
        elif column.type == "boolean":
            values = values.map(lambda v: None if pd.isna(v) else str(v).strip().lower() in ("true", "1", "ya"))
            values = values.map({True: "true", False: "false", None: ""})
        out[column.name] = values
    return out


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def package_name(region: Region) -> str:
    """CKAN/Frictionless name: lower-case letters, digits and dashes (`masterplan-smart-city-padang-pariaman`)."""
    return re.sub(r"[^a-z0-9-]+", "-", f"masterplan-smart-city-{region.slug}".lower()).strip("-")[:100]


def _titles(region: Region) -> tuple[str, str]:
    words = region_words(region)
    period = f"{region.period.start}-{region.period.end}"
    title = f"Masterplan Smart City {words['kind']} {words['short_name']} {period}"
    description = (
        f"Data masterplan smart city {region.name}, Provinsi {region.province}, periode {period}: daftar program, "
        "peta jalan, rekap per dimensi, quick win final dan rencana pendanaan, hasil Bimtek Gerakan Menuju Smart "
        "City Tahap IV."
    )
    if region.synthetic:
        title = f"{title} ({SYNTHETIC_NOTE})"
        description = f"{SYNTHETIC_NOTE}. {description}"
    return title, description


def _codes(region: Region) -> dict:
    return {"kemendagri": region.codes.kemendagri, "bps": region.codes.bps}


def _tags(frames: dict[str, pd.DataFrame]) -> list[str]:
    dimensions = frames.get("agregat-dimensi")
    found = list(dimensions["dimensi"].dropna().astype(str)) if dimensions is not None else []
    return [*BASE_TAGS, *(d.lower() for d in found)]


def datapackage(region: Region, tables: list[Table], frames: dict[str, pd.DataFrame]) -> dict:
    title, description = _titles(region)
    return {
        "profile": "tabular-data-package",
        "name": package_name(region),
        "title": title,
        "description": description,
        "licenses": [LICENSE],
        "keywords": _tags(frames),
        "kode_wilayah": _codes(region),
        "wilayah": {"nama": region.name, "provinsi": region.province, "jenis": region.kind},
        "periode": {"mulai": region.period.start, "selesai": region.period.end},
        "resources": [
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "title": table.title,
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": c.name, "type": c.type, "title": c.title, "description": c.description}
                        for c in table.columns
                    ],
                    "missingValues": [""],
                },
            }
            for table in tables
        ],
    }


def dcat(region: Region, tables: list[Table]) -> dict:
    """The dataset as a DCAT-AP style JSON-LD document; distribution URLs are relative to the package folder."""
    title, description = _titles(region)
    codes = _codes(region)
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@type": "dcat:Dataset",
        "dct:identifier": package_name(region),
        "dct:title": {"@value": title, "@language": "id"},
        "dct:description": {"@value": description, "@language": "id"},
        "dct:language": "id",
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": region.name},
        "dct:spatial": {
            "dct:title": region.name,
            "dct:identifier": [f"{scheme}:{code}" for scheme, code in codes.items() if code],
        },
        "dct:temporal": {"dcat:startDate": str(region.period.start), "dcat:endDate": str(region.period.end)},
        "dct:license": {"@id": LICENSE["path"]},
        "dcat:keyword": list(BASE_TAGS),
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": {"@value": table.title, "@language": "id"},
                "dct:description": {"@value": table.description, "@language": "id"},
                "dcat:downloadURL": {"@id": f"{table.name}.csv"},
                "dcat:mediaType": "text/csv",
                "dct:format": "CSV",
                "dct:license": {"@id": LICENSE["path"]},
            }
            for table in tables
        ],
    }


def ckan_package(region: Region, tables: list[Table], frames: dict[str, pd.DataFrame], organization: str) -> dict:
    """The body of CKAN's `package_create` (resources as metadata; `bimtek satu-data` uploads each CSV with
    `resource_create` once the package exists)."""
    title, description = _titles(region)
    codes = _codes(region)
    tags = []
    for tag in _tags(frames):
        clean = re.sub(r"[^\w .-]+", " ", tag).strip()[:100]
        if len(clean) >= 2 and clean not in tags:
            tags.append(clean)
    return {
        "name": package_name(region),
        "title": title,
        "notes": description,
        "owner_org": organization,
        "license_id": CKAN_LICENSE_ID,
        "private": False,
        "tags": [{"name": tag} for tag in tags],
        "extras": [
            {"key": "kode_wilayah_kemendagri", "value": codes["kemendagri"] or ""},
            {"key": "kode_wilayah_bps", "value": codes["bps"] or ""},
            {"key": "periode", "value": f"{region.period.start}-{region.period.end}"},
            {"key": "provinsi", "value": region.province},
        ],
        "resources": [
            {"name": table.title, "description": table.description, "format": "CSV", "url": f"{table.name}.csv"}
            for table in tables
        ],
    }


def _json_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def open_data_files(region: Region, files: dict[str, bytes]) -> dict[str, bytes]:
    """`data-terbuka/` of a Tahap IV run from its files (module doc); a table whose source file the run lacks is
    left out of the package."""
    tables = [table for table in TABLES if files.get(table.source)]
    frames = {table.name: _frame(table, files[table.source]) for table in tables}
    out = {table.key: _csv(frames[table.name]) for table in tables}
    out[DATAPACKAGE_KEY] = _json_bytes(datapackage(region, tables, frames))
    out[DCAT_KEY] = _json_bytes(dcat(region, tables))
    out[CKAN_KEY] = _json_bytes(ckan_package(region, tables, frames, region.slug))
    return out
