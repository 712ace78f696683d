"""Input limits (settings) refuse a file with an Indonesian message; personal-data headers are recognised;
huge amounts never break the Rupiah formatter."""

from __future__ import annotations

import io
import zipfile

import pytest

from bimtek.core.formatting import MISSING, angka, rupiah, rupiah_words
from bimtek.core.personal_data import is_personal_column
from bimtek.core.settings import Settings
from bimtek.ingest.reader import read_table

HEADER = "OPD,Dimensi,Nama Program,Anggaran,Sumber Dana,Tahun Mulai,Tahun Selesai"
ROW = "Dinas Kesehatan,Smart Living,Program {n},1000000,APBD,2028,2029"


def _csv(rows: int, extra_columns: int = 0) -> bytes:
    extra = "".join(f",K{i}" for i in range(extra_columns))
    lines = [HEADER + extra] + [ROW.format(n=n) + "," * extra_columns for n in range(rows)]
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("data", "limits", "status", "fragment"),
    [
        (_csv(5), Settings(max_rows_per_sheet=5), "ok", ""),
        (_csv(6), Settings(max_rows_per_sheet=5), "unreadable", "lebih dari 5 baris data"),
        (_csv(1, extra_columns=3), Settings(max_columns_per_sheet=10), "ok", ""),
        (_csv(1, extra_columns=4), Settings(max_columns_per_sheet=10), "unreadable", "11 kolom, lebih dari batas 10"),
    ],
)
def test_row_and_column_limits(data, limits, status, fragment):
    sheet = read_table("a.csv", data, ["program"], limits)[0]
    assert sheet.status == status
    assert fragment in sheet.message


def test_xlsx_expansion_is_checked_on_the_zip_directory_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", " " * 2_000_000)
    sheet = read_table("bom.xlsx", buffer.getvalue(), ["program"], Settings(max_xlsx_expanded_bytes=1_000_000))[0]
    assert sheet.status == "unreadable" and "terlalu besar setelah dibuka" in sheet.message


def test_json_depth_limit():
    data = b'[{"opd": "DLH", "x": [[[[1]]]]}]'
    assert "bersarang" in read_table("a.json", data, ["program"], Settings(max_json_depth=4))[0].message
    assert "bersarang" not in read_table("a.json", data, ["program"], Settings(max_json_depth=6))[0].message


@pytest.mark.parametrize(
    "header",
    [
        "No HP",
        "No. HP PIC",
        "NoHP",
        "Telepon/WA",
        "Nomor WhatsApp",
        "E-mail",
        "Email PIC",
        "Surel",
        "NIP",
        "NIP Pejabat",
        "NIK",
        "No. KTP",
        "Alamat Kantor",
        "Tanggal Lahir",
        "NPWP",
    ],
)
def test_personal_data_headers_are_recognised(header):
    assert is_personal_column(header)


@pytest.mark.parametrize(
    "header",
    [
        "OPD",
        "Nama Program",
        "Anggaran (Rp)",
        "Sasaran",
        "Indikator",
        "Keterangan",
        "Rujukan (RPJMD/Renstra)",
        "Catatan",
        "Principal",
        "Kewajiban",
        "Nama Pejabat",
    ],
)
def test_ordinary_headers_are_not_personal_data(header):
    assert not is_personal_column(header)


@pytest.mark.parametrize("value", [10**28, -(10**30), 1e300, 10**15, 9.3e16])
def test_rupiah_formatting_never_raises_on_huge_amounts(value):
    for formatter in (rupiah, rupiah_words, angka):
        text = formatter(value)
        assert text != MISSING and text.lstrip("Rp -")[0].isdigit()


def test_infinity_is_shown_as_missing():
    assert rupiah(float("inf")) == rupiah_words(float("-inf")) == angka(float("nan")) == MISSING
    assert rupiah(10**28) == "Rp 10." + ".".join(["000"] * 9)
