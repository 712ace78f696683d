"""One inbox of generated hostile OPD files (tests/hostile_corpus.py) through Tahap III end to end.

What it proves (docs/reliability.md, "Inputs"): the run publishes whatever the inbox holds; every listed file
gets its own status with an Indonesian message (never an exception's English text); links are not followed out
of the inbox; limits refuse what is too big; no row is lost (rows_total = rows_valid + rows_rejected = the rows
written into readable files); personal-data columns never reach validation/quarantine.csv; huge budgets do
not overflow the aggregates.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re

import openpyxl
import pandas as pd
import pytest

from bimtek.core.paths import SAMPLE_DIR
from flows.outcomes import flow_result
from tests.hostile_corpus import build_corpus

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
ENGLISH_EXCEPTION = re.compile(r"Error|Exception|Traceback|errno|No such file|line \d+ column|codec", re.IGNORECASE)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
NAME_MAX_BYTES = 100
PERSONAL_HEADERS = ("No HP", "Email", "NIP", "NIK", "Alamat", "Telepon/WA", "E-mail PIC", "NIP Pejabat")
PERSONAL_VALUES = (
    "0812-0000-1111",
    "sri@contoh.go.id",
    "198002022005012002",
    "3171000011112222",
    "Jl. Mawar 2",
    "ani@contoh.go.id",
    "+62 811 222 333",
)


@pytest.fixture(scope="module")
def hostile_run(prefect_harness, tmp_path_factory):
    """Build the corpus in one inbox and run Tahap III on it once."""
    from flows.tahap_3 import tahap_3

    root = tmp_path_factory.mktemp("hostile")
    cases = build_corpus(root / "inbox", root / "outside")
    store = root / "store"
    state = tahap_3(
        region=str(REGION), inputs=str(root / "inbox"), store=str(store), run_id="hostile", return_state=True
    )
    result = flow_result(state)  # "Perlu perbaikan" ends Failed but published
    run = store / "padang-pariaman" / "tahap-3" / "hostile"
    report = json.loads((run / "validation" / "report.json").read_text(encoding="utf-8"))
    return cases, result, run, report


def _table(report: dict) -> dict[tuple[str, str], dict]:
    return {(f["path"], f["sheet"]): f for f in report["files"]}


def test_corpus_is_large_and_the_run_publishes(hostile_run):
    cases, result, run, _ = hostile_run
    files = {path for path, _ in cases}
    assert len(files) >= 60
    assert result["run_id"] == "hostile"
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run_id"] == "hostile"
    assert (run / "roadmap" / "roadmap.csv").is_file()


def test_every_file_meets_its_fate(hostile_run):
    cases, _, _, report = hostile_run
    table = _table(report)
    wrong = []
    for (path, sheet), expected in cases.items():
        if expected.status == "absent":
            if any(p == path for p, _ in table):
                wrong.append((path, "listed but should be skipped"))
            continue
        got = table.get((path, sheet))
        if got is None:
            wrong.append((path, sheet, "missing from report"))
            continue
        if got["status"] != expected.status:
            wrong.append((path, sheet, got["status"], expected.status, got["message"]))
        if (
            expected.message
            and expected.message not in got["message"]
            and not any(expected.message in r["message"] for r in report["rejections"] if r["path"] == path)
        ):
            wrong.append((path, sheet, "message", got["message"]))
        if expected.rule and expected.rule not in {r["rule"] for r in report["rejections"] if r["path"] == path}:
            wrong.append((path, sheet, "rule", expected.rule))
    assert wrong == []


def test_nothing_unlisted_and_nothing_lost(hostile_run):
    cases, _, _, report = hostile_run
    expected_tables = {key for key, e in cases.items() if e.status != "absent"}
    assert set(_table(report)) == expected_tables
    assert report["rows_total"] == report["rows_valid"] + report["rows_rejected"]
    written = sum(e.rows for e in cases.values() if e.status in ("ok", "partial", "rejected"))
    assert report["rows_total"] == written
    for entry in report["files"]:
        assert entry["rows"] == entry["rows_valid"] + entry["rows_rejected"]


def test_hidden_sheet_is_skipped_and_named(hostile_run):
    _, _, _, report = hostile_run
    assert ("book-hidden-sheet.xlsx", "Rahasia") not in _table(report)
    assert any('lembar "Rahasia" dilewati' in note and "disembunyikan" in note for note in report["notes"])


def test_messages_are_indonesian_never_exception_text(hostile_run):
    _, _, _, report = hostile_run
    for entry in report["files"]:
        if entry["status"] in ("unreadable", "empty"):
            assert entry["message"], entry
            assert not ENGLISH_EXCEPTION.search(entry["message"]), entry["message"]


def test_links_out_of_the_inbox_are_not_read_or_hashed(hostile_run):
    _, _, run, report = hostile_run
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["inputs"]}
    for name in (
        "link-outside.csv",
        "link-passwd.csv",
        "link-folder-outside",
        "pipe.csv",
        "csv-26mb.csv",
        ".hidden.csv",
        ".rahasia.csv",
        "~$lock.xlsx",
        ".~lock.Program.xlsx#",
        ".git",
    ):
        assert entries[name]["sha256"] is None
    quarantine = (run / "validation" / "quarantine.csv").read_text(encoding="utf-8-sig")
    assert "Program secret" not in quarantine and "Program inner" not in quarantine
    assert "Program rahasia" not in quarantine and "Program hidden" not in quarantine
    assert "root:" not in quarantine
    assert not [r for r in report["rejections"] if "secret" in (r["value"] or "") or "root:" in (r["value"] or "")]


def test_quarantine_drops_personal_data_columns(hostile_run):
    _, _, run, _ = hostile_run
    text = (run / "validation" / "quarantine.csv").read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert not set(PERSONAL_HEADERS) & set(header)
    assert not [value for value in PERSONAL_VALUES if value in text]
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["berkas"] == "personal-data.csv"]
    assert [r["baris"] for r in rows] == ["3"]


def test_huge_budgets_do_not_overflow_the_aggregates(hostile_run):
    """The Rp 10^15 rows are held as questions (over 5% of the APBD, then over their OPDs' pagu): every amount
    confirmed as written, a rerun counts them."""
    from bimtek.core.questions import Question
    from bimtek.store.answers import record_answer
    from bimtek.store.storage import open_location
    from flows.tahap_3 import tahap_3

    _, _, run, report = hostile_run
    store = run.parents[2]
    assert {q["file"] for q in report["questions"] if "triliun" in q["text"]} == {"budget-at-ceiling.csv"}
    for attempt in range(3):
        asked = [q for q in report["questions"] if q["status"] == "terbuka"]
        if not asked:
            break
        for question in asked:
            record_answer(open_location(store), "padang-pariaman", Question.from_dict(question), "a", "uji")
        state = tahap_3(
            region=str(REGION),
            inputs=str(store.parent / "inbox"),
            store=str(store),
            run_id=f"hostile-dijawab-{attempt}",
            return_state=True,
        )
        flow_result(state)
        run = store / "padang-pariaman" / "tahap-3" / f"hostile-dijawab-{attempt}"
        report = json.loads((run / "validation" / "report.json").read_text(encoding="utf-8"))
    roadmap = pd.read_csv(run / "roadmap" / "roadmap.csv")
    by_year = pd.read_csv(next((run / "aggregates").glob("budget_by_year*.csv")))
    assert (by_year["jumlah"] >= 0).all()
    assert by_year["jumlah"].sum() == pytest.approx(roadmap["anggaran"].sum(), rel=1e-9)
    assert roadmap["anggaran"].sum() >= 2 * 10**15


def _opens_a_formula(text: str) -> bool:
    """A cell text a spreadsheet would evaluate: a formula prefix that is neither a plain number nor a lone dash."""
    return len(text) > 1 and text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(text)


def test_no_csv_cell_of_the_run_opens_a_formula(hostile_run):
    _, _, run, _ = hostile_run
    tables = sorted(run.rglob("*.csv"))
    assert len(tables) >= 5  # roadmap, aggregates, quarantine ...
    live = []
    for path in tables:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            live += [(path.name, cell) for cell in row if _opens_a_formula(cell)]
    assert live == []


def test_no_xlsx_cell_of_the_run_is_a_formula(hostile_run):
    _, _, run, _ = hostile_run
    books = sorted(run.rglob("*.xlsx"))
    assert {"roadmap.xlsx"} <= {p.name for p in books}
    assert any("feedback" in p.parts or "umpan-balik" in p.name for p in books)
    live, escaped = [], 0
    for path in books:
        workbook = openpyxl.load_workbook(path)
        for sheet in workbook.worksheets:
            assert not _opens_a_formula(sheet.title), (path.name, sheet.title)
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (isinstance(cell.value, str) and _opens_a_formula(cell.value)):
                        live.append((path.name, sheet.title, cell.coordinate, cell.value))
                    escaped += isinstance(cell.value, str) and cell.value.startswith("'=")
    assert live == []
    assert escaped >= 2  # the corpus's =HYPERLINK and =cmd cells arrive as apostrophe-prefixed text


def test_output_names_are_short_ascii(hostile_run):
    _, _, run, _ = hostile_run
    bad = [
        p.relative_to(run)
        for p in run.rglob("*")
        if len(p.name.encode("utf-8")) > NAME_MAX_BYTES or not p.name.isascii()
    ]
    assert bad == []


def test_every_input_file_is_mentioned_in_the_report(hostile_run):
    cases, _, _, report = hostile_run
    reported = {entry["path"] for entry in report["files"]}
    sent = {path for (path, _), expected in cases.items() if expected.status != "absent"}
    assert sent - reported == set()


def test_no_exception_text_in_any_message_or_letter(hostile_run):
    _, _, run, report = hostile_run
    messages = [entry["message"] for entry in report["files"]] + [r["message"] for r in report["rejections"]]
    assert [m for m in messages if m and ENGLISH_EXCEPTION.search(m)] == []
    letters = sorted(run.rglob("*.html"))
    assert letters
    for letter in letters:
        text = html.unescape(re.sub(r"<[^>]+>", " ", letter.read_text(encoding="utf-8")))
        assert not ENGLISH_EXCEPTION.search(text), (letter.name, ENGLISH_EXCEPTION.search(text))
