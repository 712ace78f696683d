"""The Tim Pelaksana's plan sheets (kelembagaan, pendanaan, risiko, monev), the quick-win action plans of Tahap IV
and the program matrix, on tiny hand-made frames: rules and Indonesian messages, the chapter figures, the fallback
to Tahap II's draft, and the targets that need a baseline."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from bimtek.analysis.action_plans import SOURCE_DRAFT, SOURCE_REVISED, final_action_plans
from bimtek.analysis.program_matrix import needs_baseline, program_matrix
from bimtek.books.masterplan_chapters import financing, monitoring, risk_level, risks
from bimtek.books.narrative import Narrative
from bimtek.core.model import Sheet
from bimtek.core.paths import SCHEMAS_DIR
from bimtek.core.region import parse_region
from bimtek.core.taxonomy import load_taxonomy
from bimtek.core.vocabularies import FUNDING_SCHEMES, MONEV_AREAS, NARRATIVE_PARTS, QUARTERS, RISK_LEVELS
from bimtek.validation import validate_sheet, warm_up
from bimtek.validation.stage_4_rules import reject_unknown_action_plans

REGION = parse_region(
    {
        "slug": "contoh",
        "name": "Kabupaten Contoh",
        "province": "Sumatera Barat",
        "period": {"start": 2027, "end": 2031},
        "opd": [{"name": "Dinas Komunikasi dan Informatika", "aliases": ["Diskominfo"]}, "Bappeda"],
    }
)


@pytest.fixture(scope="module", autouse=True)
def _gx_warm() -> None:
    warm_up()


def sheet(dataset: str, rows: list[dict]) -> Sheet:
    frame = pd.DataFrame(rows, dtype=object).assign(_row=range(2, len(rows) + 2))
    return Sheet(path=f"{dataset}.xlsx", sheet=dataset, frame=frame, dataset=dataset)


def rules_of(result) -> list[tuple[int, str]]:
    return sorted((r.row, r.rule) for r in result.rejections)


# ----------------------------------------------------------------------------------------------- rules


def test_risk_register_rules_and_messages():
    result = validate_sheet(
        sheet(
            "risiko",
            [
                {
                    "risiko": "A",
                    "kemungkinan": "tinggi",
                    "dampak": "Sedang",
                    "mitigasi": "m",
                    "penanggung_jawab": "Diskominfo",
                },
                {
                    "risiko": "B",
                    "kemungkinan": "lumayan",
                    "dampak": "Rendah",
                    "mitigasi": "m",
                    "penanggung_jawab": "Bappeda",
                },
                {
                    "risiko": "C",
                    "kemungkinan": "Rendah",
                    "dampak": "Rendah",
                    "mitigasi": None,
                    "penanggung_jawab": "Dinas X",
                },
            ],
        ),
        REGION,
        "risiko",
    )
    assert result.valid["kemungkinan"].tolist() == ["tinggi"]
    assert result.valid["penanggung_jawab"].tolist() == ["Dinas Komunikasi dan Informatika"]
    assert rules_of(result) == [(3, "risk_level"), (4, "opd_unknown"), (4, "required")]
    message = next(r.message for r in result.rejections if r.rule == "risk_level")
    assert '"lumayan"' in message and "Rendah, Sedang atau Tinggi" in message


def test_monev_and_funding_rules():
    monev = validate_sheet(
        sheet(
            "monev",
            [
                {"area": "Quick Win", "indikator": "i", "siklus": "Triwulanan", "penanggung_jawab": "Bappeda"},
                {"area": "Proses", "indikator": "i", "siklus": "Tahunan", "penanggung_jawab": "Bappeda"},
            ],
        ),
        REGION,
        "monev",
    )
    assert monev.valid["area"].tolist() == ["quick_win"] and rules_of(monev) == [(3, "monev_area")]
    assert "lima area pedoman evaluasi" in monev.rejections[0].message
    funding = validate_sheet(
        sheet(
            "pendanaan",
            [
                {"tahun": "2028", "skema": "kpbu", "nilai": "1.500.000.000"},
                {"tahun": "2040", "skema": "APBD", "nilai": "10"},
                {"tahun": "2029", "skema": "Pinjaman", "nilai": "10"},
            ],
        ),
        REGION,
        "pendanaan",
    )
    assert funding.valid[["skema", "nilai"]].values.tolist() == [["KPBU", 1.5e9]]
    assert rules_of(funding) == [(3, "year_range"), (4, "funding_scheme")]


def test_action_plan_rows_for_other_programs_are_rejected_after_the_final_choice():
    result = validate_sheet(
        sheet(
            "rencana_aksi_quick_win",
            [
                {"opd": "Diskominfo", "nama_program": "Portal  layanan", "triwulan": "TW 2", "langkah": "uji coba"},
                {"opd": "Diskominfo", "nama_program": "Program Lain", "triwulan": "Triwulan I", "langkah": "x"},
                {"opd": "Bappeda", "nama_program": "Portal Layanan", "triwulan": "Q5", "langkah": "y"},
            ],
        ),
        REGION,
        "rencana_aksi_quick_win",
    )
    assert rules_of(result) == [(4, "quarter")] and result.valid["triwulan"].tolist() == ["II", "I"]
    finals = [("Dinas Komunikasi dan Informatika", "Portal Layanan")]
    (after,) = reject_unknown_action_plans([result], finals, REGION)
    assert after.valid["nama_program"].tolist() == ["Portal  layanan"]
    unknown = next(r for r in after.rejections if r.rule == "action_plan_unknown")
    assert unknown.row == 3 and "bukan quick win final" in unknown.message and "Portal Layanan" in unknown.message


def test_suites_accept_exactly_the_vocabularies():
    def value_set(name: str, rule: str) -> list:
        suite = json.loads((SCHEMAS_DIR / "gx" / f"{name}.json").read_text(encoding="utf-8"))
        return next(e["kwargs"]["value_set"] for e in suite["expectations"] if e["meta"]["rule"] == rule)

    assert value_set("narasi", "narrative_part") == NARRATIVE_PARTS.codes
    assert value_set("risiko", "risk_level") == RISK_LEVELS.codes
    assert value_set("monev", "monev_area") == MONEV_AREAS.codes
    assert value_set("pendanaan", "funding_scheme") == FUNDING_SCHEMES.codes
    assert value_set("rencana_aksi_quick_win", "quarter") == QUARTERS.codes
    assert list(load_taxonomy().funding_sources) == FUNDING_SCHEMES.codes  # one funding vocabulary


# ----------------------------------------------------------------------------------------------- chapters


def test_financing_per_year_with_apbd_share_and_program_need():
    narrative = Narrative(
        plans={
            "pendanaan": [
                {"tahun": "2027", "skema": "APBD", "nilai": "300", "keterangan": None},
                {"tahun": "2027", "skema": "CSR", "nilai": "100", "keterangan": "bank"},
                {"tahun": "2028", "skema": "KPBU", "nilai": "50", "keterangan": None},
            ]
        }
    )
    need = [
        {"tahun": 2027, "amounts": {"APBD": 350.0}, "jumlah": 350.0},
        {"tahun": 2028, "amounts": {"APBD": 10.0}, "jumlah": 10.0},
        {"tahun": 2029, "amounts": {"APBD": 5.0}, "jumlah": 5.0},
    ]
    plan = financing(narrative, need)
    assert plan["schemes"] == ["APBD", "CSR", "KPBU"]  # FUNDING_SCHEMES order, only those used
    assert [(r["tahun"], r["jumlah"], r["apbd_share"], r["kebutuhan"], r["dirinci"]) for r in plan["rows"]] == [
        (2027, 400.0, 0.75, 350.0, True),
        (2028, 50.0, 0.0, 10.0, True),
        (2029, 5.0, 1.0, 5.0, False),  # a year the team did not detail follows the programs' sources
    ]
    assert plan["jumlah"] == sum(b["plan_total"] for b in plan["by_source"]) == 455.0
    assert [r["keterangan"] for r in plan["notes"]] == ["bank"]
    # CSR and KPBU planned for no program: gaps for the Tim Pelaksana, never silently accepted
    assert [g["what"].split(" (")[0] for g in plan["open"]] == [
        "Program yang dibiayai CSR",
        "Program yang dibiayai KPBU",
    ]
    assert financing(Narrative(), need)["open"] == []  # nothing written: the plan follows the programs


def test_risk_levels_order_the_register():
    assert [risk_level(a, b) for a, b in (("rendah", "rendah"), ("sedang", "sedang"), ("tinggi", "sedang"))] == [
        "Rendah",
        "Sedang",
        "Tinggi",
    ]
    rows = [
        {"risiko": "kecil", "kemungkinan": "rendah", "dampak": "sedang", "mitigasi": "m", "penanggung_jawab": "X"},
        {"risiko": "besar", "kemungkinan": "tinggi", "dampak": "tinggi", "mitigasi": "m", "penanggung_jawab": "X"},
    ]
    register = risks(Narrative(plans={"risiko": rows}))
    assert [(r["risiko"], r["tingkat"]) for r in register["rows"]] == [("besar", "Tinggi"), ("kecil", "Rendah")]


def test_monitoring_groups_by_the_five_areas_and_names_the_empty_ones():
    rows = [
        {
            "area": "impact",
            "indikator": "IKM",
            "target": None,
            "siklus": "Tahunan",
            "pelaporan": None,
            "penanggung_jawab": "X",
        }
    ]
    plan = monitoring(Narrative(plans={"monev": rows}))
    assert [a["label"] for a in plan["areas"]] == ["Baseline", "Output", "Outcome", "Impact", "Quick Win"]
    assert plan["missing_areas"] == ["Baseline", "Output", "Outcome", "Quick Win"]


# ----------------------------------------------------------------------------------------------- action plans


FINALS = pd.DataFrame({"urutan": [1, 2], "opd": ["Dinas A", "Dinas B"], "nama_program": ["Program A", "Program B"]})


def test_revised_steps_win_over_the_tahap_2_draft_and_are_ordered_by_quarter():
    revised = pd.DataFrame(
        {
            "opd": ["Dinas A", "Dinas A"],
            "nama_program": ["program a", "Program A"],
            "triwulan": ["III", "I"],
            "langkah": ["luncurkan", "siapkan"],
            "penanggung_jawab": [None, "Bidang 1"],
            "keluaran": [None, None],
            "anggaran": [5.0, None],
            "mata_anggaran": [None, None],
        }
    )
    draft = pd.DataFrame(
        {
            "opd": ["Dinas A", "Dinas B", "Dinas B"],
            "nama_program": ["Program A", "Program B", "Program B"],
            "triwulan": ["Triwulan I", "Triwulan I", "Triwulan II"],
            "langkah": ["draf a", "draf b1", "draf b2"],
            "tonggak": ["t", "tb1", "tb2"],
        }
    )
    steps = final_action_plans(FINALS, revised, draft)
    assert steps[["nama_program", "triwulan", "langkah", "sumber"]].values.tolist() == [
        ["Program A", "Triwulan I", "siapkan", SOURCE_REVISED],
        ["Program A", "Triwulan III", "luncurkan", SOURCE_REVISED],
        ["Program B", "Triwulan I", "draf b1", SOURCE_DRAFT],
        ["Program B", "Triwulan II", "draf b2", SOURCE_DRAFT],
    ]
    assert steps["keluaran"].tolist()[2:] == ["tb1", "tb2"] and steps["penanggung_jawab"].tolist()[2] == "Dinas B"
    assert final_action_plans(FINALS, None, None).empty  # nothing given: the books show a box


# ----------------------------------------------------------------------------------------------- program matrix


def test_relative_targets_without_a_baseline_are_flagged():
    assert needs_baseline("naik 20% dari kondisi 2026 pada 2030", None)
    assert not needs_baseline("naik 20% dari kondisi 2026 pada 2030", "120 unit (2026)")
    assert not needs_baseline("90% pada 2030", None) and not needs_baseline(None, None)


def test_matrix_splits_a_total_evenly_and_labels_it():
    roadmap = pd.DataFrame(
        {
            "opd": ["A", "B"],
            "dimensi": ["governance", "living"],
            "dimensi_label": ["Smart Governance", "Smart Living"],
            "nama_program": ["P1", "P2"],
            "indikator": ["i", "j"],
            "target": ["naik 10% dari kondisi 2026", "50%"],
            "baseline": [None, "20%"],
            "opd_pendukung": [None, "C"],
            "anggaran": [1_000_000.0, 500.0],
            "sumber_dana": ["APBD", "DAK"],
            "tahun_mulai": [2027, 2028],
            "tahun_selesai": [2029, 2028],
        }
    )
    first, second = program_matrix(roadmap)
    assert [y["anggaran"] for y in first["per_tahun"]] == [333_334.0, 333_333.0, 333_333.0]
    assert first["dibagi_rata"] and first["target_tanpa_baseline"]
    assert second["per_tahun"] == [{"tahun": 2028, "anggaran": 500.0}] and not second["dibagi_rata"]
    assert second["opd_pendukung"] == "C" and not second["target_tanpa_baseline"]
