"""The synthetic sample region: region file, generator determinism, file mix, and the deliberate mistakes.

The mistakes are checked against sample/README.md as written (file, row, header, value), by reading the cells
with openpyxl / csv, so the table a demo presenter reads is the truth about the committed files.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import io
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from bimtek.core.region import load_region
from bimtek.core.text import fold_key

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"
REGION_DIR = SAMPLE / "padang-pariaman"
INPUTS = REGION_DIR / "inputs"
README = SAMPLE / "README.md"


def _load_generator():
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen():
    return _load_generator()


@pytest.fixture(scope="module")
def runs(gen, tmp_path_factory):
    """Two independent generator runs into temporary folders."""
    first = gen.main(["--out", str(tmp_path_factory.mktemp("run-a"))])
    second = gen.main(["--out", str(tmp_path_factory.mktemp("run-b"))])
    return first, second


ALL_DATASETS = [
    "program",
    "ide",
    "kesiapan",
    "swot",
    "komitmen",
    "review",
    "quick_win_final",
    "narasi",
    "strategi_dimensi",
    "kelembagaan",
    "pendanaan",
    "risiko",
    "monev",
    "profil_daerah",
    "rencana_aksi_quick_win",
]


@pytest.fixture(scope="module")
def ingested():
    """Every committed input file read once by bimtek.ingest.reader with all contracts as candidates."""
    import bimtek.ingest.reader as ingest

    return {name: ingest.read_table(name, (INPUTS / name).read_bytes(), ALL_DATASETS) for name in _files(INPUTS)}


# ---------------------------------------------------------------------------------------------------------------
# Helpers: read files the way a person would see them
# ---------------------------------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    first_line = text.split("\r\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@functools.cache
def _xlsx_values(path: Path) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
    finally:
        workbook.close()


def _table(path: Path, sheet: str) -> list[list]:
    """Rows of one table (1-based row r is element r-1); cells as written ('' and None both mean blank)."""
    if path.suffix == ".csv":
        return _csv_rows(path)
    return [list(r) for r in _xlsx_values(path)[sheet]]


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _same_content(a: Path, b: Path) -> None:
    """Every file byte for byte; workbooks also cell value for cell value (clearer failures)."""
    assert _files(a) == _files(b)
    for name in _files(a):
        if name.endswith(".xlsx") and name != "tahap-3/rusak.xlsx":
            assert _xlsx_values(a / name) == _xlsx_values(b / name), name
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


README_ROW = re.compile(r"^\| (\d) \| `([^`]+)` \| ([^|]*) \| ([^|]*) \| ([^|]*) \| ([^|]*) \| `([a-z_]+)` \| (.*) \|$")


def _readme_mistakes() -> list[dict]:
    """Rows of the README mistake table: stage, file, sheet, row, column, header, value, rule, what."""
    rows = []
    for line in README.read_text(encoding="utf-8").splitlines():
        match = README_ROW.match(line)
        if not match:
            continue
        stage, file, sheet, row, column, value, rule, what = (g.strip() for g in match.groups())
        header_match = re.match(r"^(\w+) \((.*)\)$", column)
        name, header = header_match.groups() if header_match else (column, column)
        rows.append(
            {
                "stage": int(stage),
                "file": file,
                "sheet": sheet,
                "row": None if row == "-" else int(row),
                "column": name,
                "header": header,
                "value": value,
                "rule": rule,
                "what": what,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Region file
# ---------------------------------------------------------------------------------------------------------------


def test_region_file_loads():
    region = load_region(REGION_DIR / "region.yaml")
    assert region.slug == "padang-pariaman"
    assert region.synthetic is True
    assert (region.period.start, region.period.end) == (2027, 2036)
    assert region.province == "Sumatera Barat"
    assert region.timezone == "Asia/Jakarta"
    assert set(region.calendar) == {"tahap-1", "tahap-2", "tahap-3", "tahap-4", "rakor", "monev-s1", "monev-s2"}
    dates = [region.calendar[k] for k in ("tahap-1", "tahap-2", "tahap-3", "tahap-4", "rakor")]
    assert dates == sorted(dates)
    assert 30 <= len(region.opd) <= 36
    lookup = region.opd_lookup()
    spellings = [fold_key(n) for o in region.opd for n in (o.name, *o.aliases)]
    assert len(spellings) == len(set(spellings)), "an alias is shared by two OPD (or repeats a name)"
    assert lookup[fold_key("Kominfo")] == "Dinas Komunikasi dan Informatika"
    assert lookup[fold_key("Bapelitbangda")] == lookup[fold_key("Bappeda")]


def test_generator_uses_region_names(gen):
    region = load_region(REGION_DIR / "region.yaml")
    assert {o.name for o in gen.OPDS.values()} <= set(region.opd_names)


# ---------------------------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------------------------


def test_generator_is_deterministic(runs):
    first, second = runs
    _same_content(first.out / "inputs", second.out / "inputs")
    assert [vars(m) for m in first.mistakes] == [vars(m) for m in second.mistakes]


def test_committed_sample_is_up_to_date(runs):
    """The files in the tree are what the generator writes now (rerun sample/generate.py after changing it)."""
    _same_content(runs[0].out / "inputs", INPUTS)


def test_tahap_3_has_about_30_opd_files_in_both_formats():
    files = sorted((INPUTS / "tahap-3").glob("usulan-program-*"))
    xlsx = [f for f in files if f.suffix == ".xlsx"]
    csvs = [f for f in files if f.suffix == ".csv"]
    assert 28 <= len(files) <= 32
    assert len(xlsx) + len(csvs) == len(files)
    assert 0.5 <= len(xlsx) / len(files) <= 0.7
    assert (INPUTS / "tahap-3" / "rusak.xlsx").is_file()


def test_every_stage_has_inputs(runs):
    summary = runs[0]
    assert 10 <= len([f for f in summary.files[1] if "/kesiapan-" in f]) <= 12
    assert 1 <= len([f for f in summary.files[1] if "/swot-" in f]) <= 2
    assert 14 <= len([f for f in summary.files[1] if "/ide-" in f]) <= 16
    assert 23 <= len(summary.files[2]) <= 27
    assert 70 <= summary.rows["tahap-3/program"] <= 100
    assert summary.rows["tahap-4/quick_win_final"] == 3


def test_quick_win_final_names_tahap_3_programs(ingested):
    region = load_region(REGION_DIR / "region.yaml")
    lookup = region.opd_lookup()
    programs = set()
    for name, sheets in ingested.items():
        if name.startswith("tahap-3/"):
            for sheet in sheets:
                if sheet.dataset == "program" and "sumber_dana" in sheet.frame.columns:
                    programs.update(
                        (lookup.get(fold_key(r["opd"])), r["nama_program"]) for r in sheet.frame.to_dict("records")
                    )
    (final,) = ingested["tahap-4/quick-win-final.csv"]
    chosen = [(lookup.get(fold_key(r["opd"])), r["nama_program"]) for r in final.frame.to_dict("records")]
    assert len(chosen) == 3
    assert set(chosen) <= programs


def test_officials_are_clearly_fictitious():
    rows = _xlsx_values(INPUTS / "tahap-4" / "hasil-tahap-4.xlsx")["komitmen"]
    header = next(i for i, r in enumerate(rows) if "Nama Pejabat" in r)
    column = rows[header].index("Nama Pejabat")
    names = [r[column] for r in rows[header + 1 :] if r[column]]
    assert len(names) >= 30
    assert all(re.search(r"\b(Contoh|Sampel|Rekaan|Fiktif)\b", name) for name in names)


# ---------------------------------------------------------------------------------------------------------------
# Deliberate mistakes
# ---------------------------------------------------------------------------------------------------------------


def test_readme_table_matches_generator(runs, gen):
    text = README.read_text(encoding="utf-8")
    block = text[text.index(gen.README_BEGIN) + len(gen.README_BEGIN) : text.index(gen.README_END)].strip()
    assert block == gen.mistake_table(runs[0].mistakes)


def test_readme_lists_every_rule_of_the_demo():
    mistakes = _readme_mistakes()
    tahap_3 = [m for m in mistakes if m["stage"] == 3]
    rules = {m["rule"] for m in tahap_3}
    assert rules >= {
        "required",
        "dimension",
        "element",
        "budget",
        "funding_source",
        "year_range",
        "year_order",
        "score_range",
        "opd_unknown",
        "duplicate",
        "missing_column",
        "unreadable",
        "sipd_code_unknown",
    }
    row_mistakes = [m for m in tahap_3 if m["rule"] not in ("missing_column", "unreadable")]
    assert 8 <= len(row_mistakes) <= 13  # 13: the wrong SIPD code (issue 25)
    assert 4 <= len({m["file"] for m in row_mistakes}) <= 7  # 7: diskominfo (issue 25)
    assert {m["stage"] for m in mistakes} == {1, 3, 4}


@pytest.mark.parametrize("mistake", _readme_mistakes(), ids=lambda m: f"{m['file']}:{m['row']}:{m['rule']}")
def test_mistake_is_where_the_readme_says(mistake):
    path = INPUTS / mistake["file"]
    assert path.is_file(), mistake["file"]
    if mistake["rule"] == "unreadable":
        with pytest.raises(zipfile.BadZipFile):
            openpyxl.load_workbook(path)
        return
    rows = _table(path, mistake["sheet"])
    if mistake["rule"] == "missing_column":
        header = rows[mistake["row"] - 1]
        assert fold_key("Nama Program") in {fold_key(c) for c in header if c}  # it is the header row
        assert not {fold_key(c) for c in header if c} & {fold_key("sumber_dana"), fold_key("Sumber Dana")}
        return
    header_index = next(i for i, r in enumerate(rows[:10]) if mistake["header"] in r)
    column = rows[header_index].index(mistake["header"])
    row = rows[mistake["row"] - 1]
    cell = row[column] if column < len(row) else None
    if mistake["value"] == "(blank)":
        assert _blank(cell)
    else:
        assert str(cell) == mistake["value"]
    if mistake["rule"] == "duplicate":
        earlier = int(re.search(r"repeats row (\d+)", mistake["what"]).group(1))
        assert [str(c) for c in rows[earlier - 1]] == [str(c) for c in row]
        assert earlier < mistake["row"]


def test_reader_finds_mistakes_at_the_same_rows(ingested):
    """bimtek.ingest.reader gives the same row numbers and raw values as the README (title rows and header counted)."""
    for mistake in _readme_mistakes():
        sheets = ingested[mistake["file"]]
        if mistake["rule"] == "unreadable":
            assert [s.status for s in sheets] == ["unreadable"]
            continue
        sheet = next(s for s in sheets if s.sheet == mistake["sheet"])
        if mistake["rule"] == "missing_column":
            assert mistake["column"] not in sheet.frame.columns
            continue
        frame = sheet.frame.set_index("_row")
        cell = frame.loc[mistake["row"], mistake["column"]]
        if mistake["value"] == "(blank)":
            assert cell is None
        else:
            assert cell == mistake["value"]


def test_reader_detects_the_intended_dataset(ingested):
    """Every generated table matches its own contract even when all contracts are candidates."""
    expected_by_prefix = [
        ("usulan-program-", {"program"}),
        ("program-", {"program"}),
        ("kesiapan-", {"kesiapan"}),
        ("swot-", {"swot"}),
        ("ide-", {"ide"}),
        ("hasil-tahap-4", {"komitmen", "review"}),
        ("quick-win-final", {"quick_win_final"}),
        ("narasi-", {"narasi", "strategi_dimensi", "kelembagaan", "pendanaan", "risiko", "monev", "profil_daerah"}),
        ("rencana-aksi-", {"rencana_aksi_quick_win"}),
    ]
    for name, sheets in ingested.items():
        if name.endswith("rusak.xlsx"):
            continue
        expected = next(v for prefix, v in expected_by_prefix if Path(name).name.startswith(prefix))
        assert {s.dataset for s in sheets} == expected, name
        assert all(s.status == "ok" for s in sheets), name


_ALLOWED = {
    ("kesiapan", "pilar"): {"struktur", "infrastruktur", "suprastruktur"},
    ("kesiapan", "nilai"): {"1", "2", "3", "4", "5"},
    ("swot", "komponen"): {"alam", "budaya", "struktur", "infrastruktur", "suprastruktur"},
    ("swot", "jenis"): {
        "kekuatan",
        "kelemahan",
        "peluang",
        "ancaman",
        "strength",
        "weakness",
        "opportunity",
        "threat",
        "s",
        "w",
        "o",
        "t",
    },
    ("komitmen", "status"): {"ditandatangani", "belum"},
    ("review", "status"): {"disetujui", "revisi"},
}


def test_tahap_1_and_4_rows_are_valid_except_the_listed_mistakes(ingested):
    """Enumerated values, OPD names and dimensions/elements of Tahap I and IV: only the README rows break them."""
    from bimtek.core.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    opd = load_region(REGION_DIR / "region.yaml").opd_lookup()
    found = set()
    for name, sheets in ingested.items():
        if not name.startswith(("tahap-1/", "tahap-4/")):
            continue
        for sheet in sheets:
            for record in sheet.frame.to_dict("records"):
                for column, value in record.items():
                    allowed = _ALLOWED.get((sheet.dataset, column))
                    if allowed is not None and fold_key(value) not in allowed:
                        found.add((name, sheet.sheet, record["_row"], column))
                    if column == "opd" and value is not None:
                        assert fold_key(value) in opd, (name, value)
                if sheet.dataset == "ide":
                    dimension = taxonomy.match_dimension(record["dimensi"])
                    assert dimension and taxonomy.match_element(dimension, record["elemen"]), (name, record)
    cross_stage = ("action_plan_unknown",)  # needs the final quick wins: checked by the Tahap IV builder tests
    listed = {
        (m["file"], m["sheet"], m["row"], m["column"])
        for m in _readme_mistakes()
        if m["stage"] in (1, 4) and m["rule"] not in cross_stage
    }
    assert found == listed
