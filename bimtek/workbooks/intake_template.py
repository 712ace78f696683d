"""OPD intake templates: one .xlsx per OPD that Excel itself keeps valid while people type.

Layout of each workbook
    "Petunjuk"   how to fill in (Bahasa Indonesia): deadline from the region calendar, one line per column
                 (label, wajib/opsional, allowed values, example), the dimensions with their elements.
    data sheets  one per dataset of the stage (bimtek.core.columns.STAGE_DATASETS), the columns of its contract
                 (program includes the optional "Rujukan (RPJMD/Renstra)"). Row 1 title, row 2 region/OPD/deadline, row 3 the
                 header with the canonical column labels of schemas/columns/<dataset>.json (required columns on
                 a red fill: the label itself stays unchanged because rejection messages quote the header as
                 written), rows 4-203 pre-validated data rows, header frozen.
    "Daftar"     hidden sheet holding the dropdown lists, each as a named range. Its lists start on row 12 (header
                 on row 11), below the ten rows the ingest scans for a header, so it is never read as data.

Data validations (openpyxl DataValidation, enforced by Excel and LibreOffice; messages in Indonesian)
    dimensi      list = named range Daftar_Dimensi (the six "Smart ..." labels)
    elemen       dependent list: INDIRECT("Elemen_"&SUBSTITUTE(<dimensi cell>," ","_")). Each dimension label
                 has a named range Elemen_Smart_Governance, Elemen_Smart_Branding, ... holding its three element
                 labels, so the dropdown shows only the elements of the dimension chosen in the same row. While
                 the dimension is blank the list is empty (INDIRECT gives #REF!), so choose the dimension first.
    sumber_dana  list = Daftar_Sumber_Dana (taxonomy funding sources); opd list = Daftar_OPD (region OPD)
    pilar, komponen, jenis, status, quick_win   short inline lists from bimtek.core.vocabularies (the labels
                 validation accepts; ya/tidak for yes/no columns)
    years        whole number within the region period; scores whole number 1-5
    anggaran     decimal >= 0, shown with the Rupiah number format
    tanggal      a date from 2000-01-01, shown as DD/MM/YYYY

Prefilled OPD
    When the region lists its OPD, every data row's OPD cell holds =IF(COUNTA(<other cells of the row>)=0,"",
    "<OPD name>"): the OPD appears as soon as the row is used, and unused rows stay blank (the ingest skips blank
    rows). Excel and LibreOffice store the computed value when saving. A program that fills the template without a
    spreadsheet engine (openpyxl) computes nothing, so it must write the OPD cell itself.
    When the region lists no OPD there is a single workbook and OPD is free text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from bimtek.core.columns import TEAM_DATASETS, TEAM_SENDER, ColumnSpec, datasets_for_stage, load_spec
from bimtek.core.formatting import tanggal
from bimtek.core.model import SENDER_PROPERTY
from bimtek.core.region import Region
from bimtek.core.sanitise import NAME_MAX_BYTES, clean_text, unique_names
from bimtek.core.settings import get_settings
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.vocabularies import (
    COMMITMENT_STATUSES,
    FUNDING_SCHEMES,
    MONEV_AREAS,
    MONEV_ITEM_STATUSES,
    MONEV_ITEMS,
    MONEV_PROGRAM_STATUSES,
    NARRATIVE_PARTS,
    PILLARS,
    QUARTERS,
    REVIEW_STATUSES,
    RISK_LEVELS,
    SWOT_COMPONENTS,
    SWOT_TYPES,
    YES_NO,
    stage_name,
)
from bimtek.workbooks.xlsx import (
    REQUIRED_FILL,
    RUPIAH_FORMAT,
    TITLE_FONT,
    WRAP,
    put,
    put_formula,
    safe_sheet_name,
    set_widths,
    style_header,
    workbook_bytes,
)

DATA_ROWS = 200
"""Pre-validated data rows below the header."""
TITLE_ROW, INFO_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
LAST_DATA_ROW = HEADER_ROW + DATA_ROWS
LIST_SHEET = "Daftar"
GUIDE_SHEET = "Petunjuk"
LIST_FIRST_ROW = 12
"""Lists on the hidden sheet start here (header on row 11), beyond the ingest's 10-row header scan."""
GUIDE_TABLE_ROW = 12
"""The column table of the Petunjuk sheet starts here, beyond the ingest's 10-row header scan."""
DATE_FORMAT = "DD/MM/YYYY"

SHEET_TITLES = {
    "program": "Program",
    "kesiapan": "Kesiapan",
    "swot": "SWOT",
    "ide": "Ide Inovasi",
    "komitmen": "Lembar Komitmen",
    "review": "Reviu Buku",
    "quick_win_final": "Quick Win Final",
    "narasi": "Narasi Masterplan",
    "strategi_dimensi": "Strategi Dimensi",
    "kelembagaan": "Kelembagaan",
    "pendanaan": "Pendanaan",
    "risiko": "Risiko",
    "monev": "Monev",
    "profil_daerah": "Profil Daerah",
    "rencana_aksi_quick_win": "Rencana Aksi Quick Win",
    "realisasi": "Realisasi Program",
    "monev_wilayah": "Monev Wilayah",
}
DATASET_TITLES = {
    "program": "Usulan program Smart City",
    "kesiapan": "Penilaian kesiapan (struktur, infrastruktur, suprastruktur)",
    "swot": "Analisis SWOT per komponen",
    "ide": "Ide inovasi per dimensi",
    "narasi": "Narasi masterplan (diisi Tim Pelaksana / Bappeda): latar belakang, gambaran umum, visi, misi, strategi",
    "strategi_dimensi": "Arah pengembangan, strategi dan sasaran per dimensi (diisi Tim Pelaksana / Bappeda)",
    "komitmen": "Lembar komitmen pimpinan OPD",
    "review": "Reviu buku masterplan per bab",
    "quick_win_final": "Program quick win terpilih",
    "kelembagaan": "Kelembagaan dan tata kelola: Dewan Smart City, Tim Pelaksana, peran per program (diisi Tim Pelaksana)",
    "pendanaan": "Rencana pendanaan per tahun dan skema: APBD, DAK/APBN, CSR, KPBU (diisi Tim Pelaksana / BKD)",
    "risiko": "Daftar risiko masterplan: kemungkinan, dampak, mitigasi, penanggung jawab (diisi Tim Pelaksana)",
    "monev": "Indikator monitoring dan evaluasi per area evaluasi, siklus dan pelaporan (diisi Tim Pelaksana)",
    "profil_daerah": "Data pokok daerah: indikator, nilai, satuan, tahun dan sumber (mis. BPS Kabupaten Dalam Angka; diisi Tim Pelaksana)",
    "rencana_aksi_quick_win": "Rencana aksi quick win per triwulan: langkah, penanggung jawab, keluaran, anggaran",
    "realisasi": "Realisasi program masterplan per semester (monev)",
    "monev_wilayah": "Butir monev tingkat daerah (diisi Tim Pelaksana): regulasi, SK, penandaan anggaran, manfaat, quick win",
}

INLINE_CHOICES = {
    "bool": YES_NO,
    "pillar": tuple(PILLARS.labels),
    "swot_component": tuple(SWOT_COMPONENTS.labels),
    "swot_type": tuple(SWOT_TYPES.labels),
    "commitment_status": tuple(COMMITMENT_STATUSES.labels),
    "review_status": tuple(REVIEW_STATUSES.labels),
    "narrative_part": tuple(NARRATIVE_PARTS.labels),
    "risk_level": tuple(RISK_LEVELS.labels),
    "monev_area": tuple(MONEV_AREAS.labels),
    "funding_scheme": tuple(FUNDING_SCHEMES.labels),
    "quarter": tuple(QUARTERS.labels),
    "monev_status": tuple(MONEV_PROGRAM_STATUSES.labels),
    "monev_item": tuple(MONEV_ITEMS.labels),
    "monev_item_status": (*MONEV_ITEM_STATUSES.labels, *MONEV_PROGRAM_STATUSES.labels),
}
"""Short dropdown lists written inline in the validation (each well under Excel's 255-character limit), read from
the vocabularies validation accepts (`bimtek.core.vocabularies`)."""

KIND_WIDTHS = {
    "opd": 34,
    "dimension": 22,
    "element": 24,
    "money": 18,
    "funding": 16,
    "year": 13,
    "score": 13,
    "bool": 14,
    "date": 14,
    "pillar": 16,
    "swot_component": 16,
    "swot_type": 16,
    "commitment_status": 18,
    "review_status": 14,
    "chapter": 26,
    "keywords": 30,
    "narrative_part": 26,
    "risk_level": 14,
    "monev_area": 16,
    "funding_scheme": 16,
    "quarter": 14,
}
TEXT_WIDTH = 42

EXAMPLES = {
    "nama_program": "Layanan antrean daring puskesmas",
    "deskripsi": "Pendaftaran pasien puskesmas lewat aplikasi dan WhatsApp",
    "sasaran": "Waktu tunggu pasien turun 50%",
    "indikator": "Rata-rata waktu tunggu (menit)",
    "indikator@kesiapan": "Jaringan internet menjangkau seluruh kantor OPD",
    "bukti": "Laporan inventaris jaringan 2025",
    "pernyataan": "Jaringan fiber sudah menjangkau seluruh kecamatan",
    "kata_kunci": "religius, agraris, maritim",
    "nama_pejabat": "Dr. Nama Pejabat, M.Kes",
    "jabatan": "Kepala Dinas",
    "bab": "Bab III",
    "catatan": "Perbarui data jumlah penduduk 2025",
    "rujukan": "Renstra 2021-2026, Program 2.1",
    "target": "15 menit pada akhir 2027",
    "alasan_quick_win_opd": "Aplikasi sudah ada; tinggal dibuka untuk pasien, selesai dalam 6 bulan",
    "isi": "Terwujudnya pelayanan publik yang cepat dan terbuka berbasis data",
    "arah_pengembangan": "Layanan publik terintegrasi dalam satu pintu digital",
    "strategi": "Mengintegrasikan aplikasi layanan OPD ke portal layanan daerah",
    "sasaran@strategi_dimensi": "Seluruh layanan perizinan dapat diajukan secara daring",
}
KIND_EXAMPLES = {
    "dimension": "Smart Living",
    "element": "Health",
    "money": "150000000",
    "funding": "APBD",
    "score": "4",
    "bool": "ya",
    "date": "12/10/2026",
    "keywords": "religius, agraris",
}


@dataclass(frozen=True)
class TemplateColumn:
    """One column of a template sheet: the contract column and its position."""

    spec: ColumnSpec
    letter: str

    @property
    def header(self) -> str:
        return self.spec.label or self.spec.name


# ---------------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------------


TEAM_TEMPLATE = TEAM_SENDER
"""The `opd` argument of build_intake_workbook that asks for the Tim Pelaksana's workbook (TEAM_DATASETS)."""


def intake_filename(stage: int, opd: str | None, names: dict[object, str] | None = None) -> str:
    """File name of a template: usulan-tahap-3-dinas-kesehatan.xlsx, usulan-tahap-3-semua-opd.xlsx, or
    narasi-tahap-3-tim-pelaksana.xlsx (TEAM_TEMPLATE).

    `names` (from `intake_names`) keeps the templates of OPD whose names slug alike apart.
    """
    if opd is None:
        return f"usulan-tahap-{int(stage)}-semua-opd.xlsx"
    if opd == TEAM_TEMPLATE:
        return f"narasi-tahap-{int(stage)}-{TEAM_TEMPLATE}.xlsx"
    stem = (names or intake_names(stage, [opd]))[opd]
    return f"usulan-tahap-{int(stage)}-{stem}.xlsx"


def intake_names(stage: int, opds: list[str]) -> dict[object, str]:
    """One distinct file-name part per OPD (see `unique_names`), short enough for the whole name to fit."""
    return unique_names(opds, fallback="opd", max_bytes=NAME_MAX_BYTES - len(f"usulan-tahap-{int(stage)}-"))


def build_intake_workbooks(region: Region, stage: int) -> dict[str, bytes]:
    """One template per OPD of the region (one free-text template when the region lists no OPD), plus the Tim
    Pelaksana's narrative workbook when the stage collects TEAM_DATASETS."""
    owners: list[str | None] = list(region.opd_names) or [None]
    names = intake_names(stage, [opd for opd in owners if opd is not None])
    if any(d in TEAM_DATASETS for d in datasets_for_stage(stage)):
        owners.append(TEAM_TEMPLATE)
    return {intake_filename(stage, opd, names): build_intake_workbook(region, stage, opd) for opd in owners}


def build_intake_workbook(region: Region, stage: int, opd: str | None, *, due: dt.date | None = None) -> bytes:
    """The template of one OPD (`opd` None: OPD as free text; TEAM_TEMPLATE: the narrative datasets only) as
    deterministic .xlsx bytes. `due`: the deadline it states (default: the stage's date in the calendar; monev
    passes its semester's deadline)."""
    due = due or deadline(region, stage)
    team = opd == TEAM_TEMPLATE
    datasets = [d for d in datasets_for_stage(stage) if (d in TEAM_DATASETS) == team]
    opd = None if team else opd
    workbook = Workbook()
    guide = workbook.active
    guide.title = GUIDE_SHEET
    taken = {GUIDE_SHEET, LIST_SHEET}
    sheets = []
    for dataset in datasets:
        columns = template_columns(dataset, region)
        worksheet = workbook.create_sheet(safe_sheet_name(SHEET_TITLES.get(dataset, dataset), taken))
        _write_data_sheet(worksheet, dataset, columns, region, stage, opd, due)
        sheets.append((worksheet.title, dataset, columns))
    _write_list_sheet(workbook, region)
    _write_guide(guide, sheets, region, stage, opd, due)
    if opd:
        workbook.custom_doc_props.append(StringProperty(name=SENDER_PROPERTY, value=opd))
    return workbook_bytes(workbook)


def template_columns(dataset: str, region: Region) -> list[TemplateColumn]:
    """Columns of a dataset's sheet in contract order (schemas/columns/<dataset>.json); per-year columns only for
    the years of the region's period."""
    specs = load_spec(dataset).columns_for(region.period.start, region.period.end)
    return [TemplateColumn(spec, get_column_letter(i)) for i, spec in enumerate(specs, start=1)]


def deadline(region: Region, stage: int) -> dt.date | None:
    """The stage's date from the region calendar (calendar key tahap-<N>), if given."""
    return region.calendar.get(f"tahap-{int(stage)}")


# ---------------------------------------------------------------------------------------------------------------
# Data sheets
# ---------------------------------------------------------------------------------------------------------------


def _info_line(region: Region, stage: int, opd: str | None, due: dt.date | None) -> str:
    parts = [f"{region.name} - Bimtek Smart City {stage_name(stage)}"]
    parts.append(f"OPD: {opd}" if opd else "OPD: tulis nama OPD pada kolom OPD")
    if due:
        parts.append(f"Batas pengiriman: {tanggal(due)}")
    parts.append("Judul kolom berwarna merah wajib diisi; baca lembar Petunjuk")
    return " | ".join(parts)


def _write_data_sheet(
    ws, dataset: str, columns: list[TemplateColumn], region: Region, stage: int, opd: str | None, due: dt.date | None
) -> None:
    """Title, info line, header, frozen panes, widths, validations and number formats of one data sheet."""
    put(ws, TITLE_ROW, 1, f"{DATASET_TITLES.get(dataset, dataset)} - {stage_name(stage)}").font = TITLE_FONT
    put(ws, INFO_ROW, 1, _info_line(region, stage, opd, due)).font = Font(italic=True)
    for col in columns:
        put(ws, HEADER_ROW, column_index_from_string(col.letter), col.header)
    style_header(ws[HEADER_ROW][: len(columns)])
    for col in columns:
        if col.spec.required:
            ws[f"{col.letter}{HEADER_ROW}"].fill = REQUIRED_FILL
    ws.row_dimensions[HEADER_ROW].height = 30
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    set_widths(ws, [KIND_WIDTHS.get(c.spec.kind, TEXT_WIDTH) for c in columns])
    for col in columns:
        _format_column(ws, col)
        validation = _validation_for(col, columns, region)
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(_column_range(col))
    if opd and region.opd_names:
        _prefill_opd(ws, columns, opd)


def _column_range(col: TemplateColumn) -> str:
    return f"{col.letter}{FIRST_DATA_ROW}:{col.letter}{LAST_DATA_ROW}"


def _format_column(ws, col: TemplateColumn) -> None:
    """Number formats of the data cells (Rupiah for money, day/month/year for dates, text wrap for text)."""
    number_format = {"money": RUPIAH_FORMAT, "date": DATE_FORMAT, "year": "0", "score": "0"}.get(col.spec.kind)
    for row in range(FIRST_DATA_ROW, LAST_DATA_ROW + 1):
        cell = ws[f"{col.letter}{row}"]
        if number_format:
            cell.number_format = number_format
        elif col.spec.kind in ("text", "keywords"):
            cell.alignment = WRAP


def _prefill_opd(ws, columns: list[TemplateColumn], opd: str) -> None:
    """OPD cells that show the OPD name as soon as any other cell of the row is filled (see module doc)."""
    opd_cols = [c for c in columns if c.spec.kind == "opd"]
    others = [c for c in columns if c.spec.kind != "opd"]
    if not opd_cols or not others:
        return
    literal = clean_text(opd).replace('"', '""')
    for row in range(FIRST_DATA_ROW, LAST_DATA_ROW + 1):
        ranges = ",".join(f"{a}{row}:{b}{row}" for a, b in _segments(others))
        for col in opd_cols:
            put_formula(ws, f"{col.letter}{row}", f'=IF(COUNTA({ranges})=0,"","{literal}")')


def _segments(columns: list[TemplateColumn]) -> list[tuple[str, str]]:
    """Runs of adjacent column letters: [A, C, D, E] -> [(A, A), (C, E)]."""
    runs: list[list[int]] = []
    for index in sorted(column_index_from_string(c.letter) for c in columns):
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return [(get_column_letter(a), get_column_letter(b)) for a, b in runs]


# ---------------------------------------------------------------------------------------------------------------
# Validations
# ---------------------------------------------------------------------------------------------------------------


def _list_validation(formula: str, label: str, hint: str) -> DataValidation:
    return _validation(
        DataValidation(type="list", formula1=formula, allow_blank=True),
        label,
        f"Pilih {label} dari daftar pilihan. {hint}",
    )


def _validation(dv: DataValidation, label: str, message: str) -> DataValidation:
    """Attach the Indonesian prompt and error texts (Excel limits: title 32, message 255 characters)."""
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = "Nilai tidak valid"[:32]
    dv.error = f"Isian kolom {label} tidak valid. {message}"[:255]
    dv.promptTitle = label[:32]
    dv.prompt = message[:255]
    return dv


def _validation_for(col: TemplateColumn, columns: list[TemplateColumn], region: Region) -> DataValidation | None:
    """The Excel data validation of one column, by the contract kind (None for free text)."""
    kind, label = col.spec.kind, col.spec.label or col.spec.name
    if kind == "dimension":
        return _list_validation("Daftar_Dimensi", label, "Enam dimensi Smart City.")
    if kind == "element":
        return _element_validation(col, columns, label)
    if kind == "funding":
        return _list_validation("Daftar_Sumber_Dana", label, "Contoh: APBD, APBN, DAK, CSR.")
    if kind == "opd":
        if not region.opd_names:
            return None
        return _list_validation("Daftar_OPD", label, "Nama OPD sesuai daftar OPD daerah.")
    if kind in INLINE_CHOICES:
        values = INLINE_CHOICES[kind]
        return _list_validation(f'"{",".join(values)}"', label, f"Pilihan: {', '.join(values)}.")
    if kind == "year":
        start, end = region.period.start, region.period.end
        dv = DataValidation(type="whole", operator="between", formula1=str(start), formula2=str(end), allow_blank=True)
        return _validation(dv, label, f"Isi tahun (angka bulat) antara {start} dan {end}.")
    if kind == "score":
        dv = DataValidation(type="whole", operator="between", formula1="1", formula2="5", allow_blank=True)
        return _validation(dv, label, "Isi angka bulat 1 sampai 5.")
    if kind == "money":
        floor = get_settings().min_budget
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=str(floor), allow_blank=True)
        return _validation(
            dv, label, f"Isi angka rupiah penuh tanpa titik atau teks, paling sedikit {floor} (contoh: 150000000)."
        )
    if kind == "date":
        dv = DataValidation(type="date", operator="greaterThanOrEqual", formula1="DATE(2000,1,1)", allow_blank=True)
        return _validation(dv, label, "Isi tanggal, contoh 12/10/2026.")
    return None


def _element_validation(col: TemplateColumn, columns: list[TemplateColumn], label: str) -> DataValidation:
    """Dependent dropdown: the elements of the dimension chosen in the same row (named range per dimension)."""
    dimension = next((c for c in columns if c.spec.kind == "dimension"), None)
    if dimension is None:
        return _list_validation("Daftar_Elemen", label, "Elemen Smart City.")
    anchor = f"{dimension.letter}{FIRST_DATA_ROW}"
    formula = f'INDIRECT("Elemen_"&SUBSTITUTE({anchor}," ","_"))'
    return _list_validation(formula, label, "Isi kolom Dimensi dulu; daftar menampilkan elemen dimensi itu.")


# ---------------------------------------------------------------------------------------------------------------
# Hidden list sheet with named ranges
# ---------------------------------------------------------------------------------------------------------------


def element_range_name(dimension_label: str) -> str:
    """Named range of a dimension's elements: "Smart Governance" -> "Elemen_Smart_Governance"."""
    return "Elemen_" + dimension_label.replace(" ", "_")


def _lists(region: Region) -> list[tuple[str, str, list[str]]]:
    """(named range, header on the Daftar sheet, values) of every dropdown list."""
    taxonomy = load_taxonomy()
    lists = [
        ("Daftar_Dimensi", "Daftar dimensi", [d.label for d in taxonomy.dimensions]),
        ("Daftar_Sumber_Dana", "Daftar sumber dana", list(taxonomy.funding_sources)),
        ("Daftar_Elemen", "Daftar semua elemen", [e.label for d in taxonomy.dimensions for e in d.elements]),
    ]
    if region.opd_names:
        lists.append(("Daftar_OPD", "Daftar OPD", list(region.opd_names)))
    for d in taxonomy.dimensions:
        lists.append((element_range_name(d.label), f"Elemen {d.label}", [e.label for e in d.elements]))
    return lists


def _write_list_sheet(workbook: Workbook, region: Region) -> None:
    """The hidden "Daftar" sheet: one list per column from row LIST_FIRST_ROW, one named range per list."""
    ws = workbook.create_sheet(LIST_SHEET)
    put(ws, 1, 1, "Daftar pilihan untuk kolom isian (jangan diubah).")
    for position, (name, header, values) in enumerate(_lists(region), start=1):
        letter = get_column_letter(position)
        put(ws, LIST_FIRST_ROW - 1, position, header)
        for offset, value in enumerate(values):
            put(ws, LIST_FIRST_ROW + offset, position, value)
        last = LIST_FIRST_ROW + len(values) - 1
        ref = f"{quote_sheetname(LIST_SHEET)}!${letter}${LIST_FIRST_ROW}:${letter}${last}"
        workbook.defined_names[name] = DefinedName(name, attr_text=ref)
        ws.column_dimensions[letter].width = 30
    ws.sheet_state = "hidden"


# ---------------------------------------------------------------------------------------------------------------
# Petunjuk sheet
# ---------------------------------------------------------------------------------------------------------------


def allowed_values(spec: ColumnSpec, region: Region) -> str:
    """What a column accepts, in Indonesian (shown on the Petunjuk sheet)."""
    taxonomy = load_taxonomy()
    kind = spec.kind
    if spec.year is not None:
        return (
            f"Anggaran tahun {spec.year} dalam rupiah penuh (0 atau kosong bila tahun itu tanpa anggaran), hanya untuk "
            "tahun mulai sampai tahun selesai. Jumlah semua tahun sama dengan kolom Anggaran (Rp), atau kosongkan "
            "Anggaran (Rp) agar terisi jumlahnya. Bila semua kolom tahun kosong, anggaran dibagi rata per tahun."
        )
    if kind == "dimension":
        return ", ".join(d.label for d in taxonomy.dimensions)
    if kind == "element":
        return "Elemen dari dimensi yang dipilih (lihat tabel dimensi dan elemen di bawah)"
    if kind == "funding":
        return ", ".join(taxonomy.funding_sources)
    if kind == "opd":
        return "Nama OPD sesuai daftar OPD daerah" if region.opd_names else "Nama lengkap OPD (teks)"
    if kind in INLINE_CHOICES:
        return ", ".join(INLINE_CHOICES[kind])
    return {
        "year": f"Tahun {region.period.start}-{region.period.end} (angka bulat)",
        "score": "Angka bulat 1-5 (1 = sangat rendah, 5 = sangat tinggi)",
        "money": "Angka rupiah penuh tanpa titik atau teks, paling sedikit Rp "
        + f"{get_settings().min_budget:,}".replace(",", "."),
        "date": "Tanggal (contoh 12/10/2026)",
        "keywords": "Kata kunci dipisah koma",
        "chapter": "Nomor atau judul bab (contoh: Bab III)",
    }.get(kind, "Teks bebas")


def example_value(spec: ColumnSpec, dataset: str, region: Region, opd: str | None) -> str:
    """An example value for the Petunjuk sheet."""
    if spec.kind == "opd":
        return opd or (region.opd_names[0] if region.opd_names else "Dinas Kesehatan")
    if spec.kind == "year":
        return str(region.period.start)
    if spec.year is not None:
        return "50000000" if spec.year == region.period.start else "100000000"
    if spec.kind in INLINE_CHOICES:
        return INLINE_CHOICES[spec.kind][0]
    return EXAMPLES.get(f"{spec.name}@{dataset}") or EXAMPLES.get(spec.name) or KIND_EXAMPLES.get(spec.kind, "")


def _instructions(region: Region, stage: int, opd: str | None, due: dt.date | None) -> list[str]:
    lines = [
        f"Batas pengiriman: {tanggal(due)} (jadwal Bimtek {stage_name(stage)})."
        if due
        else "Batas pengiriman: ikuti jadwal dari Tim Pelaksana Smart City.",
        "1. Isi satu baris per isian di lembar data, mulai tepat di bawah baris judul kolom (baris 4).",
        "2. Jangan mengubah, menghapus atau memindahkan baris judul kolom dan jangan menambah lembar baru.",
        "3. Kolom dengan judul berwarna merah wajib diisi. Bila sel punya panah pilihan, pilih nilai dari daftar.",
        "4. Anggaran ditulis sebagai angka rupiah tanpa titik (150000000); tampilan Rp diatur otomatis. Rincian per "
        'tahun (kolom "Anggaran <tahun>") boleh diisi; bila diisi, jumlahnya harus sama dengan Anggaran (Rp).',
    ]
    if opd and region.opd_names:
        lines.append(f"5. Kolom OPD terisi otomatis ({opd}) begitu baris mulai diisi.")
    else:
        lines.append("5. Tulis nama OPD lengkap pada setiap baris.")
    lines.append("6. Simpan sebagai .xlsx (jangan .xls atau PDF) lalu kirim kepada Tim Pelaksana Smart City.")
    return lines


def _write_guide(
    ws,
    sheets: list[tuple[str, str, list[TemplateColumn]]],
    region: Region,
    stage: int,
    opd: str | None,
    due: dt.date | None,
) -> None:
    """The Petunjuk sheet: instructions (rows 1-10), the column table from GUIDE_TABLE_ROW, then dimensions."""
    put(ws, 1, 1, f"Petunjuk pengisian - Bimtek Smart City {stage_name(stage)}").font = TITLE_FONT
    put(ws, 2, 1, f"{region.name}, {region.province}" + (f" - OPD: {opd}" if opd else ""))
    for offset, line in enumerate(_instructions(region, stage, opd, due)):
        put(ws, 3 + offset, 1, line)
    row = GUIDE_TABLE_ROW
    headers = ["Lembar", "Kolom", "Wajib/opsional", "Nilai yang diperbolehkan", "Contoh"]
    for position, text in enumerate(headers, start=1):
        put(ws, row, position, text)
    style_header(ws[row][: len(headers)])
    for sheet_name, dataset, columns in sheets:
        for col in columns:
            row += 1
            values = [
                sheet_name,
                col.spec.label or col.spec.name,
                "wajib" if col.spec.required else "opsional",
                allowed_values(col.spec, region),
                example_value(col.spec, dataset, region, opd),
            ]
            for position, value in enumerate(values, start=1):
                put(ws, row, position, value).alignment = WRAP
    _write_dimension_table(ws, row + 2)
    set_widths(ws, [20, 26, 16, 60, 40])


def _write_dimension_table(ws, row: int) -> None:
    """Dimensions and their elements with the Indonesian meaning."""
    headers = ["Dimensi", "Elemen", "Arti elemen"]
    for position, text in enumerate(headers, start=1):
        put(ws, row, position, text)
    style_header(ws[row][: len(headers)])
    for dimension in load_taxonomy().dimensions:
        for element in dimension.elements:
            row += 1
            put(ws, row, 1, dimension.label)
            put(ws, row, 2, element.label)
            put(ws, row, 3, element.label_id).alignment = Alignment(wrap_text=True)
