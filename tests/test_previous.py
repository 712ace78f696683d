"""Reading earlier stages (tasks/previous.py): one latest.json per stage, files checked against the run manifest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bimtek.stages.previous import MissingStageError, PreviousOutput
from bimtek.store.package import IntegrityError, publish_run
from bimtek.store.storage import LocalLocation
from tasks.previous import read_previous_files

SLUG = "kab-contoh"
CREATED = datetime(2026, 12, 1, tzinfo=UTC)


def publish(store, stage: int, run_id: str, outputs: dict[str, bytes]) -> None:
    publish_run(LocalLocation(store), SLUG, stage, run_id, outputs, [], CREATED, "v")


def test_every_file_comes_from_the_run_latest_names(tmp_path):
    publish(tmp_path, 1, "lama", {"a.csv": b"a1\n", "b.csv": b"b1\n"})
    publish(tmp_path, 1, "baru", {"a.csv": b"a2\n"})
    needs = (PreviousOutput(1, "a.csv", False), PreviousOutput(1, "b.csv", False))
    files, runs = read_previous_files(str(tmp_path), SLUG, needs, needed_by=2)
    assert files == {(1, "a.csv"): b"a2\n", (1, "b.csv"): None}  # never b.csv of the older run
    assert runs == {1: "baru"}


def test_missing_required_stage_stops_before_anything_else(tmp_path):
    publish(tmp_path, 1, "satu", {"a.csv": b"a\n"})
    needs = (PreviousOutput(1, "a.csv", False), PreviousOutput(3, "roadmap/roadmap.csv", True))
    with pytest.raises(MissingStageError, match="Tahap IV membutuhkan hasil Tahap III"):
        read_previous_files(str(tmp_path), SLUG, needs, needed_by=4)


def test_absent_optional_stage_is_none(tmp_path):
    files, runs = read_previous_files(str(tmp_path), SLUG, (PreviousOutput(2, "x.csv", False),), needed_by=3)
    assert files == {(2, "x.csv"): None} and runs == {}


def test_a_changed_file_is_refused(tmp_path):
    publish(tmp_path, 3, "tiga", {"roadmap/roadmap.csv": b"opd\nA\n"})
    (tmp_path / SLUG / "tahap-3" / "tiga" / "roadmap" / "roadmap.csv").write_bytes(b"opd\nB\n")
    with pytest.raises(IntegrityError):
        read_previous_files(str(tmp_path), SLUG, (PreviousOutput(3, "roadmap/roadmap.csv", True),), needed_by=4)
