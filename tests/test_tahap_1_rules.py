"""Tahap I validation rules (kesiapan, swot, ide) on tiny hand-made Sheets (no ingest involved)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from bimtek.core.columns import load_spec
from bimtek.core.model import ROW_COLUMN, Sheet
from bimtek.core.region import parse_region
from bimtek.core.vocabularies import PILLARS, SWOT_COMPONENTS, SWOT_TYPES
from bimtek.validation import get_rules, mark_duplicates, validate_sheet, warm_up
from bimtek.validation.messages import known_rules

REGION = parse_region(
    {
        "slug": "contoh",
        "name": "Kabupaten Contoh",
        "province": "Sumatera Barat",
        "period": {"start": 2027, "end": 2036},
        "opd": [{"name": "Dinas Kesehatan", "aliases": ["Dinkes"]}, {"name": "Dinas Komunikasi dan Informatika"}],
    }
)

GOOD = {
    "kesiapan": {
        "opd": "Dinkes",
        "pilar": "Infrastruktur",
        "indikator": "Koneksi internet kantor",
        "nilai": "4",
        "bukti": "Hasil uji kecepatan",
    },
    "swot": {
        "komponen": "Alam",
        "jenis": "Kekuatan",
        "pernyataan": "Garis pantai panjang",
        "kata_kunci": "maritim, wisata bahari",
        "opd": "Dinas Kesehatan",
    },
    "ide": {
        "opd": "Dinas Kesehatan",
        "dimensi": "Smart Living",
        "elemen": "Health",
        "nama_program": "Telemedisin",
        "deskripsi": "Konsultasi jarak jauh",
        "quick_win": "ya",
    },
}


@pytest.fixture(scope="module", autouse=True)
def _gx_warm() -> None:
    warm_up()


def make_sheet(dataset: str, *rows: dict, path: str = "opd/berkas.csv") -> Sheet:
    """A Sheet of `dataset` whose rows are GOOD[dataset] overridden by each dict; data rows start at row 2."""
    frame = pd.DataFrame([{**GOOD[dataset], **row} for row in rows], dtype="object")
    frame[ROW_COLUMN] = range(2, len(rows) + 2)
    headers = {c.name: c.label for c in load_spec(dataset).columns}
    return Sheet(path=path, sheet="", frame=frame, dataset=dataset, header_row=1, original_headers=headers)


def validate(dataset: str, *rows: dict, path: str = "opd/berkas.csv"):
    return validate_sheet(make_sheet(dataset, *rows, path=path), REGION, dataset)


def only_rejection(result):
    assert len(result.rejections) == 1, result.rejections
    return result.rejections[0]


def test_valid_rows_are_typed_with_codes():
    kesiapan = validate("kesiapan", {"pilar": "Supra Struktur"}, {"pilar": "infrastructure", "bukti": None})
    assert kesiapan.rejections == []
    assert kesiapan.valid["pilar"].tolist() == ["suprastruktur", "infrastruktur"]
    assert kesiapan.valid["opd"].tolist() == ["Dinas Kesehatan"] * 2
    assert kesiapan.valid["nilai"].dtype == "Int64" and kesiapan.valid["nilai"].tolist() == [4, 4]

    swot = validate(
        "swot", {"komponen": "nature", "jenis": "S"}, {"komponen": "BUDAYA", "jenis": "Threat", "opd": None}
    )
    assert swot.rejections == []
    assert swot.valid["komponen"].tolist() == ["alam", "budaya"]
    assert swot.valid["jenis"].tolist() == ["S", "T"]
    assert pd.isna(swot.valid["opd"].iloc[1])

    ide = validate("ide", {"elemen": None, "quick_win": None})
    assert ide.rejections == []
    assert (ide.valid["dimensi"].iloc[0], bool(ide.valid["quick_win"].iloc[0])) == ("living", False)


RULE_CASES = [
    (
        "kesiapan",
        {"pilar": "Infostruktur"},
        "pillar",
        "Pilar",
        "Infostruktur",
        "Struktur, Infrastruktur atau Suprastruktur",
    ),
    ("kesiapan", {"nilai": "6"}, "score_range", "Nilai (1-5)", "6", "1 sampai 5"),
    ("kesiapan", {"nilai": "tinggi"}, "score_range", "Nilai (1-5)", "tinggi", "1 sampai 5"),
    ("kesiapan", {"indikator": " "}, "required", "Indikator", None, "wajib diisi"),
    ("kesiapan", {"opd": "Dinas Antah Berantah"}, "opd_unknown", "OPD", "Dinas Antah Berantah", "daftar OPD"),
    ("swot", {"komponen": "Ekonomi"}, "swot_component", "Komponen", "Ekonomi", "dimensi Smart City"),
    ("swot", {"komponen": "Lingkungan Alam"}, "swot_component", "Komponen", "Lingkungan Alam", "Alam, Budaya"),
    ("swot", {"jenis": "Netral"}, "swot_type", "Jenis (S/W/O/T)", "Netral", "Kekuatan (S)"),
    ("swot", {"pernyataan": None}, "required", "Pernyataan", None, "wajib diisi"),
    ("swot", {"opd": "Dinas Rahasia"}, "opd_unknown", "OPD", "Dinas Rahasia", "daftar OPD"),
    ("ide", {"dimensi": "Smart People"}, "dimension", "Dimensi", "Smart People", "enam dimensi"),
    ("ide", {"dimensi": "Smart Economy", "elemen": "Health"}, "element", "Elemen", "Health", "Smart Economy"),
    ("ide", {"nama_program": ""}, "required", "Nama ide / program", None, "wajib diisi"),
]


@pytest.fixture(scope="module")
def rule_results() -> dict:
    """One validation per dataset (GX costs per call): a good row 2, then one row per RULE_CASES entry."""
    results = {}
    for dataset in GOOD:
        overrides = [case[1] for case in RULE_CASES if case[0] == dataset]
        results[dataset] = validate(dataset, {}, *overrides)
    return results


@pytest.mark.parametrize(("dataset", "override", "rule", "column", "value", "hint"), RULE_CASES)
def test_each_rule_rejects_its_row(rule_results, dataset, override, rule, column, value, hint):
    result = rule_results[dataset]
    row = 3 + [case[1] for case in RULE_CASES if case[0] == dataset].index(override)
    rejections = [r for r in result.rejections if r.row == row]
    assert len(rejections) == 1, rejections
    rejection = rejections[0]
    assert (rejection.rule, rejection.column, rejection.value) == (rule, column, value)
    assert hint in rejection.message
    assert result.valid["_row"].tolist() == [2] and result.file_report.status == "partial"


def test_unreadable_yes_no_is_a_note_not_a_rejection():
    result = validate("ide", {"quick_win": "mungkin"})
    assert result.rejections == [] and len(result.notes) == 1


def test_duplicate_indicator_across_files_names_the_indicator():
    first = validate("kesiapan", {}, path="a.csv")
    second = validate("kesiapan", {"pilar": "INFRASTRUKTUR", "indikator": "koneksi  internet kantor"}, path="b.csv")
    other_pillar = validate("kesiapan", {"pilar": "Struktur"}, path="c.csv")
    results = mark_duplicates([first, second, other_pillar])
    rejection = only_rejection(results[1])
    assert rejection.rule == "duplicate" and rejection.column == "Indikator"
    assert rejection.message.startswith('Indikator "koneksi  internet kantor" dari OPD "Dinas Kesehatan"')
    assert results[0].rejections == [] and results[2].rejections == []


def test_duplicate_idea_of_one_opd():
    results = mark_duplicates([validate("ide", {}, path="a.csv"), validate("ide", {"dimensi": "living"}, path="b.csv")])
    rejection = only_rejection(results[1])
    assert rejection.rule == "duplicate" and rejection.message.startswith('Ide "Telemedisin"')
    assert get_rules("swot").duplicate_key == ()


def test_suites_use_the_vocabulary_codes_and_messages_exist():
    from bimtek.core.paths import SCHEMAS_DIR

    def value_set(dataset: str, rule: str) -> list[str]:
        suite = json.loads((SCHEMAS_DIR / "gx" / f"{dataset}.json").read_text(encoding="utf-8"))
        return next(e["kwargs"]["value_set"] for e in suite["expectations"] if e["meta"]["rule"] == rule)

    assert value_set("kesiapan", "pillar") == PILLARS.codes
    assert value_set("swot", "swot_component") == SWOT_COMPONENTS.codes
    assert value_set("swot", "swot_type") == SWOT_TYPES.codes
    assert {"pillar", "swot_component", "swot_type"} <= set(known_rules())
