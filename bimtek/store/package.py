"""Publishing a stage run into the store so that a reader never sees half a run.

Layout (see docs/design.md):

    <store>/<region>/tahap-<N>/<run-id>/<output key>     every deliverable
    <store>/<region>/tahap-<N>/<run-id>/bundle.zip        the deliverables + manifest.json, deterministic zip
                                                          (without BUNDLE_EXCLUDED_KEYS: quarantine.csv)
    <store>/<region>/tahap-<N>/<run-id>/manifest.json     inputs and outputs with sha256 and bytes
    <store>/<region>/tahap-<N>/latest.json                {"run_id", "manifest", ...}, written LAST

    <store>/<region>/tahap-<N>/<run-id>/.claim-<g>.json  who is writing the run (hidden: never listed)

The stage folder is a parameter (`StageKey`): `tahap-<N>` for a Bimtek stage number, or a stage path such as
`monev/2027-S1` for a monev semester, with the same run folders, manifest and latest.json.

Publishing one run id, step by step (`publish_run`):

1. Claim the run folder: create `.claim-0.json` exclusively (`Location.create_exclusive`: a hard link locally,
   a conditional PUT `If-None-Match: *` on S3), holding a token unique to the writer. Of two writers of one id
   exactly one creates it; the other is refused (`RunExistsError`), unless the claim is its own (a retry of the
   same flow run, same token) or abandoned: no manifest, and its holder is a dead process on this host or older
   than `CLAIM_TTL_SECONDS`. An abandoned claim is taken over by creating the next generation `.claim-<g+1>.json`,
   exclusively again, so two writers can never both take it over.
2. Remove leftovers of an abandoned attempt (files the new run does not write), then write outputs, bundle.zip.
3. Check the claim is still ours, write manifest.json, then read every object back and compare sha256 and size.
4. Only then write latest.json. A run is published when its manifest.json exists; a folder without one (a killed
   run) does not count: its id can be reused and its leftovers are cleaned by the next writer.

Readers of a previous stage's outputs go through `load_published_file`, which follows latest.json and checks the
file against the manifest, so a reader never sees a partial run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from bimtek.core.archive import write_zip
from bimtek.core.paths import PROJECT_ROOT
from bimtek.store.storage import Location, StorageError, normalize_key

MANIFEST_NAME = "manifest.json"
BUNDLE_NAME = "bundle.zip"
LATEST_NAME = "latest.json"
RESERVED_OUTPUT_KEYS = frozenset({MANIFEST_NAME, BUNDLE_NAME})
"""Keys `publish_run` writes itself; outputs may not use them."""
BUNDLE_EXCLUDED_KEYS = frozenset({"validation/quarantine.csv"})
"""Outputs kept out of bundle.zip (the region-wide download): rejected rows as the OPD typed them may hold
personal data. They stay in the run folder, listed by the manifest, for the coordinator."""

RUN_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
"""User-given run ids (and region slugs) must match this: one safe path segment."""
RUN_ID_MAX_LENGTH = 128
RESERVED_RUN_IDS = frozenset({LATEST_NAME})
"""A run folder named like the pointer file would collide with it."""


StageKey = int | str
"""A stage as the store knows it: a Bimtek stage number (folder `tahap-<N>`) or a stage path of one or two safe
segments (monev: `monev/2027-S1`, bimtek.core.monev.monev_stage_path)."""


MANIFEST_CORE_KEYS = ("region", "stage", "run_id", "created_at", "code_version", "inputs", "outputs")

CLAIM_PREFIX = ".claim-"
CLAIM_TTL_SECONDS = 6 * 3600
"""A claim older than this, without a manifest, is abandoned whoever holds it (a writer on another host that died)."""


class RunExistsError(StorageError):
    """A run with this id is already in the store (pass overwrite=True to replace it)."""


class IntegrityError(StorageError):
    """A published file does not match the sha256 or size recorded in its run's manifest."""


class ClaimLostError(StorageError):
    """Another writer took the run folder over while this one was writing (this one stops, publishing nothing)."""


@dataclass(frozen=True)
class PublishedRun:
    """What `publish_run` wrote: where, under which id, and the manifest it recorded."""

    region: str
    stage: StageKey
    run_id: str
    location: Location
    """The run folder, `<store>/<region>/tahap-<N>/<run-id>`."""
    manifest: dict
    bundle_sha256: str
    latest: dict
    written: list[str] = field(default_factory=list)
    """Keys under `location` in the order they were written (outputs, bundle.zip, manifest.json)."""

    def describe(self, key: str) -> str:
        """Full location of a file of this run (e.g. `describe("bundle.zip")`)."""
        return self.location.describe(key)


# --- hashes and manifest -------------------------------------------------------------------------------------


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def file_entry(key: str, data: bytes) -> dict:
    """The manifest record of one file: `{"path", "sha256", "bytes"}`."""
    return {"path": key, "sha256": sha256_bytes(data), "bytes": len(data)}


def build_manifest(
    region: str,
    stage: StageKey,
    run_id: str,
    created_at: datetime,
    code_version: str,
    inputs: list[dict],
    outputs: list[dict],
    extra: dict | None = None,
) -> dict:
    """The manifest.json content of a run. Entries are sorted by path; `extra` keys are appended after the core.

    `created_at` must be timezone-aware; it is written as ISO 8601 with its offset (e.g. `...T17:23:00+07:00`).
    """
    extra = dict(extra or {})
    clashing = sorted(set(extra) & set(MANIFEST_CORE_KEYS))
    if clashing:
        raise ValueError(f"Manifest extra keys clash with core keys: {', '.join(clashing)}")
    manifest = {
        "region": region,
        "stage": stage,
        "run_id": run_id,
        "created_at": _iso_timestamp(created_at),
        "code_version": code_version,
        "inputs": _sorted_entries(inputs),
        "outputs": _sorted_entries(outputs),
    }
    manifest.update(extra)
    return manifest


def _iso_timestamp(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("created_at must be timezone-aware (e.g. datetime.now(UTC)).")
    return moment.isoformat(timespec="seconds")


def _sorted_entries(entries: list[dict]) -> list[dict]:
    return sorted((dict(entry) for entry in entries), key=lambda entry: entry["path"])


def to_json_bytes(data: dict) -> bytes:
    """Stable, readable UTF-8 JSON (2-space indent, trailing newline) used for manifest.json and latest.json."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- bundle ----------------------------------------------------------------------------------------------------


def build_bundle(files: dict[str, bytes]) -> bytes:
    """A deterministic zip of `files`: same names and contents give the same bytes.

    Entries are sorted by name and carry a fixed timestamp (1980-01-01), fixed permissions (0644), a fixed
    "created on Unix" marker and a fixed compression level (ZIP_DEFLATED). Bytes are identical for a given zlib
    version; the entries' contents (and CRCs) are identical everywhere.
    """
    for name in files:
        if name.startswith("/") or ".." in name.split("/") or "\\" in name:
            raise ValueError(f"Invalid bundle entry name {name!r}: expected a relative POSIX path.")
    return write_zip((name, files[name]) for name in sorted(files))


# --- run ids and code version ---------------------------------------------------------------------------------


def new_run_id(now: datetime | None = None) -> str:
    """A run id from a moment, in UTC to the second: `20261127T172300Z`. Defaults to the current time."""
    moment = datetime.now(UTC) if now is None else now
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("new_run_id needs a timezone-aware datetime (e.g. datetime.now(UTC)).")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def validate_run_id(run_id: str) -> str:
    """Return `run_id` when it is a safe single path segment, else raise ValueError explaining the rule."""
    if (
        not isinstance(run_id, str)
        or len(run_id) > RUN_ID_MAX_LENGTH
        or not RUN_ID_PATTERN.fullmatch(run_id)
        or run_id in RESERVED_RUN_IDS
    ):
        raise ValueError(
            f"Invalid run id {run_id!r}: use letters, digits, '.', '_' or '-', starting with a letter or digit "
            f"(at most {RUN_ID_MAX_LENGTH} characters, not {LATEST_NAME!r})."
        )
    return run_id


def _validate_region(region_slug: str) -> str:
    if not isinstance(region_slug, str) or not RUN_ID_PATTERN.fullmatch(region_slug):
        raise ValueError(f"Invalid region slug {region_slug!r}: expected one path segment such as 'kab-contoh'.")
    return region_slug


def validate_region_slug(region_slug: str) -> str:
    """`region_slug` when it is one safe path segment, else ValueError (the store's folder of a region)."""
    return _validate_region(region_slug)


def stage_folder(stage: StageKey) -> str:
    """The folder of a stage under the region: `tahap-3` for 3, the path itself for `monev/2027-S1`."""
    if isinstance(stage, str):
        parts = stage.split("/")
        if not 1 <= len(parts) <= 2 or not all(RUN_ID_PATTERN.fullmatch(p) for p in parts):
            raise ValueError(
                f"Invalid stage path {stage!r}: expected one or two safe segments such as 'monev/2027-S1'."
            )
        return stage
    if isinstance(stage, bool) or not isinstance(stage, int) or stage < 1:
        raise ValueError(f"Invalid stage {stage!r}: expected a positive integer (1 for Tahap I).")
    return f"tahap-{stage}"


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package version, plus `+g<short commit>` (and `.dirty` for uncommitted changes) inside a git checkout.

    Outside git (installed wheel, no git binary) it is the bare package version; it never fails.
    """
    version = _package_version()
    commit = _git("rev-parse", "--short", "HEAD")
    if not commit:
        return version
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return f"{version}+g{commit}{'.dirty' if dirty else ''}"


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("bimtek")
    except Exception:  # not installed as a distribution: fall back to the source tree's version
        from bimtek import __version__

        return __version__


def _git(*args: str) -> str:
    """Output of a git command run in the project folder, or "" when git or the repository is unavailable."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


# --- store paths ----------------------------------------------------------------------------------------------


def stage_prefix(region_slug: str, stage: StageKey) -> str:
    """`<region>/tahap-<N>` (or `<region>/monev/<semester>`): the folder holding a stage's runs and its latest.json."""
    return f"{_validate_region(region_slug)}/{stage_folder(stage)}"


def run_prefix(region_slug: str, stage: StageKey, run_id: str) -> str:
    """`<region>/tahap-<N>/<run-id>`: the folder of one run."""
    return f"{stage_prefix(region_slug, stage)}/{validate_run_id(run_id)}"


# --- publishing -----------------------------------------------------------------------------------------------


def publish_run(
    store: Location,
    region_slug: str,
    stage: StageKey,
    run_id: str,
    outputs: dict[str, bytes],
    inputs: list[dict],
    created_at: datetime,
    code_version: str,
    extra: dict | None = None,
    *,
    overwrite: bool = False,
    claim_token: str | None = None,
    now: datetime | None = None,
    move_latest: bool = True,
) -> PublishedRun:
    """Claim the run folder, write outputs, bundle.zip, manifest.json, verify them, then latest.json (module doc).

    The manifest lists every output with sha256 and bytes, but not bundle.zip: the bundle contains the manifest,
    so the manifest cannot contain the bundle's hash. The bundle's hash goes into latest.json instead.
    `claim_token` identifies the writer: pass the same token on a retry so it may finish its own folder (default:
    a fresh token, i.e. a new writer). Raises `RunExistsError` when the run is published (manifest.json present)
    or claimed by another live writer; `overwrite` replaces a published run (files it does not write are removed).
    `move_latest` False publishes the run without making it the stage's current run (bimtek.store.acceptance: a run
    that waits for a coordinator's acceptance); `PublishedRun.latest` is then the record acceptance would write.
    """
    run_location = store.child(run_prefix(region_slug, stage, run_id))
    outputs = _checked_outputs(outputs)
    claim = RunClaim(run_location, claim_token or uuid.uuid4().hex)
    claim.acquire(overwrite=overwrite, now=now)
    manifest = build_manifest(
        region_slug,
        stage,
        run_id,
        created_at,
        code_version,
        inputs,
        [file_entry(key, data) for key, data in outputs.items()],
        extra,
    )
    manifest_bytes = to_json_bytes(manifest)
    bundled = {key: data for key, data in outputs.items() if key not in BUNDLE_EXCLUDED_KEYS}
    bundle = build_bundle({**bundled, MANIFEST_NAME: manifest_bytes})
    _remove_leftovers(run_location, outputs)
    written = _write_run(run_location, outputs, bundle, manifest_bytes, claim)
    _verify_written(run_location, {**outputs, BUNDLE_NAME: bundle, MANIFEST_NAME: manifest_bytes})
    latest = latest_record(run_id, manifest, sha256_bytes(bundle))
    claim.check()
    if move_latest:
        store.child(stage_prefix(region_slug, stage)).write_bytes(LATEST_NAME, to_json_bytes(latest))
    return PublishedRun(region_slug, stage, run_id, run_location, manifest, latest["bundle_sha256"], latest, written)


def _checked_outputs(outputs: dict[str, bytes]) -> dict[str, bytes]:
    """Outputs as bytes, after checking keys are normalized relative paths that the package does not reserve."""
    reserved = sorted(RESERVED_OUTPUT_KEYS & set(outputs))
    if reserved:
        raise ValueError(f"Output keys reserved for the package itself: {', '.join(reserved)}")
    checked = {}
    for key, data in outputs.items():
        if normalize_key(key) != key:
            raise ValueError(f"Output key {key!r} is not a normalized relative path (expected {normalize_key(key)!r}).")
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"Output {key!r} must be bytes, got {type(data).__name__}.")
        checked[key] = bytes(data)
    return checked


def is_published(run_location: Location) -> bool:
    """True when the run folder holds a manifest.json: the last object a complete run writes before latest.json."""
    return run_location.exists(MANIFEST_NAME)


def _refused(run_location: Location, why: str) -> RunExistsError:
    return RunExistsError(f"{why}: {run_location.url}. Gunakan --run-id lain; run yang sudah terbit tidak ditimpa.")


@dataclass
class RunClaim:
    """This writer's hold on a run folder: the generation `g` of `.claim-<g>.json` it created (module doc)."""

    location: Location
    token: str
    generation: int = -1

    def key(self, generation: int) -> str:
        return f"{CLAIM_PREFIX}{generation}.json"

    def acquire(self, *, overwrite: bool = False, now: datetime | None = None) -> None:
        """Hold the folder or raise `RunExistsError` (published, or claimed by another live writer)."""
        record = to_json_bytes(
            {
                "token": self.token,
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "claimed_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
            }
        )
        generation = 0
        while True:
            if self.location.create_exclusive(self.key(generation), record, "application/json"):
                self.generation = generation
                break
            holder = self._read(generation)
            if holder.get("token") == self.token:
                self.generation = generation
                return
            if self.location.exists(self.key(generation + 1)):
                generation += 1
                continue
            if is_published(self.location) and not overwrite:
                raise _refused(self.location, "Run dengan ID ini sudah diterbitkan")
            if not overwrite and not _abandoned(holder, now):
                raise _refused(self.location, "Run dengan ID ini sedang diterbitkan oleh proses lain")
            generation += 1
        if is_published(self.location):  # a run published before claims existed, or taken over after publishing
            if not overwrite:
                raise _refused(self.location, "Run dengan ID ini sudah diterbitkan")
            self.location.delete(MANIFEST_NAME)  # unpublished while it is rewritten

    def check(self) -> None:
        """Raise `ClaimLostError` when a newer claim exists (another writer took this folder over)."""
        if self.location.exists(self.key(self.generation + 1)):
            raise ClaimLostError(
                f"Run {self.location.url} diambil alih oleh proses lain saat sedang ditulis; run ini tidak diterbitkan."
            )

    def _read(self, generation: int) -> dict:
        try:
            record = json.loads(self.location.read_bytes(self.key(generation)))
        except (ValueError, StorageError):
            return {}
        return record if isinstance(record, dict) else {}


def _abandoned(holder: dict, now: datetime | None) -> bool:
    """True when the claim's writer is gone: a dead process on this host, or a claim older than the TTL."""
    same_host = holder.get("host") == socket.gethostname() and isinstance(holder.get("pid"), int)
    if same_host and not _process_alive(holder["pid"]):
        return True
    try:
        claimed_at = datetime.fromisoformat(holder["claimed_at"])
    except (KeyError, TypeError, ValueError):
        return True
    return ((now or datetime.now(UTC)) - claimed_at).total_seconds() > CLAIM_TTL_SECONDS


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_leftovers(run_location: Location, outputs: dict[str, bytes]) -> None:
    """Delete files an earlier, unfinished (or replaced) attempt left that this run does not write."""
    for key in run_location.list(missing_ok=True):
        if key not in outputs and key not in RESERVED_OUTPUT_KEYS:
            run_location.delete(key)


def _write_run(
    run_location: Location, outputs: dict[str, bytes], bundle: bytes, manifest: bytes, claim: RunClaim
) -> list[str]:
    """Write outputs (sorted), then bundle.zip, then (claim still held) manifest.json; return the keys in order."""
    written = []
    for key in sorted(outputs):
        run_location.write_bytes(key, outputs[key])
        written.append(key)
    run_location.write_bytes(BUNDLE_NAME, bundle, content_type="application/zip")
    claim.check()
    run_location.write_bytes(MANIFEST_NAME, manifest, content_type="application/json; charset=utf-8")
    return [*written, BUNDLE_NAME, MANIFEST_NAME]


def _verify_written(run_location: Location, files: dict[str, bytes]) -> None:
    """Read every object back and compare it with what was written (`IntegrityError` naming the first mismatch)."""
    for key in sorted(files):
        if sha256_bytes(run_location.read_bytes(key)) != sha256_bytes(files[key]):
            raise IntegrityError(f"{run_location.describe(key)} differs from what was written; run not published.")


def latest_record(run_id: str, manifest: dict, bundle_sha256: str) -> dict:
    """The latest.json record pointing at a published run."""
    return {
        "run_id": run_id,
        "manifest": f"{run_id}/{MANIFEST_NAME}",
        "bundle": f"{run_id}/{BUNDLE_NAME}",
        "bundle_sha256": bundle_sha256,
        "created_at": manifest["created_at"],
    }


# --- reading published runs -----------------------------------------------------------------------------------


def read_latest(store: Location, region_slug: str, stage: StageKey) -> dict | None:
    """The latest.json record of a region's stage, or None when that stage was never published."""
    stage_location = store.child(stage_prefix(region_slug, stage))
    if not stage_location.exists(LATEST_NAME):
        return None
    try:
        record = json.loads(stage_location.read_bytes(LATEST_NAME))
    except ValueError as exc:
        raise StorageError(f"Corrupt pointer file {stage_location.describe(LATEST_NAME)}: {exc}") from exc
    if not isinstance(record, dict) or not isinstance(record.get("run_id"), str):
        raise StorageError(f"Corrupt pointer file {stage_location.describe(LATEST_NAME)}: no run_id.")
    return record


def published_run_ids(store: Location, region_slug: str, stage: StageKey) -> list[str]:
    """Every published run of a stage (a run folder holding manifest.json), newest id first."""
    keys = store.child(stage_prefix(region_slug, stage)).list((MANIFEST_NAME,), missing_ok=True)
    return sorted({key.split("/")[0] for key in keys if key.count("/") == 1}, reverse=True)


def read_manifest(store: Location, region_slug: str, stage: StageKey, run_id: str) -> dict:
    """The manifest.json of one published run."""
    run_location = store.child(run_prefix(region_slug, stage, run_id))
    try:
        return json.loads(run_location.read_bytes(MANIFEST_NAME))
    except ValueError as exc:
        raise StorageError(f"Corrupt manifest {run_location.describe(MANIFEST_NAME)}: {exc}") from exc


def load_published_file(
    store: Location,
    region: str,
    stage: StageKey,
    key: str,
    run_id: str | None = None,
    *,
    verify: bool = True,
) -> bytes:
    """The bytes of `key` from a published run: the latest one, or `run_id` when given.

    With `verify`, a file listed in the run's manifest is checked against its recorded sha256 and size
    (`IntegrityError` when it differs). Raises `StorageError` when the stage has no published run.
    """
    run_id = run_id or _latest_run_id(store, region, stage)
    run_location = store.child(run_prefix(region, stage, run_id))
    data = run_location.read_bytes(key)
    if verify and key not in RESERVED_OUTPUT_KEYS:
        _verify_against_manifest(read_manifest(store, region, stage, run_id), key, data, run_location)
    return data


def _latest_run_id(store: Location, region: str, stage: StageKey) -> str:
    latest = read_latest(store, region, stage)
    if latest is None:
        where = store.child(stage_prefix(region, stage)).describe(LATEST_NAME)
        raise StorageError(f"No published run of tahap {stage} for region {region!r} (missing {where}).")
    return latest["run_id"]


def _verify_against_manifest(manifest: dict, key: str, data: bytes, run_location: Location) -> None:
    entry = next((item for item in manifest.get("outputs", []) if item.get("path") == key), None)
    if entry is None:
        raise StorageError(f"{run_location.describe(key)} is not listed in the run's manifest.")
    if entry.get("sha256") != sha256_bytes(data) or entry.get("bytes") != len(data):
        raise IntegrityError(f"{run_location.describe(key)} does not match its manifest entry (sha256/bytes).")
