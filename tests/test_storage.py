"""Local folders and S3 prefixes behave the same through `bimtek.store.storage` (S3 = moto server over loopback)."""

from __future__ import annotations

import pickle
import urllib.request
from pathlib import Path

import pytest

from bimtek.store.storage import (
    LocalLocation,
    LocationNotFoundError,
    ObjectNotFoundError,
    S3Location,
    StorageError,
    normalize_key,
    open_location,
)

BACKENDS = ["local", pytest.param("s3", marks=pytest.mark.s3)]


@pytest.fixture(params=BACKENDS)
def location(request, tmp_path):
    """An empty location: a temp folder, or a prefix in a fresh moto bucket."""
    if request.param == "local":
        return open_location(str(tmp_path / "store"))
    bucket = request.getfixturevalue("s3_bucket")
    return open_location(f"s3://{bucket}/store")


def _write_tree(location) -> None:
    location.write_bytes("a.csv", b"a")
    location.write_bytes("sub/b.XLSX", b"b")
    location.write_bytes("sub/deeper/c.json", b"{}")
    location.write_bytes("notes.txt", b"n")


# --- URL parsing ---------------------------------------------------------------------------------------------


def test_open_location_picks_the_backend_from_the_url(tmp_path):
    assert isinstance(open_location("outputs"), LocalLocation)
    assert isinstance(open_location(tmp_path), LocalLocation)
    assert open_location(tmp_path.as_uri()).url == str(tmp_path)
    s3 = open_location("s3://bucket/some/prefix/")
    assert isinstance(s3, S3Location)
    assert (s3.bucket, s3.prefix, s3.url) == ("bucket", "some/prefix", "s3://bucket/some/prefix")
    assert open_location("s3://bucket").describe("x/y.csv") == "s3://bucket/x/y.csv"
    assert isinstance(open_location("rapat:2026/inputs"), LocalLocation)


def test_open_location_rejects_unsupported_urls():
    with pytest.raises(StorageError, match="gs://bucket"):
        open_location("gs://bucket/x")
    with pytest.raises(StorageError, match="bucket"):
        open_location("s3:///prefix")
    with pytest.raises(StorageError):
        open_location("")


@pytest.mark.parametrize("key", ["", "/abs.csv", "../up.csv", "a/../../b", "a\\b.csv"])
def test_keys_must_stay_inside_the_location(key, tmp_path):
    with pytest.raises(ValueError):
        LocalLocation(tmp_path).write_bytes(key, b"x")


def test_normalize_key_drops_redundant_parts():
    assert normalize_key("./a//b/./c.csv") == "a/b/c.csv"


# --- behaviour shared by both backends -----------------------------------------------------------------------


def test_write_then_read_round_trips(location):
    location.write_bytes("validation/report.json", b'{"ok": true}')
    assert location.read_bytes("validation/report.json") == b'{"ok": true}'
    assert location.exists("validation/report.json")
    assert not location.exists("validation/other.json")
    location.write_bytes("validation/report.json", b"replaced")
    assert location.read_bytes("validation/report.json") == b"replaced"


def test_text_helpers_use_utf8(location):
    location.write_text("buku/judul.md", "Kabupaten Contoh — Rencana Induk")
    assert location.read_text("buku/judul.md") == "Kabupaten Contoh — Rencana Induk"


def test_list_is_recursive_sorted_and_relative(location):
    _write_tree(location)
    assert location.list() == ["a.csv", "notes.txt", "sub/b.XLSX", "sub/deeper/c.json"]


def test_list_filters_suffixes_case_insensitively(location):
    _write_tree(location)
    assert location.list((".xlsx", ".csv")) == ["a.csv", "sub/b.XLSX"]
    assert location.list((".parquet",)) == []


def test_list_skips_hidden_files_and_lock_files(location):
    _write_tree(location)
    location.write_bytes(".DS_Store", b"x")
    location.write_bytes("sub/~$b.XLSX", b"lock")
    location.write_bytes(".git/config", b"x")
    location.write_bytes("sub/.cache/d.csv", b"x")
    assert location.list() == ["a.csv", "notes.txt", "sub/b.XLSX", "sub/deeper/c.json"]


def test_child_is_a_sub_location(location):
    _write_tree(location)
    sub = location.child("sub")
    assert sub.list() == ["b.XLSX", "deeper/c.json"]
    assert sub.read_bytes("deeper/c.json") == b"{}"
    sub.child("deeper").write_bytes("e.csv", b"e")
    assert location.read_bytes("sub/deeper/e.csv") == b"e"
    assert sub.describe("b.XLSX") == location.describe("sub/b.XLSX")
    assert sub.url.rstrip("/").endswith("sub")


def test_describe_names_the_full_location(location):
    described = location.describe("aggregates/by_dimension.csv")
    assert described.startswith(location.url)
    assert described.endswith("store/aggregates/by_dimension.csv")


def test_reading_a_missing_key_names_it(location):
    location.write_bytes("present.csv", b"x")
    with pytest.raises(ObjectNotFoundError, match="missing.csv"):
        location.read_bytes("missing.csv")


def test_missing_prefix_inside_an_existing_store_can_be_listed_as_empty(location):
    location.write_bytes("present.csv", b"x")
    assert location.child("never-written").list(missing_ok=True) == []


# --- missing inputs locations --------------------------------------------------------------------------------


def test_missing_local_folder_is_a_clear_error(tmp_path):
    missing = tmp_path / "inputs-that-do-not-exist"
    with pytest.raises(LocationNotFoundError, match="inputs-that-do-not-exist") as info:
        open_location(str(missing)).list((".xlsx",))
    assert isinstance(info.value, StorageError)
    assert open_location(str(missing)).list(missing_ok=True) == []


def test_a_file_is_not_a_folder(tmp_path):
    file_path = tmp_path / "file.csv"
    file_path.write_bytes(b"x")
    with pytest.raises(StorageError, match="file.csv"):
        open_location(str(file_path)).list()


@pytest.mark.s3
def test_missing_bucket_is_a_clear_error(s3_server):
    location = open_location("s3://bimtek-no-such-bucket/kab-contoh/inputs")
    with pytest.raises(LocationNotFoundError, match="s3://bimtek-no-such-bucket"):
        location.list()
    with pytest.raises(LocationNotFoundError, match="bimtek-no-such-bucket"):
        location.read_bytes("a.csv")
    with pytest.raises(StorageError, match="bimtek-no-such-bucket"):
        location.write_bytes("a.csv", b"x")
    assert not location.exists("a.csv")
    assert location.list(missing_ok=True) == []


# --- backend specifics ---------------------------------------------------------------------------------------


def test_local_writes_are_atomic_and_leave_no_temp_files(tmp_path, monkeypatch):
    location = LocalLocation(tmp_path)
    location.write_bytes("out/report.json", b"old")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("bimtek.store.storage.os.replace", failing_replace)
    with pytest.raises(StorageError, match="report.json"):
        location.write_bytes("out/report.json", b"new")
    monkeypatch.undo()
    assert location.read_bytes("out/report.json") == b"old"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.json"]


def test_local_presigned_url_is_a_file_uri(tmp_path):
    location = LocalLocation(tmp_path)
    location.write_bytes("bundle.zip", b"zip")
    url = location.presigned_url("bundle.zip", 60)
    assert url == (tmp_path / "bundle.zip").as_uri()
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"zip"


def test_relative_local_paths_resolve_against_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    open_location("outputs").write_bytes("x.txt", b"x")
    assert (tmp_path / "outputs" / "x.txt").read_bytes() == b"x"
    assert Path(open_location("outputs").url) == tmp_path / "outputs"


@pytest.mark.s3
def test_s3_presigned_url_is_fetchable_over_loopback(s3_bucket):
    location = open_location(f"s3://{s3_bucket}/kab-contoh")
    location.write_bytes("tahap-3/buku.html", b"<p>Rencana Induk</p>")
    url = location.presigned_url("tahap-3/buku.html", 300)
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"<p>Rencana Induk</p>"
        assert response.headers["Content-Type"].startswith("text/html")


@pytest.mark.s3
def test_s3_listing_follows_every_page(s3_bucket, monkeypatch):
    location = open_location(f"s3://{s3_bucket}")
    keys = [f"many/{i:02d}.csv" for i in range(7)]
    for key in keys:
        location.write_bytes(key, b"")
    calls = []
    real_list = location.client.list_objects_v2
    monkeypatch.setattr(location.client, "list_objects_v2", lambda **kw: calls.append(kw) or real_list(**kw))
    monkeypatch.setattr(S3Location, "page_size", 3)
    assert location.child("many").list((".csv",)) == [key.removeprefix("many/") for key in keys]
    assert len(calls) == 3


@pytest.mark.parametrize("backend", BACKENDS)
def test_locations_survive_pickling(backend, request, tmp_path):
    if backend == "local":
        location = open_location(str(tmp_path))
    else:
        location = open_location(f"s3://{request.getfixturevalue('s3_bucket')}/p")
    location.write_bytes("a.csv", b"a")  # creates the boto3 client, which cannot be pickled
    copy = pickle.loads(pickle.dumps(location))
    assert copy.url == location.url
    assert copy.read_bytes("a.csv") == b"a"


@pytest.mark.s3
def test_s3_skips_folder_markers(s3_bucket):
    location = open_location(f"s3://{s3_bucket}/inputs")
    location.client.put_object(Bucket=s3_bucket, Key="inputs/dinas/", Body=b"")
    location.write_bytes("dinas/program.csv", b"x")
    assert location.list() == ["dinas/program.csv"]
