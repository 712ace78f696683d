"""The core's single definitions: missing values, plain records, "same program", deterministic zips, vocabularies."""

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from bimtek.core.archive import ZIP_TIMESTAMP, rezip, write_zip
from bimtek.core.formatting import romawi
from bimtek.core.text import is_blank, program_key, row_key
from bimtek.core.values import frame_records, is_missing, plain_value
from bimtek.core.vocabularies import COMMITMENT_STATUSES, REVIEW_STATUSES, int_to_roman, roman_to_int
from bimtek.workbooks.intake_template import INLINE_CHOICES


@pytest.mark.parametrize("value", [None, float("nan"), np.float32("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_values(value):
    assert is_missing(value) is True
    assert is_blank(value) is True


@pytest.mark.parametrize("value", ["", " ", 0, 0.0, np.int64(0), np.float64(2.5), False, [], "nan"])
def test_present_values(value):
    assert is_missing(value) is False


def test_blank_adds_white_space_only_text():
    assert is_blank("  \t") and not is_blank(" x ")


def test_frame_records_are_plain_python():
    frame = pd.DataFrame({"a": [1, 2], "b": [1.5, np.nan], "c": ["x", None]})
    records = frame_records(frame)
    assert records == [{"a": 1, "b": 1.5, "c": "x"}, {"a": 2, "b": None, "c": None}]
    assert type(records[0]["a"]) is int and type(plain_value(np.float64(1.5))) is float


def test_same_program_ignores_opd_punctuation_but_not_program_punctuation():
    assert program_key("Dinas Kesehatan,", "Layanan  Antrean") == program_key("dinas kesehatan", "layanan antrean")
    assert program_key("Dinkes", "E-KTP") != program_key("Dinkes", "EKTP")
    row = {"opd": "Dinas  Kesehatan.", "nama_program": " Layanan Antrean ", "pilar": "Struktur"}
    assert row_key(row, ("opd", "nama_program")) == program_key("dinas kesehatan", "layanan antrean")
    assert row_key(row, ("opd", "pilar")) == ("dinaskesehatan", "struktur")


def test_roman_numerals_round_trip_and_filter():
    assert [int_to_roman(n) for n in (1, 4, 9, 40, 399)] == ["I", "IV", "IX", "XL", "CCCXCIX"]
    assert all(roman_to_int(int_to_roman(n)) == n for n in range(1, 400))
    assert [romawi(3), romawi("4"), romawi("x"), romawi(0)] == ["III", "IV", "x", "0"]


def test_status_dropdowns_are_what_validation_accepts():
    assert INLINE_CHOICES["commitment_status"] == ("ditandatangani", "belum")
    assert [COMMITMENT_STATUSES.match(v) for v in INLINE_CHOICES["commitment_status"]] == COMMITMENT_STATUSES.codes
    assert [REVIEW_STATUSES.match(v) for v in INLINE_CHOICES["review_status"]] == REVIEW_STATUSES.codes
    assert COMMITMENT_STATUSES.match("Sudah ditandatangani") == "ditandatangani"
    assert REVIEW_STATUSES.match("perlu  revisi") == "revisi"


def test_zips_are_deterministic_and_keep_order():
    data = write_zip([("b.txt", b"2"), ("a.txt", b"1")])
    assert data == write_zip([("b.txt", b"2"), ("a.txt", b"1")])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["b.txt", "a.txt"]
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIMESTAMP}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("x.xml", date_time=(2026, 12, 1, 10, 0, 0)), b"<x/>")
    assert rezip(buffer.getvalue()) == write_zip([("x.xml", b"<x/>")])
