"""Publishing runs: manifest, deterministic bundle, write order (latest.json last), reading published files."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bimtek import __version__
from bimtek.store import package
from bimtek.store.package import (
    IntegrityError,
    RunExistsError,
    build_bundle,
    build_manifest,
    code_version,
    file_entry,
    load_published_file,
    new_run_id,
    publish_run,
    read_latest,
    sha256_bytes,
    validate_run_id,
)
from bimtek.store.storage import LocalLocation, StorageError, open_location

REGION = "kab-contoh"
WIB = timezone(timedelta(hours=7))
CREATED = datetime(2026, 11, 27, 17, 23, tzinfo=UTC)
OUTPUTS = {
    "validation/report.json": b'{"rows_total": 3}\n',
    "validation/quarantine.csv": b"path,row\n",
    "aggregates/by_dimension.csv": b"dimensi,programs\ngovernance,2\n",
    "buku/buku-2-masterplan.md": b"# Rencana Induk Kabupaten Contoh\n",
}
INPUTS = [file_entry("dinas-kominfo/program.xlsx", b"xlsx-bytes"), file_entry("bappeda/program.csv", b"csv")]

BACKENDS = ["local", pytest.param("s3", marks=pytest.mark.s3)]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    """An empty store: a temp folder, or a prefix in a fresh moto bucket."""
    if request.param == "local":
        return open_location(str(tmp_path / "outputs"))
    bucket = request.getfixturevalue("s3_bucket")
    return open_location(f"s3://{bucket}/outputs")


def _publish(store, run_id, outputs=OUTPUTS, **kwargs):
    return publish_run(store, REGION, 3, run_id, outputs, INPUTS, CREATED, "0.1.0+gabc1234", **kwargs)


class RecordingLocation(LocalLocation):
    """A local location that logs every write (full path) into a log shared with its children."""

    def __init__(self, root, log=None, fail_on=None):
        super().__init__(root)
        self.log = [] if log is None else log
        self.fail_on = fail_on

    def write_bytes(self, key, data, content_type=None):
        if self.fail_on and key == self.fail_on:
            raise StorageError(f"simulated failure writing {self.describe(key)}")
        self.log.append(self.describe(key))
        super().write_bytes(key, data, content_type)

    def child(self, prefix):
        return RecordingLocation(self._path(prefix), self.log, self.fail_on)


# --- hashes and manifest -------------------------------------------------------------------------------------


def test_file_entry_records_hash_and_size():
    abc_sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # pragma: allowlist secret
    assert sha256_bytes(b"abc") == abc_sha256
    assert file_entry("a/b.csv", b"abc") == {"path": "a/b.csv", "sha256": sha256_bytes(b"abc"), "bytes": 3}


def test_build_manifest_has_the_contract_keys():
    created = datetime(2026, 11, 27, 17, 23, tzinfo=WIB)
    outputs = [file_entry("z.csv", b"z"), file_entry("a.csv", b"a")]
    manifest = build_manifest(REGION, 3, "r1", created, "0.1.0", INPUTS, outputs, {"rows_valid": 2})
    assert list(manifest) == [
        "region", "stage", "run_id", "created_at", "code_version", "inputs", "outputs", "rows_valid",
    ]  # fmt: skip
    assert manifest["created_at"] == "2026-11-27T17:23:00+07:00"
    assert datetime.fromisoformat(manifest["created_at"]).utcoffset() == timedelta(hours=7)
    assert [entry["path"] for entry in manifest["outputs"]] == ["a.csv", "z.csv"]
    assert [entry["path"] for entry in manifest["inputs"]] == ["bappeda/program.csv", "dinas-kominfo/program.xlsx"]


def test_build_manifest_rejects_naive_times_and_clashing_extras():
    with pytest.raises(ValueError, match="timezone"):
        build_manifest(REGION, 3, "r1", datetime(2026, 1, 1), "v", [], [])
    with pytest.raises(ValueError, match="run_id"):
        build_manifest(REGION, 3, "r1", CREATED, "v", [], [], {"run_id": "other"})


# --- bundle ----------------------------------------------------------------------------------------------------


def test_bundle_is_deterministic():
    reordered = dict(reversed(list(OUTPUTS.items())))
    assert build_bundle(OUTPUTS) == build_bundle(OUTPUTS) == build_bundle(reordered)


def test_bundle_entries_are_sorted_with_fixed_metadata():
    with zipfile.ZipFile(io.BytesIO(build_bundle(OUTPUTS))) as archive:
        infos = archive.infolist()
        assert [info.filename for info in infos] == sorted(OUTPUTS)
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr >> 16 == 0o100644
            assert archive.read(info) == OUTPUTS[info.filename]


def test_bundle_rejects_escaping_names():
    with pytest.raises(ValueError):
        build_bundle({"../evil.txt": b"x"})


# --- run ids and code version ---------------------------------------------------------------------------------


def test_new_run_id_is_utc_to_the_second():
    assert new_run_id(datetime(2026, 11, 28, 0, 23, 5, tzinfo=WIB)) == "20261127T172305Z"
    assert re.fullmatch(r"\d{8}T\d{6}Z", new_run_id())
    with pytest.raises(ValueError):
        new_run_id(datetime(2026, 11, 27))


@pytest.mark.parametrize("run_id", ["20261127T172300Z", "rerun-2", "v1.2_final", "A"])
def test_valid_run_ids(run_id):
    assert validate_run_id(run_id) == run_id


@pytest.mark.parametrize("run_id", ["", "-x", ".hidden", "a/b", "..", "a b", "latest.json", "x" * 129, "ü"])
def test_invalid_run_ids(run_id):
    with pytest.raises(ValueError, match="run id"):
        validate_run_id(run_id)


def test_code_version_has_package_version_and_commit():
    package.code_version.cache_clear()
    try:
        version = code_version()
    finally:
        package.code_version.cache_clear()
    assert version.startswith(__version__)
    assert re.fullmatch(re.escape(__version__) + r"(\+g[0-9a-f]{4,40}(\.dirty)?)?", version)


def test_code_version_without_git_is_the_bare_version(monkeypatch):
    def no_git(*args, **kwargs):
        raise FileNotFoundError("git")

    monkeypatch.setattr(package.subprocess, "run", no_git)
    package.code_version.cache_clear()
    try:
        assert code_version() == __version__
    finally:
        package.code_version.cache_clear()


# --- publishing (both backends) --------------------------------------------------------------------------------


def test_publish_writes_the_store_layout(store):
    published = _publish(store, "20261127T172300Z")
    run = store.child(f"{REGION}/tahap-3/20261127T172300Z")
    assert run.list() == sorted([*OUTPUTS, "bundle.zip", "manifest.json"])
    assert store.child(f"{REGION}/tahap-3").list() == [
        f"20261127T172300Z/{key}" for key in sorted([*OUTPUTS, "bundle.zip", "manifest.json"])
    ] + ["latest.json"]
    assert published.describe("bundle.zip") == run.describe("bundle.zip")


def test_manifest_hashes_match_the_stored_bytes(store):
    _publish(store, "r1", extra={"rows_valid": 2})
    run = store.child(f"{REGION}/tahap-3/r1")
    manifest = json.loads(run.read_bytes("manifest.json"))
    assert (manifest["region"], manifest["stage"], manifest["run_id"]) == (REGION, 3, "r1")
    assert manifest["code_version"] == "0.1.0+gabc1234"
    assert manifest["created_at"] == "2026-11-27T17:23:00+00:00"
    assert manifest["inputs"] == sorted(INPUTS, key=lambda entry: entry["path"])
    assert manifest["rows_valid"] == 2
    assert sorted(entry["path"] for entry in manifest["outputs"]) == sorted(OUTPUTS)  # bundle.zip not listed
    for entry in manifest["outputs"]:
        stored = run.read_bytes(entry["path"])
        assert entry["sha256"] == sha256_bytes(stored)
        assert entry["bytes"] == len(stored)


def test_bundle_holds_the_outputs_but_quarantine_and_the_manifest(store):
    published = _publish(store, "r1")
    run = store.child(f"{REGION}/tahap-3/r1")
    bundle = run.read_bytes("bundle.zip")
    assert sha256_bytes(bundle) == published.bundle_sha256
    bundled = {key: data for key, data in OUTPUTS.items() if key != "validation/quarantine.csv"}
    assert len(bundled) == len(OUTPUTS) - 1
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        assert sorted(archive.namelist()) == sorted([*bundled, "manifest.json"])
        assert archive.read("manifest.json") == run.read_bytes("manifest.json")
        for key, data in bundled.items():
            assert archive.read(key) == data


def test_latest_points_at_the_run(store):
    published = _publish(store, "r1")
    latest = read_latest(store, REGION, 3)
    assert latest == published.latest
    assert latest["run_id"] == "r1"
    assert latest["manifest"] == "r1/manifest.json"
    assert latest["bundle_sha256"] == published.bundle_sha256


def test_read_latest_is_none_before_any_publish(store):
    assert read_latest(store, REGION, 3) is None


def test_read_latest_returns_the_newest_of_two_publishes(store):
    _publish(store, "20261127T172300Z")
    changed = {**OUTPUTS, "roadmap/roadmap.csv": b"tahun\n2027\n"}
    _publish(store, "20261128T090000Z", outputs=changed)
    assert read_latest(store, REGION, 3)["run_id"] == "20261128T090000Z"
    assert load_published_file(store, REGION, 3, "roadmap/roadmap.csv") == b"tahun\n2027\n"
    assert (
        load_published_file(store, REGION, 3, "validation/report.json", run_id="20261127T172300Z")
        == (OUTPUTS["validation/report.json"])
    )


def test_overwriting_a_run_id_is_refused(store):
    _publish(store, "r1")
    with pytest.raises(RunExistsError, match="r1") as info:
        _publish(store, "r1", outputs={**OUTPUTS, "validation/report.json": b"{}"})
    assert "--run-id lain" in str(info.value)
    assert load_published_file(store, REGION, 3, "validation/report.json") == OUTPUTS["validation/report.json"]


def test_overwrite_true_replaces_the_run(store):
    _publish(store, "r1")
    _publish(store, "r1", outputs={**OUTPUTS, "validation/report.json": b"{}"}, overwrite=True)
    assert load_published_file(store, REGION, 3, "validation/report.json") == b"{}"


def test_stages_and_regions_are_separate(store):
    _publish(store, "r1")
    assert read_latest(store, REGION, 4) is None
    assert read_latest(store, "kota-lain", 3) is None
    with pytest.raises(StorageError, match="tahap 2"):
        load_published_file(store, REGION, 2, "validation/report.json")


def test_same_outputs_give_the_same_output_hashes_in_two_runs(store):
    first = _publish(store, "r1")
    second = _publish(store, "r2")
    assert first.manifest["outputs"] == second.manifest["outputs"]


# --- write order and crash safety --------------------------------------------------------------------------------


def test_latest_json_is_written_last(tmp_path):
    store = RecordingLocation(tmp_path)
    published = _publish(store, "r1")
    written = [path.removeprefix(str(tmp_path / REGION / "tahap-3") + "/") for path in store.log]
    assert written == [*(f"r1/{key}" for key in sorted(OUTPUTS)), "r1/bundle.zip", "r1/manifest.json", "latest.json"]
    assert published.written == [*sorted(OUTPUTS), "bundle.zip", "manifest.json"]


@pytest.mark.parametrize("failing_key", ["aggregates/by_dimension.csv", "bundle.zip", "manifest.json"])
def test_a_failed_publish_keeps_the_previous_run_as_latest(tmp_path, failing_key):
    _publish(RecordingLocation(tmp_path), "r1")
    with pytest.raises(StorageError, match="simulated"):
        _publish(RecordingLocation(tmp_path, fail_on=failing_key), "r2", outputs={**OUTPUTS, "x.csv": b"new"})
    store = LocalLocation(tmp_path)
    assert read_latest(store, REGION, 3)["run_id"] == "r1"
    assert (
        load_published_file(store, REGION, 3, "aggregates/by_dimension.csv") == OUTPUTS["aggregates/by_dimension.csv"]
    )


# --- validation of inputs and reading -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["manifest.json", "bundle.zip", "a//b.csv", "../x.csv"])
def test_publish_rejects_reserved_or_unsafe_output_keys(tmp_path, key):
    with pytest.raises(ValueError):
        _publish(LocalLocation(tmp_path), "r1", outputs={key: b"x"})
    assert not (tmp_path / REGION).exists()


@pytest.mark.parametrize(("region", "stage", "run_id"), [("../x", 3, "r1"), (REGION, 0, "r1"), (REGION, 3, "a/b")])
def test_publish_rejects_unsafe_path_segments(tmp_path, region, stage, run_id):
    with pytest.raises(ValueError):
        publish_run(LocalLocation(tmp_path), region, stage, run_id, OUTPUTS, INPUTS, CREATED, "v")


def test_load_published_file_detects_tampering(tmp_path):
    store = LocalLocation(tmp_path)
    _publish(store, "r1")
    (tmp_path / REGION / "tahap-3" / "r1" / "roadmap.csv").write_bytes(b"unlisted")
    (tmp_path / REGION / "tahap-3" / "r1" / "validation" / "report.json").write_bytes(b"{}")
    with pytest.raises(IntegrityError, match="report.json"):
        load_published_file(store, REGION, 3, "validation/report.json")
    assert load_published_file(store, REGION, 3, "validation/report.json", verify=False) == b"{}"
    with pytest.raises(StorageError, match="not listed"):
        load_published_file(store, REGION, 3, "roadmap.csv")
    assert load_published_file(store, REGION, 3, "manifest.json").startswith(b"{")


def test_corrupt_latest_json_is_a_clear_error(tmp_path):
    store = LocalLocation(tmp_path)
    store.write_bytes(f"{REGION}/tahap-3/latest.json", b"not json")
    with pytest.raises(StorageError, match="latest.json"):
        read_latest(store, REGION, 3)


def test_domain_modules_do_not_import_prefect():
    code = "import sys, bimtek.store.storage, bimtek.store.package; assert 'prefect' not in sys.modules; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
