"""Value parsers (bimtek.core.parsing) and header matching of the column contracts (bimtek.core.columns)."""

import math

import pytest

from bimtek.core.columns import available_datasets, load_spec
from bimtek.core.parsing import parse_bool, parse_int, parse_money

# --- money -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1500000", 1_500_000.0),
        ("1500000.5", 1_500_000.5),
        ("Rp1.500.000", 1_500_000.0),
        ("Rp. 1.500.000", 1_500_000.0),
        ("Rp 1.500.000", 1_500_000.0),
        ("rp.1.500.000", 1_500_000.0),
        ("IDR 2.000.000", 2_000_000.0),
        ("1.500.000,50", 1_500_000.5),
        ("Rp 1.500.000,-", 1_500_000.0),
        ("Rp 1,5 M", 1_500_000_000.0),
        ("1,5m", 1_500_000_000.0),
        ("2 Miliar", 2_000_000_000.0),
        ("3 milyar", 3_000_000_000.0),
        ("2,5 juta", 2_500_000.0),
        ("2,5 JUTA", 2_500_000.0),
        ("750 jt", 750_000_000.0),
        ("750jt.", 750_000_000.0),
        ("1,1 M", 1_100_000_000.0),
        ("500 ribu", 500_000.0),
        ("1.500", 1_500.0),
        ("1,5", 1.5),
        ("1,500", 1.5),
        ("1,500,000.00", 1_500_000.0),
        ("1,500,000", 1_500_000.0),
        ("1 500 000", 1_500_000.0),
        ("1 500 000,75", 1_500_000.75),
        ("0.125", 0.125),
        ("1500.125", 1500.125),
        ("2025.0", 2025.0),
        ("  Rp 1.000  ", 1_000.0),
        ("Rp\u00a01.000", 1_000.0),
        ("0", 0.0),
    ],
)
def test_parse_money_text(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("-1500000", -1_500_000.0), ("-Rp 1.500", -1_500.0), ("Rp -1.500", -1_500.0), ("(1.500.000)", -1_500_000.0)],
)
def test_parse_money_negative_is_negative(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize(("value", "expected"), [(1500000, 1_500_000.0), (2.5, 2.5), (-3, -3.0)])
def test_parse_money_workbook_numbers(value, expected):
    result = parse_money(value)
    assert result == expected
    assert isinstance(result, float)


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan")])
def test_parse_money_blank_is_none(blank):
    assert parse_money(blank) is None


@pytest.mark.parametrize(
    "text", ["abc", "Rp", "-", "1.50.000", "12,34,567", "1.500,5.3", "1,5 kg", "satu juta", "1e6", True, math.inf]
)
def test_parse_money_unreadable_raises_value_error(text):
    with pytest.raises(ValueError, match="bukan jumlah uang"):
        parse_money(text)


# --- bool ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ya", True), ("Ya", True), ("YA ", True), ("tidak", False), ("Tidak", False),
        ("yes", True), ("no", False), ("Y", True), ("n", False),
        ("true", True), ("FALSE", False), ("1", True), ("0", False),
        ("benar", True), ("Salah", False),
        (True, True), (False, False), (1, True), (0, False), (1.0, True), (0.0, False),
    ],
)  # fmt: skip
def test_parse_bool(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("blank", [None, "", "  ", float("nan")])
def test_parse_bool_blank_is_false(blank):
    assert parse_bool(blank) is False


@pytest.mark.parametrize("value", ["mungkin", "2", 2, "yaa", "x"])
def test_parse_bool_unreadable_raises_value_error(value):
    with pytest.raises(ValueError, match="ya/tidak"):
        parse_bool(value)


# --- int -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2025", 2025), (" 2025 ", 2025), ("2025.0", 2025), ("2025,0", 2025), ("5", 5), ("-3", -3),
     (2025, 2025), (2025.0, 2025), (4.0, 4)],
)  # fmt: skip
def test_parse_int(value, expected):
    result = parse_int(value)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan")])
def test_parse_int_blank_is_none(blank):
    assert parse_int(blank) is None


@pytest.mark.parametrize("value", ["2025.5", 2025.5, "dua ribu", "2025a", "2.025,5", True])
def test_parse_int_unreadable_raises_value_error(value):
    with pytest.raises(ValueError, match="bukan bilangan bulat"):
        parse_int(value)


# --- column contracts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Nama Program", "nama_program"),
        ("NAMA_PROGRAM", "nama_program"),
        ("nama-program", "nama_program"),
        ("  nama   program ", "nama_program"),
        ("Program", "nama_program"),
        ("Anggaran (Rp)", "anggaran"),
        ("ANGGARAN", "anggaran"),
        ("Sumber Dana", "sumber_dana"),
        ("Tahun Mulai", "tahun_mulai"),
        ("Perangkat Daerah", "opd"),
        ("O.P.D.", "opd"),
        ("Usulan Quick Win", "quick_win"),
        ("Dampak (1-5)", "dampak"),
    ],
)
def test_match_header_variants(header, canonical):
    assert load_spec("program").match_header(header) == canonical


@pytest.mark.parametrize("header", ["Catatan", "", None, "   ", "No."])
def test_match_header_unknown_is_none(header):
    assert load_spec("program").match_header(header) is None


def test_program_spec_required_columns_and_listing():
    spec = load_spec("program")
    assert spec.header_min_known == 3
    assert spec.required_columns == [
        "opd", "dimensi", "nama_program", "anggaran", "sumber_dana", "tahun_mulai", "tahun_selesai",
    ]  # fmt: skip
    assert spec.column("anggaran").kind == "money"
    assert "program" in available_datasets()
    assert load_spec("program") is spec  # cached
