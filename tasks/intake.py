"""Prefect tasks that list and read OPD files: a batch of files per task run, never a task run per row."""

from __future__ import annotations

import time

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.books.feedback.versions import OVERRIDE_FILE, read_override
from bimtek.core.model import Sheet
from bimtek.core.questions import Answer
from bimtek.core.settings import get_settings
from bimtek.ingest.reader import read_table, refused_file, row_bound
from bimtek.store.answers import load_answers
from bimtek.store.archive import archive_input
from bimtek.store.package import code_version, file_entry
from bimtek.store.storage import (
    InputRefusedError,
    LocalLocation,
    LocationNotFoundError,
    ObjectNotFoundError,
    StorageError,
    is_hidden,
    open_location,
)
from tasks.cache import cached, content_key
from tasks.retry import retry_unless


@task(
    name="list-input-files",
    retries=3,
    retry_delay_seconds=[1, 5, 15],
    retry_condition_fn=retry_unless(LocationNotFoundError),
    cache_policy=NO_CACHE,
)
def list_input_files(inputs: str) -> list[str]:
    """Every file under the inputs location (sorted relative keys), hidden and lock files included.

    Files of other types than .csv/.xlsx/.json, hidden files (`.x.csv`, `.~lock.x.xlsx#`, a `..` key on S3) and
    Office lock files (`~$x.xlsx`) are listed too: ingest reports them as unreadable without reading them, so
    nothing an OPD sent goes unmentioned.
    """
    return open_location(inputs).list(None, include_hidden=True)


@task(name="parse-file", task_run_name="parse-{key}", cache_policy=NO_CACHE, cache_result_in_memory=False)
def parse_file(key: str, data: bytes, datasets: list[str], answers: dict[str, Answer] | None = None) -> list[Sheet]:
    """Split one file's bytes into tables (run as its own, cached, task only when a result cache is on)."""
    return read_table(key, data, datasets, get_settings(), answers=answers)


@task(name="load-answers", retries=3, retry_delay_seconds=[1, 5, 15], cache_policy=NO_CACHE)
def load_region_answers(store: str | None, region_slug: str) -> dict[str, Answer]:
    """The answers given so far to the reader's questions for `region_slug` (none without a store)."""
    if not store:
        return {}
    return load_answers(open_location(store), region_slug)


def answers_digest(answers: dict[str, Answer] | None) -> str:
    """What a file's reading depends on besides its bytes: the chosen option of every answered question."""
    return content_key("answers", sorted((qid, a.option) for qid, a in (answers or {}).items()))


INGEST_RETRY_DELAYS = (1, 5, 15)
"""Seconds between the attempts at reading a file whose store keeps failing (a storage error, not a refusal)."""
INGEST_BATCH = 8
"""Files read per `ingest-files` task run: each task run costs a few state round trips to the API, which added up
when 45 files were read one after the other (docs/performance.md, flow overhead)."""


@task(name="ingest-files", task_run_name="ingest-{label}", cache_policy=NO_CACHE)
def ingest_files(
    inputs: str,
    keys: list[str],
    datasets: list[str],
    store: str | None = None,
    region_slug: str | None = None,
    cache: str | None = None,
    rows_left: int | None = None,
    label: str = "",
    answers: dict[str, Answer] | None = None,
) -> list[tuple[list[Sheet], dict]]:
    """`read_input_file` for a batch of files, in order, each with what the stage budget still admits after the
    files before it (`rows_left` for the first); one (sheets, manifest entry) per key. `label` names the task run."""
    read = []
    for key in keys:
        sheets, entry = read_input_file(
            inputs, key, datasets, store, region_slug, cache, rows_left, INGEST_RETRY_DELAYS, answers
        )
        if rows_left is not None:
            rows_left -= sum(len(sheet.frame) for sheet in sheets)
        read.append((sheets, entry))
    return read


def read_input_file(
    inputs: str,
    key: str,
    datasets: list[str],
    store: str | None = None,
    region_slug: str | None = None,
    cache: str | None = None,
    rows_left: int | None = None,
    retry_delays: tuple[float, ...] = (),
    answers: dict[str, Answer] | None = None,
) -> tuple[list[Sheet], dict]:
    """Read one file from the inputs location and split it into tables; returns them with the file's manifest entry.

    The bytes are read ONCE and passed on: hashed for the manifest entry (its sha256 keys the cached verdicts),
    archived under `<store>/<region>/arsip-masukan/<sha256>` when `store` is given (the entry gets its `archive`
    key, so publishing does not read the file again), and parsed; with a result `cache` the parse is a
    `parse-file` task cached by the file's sha256, so an unchanged file is read and hashed but not parsed again.

    `rows_left`: the data rows the stage budget still admits (`read_table`): a file with more is "unreadable"
    before its frames are built. When the file could hold more rows than that (`row_bound`), it is parsed outside
    the cache, since the outcome then depends on the files read before it; otherwise the budget cannot bind and
    the cached parse is used as is.

    Never fails the stage for one file: a file that vanished, a link out of the inbox, a file over the byte
    limit, or a storage error still there after one try per `retry_delays` entry gives an "unreadable" Sheet
    whose manifest entry has no sha256 (its content was not read).
    """
    limits = get_settings()
    if is_hidden(key):
        return [refused_file(key, "hidden")], unread_entry(key)
    try:
        data = _read_with_retries(open_location(inputs), key, limits.max_file_bytes, retry_delays)
    except InputRefusedError as exc:
        return [refused_file(key, exc.reason, exc.size, limits)], unread_entry(key, exc.size)
    except ObjectNotFoundError:
        return [refused_file(key, "vanished")], unread_entry(key)
    except StorageError:
        return [refused_file(key, "storage")], unread_entry(key)
    entry = file_entry(key, data)
    if store and region_slug:
        entry = archive_input(open_location(store), region_slug, entry, data)
    if cache is None or (rows_left is not None and rows_left < row_bound(key, data, limits)):
        return read_table(key, data, datasets, limits, rows_left, answers), entry
    parse_key = content_key(
        "ingest",
        key,
        entry["sha256"],
        datasets,
        limits.model_dump(mode="json"),
        code_version(),
        answers_digest(answers),
    )
    return cached(parse_file, cache, parse_key)(key, data, datasets, answers), entry


def _read_with_retries(location, key: str, max_bytes: int, delays: tuple[float, ...]) -> bytes:
    """`location.read_input`, tried again after each of `delays` seconds while the store fails; a refusal or a
    vanished file is final at once."""
    for delay in (*delays, None):
        try:
            return location.read_input(key, max_bytes=max_bytes)
        except (InputRefusedError, ObjectNotFoundError):
            raise
        except StorageError:
            if delay is None:
                raise
            time.sleep(delay)
    raise AssertionError("unreachable")


def unread_entry(key: str, size: int | None = None) -> dict:
    """The manifest record of a listed file whose content was not read (so it has no sha256)."""
    return {"path": key, "sha256": None, "bytes": size}


@task(name="read-version-choices", retries=3, retry_delay_seconds=[1, 5, 15], cache_policy=NO_CACHE)
def read_version_choices(inputs: str, keys: list[str]) -> tuple[list[str], dict[str, float]]:
    """The coordinator's override (`versi-berlaku.txt`, bimtek.books.feedback.versions) and the file times the
    store knows (local folders; an S3 inbox orders versions by upload time and name only)."""
    location = open_location(inputs)
    chosen = read_override(location.read_text(OVERRIDE_FILE)) if OVERRIDE_FILE in keys else []
    times: dict[str, float] = {}
    if isinstance(location, LocalLocation):
        for key in keys:
            try:
                times[key] = location.contained_path(key).stat().st_mtime
            except (OSError, StorageError, ValueError):  # gone, outside the inbox, not a valid key
                continue
    return chosen, times
