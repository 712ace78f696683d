"""The stage-wide row budget (BIMTEK_MAX_STAGE_ROWS, issue 19 item 4): files are read one at a time, each against
what the budget still admits; a file past it is refused while it is read, before its tables are built, and named
in the report; the files admitted keep the figures they have without a budget."""

from __future__ import annotations

import shutil

import pytest

import bimtek.ingest.reader as reader
import bimtek.ingest.reader.limits as reader_limits
import bimtek.ingest.reader.table as reader_table
from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.settings import Settings, get_settings

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INBOX = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3"
HEADER = "OPD,Nama Program,Dimensi,Anggaran,Tahun Mulai,Tahun Selesai\n"


def _csv(rows: int) -> bytes:
    lines = [f"Dinas Kesehatan,Program {i},Smart Governance,{1_000_000 + i},2026,2027\n" for i in range(rows)]
    return (HEADER + "".join(lines)).encode()


@pytest.fixture
def built(monkeypatch) -> list[str]:
    """Paths of the Sheets the reader built with rows (a frame was made for them)."""
    paths: list[str] = []
    sheet = reader_table.Sheet

    def recording(*args, **kwargs):
        made = sheet(*args, **kwargs)
        if len(made.frame):
            paths.append(made.path)
        return made

    monkeypatch.setattr(reader_table, "Sheet", recording)
    return paths


def test_a_file_past_what_is_left_is_refused_before_its_frame_is_built(built, monkeypatch):
    rows_seen: list[int] = []
    add = reader_limits.RowCount.add

    def counting(self):
        rows_seen.append(self.rows + 1)
        add(self)

    monkeypatch.setattr(reader_limits.RowCount, "add", counting)
    sheets = reader.read_table("besar.csv", _csv(50), ["program"], Settings(max_stage_rows=100), rows_left=20)
    assert len(sheets) == 1 and sheets[0].status == "unreadable" and sheets[0].frame.empty
    assert sheets[0].message.startswith("Batas baris satu tahap terlampaui")
    assert "sisa batas tahap ini (20 dari 100 baris, BIMTEK_MAX_STAGE_ROWS)" in sheets[0].message
    assert built == []  # no frame of the file was ever made ...
    assert max(rows_seen) == 21  # ... and reading stopped at the first row past what was left


def test_a_file_within_what_is_left_reads_as_without_a_budget(built):
    data = _csv(20)
    budgeted = reader.read_table("pas.csv", data, ["program"], Settings(max_stage_rows=100), rows_left=20)
    free = reader.read_table("pas.csv", data, ["program"], Settings(max_stage_rows=100))
    assert budgeted[0].status == "ok" and len(budgeted[0].frame) == 20
    assert budgeted[0].frame.equals(free[0].frame)


def test_nothing_left_refuses_a_file_with_rows_but_not_an_empty_one():
    limits = Settings(max_stage_rows=10)
    assert reader.read_table("a.csv", _csv(1), ["program"], limits, rows_left=0)[0].status == "unreadable"
    assert reader.read_table("b.csv", HEADER.encode(), ["program"], limits, rows_left=0)[0].status == "empty"


def test_row_bound_counts_worksheets_of_a_workbook():
    limits = Settings(max_rows_per_sheet=1_000)
    assert reader.row_bound("a.csv", _csv(3), limits) == 1_000
    workbook = (INBOX / "usulan-program-bappeda.xlsx").read_bytes()
    assert reader.row_bound("a.xlsx", workbook, limits) % 1_000 == 0 and reader.row_bound("a.xlsx", workbook, limits)
    assert reader.row_bound("a.xlsx", b"not a zip", limits) == 1_000


@pytest.fixture
def budget(monkeypatch):
    def set_budget(rows: int | None) -> None:
        if rows is None:
            monkeypatch.delenv("BIMTEK_MAX_STAGE_ROWS", raising=False)
        else:
            monkeypatch.setenv("BIMTEK_MAX_STAGE_ROWS", str(rows))
        get_settings.cache_clear()

    yield set_budget
    monkeypatch.undo()
    get_settings.cache_clear()


def test_intake_refuses_the_file_past_the_budget_names_it_and_keeps_the_others_figures(
    prefect_harness, budget, built, tmp_path, monkeypatch
):
    """One file, one fate: 1-bappeda (6 rows) is admitted, 2-dpmn (5 rows) would pass a budget of 8 and is refused
    before its frame exists, 3-organisasi (1 row) still fits and is admitted; the admitted files' results are the
    ones an unbudgeted intake gives."""
    from prefect import flow

    from bimtek.core.columns import datasets_for_stage
    from bimtek.core.region import load_region
    from flows.intake import run_intake

    monkeypatch.setenv("BIMTEK_CACHE", "off")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = {
        "1-bappeda.xlsx": "usulan-program-bappeda.xlsx",
        "2-dpmn.csv": "usulan-program-dpmn.csv",
        "3-organisasi.csv": "usulan-program-bagian-organisasi.csv",
    }
    for name, source in names.items():
        shutil.copy(INBOX / source, inbox / name)

    @flow(name="uji-batas-tahap")
    def intake_flow(keep_raw: bool = True):
        return run_intake(str(inbox), load_region(REGION), 3, datasets_for_stage(3), keep_raw=keep_raw)

    budget(None)
    free = intake_flow()
    built.clear()
    budget(8)
    bounded = intake_flow()

    assert sorted(set(built)) == ["1-bappeda.xlsx", "3-organisasi.csv"]
    refused = [r for r in bounded.results if r.path == "2-dpmn.csv"]
    assert len(refused) == 1 and refused[0].file_report.status == "unreadable"
    assert refused[0].file_report.message.startswith("Batas baris satu tahap terlampaui")
    assert "(2 dari 8 baris" in refused[0].file_report.message
    assert [e["path"] for e in bounded.inputs] == list(names)  # every file still in the manifest
    for path in ("1-bappeda.xlsx", "3-organisasi.csv"):
        before = [r for r in free.results if r.path == path]
        after = [r for r in bounded.results if r.path == path]
        assert [r.file_report for r in after] == [r.file_report for r in before]
        for old, new in zip(before, after, strict=True):
            assert new.valid.equals(old.valid) and new.rejected.equals(old.rejected)

    lean = intake_flow(keep_raw=False)  # Tahap III: the rows as written are dropped once the cross-file rules ran
    assert all(r.raw.empty for r in lean.results) and any(not r.raw.empty for r in bounded.results)
    assert [r.file_report for r in lean.results] == [r.file_report for r in bounded.results]
    for old, new in zip(bounded.results, lean.results, strict=True):
        assert new.valid.equals(old.valid) and new.rejected.equals(old.rejected)


def test_cached_results_round_trip_through_the_streaming_serializer():
    """Frames pickle their arrays as protocol-5 buffers: an array over pickle's 64 KB frame reaches the file as a
    pickle.PickleBuffer (20 000 floats: 160 KB), which the zlib stream takes too."""
    import numpy as np
    import pandas as pd

    from bimtek.core.model import Sheet
    from tasks.cache import StreamingPickle

    rows = 20_000
    frame = pd.DataFrame({"opd": [f"Dinas {i % 7}" for i in range(rows)], "nilai": np.arange(rows, dtype="float64")})
    frame["nama"] = pd.array([f"Program {i}" for i in range(rows)], dtype="str")
    sheets = [Sheet(path="a.csv", sheet="", frame=frame, dataset="program")]
    back = StreamingPickle().loads(StreamingPickle().dumps(sheets))
    assert back[0].frame.equals(frame) and back[0].path == "a.csv"
