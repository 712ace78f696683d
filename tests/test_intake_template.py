"""OPD intake templates: layout, Excel data validations, and a filled template passing ingest + validation."""

from __future__ import annotations

import io

import openpyxl
import pytest

from bimtek.core.columns import datasets_for_stage
from bimtek.core.region import parse_region
from bimtek.ingest.reader import read_table
from bimtek.workbooks.intake_template import (
    DATA_ROWS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    LAST_DATA_ROW,
    TEAM_TEMPLATE,
    build_intake_workbook,
    build_intake_workbooks,
    intake_filename,
)
from bimtek.workbooks.xlsx import RUPIAH_FORMAT

OPD = ["Dinas Kesehatan", "Dinas Komunikasi dan Informatika", "Dinas Lingkungan Hidup"]


@pytest.fixture(scope="module")
def region():
    return parse_region(
        {
            "slug": "contoh",
            "name": "Kabupaten Contoh",
            "province": "Sumatera Barat",
            "period": {"start": 2024, "end": 2028},
            "calendar": {"tahap-3": "2026-09-07"},
            "opd": [{"name": OPD[0], "aliases": ["Dinkes"]}, OPD[1], OPD[2]],
        }
    )


@pytest.fixture(scope="module")
def region_without_opd():
    return parse_region(
        {"slug": "bebas", "name": "Kota Bebas", "province": "Jawa Barat", "period": {"start": 2024, "end": 2028}}
    )


@pytest.fixture(scope="module")
def dinkes_template(region) -> bytes:
    return build_intake_workbook(region, 3, OPD[0])


def _open(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _headers(ws) -> dict[str, str]:
    """Header label -> column letter."""
    return {c.value: c.column_letter for c in ws[HEADER_ROW] if c.value}


def _validation_of(ws, letter: str):
    """The data validation covering the whole data range of one column."""
    wanted = f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}"
    found = [dv for dv in ws.data_validations.dataValidation if wanted in str(dv.sqref).split()]
    assert len(found) == 1, f"no single validation on {wanted}"
    return found[0]


def _fill(data: bytes, rows: list[dict], sheet: str = "Program") -> bytes:
    workbook = _open(data)
    ws = workbook[sheet]
    letters = _headers(ws)
    for offset, row in enumerate(rows):
        for label, value in row.items():
            ws[f"{letters[label]}{FIRST_DATA_ROW + offset}"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_ROWS = [
    {
        "OPD": OPD[0],
        "Dimensi": "Smart Living",
        "Elemen": "Health",
        "Nama program": "Antrean daring puskesmas",
        "Anggaran (Rp)": 150_000_000,
        "Sumber dana": "APBD",
        "Tahun mulai": 2024,
        "Tahun selesai": 2024,
        "Usulan quick win": "ya",
        "Dampak (1-5)": 5,
        "Kesiapan (1-5)": 4,
    },
    {
        "OPD": OPD[0],
        "Dimensi": "Smart Governance",
        "Elemen": "Service",
        "Nama program": "Rekam medis elektronik",
        "Deskripsi": "Rekam medis terpadu",
        "Anggaran (Rp)": 2_500_000_000,
        "Sumber dana": "DAK",
        "Tahun mulai": 2025,
        "Tahun selesai": 2027,
        "Usulan quick win": "tidak",
    },
    {
        "OPD": OPD[0],
        "Dimensi": "Smart Society",
        "Elemen": "Learning",
        "Nama program": "Kelas ibu hamil daring",
        "Anggaran (Rp)": 1_000_000,
        "Sumber dana": "CSR",
        "Tahun mulai": 2028,
        "Tahun selesai": 2028,
    },
]


def test_one_workbook_per_opd_named_by_slug(region):
    files = build_intake_workbooks(region, 3)
    assert sorted(files) == sorted(
        [
            "usulan-tahap-3-dinas-kesehatan.xlsx",
            "usulan-tahap-3-dinas-komunikasi-dan-informatika.xlsx",
            "usulan-tahap-3-dinas-lingkungan-hidup.xlsx",
            "narasi-tahap-3-tim-pelaksana.xlsx",
        ]
    )
    assert all(data.startswith(b"PK") for data in files.values())


def test_team_workbook_holds_the_narrative_sheets_only(region):
    team = _open(build_intake_workbooks(region, 3)["narasi-tahap-3-tim-pelaksana.xlsx"])
    assert team.sheetnames == [
        "Petunjuk",
        "Narasi Masterplan",
        "Strategi Dimensi",
        "Kelembagaan",
        "Pendanaan",
        "Risiko",
        "Monev",
        "Profil Daerah",
        "Daftar",
    ]
    headers = _headers(team["Strategi Dimensi"])
    assert {"Dimensi", "Arah pengembangan", "Strategi", "Sasaran"} <= set(headers)
    assert "Bagian" in _headers(team["Narasi Masterplan"])
    assert {"Risiko", "Kemungkinan", "Dampak", "Mitigasi", "Penanggung jawab"} <= set(_headers(team["Risiko"]))
    assert {"Area evaluasi", "Indikator", "Siklus"} <= set(_headers(team["Monev"]))
    assert {"Tahun", "Skema pendanaan", "Nilai (Rp)"} <= set(_headers(team["Pendanaan"]))
    risk = _headers(team["Risiko"])
    assert _validation_of(team["Risiko"], risk["Kemungkinan"]).formula1 == '"Rendah,Sedang,Tinggi"'
    monev = _headers(team["Monev"])
    assert (
        _validation_of(team["Monev"], monev["Area evaluasi"]).formula1 == '"Baseline,Output,Outcome,Impact,Quick Win"'
    )


def test_stage_4_workbook_has_the_action_plan_sheet_with_quarters(region):
    files = build_intake_workbooks(region, 4)
    book = _open(next(data for name, data in files.items() if "tim-pelaksana" not in name))
    plan = book["Rencana Aksi Quick Win"]
    headers = _headers(plan)
    assert {"Program quick win", "Triwulan", "Langkah kegiatan", "Keluaran", "Anggaran (Rp)"} <= set(headers)
    assert _validation_of(plan, headers["Triwulan"]).formula1 == '"Triwulan I,Triwulan II,Triwulan III,Triwulan IV"'


def test_region_without_opd_gets_one_free_text_workbook(region_without_opd):
    files = build_intake_workbooks(region_without_opd, 3)
    assert list(files)[0] == intake_filename(3, None) == "usulan-tahap-3-semua-opd.xlsx"
    ws = _open(files["usulan-tahap-3-semua-opd.xlsx"])["Program"]
    letter = _headers(ws)["OPD"]
    assert ws[f"{letter}{FIRST_DATA_ROW}"].value is None
    covered = {part for dv in ws.data_validations.dataValidation for part in str(dv.sqref).split()}
    assert f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}" not in covered


def test_layout_sheets_header_freeze_and_named_ranges(dinkes_template):
    workbook = _open(dinkes_template)
    assert workbook.sheetnames == ["Petunjuk", "Program", "Daftar"]
    assert workbook["Daftar"].sheet_state == "hidden"
    ws = workbook["Program"]
    assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert "Dinas Kesehatan" in ws["A2"].value
    assert list(_headers(ws))[:4] == ["OPD", "Dimensi", "Elemen", "Nama program"]
    assert ws.column_dimensions["D"].width >= 30
    names = set(workbook.defined_names)
    assert {"Daftar_Dimensi", "Daftar_Sumber_Dana", "Daftar_OPD"} <= names
    assert {
        f"Elemen_Smart_{d}" for d in ("Governance", "Branding", "Economy", "Living", "Society", "Environment")
    } <= names
    dims = workbook.defined_names["Daftar_Dimensi"].attr_text
    sheet, cells = next(workbook.defined_names["Elemen_Smart_Living"].destinations)
    values = [c.value for row in workbook[sheet][cells.replace("$", "")] for c in row]
    assert values == ["Harmony", "Health", "Mobility"]
    assert dims.endswith("!$A$12:$A$17") and "Daftar" in dims


def test_data_validations_on_listed_columns(dinkes_template):
    ws = _open(dinkes_template)["Program"]
    letters = _headers(ws)
    assert _validation_of(ws, letters["Dimensi"]).formula1 == "Daftar_Dimensi"
    element = _validation_of(ws, letters["Elemen"])
    assert element.type == "list"
    assert element.formula1 == f'INDIRECT("Elemen_"&SUBSTITUTE({letters["Dimensi"]}{FIRST_DATA_ROW}," ","_"))'
    assert _validation_of(ws, letters["Sumber dana"]).formula1 == "Daftar_Sumber_Dana"
    assert _validation_of(ws, letters["OPD"]).formula1 == "Daftar_OPD"
    assert _validation_of(ws, letters["Usulan quick win"]).formula1 == '"ya,tidak"'
    for label in ("Tahun mulai", "Tahun selesai"):
        dv = _validation_of(ws, letters[label])
        assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "2024", "2028")
    for label in ("Dampak (1-5)", "Kesiapan (1-5)"):
        dv = _validation_of(ws, letters[label])
        assert (dv.type, dv.formula1, dv.formula2) == ("whole", "1", "5")
    money = _validation_of(ws, letters["Anggaran (Rp)"])
    assert (money.type, money.operator, money.formula1) == ("decimal", "greaterThanOrEqual", "1000000")
    assert ws[f"{letters['Anggaran (Rp)']}{FIRST_DATA_ROW}"].number_format == RUPIAH_FORMAT
    for dv in ws.data_validations.dataValidation:
        assert dv.showErrorMessage and dv.errorStyle == "stop"
        assert dv.error and "tidak valid" in dv.error and len(dv.error) <= 255
        assert len(dv.errorTitle) <= 32


def test_opd_prefilled_by_formula_only_when_row_is_used(dinkes_template):
    ws = _open(dinkes_template)["Program"]
    formula = ws[f"A{FIRST_DATA_ROW}"].value
    assert formula.startswith("=IF(COUNTA(B4:") and formula.endswith(',"","Dinas Kesehatan")')
    assert ws[f"A{LAST_DATA_ROW}"].value.startswith("=IF(")
    assert LAST_DATA_ROW - FIRST_DATA_ROW + 1 == DATA_ROWS == 200


def test_petunjuk_explains_columns_and_deadline(dinkes_template):
    ws = _open(dinkes_template)["Petunjuk"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "7 September 2026" in text
    for expected in ("Anggaran (Rp)", "wajib", "opsional", "Smart Environment", "APBD, APBD Provinsi", "2024-2028"):
        assert expected in text


def test_empty_template_headers_are_found_by_the_ingest(region):
    for stage in (1, 2, 3, 4):
        sheets = []
        for owner in (OPD[1], TEAM_TEMPLATE) if stage == 3 else (OPD[1],):
            data = build_intake_workbook(region, stage, owner)
            sheets += read_table("templat.xlsx", data, datasets_for_stage(stage))
        assert sorted(s.dataset for s in sheets) == sorted(datasets_for_stage(stage)), stage
        assert {s.status for s in sheets} == {"empty"}
        assert all(s.header_row == HEADER_ROW for s in sheets)


def test_stage_specific_columns_and_lists(region):
    stage2 = _open(build_intake_workbook(region, 2, OPD[0]))["Program"]
    assert "Rujukan (RPJMD/Renstra)" in _headers(stage2)
    stage1 = _open(build_intake_workbook(region, 1, OPD[0]))
    assert stage1.sheetnames == ["Petunjuk", "Kesiapan", "SWOT", "Ide Inovasi", "Daftar"]
    kesiapan = stage1["Kesiapan"]
    assert _validation_of(kesiapan, _headers(kesiapan)["Pilar"]).formula1 == '"Struktur,Infrastruktur,Suprastruktur"'
    assert _validation_of(kesiapan, _headers(kesiapan)["Nilai (1-5)"]).formula2 == "5"
    swot = stage1["SWOT"]
    assert "Budaya" in _validation_of(swot, _headers(swot)["Komponen"]).formula1
    assert "Ancaman" in _validation_of(swot, _headers(swot)["Jenis (S/W/O/T)"]).formula1
    stage4 = _open(build_intake_workbook(region, 4, OPD[0]))
    komitmen, review = stage4["Lembar Komitmen"], stage4["Reviu Buku"]
    assert _validation_of(komitmen, _headers(komitmen)["Status"]).formula1 == '"ditandatangani,belum"'
    assert _validation_of(komitmen, _headers(komitmen)["Tanggal"]).type == "date"
    assert _validation_of(review, _headers(review)["Status"]).formula1 == '"disetujui,revisi"'


def test_templates_are_deterministic(region):
    assert build_intake_workbook(region, 3, OPD[0]) == build_intake_workbook(region, 3, OPD[0])


def _validate(data: bytes, region):
    from bimtek.validation import validate_sheet

    sheets = read_table("usulan-tahap-3-dinas-kesehatan.xlsx", data, datasets_for_stage(3))
    assert len(sheets) == 1 and sheets[0].status == "ok"
    return sheets[0], validate_sheet(sheets[0], region, sheets[0].dataset)


def test_filled_template_passes_validation(dinkes_template, region):
    sheet, result = _validate(_fill(dinkes_template, GOOD_ROWS), region)
    assert result.rejections == []
    assert len(sheet.frame) == len(result.valid) == 3
    assert list(result.valid["_row"]) == [4, 5, 6]
    assert list(result.valid["dimensi"]) == ["living", "governance", "society"]
    assert list(result.valid["anggaran"]) == [150_000_000.0, 2_500_000_000.0, 1_000_000.0]


def test_wrongly_filled_template_is_rejected_for_dimension(dinkes_template, region):
    rows = [*GOOD_ROWS[:2], {**GOOD_ROWS[2], "Dimensi": "Smart People", "Elemen": None}]
    _, result = _validate(_fill(dinkes_template, rows), region)
    assert [(r.row, r.rule, r.value) for r in result.rejections] == [(6, "dimension", "Smart People")]
    assert len(result.valid) == 2


def test_cli_template_writes_files_and_rejects_bad_region(tmp_path):
    import typer
    from typer.testing import CliRunner

    from cli.template import template

    app = typer.Typer()
    app.command()(template)
    region_file = tmp_path / "region.yaml"
    region_file.write_text(
        "slug: contoh\nname: Kabupaten Contoh\nprovince: Sumatera Barat\nperiod: {start: 2024, end: 2028}\n"
        "opd: [Dinas Kesehatan, Dinas Sosial]\n",
        encoding="utf-8",
    )
    out = tmp_path / "templat"
    ok = CliRunner().invoke(app, ["--region", str(region_file), "--stage", "2", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert sorted(p.name for p in out.iterdir()) == [
        "usulan-tahap-2-dinas-kesehatan.xlsx",
        "usulan-tahap-2-dinas-sosial.xlsx",
    ]
    (tmp_path / "rusak.yaml").write_text("slug: Bukan Slug\n", encoding="utf-8")
    bad = CliRunner().invoke(app, ["--region", str(tmp_path / "rusak.yaml"), "--stage", "2", "--out", str(out)])
    assert bad.exit_code == 2
    assert CliRunner().invoke(app, ["--region", str(region_file), "--stage", "6", "--out", str(out)]).exit_code == 2
