"""Reading OPD files from a location: links never leave the inbox, odd names and S3 keys are read as listed,
and a file that vanishes or is too large becomes an "unreadable" status instead of failing the stage."""

from __future__ import annotations

import os

import boto3
import pytest

from bimtek.store.storage import InputRefusedError, ObjectNotFoundError, open_location

CSV = (
    "OPD,Dimensi,Nama Program,Anggaran,Sumber Dana,Tahun Mulai,Tahun Selesai\n"
    "Dinas Kesehatan,Smart Living,Program A,1000000,APBD,2028,2029\n"
)


@pytest.fixture
def inbox(tmp_path):
    root = tmp_path / "inbox"
    root.mkdir()
    (tmp_path / "luar.csv").write_text(CSV, encoding="utf-8")
    (root / "asli.csv").write_text(CSV, encoding="utf-8")
    (root / "nama\\miring.csv").write_text(CSV, encoding="utf-8")
    os.symlink(tmp_path / "luar.csv", root / "ke-luar.csv")
    os.symlink("asli.csv", root / "ke-dalam.csv")
    os.symlink(root / "tidak-ada.csv", root / "putus.csv")
    os.symlink(tmp_path, root / "folder-luar")
    os.mkfifo(root / "pipa.csv")
    return root


def test_local_listing_reports_links_and_reads_only_inside(inbox):
    location = open_location(inbox)
    keys = location.list(None)
    assert keys == sorted(
        ["asli.csv", "folder-luar", "ke-dalam.csv", "ke-luar.csv", "nama\\miring.csv", "pipa.csv", "putus.csv"]
    )
    assert location.read_input("ke-dalam.csv") == CSV.encode()
    assert location.read_input("nama\\miring.csv") == CSV.encode()
    for key, reason in (
        ("ke-luar.csv", "outside"),
        ("folder-luar", "outside"),
        ("pipa.csv", "not_a_file"),
        ("../luar.csv", "bad_key"),
    ):
        with pytest.raises(InputRefusedError) as caught:
            location.read_input(key)
        assert caught.value.reason == reason
    with pytest.raises(ObjectNotFoundError):
        location.read_input("putus.csv")
    with pytest.raises(InputRefusedError) as caught:
        location.read_input("asli.csv", max_bytes=10)
    assert (caught.value.reason, caught.value.size) == ("too_large", len(CSV.encode()))


def test_ingest_task_turns_every_refusal_into_an_unreadable_file(inbox):
    from tasks.intake import read_input_file

    fates = {}
    for key in ("ke-luar.csv", "putus.csv", "pipa.csv", "hilang-setelah-didaftar.csv", "nama\\miring.csv"):
        sheets, entry = read_input_file(str(inbox), key, ["program"])
        fates[key] = (sheets[0].status, sheets[0].message, entry["sha256"])
    assert fates["nama\\miring.csv"][0] == "ok" and fates["nama\\miring.csv"][2]
    assert fates["ke-luar.csv"][0] == "unreadable" and "di luar folder input" in fates["ke-luar.csv"][1]
    assert fates["putus.csv"][0] == fates["hilang-setelah-didaftar.csv"][0] == "unreadable"
    assert "hilang" in fates["hilang-setelah-didaftar.csv"][1]
    assert "bukan berkas biasa" in fates["pipa.csv"][1]
    assert [fates[k][2] for k in ("ke-luar.csv", "putus.csv", "pipa.csv")] == [None, None, None]


@pytest.mark.s3
def test_s3_keys_with_double_slashes_and_odd_characters_are_read_as_listed(s3_server, s3_bucket):
    from tasks.intake import read_input_file

    client = boto3.client("s3")
    keys = [
        "inbox//ganda.csv",
        "inbox/a//b.csv",
        "inbox/sub/./titik.csv",
        "inbox/miring\\nama.csv",
        "inbox/spasi dan ñ 🙂.csv",
        "inbox/folder/",
    ]
    for key in keys:
        client.put_object(Bucket=s3_bucket, Key=key, Body=b"" if key.endswith("/") else CSV.encode())
    location = open_location(f"s3://{s3_bucket}/inbox")
    listed = location.list(None)
    assert listed == sorted(["/ganda.csv", "a//b.csv", "sub/./titik.csv", "miring\\nama.csv", "spasi dan ñ 🙂.csv"])
    for key in listed:
        assert location.read_input(key) == CSV.encode()
        sheets, entry = read_input_file(f"s3://{s3_bucket}/inbox", key, ["program"])
        assert (sheets[0].status, len(sheets[0].frame)) == ("ok", 1)
        assert entry["path"] == key and entry["bytes"] == len(CSV.encode())
    with pytest.raises(InputRefusedError) as caught:
        location.read_input("a//b.csv", max_bytes=10)
    assert caught.value.reason == "too_large"
    sheets, entry = read_input_file(f"s3://{s3_bucket}/inbox", "dihapus.csv", ["program"])
    assert sheets[0].status == "unreadable" and entry["sha256"] is None


@pytest.mark.s3
def test_s3_hidden_lock_and_dot_dot_keys_are_reported_never_read(s3_server, s3_bucket):
    from tasks.intake import list_input_files, read_input_file

    client = boto3.client("s3")
    hidden = [
        "inbox/.rahasia.csv",
        "inbox/sub/../luar.csv",
        "inbox/../di-atas.csv",
        "inbox/.~lock.Program.xlsx#",
        "inbox/~$Program.xlsx",
        "inbox/.arsip/lama.csv",
    ]
    for key in [*hidden, "inbox/biasa.csv"]:
        client.put_object(Bucket=s3_bucket, Key=key, Body=CSV.encode())
    inputs = f"s3://{s3_bucket}/inbox"
    listed = list_input_files.fn(inputs)
    expected_hidden = sorted(key.removeprefix("inbox/") for key in hidden)
    assert listed == sorted([*expected_hidden, "biasa.csv"])
    assert open_location(inputs).list(None) == ["biasa.csv"]  # other listings still skip them
    for key in expected_hidden:
        sheets, entry = read_input_file(inputs, key, ["program"])
        assert [(s.status, len(s.frame)) for s in sheets] == [("unreadable", 0)]
        assert sheets[0].message.startswith("Berkas tersembunyi atau sementara")
        assert entry == {"path": key, "sha256": None, "bytes": None}
    sheets, _ = read_input_file(inputs, "biasa.csv", ["program"])
    assert (sheets[0].status, len(sheets[0].frame)) == ("ok", 1)
