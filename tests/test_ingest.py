"""Reading CSV / XLSX / JSON bytes into Sheets (bimtek.ingest.reader): headers, row numbers, extras, bad files."""

import datetime as dt
import io
import json

import numpy as np
import openpyxl
import pytest

from bimtek.core.model import ROW_COLUMN
from bimtek.ingest.reader import SUPPORTED_SUFFIXES, is_supported, raw_cell_text, read_table

HEADER = ["OPD", "Dimensi", "Nama Program", "Anggaran (Rp)", "Sumber Dana", "Tahun Mulai", "Tahun Selesai"]
ROW_A = ["Dinas Kesehatan", "Smart Living", "Telemedisin Puskesmas", "Rp 1.500.000", "APBD", "2025", "2026"]
ROW_B = ["Diskominfo", "Smart Governance", "Satu Data", "2,5 juta", "APBN", "2026", "2027"]


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with one worksheet per entry (rows written from row 1; None leaves a cell empty)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    worksheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    return "\r\n".join(delimiter.join(row) for row in rows).encode(encoding) + b"\r\n"


def only(sheets):
    assert len(sheets) == 1
    return sheets[0]


# --- header matching and layout --------------------------------------------------------------------------------


def test_header_variants_map_to_canonical_names():
    header = ["opd", "DIMENSI", "nama-program", "Anggaran (Rp)", "SUMBER_DANA", "tahun mulai", "Tahun  Selesai"]
    sheet = only(read_table("a.csv", csv_bytes([header, ROW_A])))
    assert sheet.status == "ok"
    assert sheet.dataset == "program"
    assert list(sheet.frame.columns) == [
        "opd", "dimensi", "nama_program", "anggaran", "sumber_dana", "tahun_mulai", "tahun_selesai", ROW_COLUMN,
    ]  # fmt: skip
    assert sheet.original_headers["nama_program"] == "nama-program"
    assert sheet.original_headers["anggaran"] == "Anggaran (Rp)"
    assert sheet.frame.loc[0, "anggaran"] == "Rp 1.500.000"


def test_xlsx_title_rows_above_header_and_row_numbers():
    rows = [
        ["DAFTAR USULAN PROGRAM SMART CITY"],
        ["Kabupaten Padang Pariaman"],
        [],
        HEADER,
        ROW_A,
        ROW_B,
    ]
    sheet = only(read_table("usulan/dinkes.xlsx", xlsx_bytes({"Program": rows})))
    assert sheet.status == "ok"
    assert sheet.sheet == "Program"
    assert sheet.path == "usulan/dinkes.xlsx"
    assert sheet.header_row == 4
    assert sheet.frame[ROW_COLUMN].tolist() == [5, 6]
    assert sheet.frame["nama_program"].tolist() == ["Telemedisin Puskesmas", "Satu Data"]


def test_xlsx_blank_rows_skipped_but_row_numbers_kept():
    rows = [HEADER, ROW_A, [], [None, "   "], ROW_B, [], []]
    sheet = only(read_table("a.xlsx", xlsx_bytes({"Data": rows})))
    assert sheet.frame[ROW_COLUMN].tolist() == [2, 5]
    assert sheet.frame["opd"].tolist() == ["Dinas Kesehatan", "Diskominfo"]
    assert sheet.frame[ROW_COLUMN].dtype == "int64"


def test_xlsx_multi_sheet_skips_instruction_sheet():
    workbook = xlsx_bytes(
        {
            "Petunjuk": [["Petunjuk pengisian"], ["Isi satu program per baris."], ["Kolom OPD wajib diisi."]],
            "Tahap II": [HEADER, ROW_A],
            "Tambahan": [["Catatan"], HEADER, ROW_B, ROW_A],
        }
    )
    sheets = read_table("a.xlsx", workbook)
    assert [s.sheet for s in sheets] == ["Tahap II", "Tambahan"]
    assert [len(s.frame) for s in sheets] == [1, 2]
    assert sheets[1].header_row == 2
    assert sheets[1].frame[ROW_COLUMN].tolist() == [3, 4]


def test_xlsx_numbers_and_dates_become_readable_text():
    header = [*HEADER, "Dampak (1-5)", "Tanggal Usul"]
    row = ["RSUD", "Smart Living", "Antrian Online", 1500000.0, "APBD", 2025.0, 2026, 4, dt.datetime(2025, 1, 31)]
    row2 = ["RSUD", "Smart Living", "Rekam Medis", 1500000.5, "APBD", 2025, 2026, True, dt.date(2025, 2, 1)]
    sheet = only(read_table("a.xlsx", xlsx_bytes({"Data": [header, row, row2]})))
    first = sheet.frame.iloc[0]
    assert first["anggaran"] == "1500000"
    assert first["tahun_mulai"] == "2025"
    assert first["dampak"] == "4"
    assert sheet.frame.iloc[1]["anggaran"] == "1500000.5"
    assert sheet.frame.iloc[1]["dampak"] == "TRUE"
    assert sheet.extra["Tanggal Usul"].tolist() == ["2025-01-31", "2025-02-01"]


def test_cell_text_conversions():
    assert raw_cell_text(2025.0) == "2025"
    assert raw_cell_text(0.1 + 0.2) == "0.3"
    assert raw_cell_text(1.5e-7) == "0.00000015"
    assert raw_cell_text(float("nan")) is None
    assert raw_cell_text("  ") is None
    assert raw_cell_text(" ya ") == " ya "
    assert raw_cell_text(dt.datetime(2025, 3, 4, 10, 30)) == "2025-03-04 10:30:00"
    assert raw_cell_text(False) == "FALSE"


def test_extra_and_duplicate_columns_go_to_extra():
    header = ["No", *HEADER, "Catatan", "Nama Program", "", "Catatan"]
    row = ["1", *ROW_A, "prioritas", "Nama Lain", "x", "kedua"]
    row2 = ["2", *ROW_B, "", "", "", ""]
    sheet = only(read_table("a.csv", csv_bytes([header, row, row2])))
    assert list(sheet.extra.columns) == ["No", "Catatan", "Nama Program", "Kolom K", "Catatan (2)"]
    assert sheet.extra["Nama Program"].tolist() == ["Nama Lain", None]
    assert sheet.extra["Kolom K"].tolist() == ["x", None]
    assert sheet.frame["nama_program"].tolist() == ["Telemedisin Puskesmas", "Satu Data"]
    assert sheet.extra.index.equals(sheet.frame.index)
    assert "No" not in sheet.frame.columns


def test_trailing_blank_columns_ignored():
    sheet = only(read_table("a.csv", csv_bytes([[*HEADER, "", ""], [*ROW_A, "", ""]])))
    assert list(sheet.extra.columns) == []
    assert len(sheet.frame.columns) == len(HEADER) + 1


def test_blank_cells_are_none_and_text_kept_as_written():
    row = ["Dinas Kesehatan", "", " Telemedisin ", "1.500", "APBD", "2025", ""]
    sheet = only(read_table("a.csv", csv_bytes([HEADER, row])))
    assert sheet.frame.loc[0, "dimensi"] is None
    assert sheet.frame.loc[0, "tahun_selesai"] is None
    assert sheet.frame.loc[0, "nama_program"] == " Telemedisin "


def test_dataset_with_most_matches_wins(tmp_path, monkeypatch):
    import bimtek.core.columns as columns

    spec_dir = tmp_path / "columns"
    spec_dir.mkdir()
    (spec_dir / "program.json").write_text((columns.COLUMNS_DIR / "program.json").read_text(encoding="utf-8"))
    swot = {
        "dataset": "swot",
        "columns": [
            {"name": "opd"},
            {"name": "komponen"},
            {"name": "kekuatan"},
            {"name": "kelemahan"},
            {"name": "peluang"},
        ],
    }
    (spec_dir / "swot.json").write_text(json.dumps(swot))
    monkeypatch.setattr(columns, "COLUMNS_DIR", spec_dir)
    columns.load_spec.cache_clear()
    try:
        data = csv_bytes([["OPD", "Komponen", "Kekuatan", "Kelemahan", "Dimensi", "Nama Program"], ["a"] * 6])
        assert only(read_table("a.csv", data, ["program", "swot"])).dataset == "swot"
        tie = csv_bytes([["OPD", "Komponen", "Kekuatan", "Dimensi", "Nama Program"], ["a"] * 5])
        assert only(read_table("a.csv", tie, ["program", "swot"])).dataset == "program"
        assert only(read_table("a.csv", tie, ["swot", "program"])).dataset == "swot"
    finally:
        columns.load_spec.cache_clear()


# --- CSV -------------------------------------------------------------------------------------------------------


def test_semicolon_csv_in_cp1252():
    row = ["Dinas Pariwisata", "Smart Branding", "Festival Pariamán", "Rp 1.500.000,50", "APBD", "2025", "2026"]
    data = csv_bytes(["Usulan Program;;".split(";"), HEADER, row], delimiter=";", encoding="cp1252")
    sheet = only(read_table("Pariwisata.CSV", data))
    assert sheet.status == "ok"
    assert sheet.header_row == 2
    assert sheet.frame.loc[0, "nama_program"] == "Festival Pariamán"
    assert sheet.frame.loc[0, "anggaran"] == "Rp 1.500.000,50"
    assert sheet.frame[ROW_COLUMN].tolist() == [3]


def test_utf8_bom_csv():
    data = b"\xef\xbb\xbf" + csv_bytes(
        [HEADER, ["Dinas Pendidikan", "Smart Society", "Sekolah Ramah Anak"] + ROW_A[3:]]
    )
    sheet = only(read_table("a.csv", data))
    assert sheet.original_headers["opd"] == "OPD"  # no BOM glued to the first header
    assert sheet.frame.loc[0, "opd"] == "Dinas Pendidikan"


def test_csv_row_numbers_are_line_numbers_with_blank_lines_and_quoted_newlines():
    text = (
        "Daftar program\n"
        + ",".join(HEADER) + "\n"
        + ",".join(ROW_A) + "\n"
        + "\n"
        + ",,,,,,\n"
        + 'Diskominfo,Smart Governance,"Satu Data\nIndonesia",100,APBD,2025,2026\n'
        + ",".join(ROW_B) + "\n"
    )  # fmt: skip
    sheet = only(read_table("a.csv", text.encode()))
    assert sheet.header_row == 2
    assert sheet.frame[ROW_COLUMN].tolist() == [3, 6, 8]
    assert sheet.frame.loc[1, "nama_program"] == "Satu Data\nIndonesia"


def test_csv_with_commas_inside_quotes():
    text = (
        ",".join(HEADER)
        + '\n"Dinas Perdagangan, Tenaga Kerja",Smart Economy,Pasar Digital,"1,500,000.00",APBD,2025,2026\n'
    )
    sheet = only(read_table("a.csv", text.encode()))
    assert sheet.frame.loc[0, "opd"] == "Dinas Perdagangan, Tenaga Kerja"
    assert sheet.frame.loc[0, "anggaran"] == "1,500,000.00"


# --- JSON ------------------------------------------------------------------------------------------------------


def test_json_list_of_objects():
    rows = [dict(zip(HEADER, ROW_A)), {}, {**dict(zip(HEADER, ROW_B)), "Keterangan": "baru", "Anggaran (Rp)": 2500000}]
    sheet = only(read_table("a.json", json.dumps(rows).encode()))
    assert sheet.status == "ok"
    assert sheet.header_row is None
    assert sheet.frame[ROW_COLUMN].tolist() == [1, 3]
    assert sheet.frame["anggaran"].tolist() == ["Rp 1.500.000", "2500000"]
    assert sheet.extra["Keterangan"].tolist() == [None, "baru"]


def test_json_rows_object():
    data = json.dumps({"rows": [dict(zip(HEADER, ROW_B))], "opd": "Diskominfo"}).encode()
    sheet = only(read_table("a.JSON", data))
    assert sheet.frame["opd"].tolist() == ["Diskominfo"]
    assert sheet.frame[ROW_COLUMN].tolist() == [1]


@pytest.mark.parametrize(
    ("data", "needle"),
    [(b"{not json", "tidak dapat dibaca"), (b'{"data": []}', "daftar objek"), (b'[{"OPD": "a"}, 3]', "ke-2")],
)
def test_json_bad_shapes_are_unreadable(data, needle):
    sheet = only(read_table("a.json", data))
    assert sheet.status == "unreadable"
    assert needle in sheet.message


# --- bad files -------------------------------------------------------------------------------------------------


def test_corrupt_xlsx_is_unreadable():
    sheet = only(read_table("rusak.xlsx", b"PK\x03\x04 this is not really a zip"))
    assert sheet.status == "unreadable"
    assert sheet.message.startswith("Berkas tidak dapat dibuka sebagai Excel (.xlsx)")
    assert sheet.frame.empty


def test_old_xls_renamed_to_xlsx_gets_a_hint():
    sheet = only(read_table("lama.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512))
    assert sheet.status == "unreadable"
    assert ".xls" in sheet.message and "kata sandi" in sheet.message


def test_xlsx_without_header_is_unreadable_and_lists_expected_columns():
    workbook = xlsx_bytes({"Petunjuk": [["Isi data"], ["OPD", "Tahun"]], "Lembar2": [["a", "b", "c"]]})
    sheet = only(read_table("a.xlsx", workbook))
    assert sheet.status == "unreadable"
    assert "tidak ditemukan pada 10 baris pertama" in sheet.message
    assert "Petunjuk, Lembar2" in sheet.message
    assert "nama_program" in sheet.message and "anggaran" in sheet.message


def test_header_below_row_10_is_not_found():
    rows = [[f"catatan {i}"] for i in range(10)] + [HEADER, ROW_A]
    assert only(read_table("a.xlsx", xlsx_bytes({"Data": rows}))).status == "unreadable"
    rows = [[f"catatan {i}"] for i in range(9)] + [HEADER, ROW_A]
    assert only(read_table("a.xlsx", xlsx_bytes({"Data": rows}))).header_row == 10


def test_csv_without_header_is_unreadable():
    sheet = only(read_table("a.csv", csv_bytes([["Nama", "Alamat"], ["a", "b"]])))
    assert sheet.status == "unreadable"
    assert "Baris judul kolom tidak ditemukan" in sheet.message


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.csv", csv_bytes([["Judul"], HEADER, ["", "", ""]])),
        ("a.xlsx", xlsx_bytes({"Data": [HEADER, [], []]})),
        ("a.json", json.dumps([dict.fromkeys(HEADER, "")]).encode()),
    ],
)
def test_header_only_is_empty(name, data):
    sheet = only(read_table(name, data))
    assert sheet.status == "empty"
    assert "tidak ada baris data" in sheet.message
    assert len(sheet.frame) == 0
    assert sheet.dataset == "program"
    assert "nama_program" in sheet.frame.columns


@pytest.mark.parametrize(("name", "data"), [("a.csv", b""), ("a.json", b"[]"), ("a.xlsx", xlsx_bytes({"S": []}))])
def test_files_without_content_are_empty(name, data):
    assert only(read_table(name, data)).status == "empty"


def test_unsupported_suffix():
    assert SUPPORTED_SUFFIXES == (".csv", ".xlsx", ".xlsm", ".json")
    assert is_supported("Data/Program.XLSX") and not is_supported("catatan.docx")
    sheet = only(read_table("catatan.docx", b"..."))
    assert sheet.status == "unreadable"
    assert "tidak didukung" in sheet.message


def test_cells_are_python_strings_or_none():
    sheet = only(read_table("a.xlsx", xlsx_bytes({"Data": [HEADER, [*ROW_A[:3], 1500000, None, 2025, 2026]]})))
    values = sheet.frame.drop(columns=[ROW_COLUMN]).iloc[0].tolist()
    assert values == [*ROW_A[:3], "1500000", None, "2025", "2026"]
    assert all(v is None or isinstance(v, str) for v in values)
    assert all(dtype == np.dtype(object) for dtype in sheet.frame.drop(columns=[ROW_COLUMN]).dtypes)


def test_xlsx_data_sheet_without_header_is_reported_not_dropped():
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    good = workbook.active
    good.title = "Usulan"
    good.append(["OPD", "Dimensi", "Nama Program", "Anggaran", "Sumber Dana", "Tahun Mulai", "Tahun Selesai"])
    good.append(["Dinas Kesehatan", "Smart Living", "Rekam Medis", "100 juta", "APBD", 2027, 2027])
    notes = workbook.create_sheet("Petunjuk")
    notes.append(["Isi satu baris per program."])
    extra = workbook.create_sheet("Tambahan")
    extra.append(["Program", "Biaya"])
    extra.append(["Posyandu Digital", "50 juta"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    sheets = read_table("dinkes.xlsx", buffer.getvalue())
    by_name = {s.sheet: s for s in sheets}
    assert set(by_name) == {"Usulan", "Tambahan"}
    assert by_name["Usulan"].status == "ok" and len(by_name["Usulan"].frame) == 1
    assert by_name["Tambahan"].status == "unreadable"
    assert "Tambahan" in by_name["Tambahan"].message


def test_json_keys_match_headers_exactly_as_csv_and_xlsx_headers_do():
    """One header matcher for every format: labels, aliases, case and punctuation variants as JSON keys."""
    human = [
        "Perangkat Daerah",
        "DIMENSI",
        "nama-program",
        "Anggaran (Rp)",
        "sumber_dana",
        "Tahun  Mulai",
        "TAHUN_SELESAI",
    ]
    rows = [ROW_A, [*ROW_B[:3], "Rp 2.500.000", *ROW_B[4:]]]
    sheets = {
        "a.csv": only(read_table("a.csv", csv_bytes([human, *rows]))),
        "a.xlsx": only(read_table("a.xlsx", xlsx_bytes({"Data": [human, *rows]}))),
        "a.json": only(read_table("a.json", json.dumps([dict(zip(human, row)) for row in rows]).encode())),
    }
    columns = ["opd", "dimensi", "nama_program", "anggaran", "sumber_dana", "tahun_mulai", "tahun_selesai"]
    for name, sheet in sheets.items():
        assert sheet.status == "ok", (name, sheet.message)
        assert sheet.frame[columns].values.tolist() == rows, name
        assert sheet.extra.empty or not list(sheet.extra.columns), name
