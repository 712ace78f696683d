"""The cell sanitiser (OWASP CSV injection, control characters) and the name sanitiser, with property tests."""

from __future__ import annotations

import csv
import io
import math
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from bimtek.core.csv_files import frame_csv_bytes, table_csv_bytes
from bimtek.core.sanitise import (
    FORMULA_PREFIXES,
    NAME_MAX_BYTES,
    safe_cell,
    safe_name,
    unique_names,
)
from bimtek.workbooks.xlsx import put, workbook_bytes

DANGEROUS = ("=", "+", "-", "@")
text_cells = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    [
        "=1+1",
        "\t=1+1",
        "\r=1+1",
        "+62812",
        "-2+3",
        "@SUM(A1)",
        '=HYPERLINK("http://x")',
        "=cmd|' /C calc'!A0",
        "\x00=1",
        "x\x0bz",
        "-",
        "'=1",
        "-12",
        "+3.5",
        "1e5",
    ]
)
cells = text_cells | st.integers() | st.floats(allow_nan=False) | st.none()


def _opens_formula(value: object) -> bool:
    """A read-back cell a spreadsheet would evaluate: starts with a formula prefix and is not a plain number."""
    if not isinstance(value, str) or len(value) < 2 or not value.startswith(FORMULA_PREFIXES):
        return False
    return safe_cell(value) != value


@given(cells)
def test_safe_cell_is_idempotent(value):
    assert safe_cell(safe_cell(value)) == safe_cell(value)


@given(st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.decimals(allow_nan=False))
def test_numbers_stay_numbers(value):
    assert safe_cell(value) is value


def test_non_finite_floats_become_empty_cells():
    assert [safe_cell(v) for v in (math.inf, -math.inf, math.nan)] == [None, None, None]
    frame = pd.DataFrame({"x": [1.5, -math.inf]})
    assert frame_csv_bytes(frame) == b'x\n1.5\n""\n'


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\n=1+1"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("+62 812", "'+62 812"),
        ("@x", "'@x"),
        ("-2+3", "'-2+3"),
        ("\x00=1+1", "'=1+1"),
        ("a\x0bb\x1f", "ab"),
        ("-12", "-12"),
        ("+3.5", "+3.5"),
        ("-", "-"),
        ("Dinas X", "Dinas X"),
        ("", ""),
        ("baris\nbaru", "baris\nbaru"),
    ],
)
def test_safe_cell_examples(raw, safe):
    assert safe_cell(raw) == safe


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, min_size=2, max_size=2), min_size=1, max_size=8), st.booleans())
def test_no_csv_cell_read_back_opens_with_a_formula(rows, excel):
    data = table_csv_bytes(["=judul", "\t@b"], rows, excel=excel).decode("utf-8").lstrip("\ufeff")
    for row in csv.reader(io.StringIO(data, newline="")):
        assert not any(_opens_formula(cell) for cell in row), row


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(text_cells, min_size=1, max_size=6), st.lists(st.integers(-(10**6), 10**6), min_size=6, max_size=6))
def test_frame_csv_keeps_numbers_and_escapes_text(texts, numbers):
    frame = pd.DataFrame({"=teks": texts, "angka": numbers[: len(texts)]})
    back = pd.read_csv(io.BytesIO(frame_csv_bytes(frame)), keep_default_na=False, dtype={"angka": "int64"})
    assert list(back.columns) == ["'=teks", "angka"]
    assert back["angka"].tolist() == numbers[: len(texts)]
    assert not any(_opens_formula(value) for value in back["'=teks"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cells, min_size=1, max_size=10))
def test_no_xlsx_cell_read_back_is_a_formula(values):
    workbook = Workbook()
    ws = workbook.active
    for row, value in enumerate(values, start=1):
        put(ws, row, 1, value)
    back = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    for row, value in enumerate(values, start=1):
        cell = back.cell(row, 1)
        assert cell.data_type != "f" and not _opens_formula(cell.value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert isinstance(cell.value, int | float), "numbers stay numbers"
            assert cell.value == pytest.approx(value, rel=1e-14), "Excel keeps 15 significant digits"


def test_decimal_is_a_number():
    assert safe_cell(Decimal(-5)) == Decimal(-5)


# --- names -----------------------------------------------------------------------------------------------------------


def test_opd_names_that_slug_alike_get_distinct_names():
    names = unique_names(["Dinas X", "DINAS X", "Dinas-X!", "😀", "🚀", "دائرة", "部门", "Dinas X "])
    assert len(set(names.values())) == 8
    assert names["DINAS X"] == "dinas-x" and names["Dinas X"] == "dinas-x-2"
    assert all(name.isascii() and len(name.encode()) <= NAME_MAX_BYTES for name in names.values())


def test_unique_names_do_not_depend_on_input_order():
    opds = ["Dinas X", "dinas x", "Dinas-X!", "Badan Y"]
    assert unique_names(opds) == unique_names(list(reversed(opds)))


def test_long_names_fit_and_stay_distinct():
    long_a, long_b = "Dinas " + "a" * 300, "Dinas " + "a" * 299 + "b"
    a, b = safe_name(long_a), safe_name(long_b)
    assert len(a) <= NAME_MAX_BYTES and len(b) <= NAME_MAX_BYTES and a != b


@given(st.lists(st.text(max_size=300), min_size=1, max_size=12))
def test_unique_names_property(texts):
    names = unique_names(texts, max_bytes=60, taken=["kepala-daerah"])
    values = list(names.values())
    assert len(values) == len(set(texts)) == len({v.lower() for v in values})
    assert "kepala-daerah" not in values
    assert all(v and v.isascii() and len(v) <= 60 and "/" not in v and not v.startswith(".") for v in values)
