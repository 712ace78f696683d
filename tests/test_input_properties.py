"""Hypothesis properties of the input side: counting never loses a row, valid rows are never rejected, and
the parsers and the reader never raise on arbitrary input (only the documented ValueError, or a status)."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bimtek.core.model import FILE_STATUSES, ROW_COLUMN, Sheet
from bimtek.core.parsing import parse_bool, parse_int, parse_money
from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.region import load_region
from bimtek.core.taxonomy import load_taxonomy
from bimtek.ingest.reader import read_table
from bimtek.validation import build_report, validate_sheet

REGION = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
TAXONOMY = load_taxonomy()
COLUMNS = [
    "opd",
    "dimensi",
    "elemen",
    "nama_program",
    "anggaran",
    "sumber_dana",
    "tahun_mulai",
    "tahun_selesai",
    "quick_win",
    "dampak",
]
GX = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _money_text(amount: int) -> st.SearchStrategy[str]:
    grouped = f"{amount:,}".replace(",", ".")
    return st.sampled_from([str(amount), f"Rp {grouped}", f"Rp{grouped},-", f"{grouped},00", f"IDR {amount}"])


@st.composite
def valid_rows(draw, count: int) -> list[dict]:
    """Rows that satisfy every program rule, with program names unique per OPD."""
    rows = []
    for n in range(count):
        dimension = draw(st.sampled_from(TAXONOMY.dimensions))
        start = draw(st.integers(REGION.period.start, REGION.period.end))
        rows.append(
            {
                "opd": draw(st.sampled_from([name for entry in REGION.opd for name in (entry.name, *entry.aliases)])),
                "dimensi": draw(st.sampled_from([dimension.code, dimension.label, dimension.label.upper()])),
                "elemen": draw(st.one_of(st.none(), st.sampled_from([e.code for e in dimension.elements]))),
                "nama_program": f"Program {n} " + draw(st.text("abcdefgh ", min_size=1, max_size=12)).strip() + "x",
                "anggaran": draw(st.integers(1_000_000, 10**15).flatmap(_money_text)),
                "sumber_dana": draw(st.sampled_from(list(TAXONOMY.funding_sources))),
                "tahun_mulai": str(start),
                "tahun_selesai": str(draw(st.integers(start, REGION.period.end))),
                "quick_win": draw(st.sampled_from([None, "ya", "Tidak", "TRUE", "0"])),
                "dampak": draw(st.one_of(st.none(), st.integers(1, 5).map(str))),
            }
        )
    return rows


ANY_CELL = st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["NaN", "inf", "-1", "1e400", "=1+1", "\x00"]))


@st.composite
def random_rows(draw, count: int) -> list[dict]:
    return [{name: draw(ANY_CELL) for name in COLUMNS} for _ in range(count)]


def _sheet(rows: list[dict], path: str = "acak.csv") -> Sheet:
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype=object)
    frame[ROW_COLUMN] = pd.array(range(2, len(rows) + 2), dtype="int64")
    return Sheet(path=path, sheet="", frame=frame, dataset="program")


@GX
@given(st.integers(1, 12).flatmap(valid_rows), st.integers(0, 12).flatmap(random_rows))
def test_every_row_is_counted_once_and_valid_rows_are_never_rejected(good, noise):
    """Valid rows stay valid whatever rows surround them; valid + rejected = total, per file and per run."""
    for n, row in enumerate(noise):  # noise never shares a program name with the valid rows
        row["nama_program"] = f"acak {n} {row['nama_program']}"
    rows = good + noise
    result = validate_sheet(_sheet(rows), REGION)
    report = build_report(REGION.slug, [result])
    assert report.rows_total == report.rows_valid + report.rows_rejected == len(rows)
    rejected_rows = {r.row for r in result.rejections}
    assert not rejected_rows & set(range(2, len(good) + 2)), [r.message for r in result.rejections]
    assert report.rows_valid >= len(good)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
        st.integers(min_value=10**300, max_value=10**301),
    )
)
def test_parsers_raise_nothing_but_value_error(value):
    for parser in (parse_money, parse_int, parse_bool):
        try:
            parser(value)
        except ValueError as exc:
            assert str(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["a.csv", "a.json", "a.xlsx", "a.xlsm", "a.xls", "a"]),
    st.one_of(st.binary(max_size=600), st.text(max_size=600).map(lambda t: t.encode("utf-8"))),
)
def test_reader_never_raises_on_arbitrary_bytes(name, data):
    sheets = read_table(name, data, ["program"])
    assert sheets
    for sheet in sheets:
        assert sheet.status in FILE_STATUSES
        if sheet.status != "ok":
            assert sheet.message and "Error" not in sheet.message and "Traceback" not in sheet.message
