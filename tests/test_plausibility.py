"""Plausibility against the region's scale (issue 23 item 4), on tiny hand-made sheets."""

from __future__ import annotations

import datetime as dt

from bimtek.books.feedback.versions import settle_submissions
from bimtek.core.questions import HELD_RULE, Answer
from bimtek.core.region import parse_region
from bimtek.validation import validate_sheet
from bimtek.validation.plausibility import hold_implausible
from tests.builders import make_sheet

APBD = 1_650_000_000_000
SHARE = 0.05  # Rp 82,5 miliar for one amount
NOW = dt.datetime(2026, 12, 7, tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def region(pagu: float | None = None, apbd: float | None = APBD):
    return parse_region(
        {
            "slug": "contoh",
            "name": "Kabupaten Contoh",
            "province": "Sumatera Barat",
            "period": {"start": 2020, "end": 2026},
            "apbd": apbd,
            "opd": [
                {"name": "Dinas Kesehatan", "aliases": ["Dinkes"], "pagu": pagu},
                {"name": "Dinas Komunikasi dan Informatika", "aliases": ["Diskominfo"]},
            ],
        }
    )


def result(*amounts: str, opd: str = "Dinas Kesehatan", reg=None):
    rows = [{"opd": opd, "nama_program": f"Program {i}", "anggaran": a} for i, a in enumerate(amounts)]
    return validate_sheet(make_sheet(*rows), reg or region(), "program")


def answer(question, option: str) -> dict[str, Answer]:
    return {question.id: Answer(question.id, option, "OPD via tautan Dinas Kesehatan", NOW)}


def test_an_amount_above_the_share_of_the_apbd_is_held_with_both_readings():
    checked = hold_implausible([result("1250000000", "125000000000000")], region(), SHARE)
    (question,) = checked.questions
    kept = checked.results[0]
    assert kept.valid["anggaran"].tolist() == [1_250_000_000.0]
    assert [(r.row, r.rule, r.value) for r in kept.rejections] == [(3, HELD_RULE, question.id)]
    assert question.rows == (3,) and question.kind == "plausibility" and question.opd == "Dinas Kesehatan"
    assert "Rp 125 triliun atau Rp 125 miliar?" in question.text
    assert [o.label for o in question.options][:3] == [
        "Rp 125 triliun (sesuai tertulis)",
        "Rp 125 miliar",
        "Rp 125 juta",
    ]
    assert kept.file_report.rows_rejected == 1


def test_a_thousandfold_server_offers_the_division_that_makes_it_plausible():
    (question,) = hold_implausible([result("2500000000000")], region(), SHARE).questions
    assert "Rp 2,5 triliun atau Rp 2,5 miliar?" in question.text


def test_the_answer_applies_in_the_next_check_and_the_id_is_stable():
    first = hold_implausible([result("125000000000000")], region(), SHARE).questions[0]
    again = hold_implausible([result("125000000000000")], region(), SHARE).questions[0]
    assert again.id == first.id
    divided = hold_implausible([result("125000000000000")], region(), SHARE, answer(first, "b")).results[0]
    assert divided.valid["anggaran"].tolist() == [125_000_000_000.0] and divided.rejections == []
    assert any("Rp 125 miliar" in note for note in divided.notes)
    written = hold_implausible([result("125000000000000")], region(), SHARE, answer(first, "a")).results[0]
    assert written.valid["anggaran"].tolist() == [125e12]
    fixing = hold_implausible([result("125000000000000")], region(), SHARE, answer(first, "c")).results[0]
    assert fixing.valid.empty and fixing.rejections[0].rule == HELD_RULE


def test_an_opd_total_above_its_pagu_holds_its_rows_and_offers_thousands():
    reg = region(pagu=20_000_000_000)
    sheet = result("15000000000", "14000000000", reg=reg)  # Rp 29 miliar > pagu Rp 20 miliar; each amount plausible
    checked = hold_implausible([sheet], reg, SHARE)
    (question,) = checked.questions
    assert question.rows == (2, 3) and checked.results[0].valid.empty
    assert "melebihi pagu indikatifnya Rp 20 miliar" in question.text
    assert [o.key for o in question.options] == ["a", "b", "c"] and question.options[1].label == "Rp 29 juta"
    kept = hold_implausible([sheet], reg, SHARE, answer(question, "a")).results[0]
    assert kept.valid["anggaran"].sum() == 29_000_000_000


def test_within_scale_and_without_an_apbd_nothing_is_asked():
    assert hold_implausible([result("80000000000")], region(), SHARE).questions == []
    assert hold_implausible([result("125000000000000")], region(apbd=None), SHARE).questions == []


def test_the_stage_run_and_the_portal_settle_with_the_same_questions():
    sheet = result("1250000000", "125000000000000")
    settled = settle_submissions([sheet], region())
    assert len(settled.questions) == 1 and settled.results[0].valid["anggaran"].tolist() == [1_250_000_000.0]
    answered = settle_submissions([sheet], region(), answers=answer(settled.questions[0], "b"))
    assert answered.questions[0].id == settled.questions[0].id
    assert sorted(answered.results[0].valid["anggaran"].tolist()) == [1_250_000_000.0, 125_000_000_000.0]
