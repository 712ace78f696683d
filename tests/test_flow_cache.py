"""Incremental reruns: with the cache on, a rerun parses and validates only the files that changed, and the
Tahap III draft is reused when none of its inputs changed."""

from __future__ import annotations

import shutil

import pytest

from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.settings import get_settings

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INBOX = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3"
FILES = [
    "usulan-program-bappeda.xlsx",
    "usulan-program-bkpsdm.csv",
    "usulan-program-bagian-organisasi.csv",
    "usulan-program-dpmn.csv",
]


@pytest.fixture
def cache_on(tmp_path, monkeypatch):
    monkeypatch.setenv("BIMTEK_CACHE", str(tmp_path / "cache"))
    get_settings.cache_clear()
    yield tmp_path / "cache"
    monkeypatch.undo()
    get_settings.cache_clear()


def _task_states(flow_run_id) -> dict[str, list[str]]:
    """Task run name -> state names of one flow run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    states: dict[str, list[str]] = {}
    for run in runs:
        states.setdefault(run.name, []).append(run.state.name if run.state else "")
    return states


def test_rerun_with_one_changed_file_validates_only_that_file(prefect_harness, cache_on, tmp_path, monkeypatch):
    from prefect import flow
    from prefect.runtime import flow_run

    from bimtek.core.columns import datasets_for_stage
    from bimtek.core.region import load_region
    from flows.intake import run_intake

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in FILES:
        shutil.copy(INBOX / name, inbox / name)

    import tasks.intake

    parsed: list[str] = []
    read_table = tasks.intake.read_table

    def counting(key, *args, **kwargs):
        parsed.append(key)
        return read_table(key, *args, **kwargs)

    monkeypatch.setattr(tasks.intake, "read_table", counting)

    @flow(name="uji-cache-intake")
    def intake_flow():
        intake = run_intake(str(inbox), load_region(REGION), 3, datasets_for_stage(3), str(tmp_path / "store"))
        return intake, flow_run.id

    first, _ = intake_flow()
    parsed.sort()
    assert first.validated == sorted(FILES) and first.reused == []
    changed = inbox / "usulan-program-dpmn.csv"
    changed.write_bytes(changed.read_bytes() + b"\n")  # same rows, new bytes: a new sha256
    second, second_id = intake_flow()
    assert second.validated == ["usulan-program-dpmn.csv"]
    assert second.reused == sorted(set(FILES) - {"usulan-program-dpmn.csv"})
    assert [r.file_report for r in second.results] == [r.file_report for r in first.results]
    states = _task_states(second_id)
    ingest = {name: state for name, state in states.items() if name.startswith("ingest-")}
    assert len(ingest) == -(
        -len(FILES) // tasks.intake.INGEST_BATCH
    )  # every file read (hash, archive) in batches of files ...
    assert parsed == [*sorted(FILES), "usulan-program-dpmn.csv"]  # ... and only a changed one parsed again
    assert len(list((cache_on / "validasi").iterdir())) == len(FILES) + 1


def test_tahap_3_rerun_on_unchanged_inputs_reuses_the_draft(prefect_harness, cache_on, tmp_path):
    from flows.outcomes import flow_result
    from flows.tahap_3 import tahap_3

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in FILES[:2]:
        shutil.copy(INBOX / name, inbox / name)
    store = tmp_path / "store"
    for run_id in ("a", "b"):  # 2 of 9 rows rejected: "Perlu perbaikan" ends Failed but publishes
        flow_result(tahap_3(region=str(REGION), inputs=str(inbox), store=str(store), run_id=run_id, return_state=True))
    runs = store / "padang-pariaman" / "tahap-3"
    roadmap_a = (runs / "a" / "roadmap" / "roadmap.xlsx").read_bytes()
    assert (runs / "b" / "roadmap" / "roadmap.xlsx").read_bytes() == roadmap_a
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        latest = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_="tahap-3")),
            sort=FlowRunSort.START_TIME_DESC,
            limit=1,
        )[0]
    states = _task_states(latest.id)
    assert [s for name, s in states.items() if name.startswith("draft-tahap-3")] == [["Cached"]]
    assert states["render-documents-tahap-3"] == ["Cached"]
    assert [s for name, s in states.items() if name.startswith("publish")] != []


@pytest.fixture
def s3_cache_on(s3_bucket, monkeypatch):
    location = f"s3://{s3_bucket}/hasil/.cache"
    monkeypatch.setenv("BIMTEK_CACHE", location)
    get_settings.cache_clear()
    yield location
    monkeypatch.undo()
    get_settings.cache_clear()


def test_s3_cache_rerun_with_one_changed_file_hits_the_cache_for_the_others(
    prefect_harness, s3_server, s3_bucket, s3_cache_on, tmp_path
):
    """The result cache on an S3 store (moto): Prefect's result records go through StoreCache, so a rerun
    validates only the changed file and the other parse tasks end Cached (was: write_path() got '_sync')."""
    from prefect import flow
    from prefect.runtime import flow_run

    from bimtek.core.columns import datasets_for_stage
    from bimtek.core.region import load_region
    from bimtek.store.storage import open_location
    from flows.intake import run_intake

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in FILES[1:]:
        shutil.copy(INBOX / name, inbox / name)
    store = f"s3://{s3_bucket}/hasil"

    @flow(name="uji-cache-s3")
    def intake_flow():
        intake = run_intake(str(inbox), load_region(REGION), 3, datasets_for_stage(3), store)
        return intake, flow_run.id

    first, first_id = intake_flow()
    assert all(state == ["Completed"] for name, state in _task_states(first_id).items() if name.startswith("parse-"))
    changed = inbox / "usulan-program-dpmn.csv"
    changed.write_bytes(changed.read_bytes() + b"\n")
    second, second_id = intake_flow()
    assert second.validated == ["usulan-program-dpmn.csv"]
    assert second.reused == sorted(set(FILES[1:]) - {"usulan-program-dpmn.csv"})
    parsed = {name: state for name, state in _task_states(second_id).items() if name.startswith("parse-")}
    assert parsed.pop("parse-usulan-program-dpmn.csv") == ["Completed"]
    assert len(parsed) == 2 and all(state == ["Cached"] for state in parsed.values())
    assert open_location(s3_cache_on).list(include_hidden=True)  # the records really are in the bucket
