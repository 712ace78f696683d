"""Monev (Tahap V) workbooks: the realisation templates pre-filled from the plan, and the published result workbook.

`realisation_templates` starts from the stage-5 intake templates (bimtek.workbooks.intake_template: same columns,
dropdowns, guide sheet and sender property) and writes, per OPD, one row per program the final Tahap IV plan
schedules in the semester's year: opd, program, year, indicator, baseline, target and planned budget of that year,
and the semester. The OPD fills realisation, achievement, status, reason and evidence. The Tim Pelaksana's workbook
gets one row per region item and one per final quick win.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook, load_workbook

from bimtek.analysis.monev import STATUS_LABELS, MonevScore
from bimtek.analysis.schedules import monev_deadline
from bimtek.core.columns import load_spec
from bimtek.core.monev import MONEV_STAGE, Semester
from bimtek.core.region import Region
from bimtek.core.sanitise import unique_names
from bimtek.core.values import is_missing
from bimtek.core.vocabularies import MONEV_ITEMS
from bimtek.workbooks.intake_template import (
    FIRST_DATA_ROW,
    SHEET_TITLES,
    TEAM_TEMPLATE,
    build_intake_workbook,
)
from bimtek.workbooks.xlsx import put, set_widths, style_header, workbook_bytes

REGION_ITEMS = ("data_dasar", "regulasi", "sk_dewan", "sk_tim", "penandaan_anggaran", "manfaat_warga")


def _fill(data: bytes, dataset: str, rows: list[dict]) -> bytes:
    """The template `data` with `rows` (canonical column -> value) written from the first data row on."""
    workbook = load_workbook(io.BytesIO(data))
    worksheet = workbook[SHEET_TITLES[dataset]]
    names = load_spec(dataset).names
    for offset, row in enumerate(rows):
        for position, name in enumerate(names, start=1):
            value = row.get(name)
            put(worksheet, FIRST_DATA_ROW + offset, position, None if is_missing(value) else value)
    return workbook_bytes(workbook)


def realisation_filename(semester: Semester, opd_part: str) -> str:
    """`realisasi-2027-S1-<opd-part>.xlsx`: the semester is in the name, so an OPD never mixes two up."""
    return f"realisasi-{semester}-{opd_part}.xlsx"


def realisation_template(region: Region, semester: Semester, plan_year: pd.DataFrame, opd: str) -> bytes:
    """The realisation workbook of one OPD: one row per program `plan_year` (bimtek.analysis.monev.plan_for_year)
    gives it (none: the empty sheet)."""
    rows = [
        {
            "opd": p["opd"],
            "nama_program": p["nama_program"],
            "tahun": int(p["tahun"]),
            "indikator": p["indikator"],
            "baseline": p["baseline"],
            "target": p["target_rencana"],
            "anggaran_rencana": float(p["anggaran_rencana"]),
            "semester": str(semester),
        }
        for p in plan_year[plan_year["opd"] == opd].to_dict("records")
    ]
    data = build_intake_workbook(region, MONEV_STAGE, opd, due=monev_deadline(region, str(semester)))
    return _fill(data, "realisasi", rows)


def realisation_templates(
    region: Region, semester: Semester, plan_year: pd.DataFrame, final_quick_wins: pd.DataFrame
) -> dict[str, bytes]:
    """`realisasi-<semester>-<opd>.xlsx` for every OPD with programs in the semester's year, and
    `monev-wilayah-<semester>-tim-pelaksana.xlsx`, keyed by file name."""
    opds = list(dict.fromkeys(plan_year["opd"]))
    names = unique_names(opds, fallback="opd", max_bytes=120)
    files = {
        realisation_filename(semester, names[opd]): realisation_template(region, semester, plan_year, opd)
        for opd in opds
    }
    team = [{"butir": MONEV_ITEMS.label(item), "semester": str(semester)} for item in REGION_ITEMS]
    team += [
        {
            "butir": MONEV_ITEMS.label("quick_win"),
            "opd": q["opd"],
            "nama_program": q["nama_program"],
            "semester": str(semester),
        }
        for q in final_quick_wins.to_dict("records")
    ]
    data = build_intake_workbook(region, MONEV_STAGE, TEAM_TEMPLATE, due=monev_deadline(region, str(semester)))
    files[f"monev-wilayah-{semester}-{TEAM_TEMPLATE}.xlsx"] = _fill(data, "monev_wilayah", team)
    return files


def _sheet(workbook: Workbook, title: str, frame: pd.DataFrame, headers: dict[str, str], widths: list[float]) -> None:
    worksheet = workbook.create_sheet(title)
    for position, header in enumerate(headers.values(), start=1):
        put(worksheet, 1, position, header)
    style_header(worksheet[1][: len(headers)])
    for number, row in enumerate(frame.to_dict("records"), start=2):
        for position, column in enumerate(headers, start=1):
            value = row.get(column)
            put(worksheet, number, position, None if is_missing(value) else value)
    worksheet.freeze_panes = "A2"
    set_widths(worksheet, widths)


def monev_workbook(score: MonevScore, trend: pd.DataFrame) -> bytes:
    """The semester's result as .xlsx: areas and index, indicators, per OPD, plan vs realisation, quick wins, trend."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    areas = pd.concat(
        [score.areas, pd.DataFrame([{"label": "Indeks", "bobot": 100.0, "nilai": float(score.indeks)}])],
        ignore_index=True,
    )
    _sheet(
        workbook,
        "Ringkasan",
        areas,
        {"label": "Area", "bobot": "Bobot (%)", "skor": "Skor (0-5)", "nilai": "Nilai tertimbang"},
        [18, 12, 12, 16],
    )
    area_labels = dict(zip(score.areas["area"], score.areas["label"]))
    _sheet(
        workbook,
        "Indikator",
        score.indicators.assign(area=score.indicators["area"].map(area_labels).fillna(score.indicators["area"])),
        {
            "area": "Area",
            "indikator": "Indikator",
            "skor": "Skor",
            "penjelasan": "Penjelasan",
            "dasar": "Dasar",
            "berbukti": "Berbukti",
            "jumlah": "Jumlah",
        },
        [12, 40, 8, 70, 18, 10, 10],
    )
    per_opd = score.per_opd
    if "tertinggal" in per_opd.columns:
        per_opd = per_opd.assign(tertinggal=per_opd["tertinggal"].map({True: "ya", False: "tidak"}))
    _sheet(
        workbook,
        "Per OPD",
        per_opd,
        {
            "opd": "OPD",
            "program": "Program",
            "selesai": "Selesai",
            "berjalan": "Berjalan",
            "belum_mulai": "Belum mulai",
            "dibatalkan": "Dibatalkan",
            "belum_dilaporkan": "Belum dilaporkan",
            "anggaran_rencana": "Anggaran rencana",
            "anggaran_realisasi": "Realisasi",
            "serapan": "Serapan",
            "skor_pelaksanaan": "Skor pelaksanaan",
            "tertinggal": "Tertinggal",
        },
        [40, 9, 9, 9, 11, 11, 14, 18, 18, 10, 14, 11],
    )
    progress = score.progress.assign(status=score.progress["status"].map(STATUS_LABELS))
    _sheet(
        workbook,
        "Rencana vs Realisasi",
        progress,
        {
            "opd": "OPD",
            "nama_program": "Program",
            "tahun": "Tahun",
            "indikator": "Indikator",
            "target_rencana": "Target",
            "capaian_indikator": "Capaian",
            "capaian_persen": "Capaian (%)",
            "anggaran_rencana": "Anggaran rencana",
            "dasar_anggaran": "Dasar",
            "anggaran_realisasi": "Realisasi",
            "serapan": "Serapan",
            "status": "Status",
            "alasan": "Alasan",
            "bukti": "Bukti",
        },
        [34, 40, 8, 28, 20, 20, 11, 18, 12, 18, 10, 16, 24, 28],
    )
    quick_wins = score.quick_wins.assign(status=score.quick_wins["status"].map(STATUS_LABELS))
    _sheet(
        workbook,
        "Quick Win",
        quick_wins,
        {"opd": "OPD", "nama_program": "Quick win", "status": "Status", "bukti": "Bukti", "skor": "Skor"},
        [34, 40, 16, 28, 8],
    )
    # the report's order and names: Semester, Indeks, then the areas as the rubric orders them
    columns = ["semester", "indeks", *(a for a in area_labels if a in trend.columns)]
    headers = {"semester": "Semester", "indeks": "Indeks", **{a: area_labels[a] for a in columns[2:]}}
    _sheet(workbook, "Tren", trend[columns], headers, [12] * len(columns))
    return workbook_bytes(workbook)
