"""Raw inputs archived content-addressed, so every run can be reproduced from exactly what the OPD sent.

    <store>/<region>/arsip-masukan/<sha256>     the bytes of one input file, named by their SHA-256

An input's manifest entry (`{"path", "sha256", "bytes"}`, made when the file was read) gets `"archive"`: the
archive key relative to the store, or None when the file could not be archived as read (never read, or changed or
vanished after it was read). Ingest archives each file from the bytes it read (`archive_input`, tasks/intake.py), so
publishing reads nothing again; only an entry without its archive object (an intake run without a store) is read
again with `Location.read_input`, under the same rules as ingest (no link followed out of the inbox, at most the size
recorded). The same content sent twice, or by two runs, is stored once.
"""

from __future__ import annotations

import hashlib

from bimtek.store.storage import Location, StorageError

ARCHIVE_FOLDER = "arsip-masukan"


def archive_key(region_slug: str, sha256: str) -> str:
    """`<region>/arsip-masukan/<sha256>`."""
    return f"{region_slug}/{ARCHIVE_FOLDER}/{sha256}"


def archive_input(store: Location, region_slug: str, entry: dict, data: bytes) -> dict:
    """`entry` with its `archive` key, after storing `data` there when it is the content the entry describes."""
    sha256 = hashlib.sha256(data).hexdigest()
    if sha256 != entry.get("sha256") or len(data) != entry.get("bytes"):
        return {**entry, "archive": None}
    key = archive_key(region_slug, sha256)
    store.create_exclusive(key, data, "application/octet-stream")
    return {**entry, "archive": key}


def archive_inputs(store: Location, region_slug: str, inputs: Location, entries: list[dict]) -> list[dict]:
    """Archive every input of `entries` (read again from `inputs`); entries come back with their `archive` key."""
    archived = []
    for entry in entries:
        if entry.get("archive") and store.exists(entry["archive"]):  # archived by ingest from the bytes it read
            archived.append(entry)
            continue
        if not entry.get("sha256"):  # never read (refused link, over a limit, vanished): nothing to archive
            archived.append({**entry, "archive": None})
            continue
        try:
            data = inputs.read_input(entry["path"], max_bytes=entry.get("bytes"))
        except (StorageError, ValueError, OSError):  # gone, grown, outside the inbox, not a regular file
            archived.append({**entry, "archive": None})
            continue
        archived.append(archive_input(store, region_slug, entry, data))
    return archived
