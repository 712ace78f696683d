"""Monev scoring (bimtek.analysis.monev) on tiny hand-made frames: every figure below is worked out by hand from
the rubric in schemas/monev_rubric.json and the module docstring."""

from decimal import Decimal

import pandas as pd
import pytest

from bimtek.analysis import monev as m
from bimtek.core.monev import Semester, SemesterError, default_weights, load_rubric, monev_stage_path

PLAN = pd.DataFrame(
    [
        {
            "opd": "Dinas Kesehatan",
            "dimensi": "living",
            "nama_program": "Telemedisin",
            "indikator": "Konsultasi",
            "baseline": "10",
            "target": "20",
            "anggaran": 100.0,
            "tahun_mulai": 2027,
            "tahun_selesai": 2027,
        },
        {
            "opd": "Dinas Kominfo",
            "dimensi": "governance",
            "nama_program": "Satu Data",
            "indikator": "Dataset",
            "baseline": None,
            "target": "50 dataset",
            "anggaran": 200.0,
            "tahun_mulai": 2027,
            "tahun_selesai": 2028,
        },
        {
            "opd": "Dinas Kominfo",
            "dimensi": "governance",
            "nama_program": "Nanti",
            "indikator": None,
            "baseline": None,
            "target": None,
            "anggaran": 70.0,
            "tahun_mulai": 2029,
            "tahun_selesai": 2029,
        },
    ]
)
REAL = pd.DataFrame(
    [
        {
            "opd": "Dinas Kesehatan",
            "nama_program": "telemedisin",
            "tahun": 2027,
            "baseline": None,
            "anggaran_realisasi": 80.0,
            "capaian_indikator": "20",
            "capaian_persen": 100.0,
            "status": "selesai",
            "alasan": None,
            "bukti": "a.pdf",
        },
        {
            "opd": "Dinas Kominfo",
            "nama_program": "Satu Data",
            "tahun": 2027,
            "baseline": None,
            "anggaran_realisasi": 50.0,
            "capaian_indikator": None,
            "capaian_persen": 40.0,
            "status": "berjalan",
            "alasan": None,
            "bukti": None,
        },
    ]
)
WILAYAH = pd.DataFrame(
    [
        {"butir": "regulasi", "uraian": "Perbup 3/2027", "status": "ada", "nama_program": None, "bukti": "perbup.pdf"},
        {"butir": "sk_dewan", "uraian": None, "status": "proses", "nama_program": None, "bukti": None},
        {"butir": "sk_tim", "uraian": None, "status": "ada", "nama_program": None, "bukti": None},
        {"butir": "data_dasar", "uraian": None, "status": "belum", "nama_program": None, "bukti": None},
        {
            "butir": "manfaat_warga",
            "uraian": "Antrean 2 jam -> 20 menit",
            "status": "ada",
            "nama_program": None,
            "bukti": "foto.jpg",
        },
        {"butir": "manfaat_warga", "uraian": "Survei kepuasan", "status": "ada", "nama_program": None, "bukti": None},
        {"butir": "quick_win", "uraian": None, "status": "selesai", "nama_program": "TELEMEDISIN", "bukti": "qw.pdf"},
    ]
)
QUICK_WINS = pd.DataFrame([{"opd": "Dinas Kesehatan", "nama_program": "Telemedisin"}])


def _score(semester: str):
    progress = m.plan_vs_realisation(m.plan_for_year(m.plan_from_roadmap(PLAN), 2027), REAL)
    return m.score_monev(progress, WILAYAH, QUICK_WINS, default_weights(), Semester.parse(semester), load_rubric())


def test_plan_for_year_splits_evenly_unless_yearly_budget_is_stated():
    year = m.plan_for_year(m.plan_from_roadmap(PLAN), 2027)
    assert year["nama_program"].tolist() == ["Telemedisin", "Satu Data"]
    assert year["anggaran_rencana"].tolist() == [100.0, 100.0]
    # a one-year program's total is that year's figure as the OPD stated it; a two-year total is spread
    assert year["dasar_anggaran"].tolist() == ["dinyatakan OPD", "dibagi rata"]
    assert year["target_rencana"].fillna("-").tolist() == ["20", "-"]  # Satu Data's target belongs to 2028
    stated = m.plan_for_year(m.plan_from_roadmap(PLAN.assign(anggaran_2027=[100.0, 150.0, None])), 2027)
    assert stated["anggaran_rencana"].tolist() == [100.0, 150.0]
    assert stated["dasar_anggaran"].tolist() == ["dinyatakan OPD", "dinyatakan OPD"]


def test_plan_for_year_takes_the_year_figure_the_opd_stated_and_splits_like_the_books():
    """anggaran_tahunan (the roadmap column) wins; a total only is split in whole Rupiah as budget_by_year does."""
    plan = PLAN.assign(
        anggaran=[200.0, 1_000_000.0, 70.0],
        tahun_mulai=[2027, 2027, 2029],
        tahun_selesai=[2028, 2029, 2029],
        anggaran_tahunan=["2027=30;2028=170", None, None],
    )
    year = m.plan_for_year(m.plan_from_roadmap(plan), 2027)
    assert year["anggaran_rencana"].tolist() == [30.0, 333_334.0]
    assert year["dasar_anggaran"].tolist() == ["dinyatakan OPD", "dibagi rata"]
    later = m.plan_for_year(m.plan_from_roadmap(plan), 2028)
    assert later["anggaran_rencana"].tolist() == [170.0, 333_333.0]


def test_second_semester_scores_every_area_and_the_index():
    score = _score("2027-S2")
    areas = dict(zip(score.areas["area"], score.areas["skor"]))
    assert areas == {"baseline": 1.25, "output": 3.17, "outcome": 3.63, "impact": 2.75, "quick_win": 5.0}
    # (1.25*10 + 3.17*20 + 3.63*30 + 2.75*30 + 5*10) / 100 = 3.173
    assert score.indeks == Decimal("3.17")
    by_code = dict(zip(score.indicators["kode"], score.indicators["skor"]))
    assert by_code["serapan_anggaran"] == 3.25  # 130 of 200 planned, S2 expects all of it
    assert by_code["penandaan_anggaran"] == 0.0  # not reported
    assert (
        "Realisasi Rp 130 dari rencana tahun 2027 Rp 200 (65,0%)"
        in score.indicators.set_index("kode").loc["serapan_anggaran", "penjelasan"]
    )


def test_first_semester_expects_half_the_year():
    by_code = dict(zip(_score("2027-S1").indicators["kode"], _score("2027-S1").indicators["skor"]))
    assert by_code["serapan_anggaran"] == 5.0  # 130 of the 100 expected by June: capped
    assert by_code["capaian_indikator"] == 4.5  # min(1, 100/50) and 40/50 -> mean 0.9


def test_evidence_is_counted_per_indicator_and_stated():
    score = _score("2027-S2")
    # the baseline indicator rests on the plan (N-L14): it counts none of the 2 reported rows
    assert (score.evidence["berbukti"], score.evidence["jumlah"]) == (7, 15)
    assert "8 merupakan penilaian mandiri" in score.evidence["pernyataan"]
    basis = dict(zip(score.indicators["kode"], score.indicators["dasar"]))
    assert basis["baseline_program"] == m.PLAN_BASIS
    assert basis["regulasi"] == m.EVIDENCE and basis["sk_tim"] == m.SELF and basis["manfaat_warga"] == m.PARTLY


def test_per_opd_marks_who_is_behind_and_unreported_programs_count_zero():
    score = _score("2027-S2")
    per_opd = score.per_opd.set_index("opd")
    assert per_opd.loc["Dinas Kesehatan", "skor_pelaksanaan"] == 5.0
    assert per_opd.loc["Dinas Kominfo", "skor_pelaksanaan"] == 2.5
    assert per_opd["tertinggal"].to_dict() == {"Dinas Kesehatan": False, "Dinas Kominfo": False}
    progress = m.plan_vs_realisation(m.plan_for_year(m.plan_from_roadmap(PLAN), 2027), REAL.iloc[:1])
    lone = m.score_monev(progress, WILAYAH, QUICK_WINS, default_weights(), Semester(2027, 2), load_rubric())
    assert lone.progress.set_index("nama_program").loc["Satu Data", "status"] == m.NOT_REPORTED
    assert bool(lone.per_opd.set_index("opd").loc["Dinas Kominfo", "tertinggal"]) is True
    assert any("Dinas Kominfo" in step for step in m.next_steps(lone))


def test_region_weights_change_the_index():
    score = _score("2027-S2")
    weights = {"baseline": 0, "output": 0, "outcome": 0, "impact": 0, "quick_win": 100}
    progress = score.progress
    other = m.score_monev(progress, WILAYAH, QUICK_WINS, weights, Semester(2027, 2), load_rubric())
    assert other.indeks == Decimal("5.00")


def test_trend_orders_semesters_and_ignores_later_ones():
    score = _score("2027-S2")
    history = pd.DataFrame([{"semester": "2028-S1", "indeks": 4.0}, {"semester": "2027-S1", "indeks": 2.1}])
    frame = m.trend(history, score)
    assert frame["semester"].tolist() == ["2027-S1", "2027-S2"]
    assert frame["indeks"].tolist() == [2.1, 3.17]


def test_semester_text():
    assert str(Semester.parse(" 2027-s2 ")) == "2027-S2" and Semester(2027, 1).label == "Semester I 2027"
    assert monev_stage_path("2028-S1") == "monev/2028-S1"
    with pytest.raises(SemesterError, match="2027-S1"):
        Semester.parse("2027-S3")


def test_calendar_semester_deadlines_give_reminders_and_nightly_runs():
    import datetime as dt

    from bimtek.analysis.schedules import monev_semester, schedules_for_region
    from bimtek.core.paths import SAMPLE_DIR
    from bimtek.core.region import load_region

    assert (monev_semester(dt.date(2027, 7, 15)), monev_semester(dt.date(2028, 1, 15))) == ("2027-S1", "2027-S2")
    region = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
    specs = [s for s in schedules_for_region(region, dt.date(2027, 1, 1)) if s.stage == 5]
    runs = [s for s in specs if s.deployment == "monev"]
    assert [s.parameters["semester"] for s in runs] == ["2027-S1", "2027-S2"]
    assert [s.runs for s in runs] == [7, 7] and runs[0].start == dt.datetime(2027, 7, 15, 22, 0)
    reminders = [s for s in specs if s.kind == "validasi"]
    assert len(reminders) == 2 and reminders[0].runs == 14


def test_unreported_programs_are_no_self_assessment():
    progress = m.plan_vs_realisation(m.plan_for_year(m.plan_from_roadmap(PLAN), 2027), REAL.iloc[:0])
    empty = WILAYAH.iloc[:0]
    score = m.score_monev(progress, empty, QUICK_WINS, default_weights(), Semester(2027, 2), load_rubric())
    assert score.indeks == Decimal("0.13")  # only the plan's own baseline counts: 2,50 x 1/2 x 10% = 0,125
    assert (score.evidence["berbukti"], score.evidence["jumlah"]) == (0, 0)
    assert set(score.indicators["dasar"]) == {m.NO_DATA, m.PLAN_BASIS}
    assert score.quick_wins["status"].tolist() == [m.NOT_REPORTED]
