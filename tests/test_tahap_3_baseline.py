"""Tahap III on top of Tahap II's published program list: merge_baseline and the Tahap III builder's notes."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from bimtek.analysis.mapping import BASELINE_PATH_PREFIX, merge_baseline, read_program_list, typed_programs
from bimtek.core.model import PATH_COLUMN, ValidationReport
from bimtek.core.region import parse_region
from bimtek.core.settings import Settings
from bimtek.stages.tables import csv_bytes
from bimtek.validation import SheetResult, build_report
from bimtek.validation.result import counted_report

REGION = parse_region(
    {
        "slug": "contoh",
        "name": "Kabupaten Contoh",
        "province": "Sumatera Barat",
        "period": {"start": 2027, "end": 2036},
        "opd": [{"name": "Dinas Kesehatan"}, {"name": "Diskominfo"}],
    }
)


def programs(*rows: tuple, path: str = "") -> pd.DataFrame:
    """Typed program rows from (opd, name, anggaran[, dimensi]) tuples."""
    records = [
        {
            "opd": r[0],
            "nama_program": r[1],
            "anggaran": float(r[2]),
            "dimensi": r[3] if len(r) > 3 else "living",
            "sumber_dana": "APBD",
            "tahun_mulai": 2027,
            "tahun_selesai": 2028,
            "_path": path,
            "_row": i + 2,
        }
        for i, r in enumerate(rows)
    ]
    return typed_programs(pd.DataFrame(records))


BASELINE = programs(
    ("Dinas Kesehatan", "Telemedisin Puskesmas", 100),
    ("Dinas Kesehatan", "Posyandu Digital", 200),
    ("Diskominfo", "Super App", 300, "governance"),
    path="program-dinkes.csv",
)
UPDATES = programs(
    ("Dinas Kesehatan", "TELEMEDISIN  puskesmas", 999),  # same OPD + folded name: an update
    ("Diskominfo", "Aplikasi Lapor Sampah", 50, "environment"),  # new
    path="usulan-program.csv",
)


def test_merge_counts_updates_additions_and_carry_over():
    merged, summary = merge_baseline(BASELINE, UPDATES)
    assert (summary.baseline, summary.carried_over, summary.updated, summary.added, summary.total) == (3, 2, 1, 1, 4)
    assert len(merged) == 4 and list(merged.index) == [0, 1, 2, 3]
    assert "2 dibawa tanpa perubahan, 1 diperbarui" in summary.note()


def test_the_tahap_3_row_wins():
    merged, _ = merge_baseline(BASELINE, UPDATES)
    telemedicine = merged[merged["nama_program"].str.lower().str.contains("telemedisin")]
    assert telemedicine["anggaran"].tolist() == [999.0]
    assert telemedicine[PATH_COLUMN].tolist() == ["usulan-program.csv"]


def test_carried_over_rows_keep_their_values_and_say_where_they_came_from():
    merged, _ = merge_baseline(BASELINE, UPDATES)
    carried = merged[merged[PATH_COLUMN].str.startswith(BASELINE_PATH_PREFIX)]
    assert sorted(carried["nama_program"]) == ["Posyandu Digital", "Super App"]
    assert carried.set_index("nama_program").loc["Super App", "anggaran"] == 300.0
    assert merged.dtypes.to_dict() == UPDATES.dtypes.to_dict()


def test_empty_sides():
    merged, summary = merge_baseline(BASELINE, UPDATES.iloc[0:0])
    assert (summary.carried_over, summary.updated, summary.added, len(merged)) == (3, 0, 0, 3)
    merged, summary = merge_baseline(BASELINE.iloc[0:0], UPDATES)
    assert (summary.baseline, summary.added, len(merged)) == (0, 2, 2)


def test_baseline_read_back_from_the_published_csv_merges_the_same():
    from_csv = read_program_list(csv_bytes(BASELINE))
    assert merge_baseline(from_csv, UPDATES)[1] == merge_baseline(BASELINE, UPDATES)[1]


def _result(valid: pd.DataFrame) -> SheetResult:
    rejected = pd.DataFrame(columns=["_path", "_sheet", "_row"])
    return SheetResult(
        path="usulan-program.csv",
        sheet="",
        dataset="program",
        valid=valid,
        rejected=rejected,
        rejections=[],
        file_report=counted_report("usulan-program.csv", "", len(valid), 0),
    )


@pytest.mark.parametrize("with_baseline", [True, False])
def test_tahap_3_builder_uses_the_baseline_and_says_so(with_baseline):
    from bimtek.stages.tahap_3 import NOTE_NO_BASELINE, build_tahap_3

    results = [_result(UPDATES)]
    report: ValidationReport = build_report(REGION.slug, results)
    output = build_tahap_3(REGION, results, report, Settings(), baseline=BASELINE if with_baseline else None)
    written = json.loads(output.files["validation/report.json"])
    roadmap = pd.read_csv(io.BytesIO(output.files["roadmap/roadmap.csv"]))
    assert written["rows_valid"] == 2  # counts stay about the Tahap III files
    if with_baseline:
        assert len(roadmap) == 4 and "Posyandu Digital" in set(roadmap["nama_program"])
        assert any("Baseline daftar program Tahap II dipakai" in n for n in output.notes)
    else:
        assert len(roadmap) == 2 and output.notes == [NOTE_NO_BASELINE]
    assert written["notes"][-1] == output.notes[-1]


def test_a_filtered_baseline_keeps_its_rows():
    merged, summary = merge_baseline(BASELINE.iloc[[2, 0]], UPDATES)
    assert (summary.carried_over, summary.updated) == (1, 1)
    assert merged.set_index("nama_program").loc["Super App", "anggaran"] == 300.0


def _with(frame: pd.DataFrame, **columns: list) -> pd.DataFrame:
    out = frame.copy()
    for name, values in columns.items():
        out[name] = pd.Series(values, index=out.index, dtype=out[name].dtype)
    return out


def test_a_merge_keeps_values_the_tahap_3_file_does_not_state():
    baseline = _with(
        BASELINE,
        elemen=["health", "health", "service"],
        indikator=["Puskesmas terhubung", "Posyandu aktif", "Unduhan"],
        target=["25 puskesmas", "100 posyandu", "10.000"],
    )
    updates = _with(UPDATES, indikator=[pd.NA, pd.NA], target=["30 puskesmas", pd.NA])
    updates = updates.drop(columns=["elemen"])  # a Tahap III file without an element column
    merged, summary = merge_baseline(baseline, updates)
    row = merged[merged["nama_program"] == "TELEMEDISIN  puskesmas"].iloc[0]
    assert row["elemen"] == "health"  # kept, not blanked
    assert row["indikator"] == "Puskesmas terhubung"  # kept
    assert row["target"] == "30 puskesmas"  # stated by Tahap III: Tahap III wins
    assert row["anggaran"] == 999.0 and row["_path"] == "usulan-program.csv"
    new = merged[merged["nama_program"] == "Aplikasi Lapor Sampah"].iloc[0]
    assert pd.isna(new["elemen"])  # nothing known: stays blank (drawn as "Elemen belum ditentukan")
    assert summary.kept_values == 2
    assert "2 nilai yang tidak dinyatakan berkas Tahap III" in summary.note()


def test_kept_element_means_no_false_gap_in_the_masterplan():
    from bimtek.analysis.aggregate import element_gaps

    baseline = _with(BASELINE, elemen=["health", "health", "service"])
    updates = UPDATES.drop(columns=["elemen"])
    merged, _ = merge_baseline(baseline, updates)
    gaps = set(element_gaps(merged)["elemen"])
    assert "Health" not in gaps and "Service" not in gaps


def test_an_element_is_not_kept_when_the_program_moves_to_another_dimension():
    baseline = _with(BASELINE, elemen=["health", "health", "service"])
    updates = programs(("Dinas Kesehatan", "Posyandu Digital", 200, "society"))
    merged, _ = merge_baseline(baseline, updates)
    assert pd.isna(merged.set_index("nama_program").loc["Posyandu Digital", "elemen"])
