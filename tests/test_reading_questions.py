"""Issue 23: the reader sees what a person sees, asks when unsure, and shows the reading back.

Tiny hand-made workbooks: each names the figure a clerk meant and checks what is published, held or left out,
the question asked (both readings), the answer applied in the next reading, the receipt, version dates and the
`bimtek jawab` command."""

from __future__ import annotations

import io
import json

import openpyxl
from openpyxl.styles import Font
from typer.testing import CliRunner

from bimtek.books.feedback.versions import settle_submissions
from bimtek.core.questions import HELD_RULE, Answer
from bimtek.core.settings import get_settings
from bimtek.ingest.reader import read_table
from bimtek.ingest.reader.versions import file_date, order_certain, version_order
from bimtek.store.answers import load_answers
from bimtek.store.storage import LocalLocation
from bimtek.validation import build_report, combined_valid, validate_sheets
from tests.builders import validation_region

REGION = validation_region()
HEADER = ["No", "OPD", "Dimensi", "Nama Program", "Anggaran (Rp)", "Sumber Dana", "Tahun Mulai", "Tahun Selesai"]
OPD = "Dinas Kesehatan"


def row(number, name, amount, *more):
    return [number, OPD, "Smart Living", name, amount, "APBD", 2022, 2024, *more]


def xlsx(rows, prepare=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Usulan"
    for values in rows:
        sheet.append(values)
    if prepare:
        prepare(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def published(data: bytes, answers=None, name="usulan.xlsx"):
    sheets = read_table(name, data, answers=answers)
    results = validate_sheets(sheets, REGION)
    valid = combined_valid(results)
    figures = dict(zip(valid["nama_program"], valid["anggaran"]))
    return figures, build_report(REGION.slug, results, answers).to_dict()


def test_a_note_with_an_amount_is_no_unit_and_the_header_rupiah_stands():
    data = xlsx(
        [
            HEADER,
            row(1, "CCTV simpang", 1_250_000_000),
            ["Catatan: biaya pemeliharaan ± Rp 50 ribu per titik per bulan"],
        ]
    )
    figures, report = published(data)
    assert figures == {"CCTV simpang": 1_250_000_000.0}
    assert "questions" not in report


def test_a_unit_only_in_a_note_is_a_question_with_both_readings_and_the_answer_applies():
    data = xlsx([HEADER, row(1, "CCTV simpang", 1_250_000), ["Catatan: angka dalam ribuan rupiah"]])
    figures, report = published(data)
    assert figures == {}
    (question,) = report["questions"]
    assert question["kind"] == "unit" and question["status"] == "terbuka"
    assert [o["label"] for o in question["options"]] == ["Rp 1,25 juta", "Rp 1,25 miliar"]
    (held,) = [r for r in report["rejections"] if r["rule"] == HELD_RULE]
    assert held["row"] == 2 and held["value"] == question["id"]
    answer = Answer(question["id"], "b", "Rina (koordinator)", "2026-12-07T10:00:00Z")
    figures, report = published(data, {question["id"]: answer})
    assert figures == {"CCTV simpang": 1_250_000_000.0}
    assert report["questions"][0]["status"] == "dijawab" and report["rows_rejected"] == 0


def test_hidden_struck_and_cancelled_rows_and_a_hidden_old_column_are_left_out_and_named():
    def prepare(sheet):
        sheet.row_dimensions[4].hidden = True
        for cell in sheet[5]:
            cell.font = Font(strike=True)
        sheet.column_dimensions["E"].hidden = True

    header = [*HEADER[:4], "Anggaran", "Anggaran", *HEADER[5:], "Keterangan"]
    rows = [
        header,
        [1, OPD, "Smart Living", "A", 90_000_000, 100_000_000, "APBD", 2022, 2024],
        [2, OPD, "Smart Living", "B", 10_000_000, 20_000_000, "APBD", 2022, 2024, "dibatalkan"],
        [3, OPD, "Smart Living", "C (tersembunyi)", 1, 30_000_000, "APBD", 2022, 2024],
        [4, OPD, "Smart Living", "D (dicoret)", 1, 40_000_000, "APBD", 2022, 2024],
        [5, OPD, "Smart Living", "E", 1, 50_000_000, "APBD", 2022, 2024, "tidak jadi dihapus"],
    ]
    figures, report = published(xlsx(rows, prepare))
    assert figures == {"A": 100_000_000.0}
    (receipt,) = report["receipts"]
    (table,) = receipt["tabel"]
    reasons = {item["alasan"]: item["baris"] for item in table["tidak_dihitung"]}
    assert reasons == {"hidden": [4], "struck": [5], "cancelled": [3, 6]}
    assert [c["alasan"] for c in table["kolom_tidak_dibaca"]] == ["hidden"]
    assert receipt["per_opd"] == {OPD: {"program": 1, "anggaran": 100_000_000.0}}
    assert table["baris_judul"] == 1


def test_semula_menjadi_publishes_menjadi():
    def prepare(sheet):
        sheet.merge_cells("E1:F1")

    rows = [
        [*HEADER[:5], None, *HEADER[5:]],
        [None, None, None, None, "Semula", "Menjadi"],
        [1, OPD, "Smart Living", "A", 100_000_000, 150_000_000, "APBD", 2022, 2024],
    ]
    figures, report = published(xlsx(rows, prepare))
    assert figures == {"A": 150_000_000.0}
    assert "Semula" in " ".join(report["notes"])


def test_a_merged_program_name_over_activity_rows_is_one_program_and_a_blank_one_is_asked():
    def prepare(sheet):
        sheet.merge_cells("D2:D4")

    rows = [
        HEADER,
        row(1, "A", 100_000_000),
        [None, None, None, None, 50_000_000],
        [None, None, None, None, 25_000_000],
        row(2, "B", 10_000_000),
        [None, None, None, None, 7_000_000],
    ]
    figures, report = published(xlsx(rows, prepare))
    assert figures == {"A": 175_000_000.0}
    (question,) = report["questions"]
    assert question["kind"] == "activity_rows" and question["rows"] == [5, 6]
    assert [o["label"] for o in question["options"]] == ["satu program: Rp 17 juta", "hanya baris 5: Rp 10 juta"]


def test_a_copied_down_jumlah_total_is_never_a_program_and_a_named_one_is_asked():
    rows = [HEADER, row(1, "A", 10_000_000), row(2, "B", 20_000_000), row("Jumlah Total", "B", 30_000_000)]
    figures, _ = published(xlsx(rows))
    assert figures == {"A": 10_000_000.0, "B": 20_000_000.0}
    rows[-1] = row("Jumlah Total", "Program D", 999_000_000)
    figures, report = published(xlsx(rows))
    assert figures == {"A": 10_000_000.0, "B": 20_000_000.0}
    assert report["questions"][0]["kind"] == "totals_row"


def test_two_visible_budget_columns_that_differ_are_a_question():
    header = [*HEADER[:4], "Anggaran", "Anggaran", *HEADER[5:]]
    rows = [header, [1, OPD, "Smart Living", "A", 100_000_000, 150_000_000, "APBD", 2022, 2024]]
    data = xlsx(rows)  # once: a question's id is tied to the file's bytes (a new save has new bytes)
    figures, report = published(data)
    assert figures == {}
    (question,) = report["questions"]
    assert [o["label"] for o in question["options"]] == [
        'kolom E "Anggaran": Rp 100 juta',
        'kolom F "Anggaran": Rp 150 juta',
    ]
    figures, _ = published(data, {question["id"]: Answer(question["id"], "b", "x", "t")})
    assert figures == {"A": 150_000_000.0}


def test_dates_in_file_names_order_versions_ahead_of_numbers():
    november, december = "usulan_perbaikan_12-11-2026.xlsx", "usulan_perbaikan_03-12-2026.xlsx"
    assert sorted([december, november], key=version_order) == [november, december]
    assert file_date("usulan 12 Nov 2026.xlsx").date == file_date("usulan_12112026.xlsx").date
    assert file_date("usulan 2026-11-12.xlsx").date.isoformat() == "2026-11-12"
    assert order_certain(november, december)
    assert not order_certain(november, december, ["usulan_11-13-2026.xlsx"])


def _result(path: str, names: list[str]):
    data = xlsx([HEADER, *(row(i + 1, name, 10_000_000 * (i + 1)) for i, name in enumerate(names))])
    return validate_sheets(read_table(path, data), REGION)[0]


def test_an_uncertain_version_order_holds_both_files_until_answered():
    # 11-13-2026 can only be month-first (13 November), so 03-12-2026 may be 3 December or 12 March
    older, newer = "dinas-kesehatan/usulan_11-13-2026.xlsx", "dinas-kesehatan/usulan_03-12-2026.xlsx"
    results = [_result(older, ["B"]), _result(newer, ["A"])]
    settled = settle_submissions(results, REGION)
    assert all(r.valid.empty for r in settled.results)
    (question,) = {q.id: q for r in settled.results for q in r.questions}.values()
    assert question.kind == "version" and [o.label for o in question.options] == [older, newer]
    answered = settle_submissions(results, REGION, answers={question.id: Answer(question.id, "b", "x", "t")})
    assert [list(r.valid["nama_program"]) for r in answered.results] == [["A"]]
    assert answered.superseded[0].path == older
    held = [r for res in settled.results for r in res.rejections]
    assert {r.rule for r in held} == {HELD_RULE} and {r.value for r in held} == {question.id}


def test_bimtek_jawab_records_the_answer_and_logs_it(tmp_path, monkeypatch):
    from cli.main import app
    from portal.accounts import AccountStore

    data = xlsx([HEADER, row(1, "CCTV", 1_250_000), ["Catatan: angka dalam ribuan rupiah"]])
    _, report = published(data)
    qid = report["questions"][0]["id"]
    store = LocalLocation(tmp_path / "store")
    key = f"{REGION.slug}/tahap-3/20261207T010000Z/validation/report.json"
    store.write_bytes(key, json.dumps(report).encode(), content_type="application/json")
    monkeypatch.setattr("bimtek.store.answers.published_run_ids", lambda *_: ["20261207T010000Z"])
    monkeypatch.setenv("BIMTEK_PORTAL_DATA", str(tmp_path / "portal"))
    get_settings.cache_clear()
    try:
        args = ["jawab", "--region", REGION.slug, "--question", qid, "--store", str(tmp_path / "store")]
        wrong = CliRunner().invoke(app, [*args, "--pilihan", "z", "--oleh", "Rina"])
        done = CliRunner().invoke(app, [*args, "--pilihan", "b", "--oleh", "Rina"])
        audit = AccountStore(tmp_path / "portal" / "portal.sqlite3").audit()
    finally:
        get_settings.cache_clear()
    assert wrong.exit_code == 2 and "Pilihan 'z' tidak ada" in wrong.output
    assert done.exit_code == 0, done.output
    assert "Rp 1,25 miliar" in done.output
    assert load_answers(store, REGION.slug)[qid].option == "b"
    assert any(entry.action == "jawab pertanyaan" and qid in entry.detail for entry in audit)


def test_the_opd_letter_lists_open_questions_with_both_readings_and_the_receipt():
    from bimtek.books.feedback import feedback_by_opd
    from bimtek.core.model import ValidationReport

    data = xlsx([HEADER, row(1, "CCTV simpang", 1_250_000), ["Catatan: angka dalam ribuan rupiah"]])
    results = validate_sheets(read_table("dinkes.xlsx", data), REGION)
    report: ValidationReport = build_report(REGION.slug, results)
    (doc,) = feedback_by_opd(report, results, REGION, 3).values()
    text = doc.html
    assert "Perlu konfirmasi" in text and "Rp 1,25 juta" in text and "Rp 1,25 miliar" in text
    assert report.questions[0]["id"] in text
    assert "Tanda terima pembacaan" in text and "baris 3 tidak dihitung: catatan, bukan baris data" in text


def test_the_run_outcome_lists_held_rows_and_open_questions():
    from flows.outcomes import held_message

    data = xlsx([HEADER, row(1, "CCTV", 1_250_000), ["Catatan: angka dalam ribuan rupiah"]])
    _, report = published(data)
    message = held_message(report)
    qid = report["questions"][0]["id"]
    assert message.startswith("1 baris ditahan (perlu konfirmasi) sampai 1 pertanyaan pembacaan dijawab")
    assert qid in message and "a) Rp 1,25 juta atau b) Rp 1,25 miliar" in message
    assert held_message({"questions": [], "rejections": []}) is None
