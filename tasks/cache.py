"""Incremental reruns: task results cached by content in the store's cache prefix (local folder or S3).

Keys are built from what a result depends on, never from times or run ids:
- `ingest-file`: the file's sha256, the datasets asked for and the code version;
- validation verdicts (`tasks/validating.py`): the file's sha256, the validation rules (`rules_key`: column
  contracts, GX suites, the region's period and OPD list, the code version);
- a stage's draft and documents (`draft_key`): the valid rows, the report, the earlier stage's bytes, the region,
  the settings and the code version.

Results live under `<store>/.cache/` (setting `cache`: another location, or "off"): Prefect's result records
through `StoreCache`, a Prefect file system over `bimtek.store.storage.open_location`, so the same code serves a local
folder and `s3://bucket/prefix`. Hidden folders are not listed by the store, so the cache never shows up as a
region. Deleting the folder is always safe: the next run recomputes everything.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import pickle
import zlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import anyio.to_thread
import pandas as pd
from prefect.cache_policies import CacheKeyFnPolicy
from prefect.filesystems import WritableFileSystem
from prefect.serializers import Serializer
from pydantic import Field

from bimtek.core.paths import SCHEMAS_DIR
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.store.package import code_version, sha256_bytes
from bimtek.store.storage import open_location
from bimtek.validation import combined_valid
from bimtek.validation.datasets import suite_parameters

CACHE_PREFIX = ".cache"
CACHE_OFF = "off"


class StoreCache(WritableFileSystem):
    """Prefect result storage in a bimtek store location (local folder or s3://bucket/prefix).

    Prefect's result store calls the sync methods with `_sync=True` (its block-compatibility shim) and the async
    ones as `aread_path`/`awrite_path`: both are provided, the async ones run the sync ones in a worker thread.
    """

    _block_type_name = "Bimtek Store Cache"
    location: str

    def read_path(self, path: str, _sync: bool = True) -> bytes:  # type: ignore[override]
        return open_location(self.location).read_bytes(path)

    def write_path(self, path: str, content: bytes, _sync: bool = True) -> str:  # type: ignore[override]
        open_location(self.location).write_bytes(path, content)
        return path

    async def aread_path(self, path: str) -> bytes:
        return await anyio.to_thread.run_sync(self.read_path, path)

    async def awrite_path(self, path: str, content: bytes) -> str:
        return await anyio.to_thread.run_sync(self.write_path, path, content)


class _Deflating(io.RawIOBase):
    """A write-only file that deflates what is written into it, so pickling never holds the whole pickle."""

    def __init__(self) -> None:
        self.compressor = zlib.compressobj(level=1)
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        view = memoryview(data)  # bytes, or a pickle.PickleBuffer of an array (protocol 5), which has no len()
        self.parts.append(self.compressor.compress(view))
        return view.nbytes

    def value(self) -> bytes:
        self.parts.append(self.compressor.flush())
        return b"".join(self.parts)


class StreamingPickle(Serializer):
    """Prefect result serializer of cached task results: pickled straight into a zlib stream.

    Prefect's own "pickle" serializer holds the whole pickle, then its base64, then the record's JSON at once: for a
    Tahap III draft of 194 000 programs (about 145 MB of files) that was a 700 MB spike at the end of the draft.
    Here only the deflated pickle exists (a roadmap CSV deflates about 5x) before Prefect wraps it in its record."""

    type: str = Field(default="bimtek-pickle-zlib", frozen=True)

    def dumps(self, obj: Any) -> bytes:
        sink = _Deflating()
        pickle.dump(obj, sink, protocol=pickle.HIGHEST_PROTOCOL)
        return base64.b64encode(sink.value())

    def loads(self, blob: bytes) -> Any:
        return pickle.loads(zlib.decompress(base64.b64decode(blob)))


def cache_location(store: str | None) -> str | None:
    """Where cached results go: the `cache` setting, else `<store>/.cache`; None when caching is off."""
    configured = get_settings().cache
    if configured is not None:
        return None if configured.strip().lower() == CACHE_OFF else configured
    if not store:
        return None
    return f"{str(store).rstrip('/')}/{CACHE_PREFIX}"


def content_key(*parts: object) -> str:
    """A stable hex key of JSON-able parts (anything else by its str())."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached(task, location: str | None, key: str):
    """`task` with its result persisted under `key` at `location` and reused when the key is there already.

    The result is written with `StreamingPickle`, and not also kept in Prefect's in-memory result cache (an LRU of
    up to 1 000 records shared by the flow run's tasks): there it would keep every parsed file's frames and the
    whole draft alive until the flow ends."""
    if location is None:
        return task
    return task.with_options(
        cache_policy=CacheKeyFnPolicy(cache_key_fn=lambda _context, _parameters: key),
        persist_result=True,
        result_storage=result_storage(location),
        result_serializer=StreamingPickle(),
        cache_result_in_memory=False,
    )


@lru_cache(maxsize=8)
def result_storage(location: str) -> Path | StoreCache:
    """Prefect result storage for a cache location: a local folder as a Path; an S3 location as a `StoreCache`
    block saved on the Prefect server (Prefect only accepts saved blocks), named after the location's hash."""
    if "://" not in location:
        return Path(location)
    block = StoreCache(location=location)
    block.save(name=f"bimtek-cache-{hashlib.sha256(location.encode()).hexdigest()[:16]}", overwrite=True)
    return block


def rules_key(region: Region, datasets: Iterable[str]) -> str:
    """What a file's validation verdicts depend on besides its bytes."""
    contracts = {}
    for name in sorted(datasets):
        for path in (SCHEMAS_DIR / "columns" / f"{name}.json", SCHEMAS_DIR / "gx" / f"{name}.json"):
            contracts[str(path.relative_to(SCHEMAS_DIR))] = sha256_bytes(path.read_bytes()) if path.exists() else None
    taxonomy = sha256_bytes((SCHEMAS_DIR / "taxonomy.json").read_bytes())
    return content_key(
        "rules",
        contracts,
        taxonomy,
        suite_parameters(region),
        sorted(region.opd_lookup().items()),
        nomenclature_fingerprint(region),
        code_version(),
    )


def nomenclature_fingerprint(region: Region) -> list:
    """What the kode sub kegiatan rules read of a region: version, kind, OPD urusan, the reference's bytes."""
    files = [SCHEMAS_DIR / "sipd" / f"{region.nomenclature}.json"] if region.nomenclature else []
    if region.nomenclature_export:
        files.append(Path(region.nomenclature_export))
    digests = [sha256_bytes(p.read_bytes()) if p.is_file() else None for p in files]
    urusan = sorted((opd.name, sorted(opd.urusan)) for opd in region.opd)
    return [region.nomenclature, region.kind, urusan, digests]


def frame_digest(frame: pd.DataFrame) -> str:
    """sha256 of a frame's columns, dtypes and values."""
    digest = hashlib.sha256(json.dumps([list(map(str, frame.columns)), list(map(str, frame.dtypes))]).encode())
    if len(frame):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def draft_key(stage: int, region: Region, results: list, report, previous: bytes | None) -> str:
    """What a stage's draft depends on: valid rows, report, earlier stage's bytes, region, settings, code."""
    datasets = sorted({r.dataset for r in results})
    valid = {name: frame_digest(combined_valid(results, name)) for name in datasets}
    return content_key(
        "draft",
        stage,
        valid,
        report.to_dict(),
        sha256_bytes(previous) if previous else None,
        region.model_dump(mode="json"),
        get_settings().model_dump(mode="json"),
        code_version(),
    )
