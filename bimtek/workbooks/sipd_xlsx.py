"""The two SIPD workbooks of Tahap IV (issue 25): the Renstra matrix and the proposals for the nomenclature.

`sipd/matriks-renstra.xlsx` - sheet "Matriks Renstra": the coded masterplan programs per Perangkat Daerah as
program -> kegiatan -> sub kegiatan rows (bimtek.analysis.sipd_plan.renstra_rows), in the column order of the
Renstra table of programs, activities and funding (Permendagri 86/2017, Lampiran, Tabel T-C.27): Kode; Program /
Kegiatan / Sub Kegiatan; Indikator kinerja; Satuan; Data capaian pada tahun awal perencanaan; then per year of the
masterplan period Target and Pagu (Rp); Kondisi kinerja pada akhir periode (Target, Pagu); Perangkat Daerah
penanggung jawab; Lokasi. Two columns are added after those: the masterplan programs a row stands for, and the
source of the code's name (a bundled code names its public document). The T-C.27 table also has Tujuan and
Sasaran columns; bimtek does not collect the OPD's Renstra goals, so they are left to the Perangkat Daerah and not
printed. Cells a person still has to write (per-year target, a satuan the version does not state, the location)
show "belum diisi" - never an invented value. Sheet "Sumber": the nomenclature version and every source cited.

`sipd/usulan-nomenklatur.xlsx` - sheet "Usulan Nomenklatur": the programs with no code, drafted as proposals for
the next nomenclature update (proposed sub kegiatan name = the program name; kinerja and satuan "belum diisi"),
with the ranked codes bimtek suggests for the OPD to confirm (never applied).

Both carry the region's Kemendagri and BPS codes in their title rows. Deterministic bytes (bimtek.workbooks.xlsx).
"""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from bimtek.analysis.sipd_plan import RenstraRow
from bimtek.core.nomenclature import LEVEL_LABELS, Nomenclature
from bimtek.workbooks.xlsx import (
    RUPIAH_FORMAT,
    TITLE_FONT,
    WRAP,
    fit_row_heights,
    print_setup,
    put,
    set_widths,
    style_header,
    workbook_bytes,
)

NOT_FILLED = "belum diisi"
LEVEL_FONTS = {"program": Font(bold=True), "kegiatan": Font(bold=True, italic=True), "sub_kegiatan": Font()}


def region_code_line(region) -> str:
    """ "Kode wilayah Kemendagri 13.05 · BPS 1305" (a code the region file lacks: "belum diisi")."""
    codes = region.codes
    return f"Kode wilayah Kemendagri {codes.kemendagri or NOT_FILLED} · kode BPS {codes.bps or NOT_FILLED}"


def _title(ws, lines: list[str], width: int) -> int:
    for number, line in enumerate(lines, start=1):
        cell = put(ws, number, 1, line)
        if number == 1:
            cell.font = TITLE_FONT
        ws.merge_cells(start_row=number, start_column=1, end_row=number, end_column=max(width, 1))
    return len(lines) + 2


def renstra_workbook(rows: list[RenstraRow], region, nomenclature: Nomenclature | None, years: list[int]) -> bytes:
    """sipd/matriks-renstra.xlsx bytes (module doc)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Matriks Renstra"
    fixed = ["Kode", "Program / Kegiatan / Sub Kegiatan", "Indikator kinerja", "Satuan", "Data capaian tahun awal"]
    tail = ["Perangkat Daerah penanggung jawab", "Lokasi", "Program masterplan", "Sumber nama kode"]
    width = len(fixed) + 2 * len(years) + 2 + len(tail)
    version = nomenclature.version if nomenclature else NOT_FILLED
    header_row = _title(
        ws,
        [
            f"Matriks Renstra Perangkat Daerah: program, kegiatan, sub kegiatan dan pendanaan - {region.name}",
            region_code_line(region),
            f"Nomenklatur SIPD versi {version}"
            + (f" ({nomenclature.title})" if nomenclature else "")
            + f"; periode masterplan {region.period.start}-{region.period.end}.",
            "Susunan kolom mengikuti Tabel T-C.27 Lampiran Permendagri 86/2017 (Rencana Program, Kegiatan dan "
            "Pendanaan Perangkat Daerah); kolom Tujuan dan Sasaran diisi Perangkat Daerah dari Renstra-nya.",
        ],
        width,
    )
    top = header_row
    for column, label in enumerate(fixed, start=1):
        put(ws, top, column, label)
        ws.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
    column = len(fixed) + 1
    for year in [*years, None]:
        put(ws, top, column, f"Tahun {year}" if year else "Kondisi kinerja pada akhir periode")
        ws.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + 1)
        put(ws, top + 1, column, "Target")
        put(ws, top + 1, column + 1, "Pagu (Rp)")
        column += 2
    for offset, label in enumerate(tail):
        put(ws, top, column + offset, label)
        ws.merge_cells(start_row=top, start_column=column + offset, end_row=top + 1, end_column=column + offset)
    style_header([c for row in ws.iter_rows(min_row=top, max_row=top + 1, max_col=width) for c in row])
    number = top + 2
    current_opd = None
    opd_rows: list[int] = []
    for row in rows:
        if row.opd != current_opd:
            current_opd = row.opd
            cell = put(ws, number, 1, f"Perangkat Daerah: {row.opd}")
            cell.font = Font(bold=True, color="1F4E78")
            opd_rows.append(number)
            ws.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
            number += 1
        _renstra_row(ws, number, row, years, fixed, tail)
        number += 1
    if not rows:
        put(ws, number, 1, "Belum ada program masterplan yang memakai kode sub kegiatan.")
    ws.freeze_panes = f"C{top + 2}"
    widths = [20, 48, 40, 12, 18, *([16, 18] * (len(years) + 1)), 30, 14, 40, 40]
    set_widths(ws, widths)
    fit_row_heights(ws, top + 2, widths)
    for opd_row in opd_rows:
        ws.row_dimensions[opd_row].height = None
    print_setup(ws, top + 1)
    _sources_sheet(wb, nomenclature)
    return workbook_bytes(wb)


def _renstra_row(ws, number: int, row: RenstraRow, years: list[int], fixed: list[str], tail: list[str]) -> None:
    indent = {"program": "", "kegiatan": "  ", "sub_kegiatan": "    "}[row.level]
    name = row.uraian or f"{NOT_FILLED} (nama {LEVEL_LABELS[row.level]} tidak ada di referensi)"
    indikator = row.indikator or NOT_FILLED
    if row.level == "sub_kegiatan" and not row.indikator_dari_nomenklatur:
        indikator = f"{indikator} (indikator program masterplan)"
    values: list[object] = [
        row.kode,
        indent + name,
        indikator if row.level == "sub_kegiatan" else (row.indikator or ""),
        (row.satuan or NOT_FILLED) if row.level == "sub_kegiatan" else row.satuan,
        (row.baseline or NOT_FILLED) if row.level == "sub_kegiatan" else "",
    ]
    for column, value in enumerate(values, start=1):
        cell = put(ws, number, column, value)
        cell.alignment = WRAP
        cell.font = LEVEL_FONTS[row.level]
    column = len(fixed) + 1
    for year in years:
        amount = row.pagu.get(year)
        if amount:
            put(ws, number, column, NOT_FILLED if row.level == "sub_kegiatan" else "").alignment = WRAP
            cell = put(ws, number, column + 1, round(amount))
            cell.number_format = RUPIAH_FORMAT
            cell.alignment = WRAP
        column += 2
    put(ws, number, column, (row.target_akhir or NOT_FILLED) if row.level == "sub_kegiatan" else "").alignment = WRAP
    cell = put(ws, number, column + 1, round(row.pagu_total))
    cell.number_format = RUPIAH_FORMAT
    cell.alignment = WRAP
    column += 2
    extra = [row.opd, NOT_FILLED if row.level == "sub_kegiatan" else "", "; ".join(row.programs), row.sumber]
    for offset, value in enumerate(extra):
        put(ws, number, column + offset, value).alignment = WRAP


def _sources_sheet(wb: Workbook, nomenclature: Nomenclature | None) -> None:
    ws = wb.create_sheet("Sumber")
    put(ws, 1, 1, "Sumber nomenklatur").font = TITLE_FONT
    if nomenclature is None:
        put(ws, 3, 1, "Berkas region belum menyebut versi nomenklatur SIPD: nama kode belum diisi.")
        return
    put(ws, 2, 1, f"Versi {nomenclature.version}: {nomenclature.title}")
    headers = ["Kunci", "Dokumen", "Tanggal", "Alamat"]
    for column, label in enumerate(headers, start=1):
        put(ws, 4, column, label)
    style_header([ws.cell(4, c) for c in range(1, len(headers) + 1)])
    if not nomenclature.is_bundled:
        put(ws, 5, 1, nomenclature.origin)
        put(ws, 5, 2, "Ekspor SIPD yang dimuat daerah (berkas region: nomenclature_export)")
    for number, (key, source) in enumerate(sorted(nomenclature.sources.items()), start=5):
        for column, value in enumerate(
            [key, source.get("document", ""), source.get("date", ""), source.get("url", "")], start=1
        ):
            put(ws, number, column, value).alignment = WRAP
    set_widths(ws, [30, 80, 12, 60])


USULAN_HEADERS = [
    ("No", 6),
    ("Perangkat Daerah", 36),
    ("Urusan yang diampu", 16),
    ("Program masterplan", 36),
    ("Deskripsi", 40),
    ("Dimensi", 18),
    ("Usulan nomenklatur sub kegiatan", 36),
    ("Usulan kinerja", 20),
    ("Usulan indikator", 30),
    ("Usulan satuan", 14),
    ("Target", 24),
    ("Anggaran (Rp)", 18),
    ("Tahun", 12),
    ("Kode yang disarankan bimtek (perlu dikonfirmasi OPD)", 60),
]


def usulan_workbook(uncoded: pd.DataFrame, region, nomenclature: Nomenclature | None) -> bytes:
    """sipd/usulan-nomenklatur.xlsx bytes (module doc)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Usulan Nomenklatur"
    version = nomenclature.version if nomenclature else NOT_FILLED
    top = _title(
        ws,
        [
            f"Program masterplan tanpa kode sub kegiatan - usulan pemutakhiran nomenklatur ({region.name})",
            region_code_line(region),
            f"Nomenklatur SIPD versi {version}. Program ini belum dapat dianggarkan di SIPD sampai kodenya ada: OPD "
            "memilih salah satu kode yang disarankan (bila cocok) atau mengusulkan sub kegiatan baru.",
            "Kode yang disarankan adalah urutan kemiripan nama, bukan keputusan: tidak pernah dipasang otomatis.",
        ],
        len(USULAN_HEADERS),
    )
    for column, (label, _) in enumerate(USULAN_HEADERS, start=1):
        put(ws, top, column, label)
    style_header([ws.cell(top, c) for c in range(1, len(USULAN_HEADERS) + 1)])
    for number, record in enumerate(uncoded.to_dict("records"), start=1):
        years = f"{record['tahun_mulai']}-{record['tahun_selesai']}"
        values = [
            number,
            record["opd"],
            record["urusan_opd"] or NOT_FILLED,
            record["nama_program"],
            record["deskripsi"],
            record["dimensi_label"],
            record["nama_program"],
            NOT_FILLED,
            record["indikator"] or NOT_FILLED,
            NOT_FILLED,
            record["target"] or NOT_FILLED,
            round(record["anggaran"]),
            years,
            record["kode_disarankan"] or "tidak ada kode yang mirip di referensi",
        ]
        for column, value in enumerate(values, start=1):
            cell = put(ws, top + number, column, value)
            cell.alignment = WRAP
            if column == 12:
                cell.number_format = RUPIAH_FORMAT
    if uncoded.empty:
        put(ws, top + 1, 1, "Semua program masterplan sudah memakai kode sub kegiatan.")
    ws.freeze_panes = f"C{top + 1}"
    ws.auto_filter.ref = f"A{top}:N{top + max(len(uncoded), 1)}"
    widths = [w for _, w in USULAN_HEADERS]
    set_widths(ws, widths)
    fit_row_heights(ws, top + 1, widths)
    print_setup(ws, top)
    return workbook_bytes(wb)
