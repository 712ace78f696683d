"""Atomic, idempotent publication: races between processes, killed writers and S3 faults never leave a reader
with a partial run, and a rerun completes without manual clean-up (see docs/reliability.md)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bimtek.store.archive import archive_inputs, archive_key
from bimtek.store.package import (
    BUNDLE_NAME,
    MANIFEST_NAME,
    ClaimLostError,
    RunExistsError,
    file_entry,
    is_published,
    load_published_file,
    publish_run,
    read_latest,
    read_manifest,
    run_prefix,
)
from bimtek.store.storage import LocalLocation, S3Location, StorageError, open_location
from tests.publish_worker import OUTPUT_COUNT, REGION, STAGE, outputs_of
from tests.s3_fault_proxy import FaultProxy

PROJECT = Path(__file__).resolve().parents[1]
ROUNDS = 5
CREATED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _publish(store, run_id, writer="uji", token=None, outputs=None, **kwargs):
    return publish_run(
        store, REGION, STAGE, run_id, outputs or outputs_of(writer), [], CREATED, "test", claim_token=token, **kwargs
    )


def reader_view(store) -> tuple[str, str] | None:
    """What a reader sees: (run id, writer) of the latest run after checking every output against its manifest.

    Fails the test when the latest run is partial, mixes two writers or does not match its manifest.
    """
    latest = read_latest(store, REGION, STAGE)
    if latest is None:
        return None
    manifest = read_manifest(store, REGION, STAGE, latest["run_id"])
    writers = set()
    for entry in manifest["outputs"]:
        data = load_published_file(store, REGION, STAGE, entry["path"], run_id=latest["run_id"])
        writers.add(data.decode().splitlines()[0])
    assert len(manifest["outputs"]) == OUTPUT_COUNT
    assert len(writers) == 1, f"files of several writers in one run: {writers}"
    return latest["run_id"], writers.pop()


@pytest.fixture(params=["local", "s3"])
def store_url(request, tmp_path):
    if request.param == "local":
        return str(tmp_path / "store")
    return f"s3://{request.getfixturevalue('s3_bucket')}/store"


def _workers(store_url: str, run_id: str, go: Path, count: int = 2, delay: float = 0.0) -> list[subprocess.Popen]:
    command = [sys.executable, "-m", "tests.publish_worker", store_url, run_id, str(go)]
    if delay:
        command.append(str(delay))
    return [
        subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(count)
    ]


# --- races and kills -------------------------------------------------------------------------------------------


def test_two_processes_publishing_one_run_id_exactly_one_wins(store_url, tmp_path):
    store = open_location(store_url)
    for round_number in range(ROUNDS):
        run_id = f"balapan-{round_number}"
        go = tmp_path / f"go-{round_number}"
        workers = _workers(store_url, run_id, go)
        assert [worker.stdout.readline() for worker in workers] == ["READY\n"] * 2  # both at the start line
        go.touch()
        results = [worker.communicate(timeout=120) for worker in workers]
        verdicts = sorted(out.split()[0] if out else f"ERROR {err[-300:]}" for out, err in results)
        assert verdicts == ["REFUSED", "WON"], verdicts
        winner = next(out.split()[1] for out, _ in results if out.startswith("WON"))
        assert reader_view(store) == (run_id, f"penulis,{winner}")


def test_a_killed_publish_is_never_seen_and_its_run_id_is_reused(store_url, tmp_path):
    store = open_location(store_url)
    _publish(store, "sebelumnya", writer="lama")
    go = tmp_path / "go"
    go.touch()
    (worker,) = _workers(store_url, "terbunuh", go, count=1, delay=0.2)
    seen = []
    for line in worker.stdout:
        if line.startswith("READY"):
            continue
        seen.append(line)
        assert reader_view(store) == ("sebelumnya", "penulis,lama")
        if len(seen) == 5:
            os.kill(worker.pid, signal.SIGKILL)
            break
    worker.wait(timeout=30)
    assert len(seen) == 5 and worker.returncode == -signal.SIGKILL, (seen, worker.stderr.read()[-500:])
    run = store.child(run_prefix(REGION, STAGE, "terbunuh"))
    assert not is_published(run)
    assert reader_view(store) == ("sebelumnya", "penulis,lama")
    fewer = dict(list(outputs_of("baru").items())[: OUTPUT_COUNT - 3])
    fewer.update({f"data/tambahan-{n}.csv": b"penulis,baru\n" for n in range(3)})
    _publish(store, "terbunuh", outputs=fewer)  # a new writer, a fresh token: the dead claim is taken over
    assert reader_view(store) == ("terbunuh", "penulis,baru")
    assert sorted(run.list()) == sorted([*fewer, BUNDLE_NAME, MANIFEST_NAME]), "leftovers of the killed run removed"


def test_a_retry_with_the_same_token_finishes_its_own_folder(tmp_path):
    store = LocalLocation(tmp_path)
    token = uuid.uuid4().hex
    _publish(store, "r1", writer="a", token=token)
    _publish(store, "r1", writer="a", token=token)  # e.g. latest.json failed after the manifest: retry completes
    with pytest.raises(RunExistsError, match="sudah diterbitkan"):
        _publish(store, "r1", writer="b")


def test_a_live_writer_holding_the_claim_refuses_a_second(tmp_path):
    store = LocalLocation(tmp_path)
    run = store.child(run_prefix(REGION, STAGE, "r1"))
    run.create_exclusive(
        ".claim-0.json",
        b'{"token": "lain", "host": "%s", "pid": %d, "claimed_at": "%s"}'
        % (os.uname().nodename.encode(), os.getppid(), datetime.now(UTC).isoformat().encode()),
    )
    with pytest.raises(RunExistsError, match="sedang diterbitkan"):
        _publish(store, "r1")
    assert read_latest(store, REGION, STAGE) is None


def test_a_writer_whose_claim_was_taken_over_publishes_nothing(tmp_path):
    store = LocalLocation(tmp_path)
    run = store.child(run_prefix(REGION, STAGE, "r1"))

    class TakenOver(LocalLocation):
        def write_bytes(self, key, data, content_type=None):
            if key == BUNDLE_NAME:
                run.create_exclusive(".claim-1.json", b'{"token": "baru"}')
            super().write_bytes(key, data, content_type)

        def child(self, prefix):
            return TakenOver(self._path(prefix))

    with pytest.raises(ClaimLostError):
        _publish(TakenOver(tmp_path), "r1")
    assert not is_published(run) and read_latest(store, REGION, STAGE) is None


def test_published_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        _publish(LocalLocation(tmp_path), "r1")
    finally:
        os.umask(old)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert files and {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o644}


# --- S3 faults ---------------------------------------------------------------------------------------------------


@pytest.fixture
def proxy(s3_server):
    proxy = FaultProxy(s3_server)
    yield proxy
    proxy.close()


def _faulty_store(proxy, bucket) -> S3Location:
    import boto3
    from botocore.config import Config

    config = Config(
        signature_version="s3v4", retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=10
    )
    client = boto3.session.Session().client("s3", endpoint_url=proxy.url, config=config)
    return S3Location(bucket, "store", client=client)


class Reader(threading.Thread):
    """Polls the reader's view during a publish; records anything but the old run or the complete new one."""

    def __init__(self, store, allowed):
        super().__init__(daemon=True)
        self.store, self.allowed, self.bad, self.checks = store, allowed, [], 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                view = reader_view(self.store)
            except StorageError as exc:  # e.g. the bucket is gone: no run is visible, none is partial
                view = ("error", type(exc).__name__)
            except AssertionError as exc:
                view = ("partial", str(exc))
            if view is not None and view[0] not in self.allowed:
                self.bad.append(view)
            self.checks += 1
            time.sleep(0.02)


FAULTS = {
    "503-burst": {"kind": "status", "status": 503, "after": 3, "count": 2},
    "500-outage": {"kind": "status", "status": 500, "after": 5, "count": None},
    "slow": {"kind": "delay", "delay": 0.3, "after": 2, "count": 4, "methods": ("PUT", "GET", "HEAD")},
    "server-stopped": {"kind": "drop", "after": 6, "count": None, "methods": ("PUT", "GET", "HEAD", "DELETE", "POST")},
    "bucket-deleted": {"kind": "hook", "after": 4, "count": 1},
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_s3_faults_never_show_a_partial_run_and_a_rerun_completes(name, proxy, s3_bucket, s3_server):
    from tests.fixtures_s3 import _delete_bucket, _s3_client

    admin = _s3_client(s3_server)
    clean = S3Location(s3_bucket, "store")
    _publish(clean, "sebelumnya", writer="lama")
    fault = dict(FAULTS[name])
    if name == "bucket-deleted":
        fault["hook"] = lambda: _delete_bucket(admin, s3_bucket)
    proxy.inject(**fault)
    reader = Reader(clean, allowed={"sebelumnya", "baru", "error"})
    reader.start()
    token = uuid.uuid4().hex
    try:
        _publish(_faulty_store(proxy, s3_bucket), "baru", writer="baru", token=token)
        failed = False
    except StorageError:
        failed = True
    finally:
        proxy.reset()
    if name == "bucket-deleted":
        admin.create_bucket(Bucket=s3_bucket)  # restored, empty
    if failed:
        view = reader_view(clean)
        assert view in (None, ("sebelumnya", "penulis,lama")), view
        _publish(_faulty_store(proxy, s3_bucket), "baru", writer="baru", token=token)  # the task's retry
    reader.stop.set()
    reader.join()
    assert reader.bad == [] and reader.checks > 0
    assert reader_view(clean) == ("baru", "penulis,baru")
    assert proxy.total_injected >= 1
    print(
        f"[figures] {name}: faults injected {proxy.total_injected}, reader checks {reader.checks}, failed first {failed}"
    )
    assert failed == (name in ("500-outage", "server-stopped", "bucket-deleted"))


# --- archive and bundle --------------------------------------------------------------------------------------------


def test_raw_inputs_are_archived_by_sha256_and_referenced(tmp_path):
    inbox = LocalLocation(tmp_path / "inbox")
    inbox.write_bytes("dinas-a.csv", b"opd,program\nDinas A,X\n")
    inbox.write_bytes("sub/dinas-b.xlsx", b"PK\x03\x04 not really")
    inbox.write_bytes("berubah.csv", b"isi baru")
    entries = [
        file_entry("dinas-a.csv", inbox.read_bytes("dinas-a.csv")),
        file_entry("sub/dinas-b.xlsx", inbox.read_bytes("sub/dinas-b.xlsx")),
        file_entry("berubah.csv", b"isi lama"),
        file_entry("hilang.csv", b"x"),
        {"path": "../luar.csv", "sha256": "ab" * 32, "bytes": 1},
        {"path": "tautan.csv", "sha256": None},
    ]
    store = LocalLocation(tmp_path / "store")
    archived = archive_inputs(store, REGION, inbox, entries)
    assert [e["archive"] for e in archived] == [
        archive_key(REGION, entries[0]["sha256"]),
        archive_key(REGION, entries[1]["sha256"]),
        None,
        None,
        None,
        None,
    ]
    assert store.read_bytes(archived[0]["archive"]) == b"opd,program\nDinas A,X\n"
    assert archive_inputs(store, REGION, inbox, entries[:1]) == archived[:1], "same content stored once"
    published = publish_run(store, REGION, STAGE, "r1", {"a.csv": b"x"}, archived, CREATED, "test")
    recorded = {entry["path"]: entry["archive"] for entry in published.manifest["inputs"]}
    assert recorded["dinas-a.csv"] == archived[0]["archive"] and recorded["tautan.csv"] is None


def test_quarantine_csv_stays_out_of_the_bundle(tmp_path):
    import io
    import zipfile

    store = LocalLocation(tmp_path)
    outputs = {"validation/quarantine.csv": b"berkas,No HP\nx.csv,0812\n", "validation/report.json": b"{}"}
    published = publish_run(store, REGION, STAGE, "r1", outputs, [], CREATED, "test")
    bundle = zipfile.ZipFile(io.BytesIO(published.location.read_bytes(BUNDLE_NAME)))
    assert sorted(bundle.namelist()) == ["manifest.json", "validation/report.json"]
    assert load_published_file(store, REGION, STAGE, "validation/quarantine.csv").startswith(b"berkas")
