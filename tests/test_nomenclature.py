"""SIPD nomenclature (issue 25): code parsing, the bundled reference, the code rules of a program sheet."""

from __future__ import annotations

import pytest

from bimtek.core import nomenclature as nom
from bimtek.core.region import parse_region
from bimtek.validation import validate_sheet, warm_up
from tests.builders import make_sheet

REFERENCE = nom.bundled("sipd-2025")
KOMINFO = "Dinas Komunikasi dan Informatika"


@pytest.fixture(scope="module", autouse=True)
def _gx_warm() -> None:
    warm_up()


def coded_region(**extra):
    return parse_region(
        {
            "slug": "contoh",
            "name": "Kabupaten Contoh",
            "province": "Sumatera Barat",
            "period": {"start": 2020, "end": 2026},
            "nomenclature": "sipd-2025",
            "opd": [
                {"name": "Dinas Kesehatan", "aliases": ["Dinkes"], "urusan": ["1.02"]},
                {"name": KOMINFO, "aliases": ["Diskominfo"], "urusan": ["2.16", "2.20", "2.21"]},
            ],
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2.16.03.2.02.0014", "2.16.03.2.02.0014"),
        ("2 16 03 2 02 0014", "2.16.03.2.02.0014"),
        ("2.16.3.2.2.14 - Penyelenggaraan Jaringan", "2.16.03.2.02.0014"),
        ("2.16.03.", "2.16.03"),
        ("2.16.03.2", None),
        ("2.16.03.2.02.0014.5.1.02", None),
        ("Jaringan intra", None),
    ],
)
def test_parse_code_spellings(text, code):
    assert nom.parse_code(text) == code


def test_every_bundled_entry_names_a_listed_source_and_a_matching_level():
    assert nom.bundled_versions() == ["sipd-2025"]
    assert len(REFERENCE.entries) == 35
    for entry in REFERENCE.entries.values():
        assert entry.sumber in REFERENCE.sources
        assert nom.level_of(entry.kode) == entry.level
        assert REFERENCE.source_text(entry)
    jaringan = REFERENCE.get("2.16.03.2.02.0014")
    assert jaringan.nama == "Penyelenggaraan Jaringan Intra Pemerintah Daerah Kabupaten/Kota"
    assert REFERENCE.parent(jaringan.kode, "program").nama == "Program Pengelolaan Aplikasi Informatika"


def test_unknown_version_names_the_known_ones():
    with pytest.raises(nom.NomenclatureError, match="sipd-2025"):
        nom.bundled("050-5889-2021")


def test_check_code_outcomes_and_nearest():
    gov = nom.KABUPATEN_KOTA
    assert nom.check_code(None, REFERENCE, gov).rule is None
    assert nom.check_code("2.16.03.2.02.0037", REFERENCE, gov, ["2.16"]).rule is None
    unknown = nom.check_code("2.16.03.2.02.9999", REFERENCE, gov, ["2.16"])
    assert unknown.rule == "sipd_code_unknown"
    assert unknown.nearest[0].startswith("2.16.03.2.02.0037 ")
    assert nom.check_code("2.16.03.1.02.0014", REFERENCE, gov).rule == "sipd_code_level"
    assert nom.check_code("2.16.03.2.02.0014", REFERENCE, nom.PROVINSI).rule == "sipd_code_level"
    assert nom.check_code("2.16.03.2.02.0014", REFERENCE, gov, ["1.02"]).rule == "sipd_code_urusan"
    assert nom.check_code("2.16.03", REFERENCE, gov).rule == "sipd_code_unknown"


def test_suggestions_are_ranked_by_shared_words_and_respect_urusan():
    ranked = nom.suggest_codes("Portal Layanan Terintegrasi", "", REFERENCE, nom.KABUPATEN_KOTA, ["2.16"])
    assert [s.entry.kode for s in ranked][:1] == ["2.16.03.2.02.0025"]
    assert all(a.score >= b.score for a, b in zip(ranked, ranked[1:]))
    assert nom.suggest_codes("Portal Layanan Terintegrasi", "", REFERENCE, nom.KABUPATEN_KOTA, ["1.02"]) == []
    assert nom.suggest_codes("Bank Sampah", "", REFERENCE, nom.KABUPATEN_KOTA, ["2.16"]) == []


def row(**values):
    return {"opd": KOMINFO, "nama_program": "Jaringan Intra Nagari", **values}


def test_valid_code_is_typed_in_its_canonical_spelling():
    result = validate_sheet(make_sheet(row(kode_sub_kegiatan="2 16 03 2 02 14")), coded_region())
    assert result.rejections == []
    assert result.valid.iloc[0]["kode_sub_kegiatan"] == "2.16.03.2.02.0014"


def test_program_without_code_is_accepted():
    result = validate_sheet(make_sheet(row(kode_sub_kegiatan=None)), coded_region())
    assert result.rejections == [] and len(result.valid) == 1
    assert result.valid["kode_sub_kegiatan"].isna().all()


def test_unknown_code_is_rejected_with_the_code_and_the_nearest_ones():
    result = validate_sheet(make_sheet(row(kode_sub_kegiatan="2.16.03.2.02.9999")), coded_region())
    (rejection,) = result.rejections
    assert rejection.rule == "sipd_code_unknown" and rejection.value == "2.16.03.2.02.9999"
    assert '"2.16.03.2.02.9999" tidak ada dalam nomenklatur SIPD versi sipd-2025' in rejection.message
    assert "2.16.03.2.02.0037 (Koordinasi Tata Kelola SPBE)" in rejection.message
    assert result.valid.empty


def test_code_of_an_urusan_the_opd_does_not_hold_is_rejected():
    result = validate_sheet(make_sheet({"opd": "Dinkes", "kode_sub_kegiatan": "2.16.03.2.02.0014"}), coded_region())
    (rejection,) = result.rejections
    assert rejection.rule == "sipd_code_urusan"
    assert "bidang urusan 2.16" in rejection.message and "Dinas Kesehatan" in rejection.message
    assert "1.02" in rejection.message


def test_provincial_code_is_rejected_for_a_kabupaten():
    result = validate_sheet(make_sheet(row(kode_sub_kegiatan="2.16.03.1.02.0014")), coded_region())
    (rejection,) = result.rejections
    assert rejection.rule == "sipd_code_level" and "provinsi" in rejection.message


def test_region_without_version_notes_the_code_unchecked():
    region = coded_region(nomenclature=None)
    result = validate_sheet(make_sheet(row(kode_sub_kegiatan="2.16.03.2.02.9999")), region)
    assert result.rejections == []
    assert any("belum dapat diperiksa" in note for note in result.notes)


def test_monev_row_renamed_in_a_later_renja_is_matched_by_its_code():
    import pandas as pd

    from bimtek.core.model import FileReport
    from bimtek.core.text import program_key
    from bimtek.stages.monev import plan_codes
    from bimtek.validation.result import SheetResult
    from bimtek.validation.stage_5_rules import match_by_code

    plan = pd.DataFrame(
        {
            "opd": [KOMINFO, KOMINFO, KOMINFO],
            "nama_program": ["Jaringan Intra Nagari", "Fiber OPD", "Portal Layanan"],
            "kode_sub_kegiatan": ["2.16.03.2.02.0014", "2.16.03.2.02.0014", "2.16.03.2.02.0025"],
        }
    )
    valid = pd.DataFrame(
        {
            "opd": [KOMINFO, KOMINFO, KOMINFO, KOMINFO],
            "nama_program": ["Portal Layanan Publik Terpadu", "Jaringan Nagari Baru", "Portal Layanan", "Lain"],
            "kode_sub_kegiatan": ["2.16.03.2.02.0025", "2.16.03.2.02.0014", "2.16.03.2.02.0025", None],
            "_row": [2, 3, 4, 5],
        }
    )
    result = SheetResult(
        path="realisasi.xlsx",
        sheet="",
        dataset="realisasi",
        valid=valid,
        rejected=valid.iloc[0:0],
        rejections=[],
        file_report=FileReport("realisasi.xlsx", "", "ok", 4, 4, 0, ""),
    )
    names = {program_key(o, n) for o, n in zip(plan["opd"], plan["nama_program"])}
    (matched,) = match_by_code([result], plan_codes(plan), names)
    # renamed row -> the planned name; an ambiguous code (two planned programs) and a row without code stay as written
    assert list(matched.valid["nama_program"]) == ["Portal Layanan", "Jaringan Nagari Baru", "Portal Layanan", "Lain"]
    assert matched.notes == [
        'realisasi.xlsx baris 2: program "Portal Layanan Publik Terpadu" dicocokkan dengan program rencana '
        '"Portal Layanan" lewat kode sub kegiatan 2.16.03.2.02.0025 (nama program berubah).'
    ]


def test_program_without_code_gets_ranked_suggestions_as_a_note_never_applied():
    result = validate_sheet(
        make_sheet(row(nama_program="Portal Layanan Terintegrasi", kode_sub_kegiatan=None)), coded_region()
    )
    assert result.rejections == []
    assert result.valid["kode_sub_kegiatan"].isna().all()
    (note,) = [n for n in result.notes if "belum memakai kode sub kegiatan" in n]
    assert "2.16.03.2.02.0025 (Koordinasi Pemanfaatan Portal Pelayanan Pemerintah Daerah yang Terintegrasi)" in note
    assert "tidak dipasang otomatis" in note


def test_region_file_points_to_its_export_relative_to_itself(tmp_path):
    from bimtek.core.region import load_region

    (tmp_path / "region.yaml").write_text(
        "slug: contoh\nname: Kabupaten Contoh\nprovince: Sumatera Barat\nperiod: {start: 2020, end: 2026}\n"
        "nomenclature: sipd-2025\nnomenclature_export: sipd/nomenklatur.xlsx\n",
        encoding="utf-8",
    )
    region = load_region(tmp_path / "region.yaml")
    assert region.nomenclature == "sipd-2025"
    assert region.nomenclature_export == str(tmp_path / "sipd" / "nomenklatur.xlsx")
    # an export that was not loaded is never replaced by the bundled list: its codes are noted, not rejected
    result = validate_sheet(make_sheet(row(kode_sub_kegiatan="2.16.03.2.02.9999")), region)
    assert result.rejections == [] and any("belum dapat diperiksa" in n for n in result.notes)
