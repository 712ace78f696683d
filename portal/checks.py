"""OPD upload checks off the event loop: a bounded queue in front of a small thread pool, and a cache of checks
keyed by the file's SHA-256 so the status page after a restart reads results instead of validating again.

`CheckQueue.submit` refuses a job when `max_pending` are already waiting or running (`QueueFull`, shown as
"antrean penuh"); a job is read back by its random id and the upload token that made it (`job`), and forgotten an
hour after it finished. The page polls a finished-or-not job with a meta refresh (no script needed).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import pickle
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bimtek.core.paths import PROJECT_ROOT

logger = logging.getLogger(__name__)
KEEP_FINISHED_SECONDS = 3600
STOP_SECONDS = 5.0
"""How long a check worker gets to end after SIGTERM when the portal stops."""


class QueueFull(Exception):
    """Too many uploads are being checked; the message is Indonesian."""


@dataclass
class CheckJob:
    id: str
    owner: str
    """The upload token that made the job: only its page may read it."""
    name: str
    future: Future
    submitted: float = field(default_factory=time.monotonic)
    finished: float | None = None


class CheckQueue:
    """`processes`: a pool of worker processes (started with "spawn": the portal has threads, fork is unsafe; the
    work must then be a module-level function of picklable arguments), else a thread pool. `nice`: the worker
    processes' niceness (BIMTEK_UPLOAD_NICE), so on a small host the portal's pages get the CPU before a check."""

    def __init__(self, workers: int, max_pending: int, processes: bool = False, nice: int = 0) -> None:
        self._pool: Executor
        if processes:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=max(1, workers), mp_context=context, initializer=_worker_start, initargs=(nice,)
            )
        else:
            self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="periksa-unggahan")
        self.max_pending = max_pending
        self._jobs: dict[str, CheckJob] = {}
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Start the workers now (a process imports pandas and the rules once), not at the first OPD's upload."""
        for _ in range(getattr(self._pool, "_max_workers", 1)):
            self._pool.submit(_ready)

    def pending(self) -> int:
        with self._lock:
            return sum(1 for job in self._jobs.values() if not job.future.done())

    def submit(self, owner: str, name: str, work: Callable[..., Any], *args: Any) -> CheckJob:
        now = time.monotonic()
        with self._lock:
            for key in [k for k, j in self._jobs.items() if j.finished and now - j.finished > KEEP_FINISHED_SECONDS]:
                del self._jobs[key]
            if sum(1 for job in self._jobs.values() if not job.future.done()) >= self.max_pending:
                raise QueueFull(
                    "Antrean pemeriksaan penuh: banyak berkas sedang diperiksa. Berkas Anda belum disimpan; "
                    "coba unggah lagi dalam beberapa menit."
                )
            job = CheckJob(id=secrets.token_urlsafe(12), owner=owner, name=name, future=self._pool.submit(work, *args))
            self._jobs[job.id] = job
        job.future.add_done_callback(lambda _: setattr(job, "finished", time.monotonic()))
        return job

    def job(self, job_id: str, owner: str) -> CheckJob | None:
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and secrets.compare_digest(job.owner, owner) else None

    def position(self, job: CheckJob) -> int:
        """How many unfinished jobs were submitted before this one (0: being checked or next)."""
        with self._lock:
            return sum(1 for j in self._jobs.values() if not j.future.done() and j.submitted < job.submitted)

    def shutdown(self, timeout: float = STOP_SECONDS) -> None:
        """Cancel what waits and end the worker processes now (a check still running is abandoned, as when the
        portal is killed): SIGTERM, then SIGKILL after `timeout` seconds. The executor's own shutdown only asks
        idle workers to leave, which left busy ones running after the portal."""
        # the executor forgets its processes on shutdown: take them first (no public accessor before Python 3.14)
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        deadline = time.monotonic() + timeout
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                logger.warning("Check worker %s did not stop in %.0f s; killing it", process.pid, timeout)
                process.kill()
                process.join(1)


def _worker_start(nice: int) -> None:
    """Worker-process initializer: lower the CPU priority by `nice` (0: unchanged), leave Ctrl-C to the portal (it
    reaches the whole terminal's process group; the portal then stops its workers itself), and end this worker as
    soon as the portal process is gone, however it ended (SIGKILL, OOM killer), so no worker outlives it."""
    import os
    import signal

    if nice > 0:
        os.nice(nice)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="portal-pengawas", daemon=True).start()


def _exit_with(parent_sentinel: int) -> None:
    """Block until the parent's sentinel is ready (the parent ended), then end this process at once."""
    import os
    from multiprocessing.connection import wait

    wait([parent_sentinel])
    os._exit(0)


RULE_SOURCES = ("bimtek/core", "bimtek/ingest", "bimtek/validation", "schemas")
"""What a check depends on besides the file and the region: a change here makes every cached check stale."""


def rules_fingerprint() -> str:
    """SHA-256 over the source of the checks (RULE_SOURCES), computed once per process."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        digest = hashlib.sha256()
        for folder in RULE_SOURCES:
            for path in sorted((PROJECT_ROOT / folder).rglob("*")):
                if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".json", ".toml"):
                    digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode() + path.read_bytes())
        _FINGERPRINT = digest.hexdigest()
    return _FINGERPRINT


_FINGERPRINT: str | None = None


def _ready() -> bool:
    """A worker's first job: import what a check needs (pandas, the readers, the rules)."""
    import bimtek.ingest.reader  # noqa: F401
    import bimtek.validation  # noqa: F401

    return True


class CheckCache:
    """Per-file check results on disk, keyed by the file's SHA-256 and name, the region, the stage and the rules."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str, data: bytes, region_slug: str, stage: int) -> Path | None:
        if self.folder is None:
            return None
        tag = f"|{key}|{region_slug}|{stage}|{rules_fingerprint()}"
        digest = hashlib.sha256(hashlib.sha256(data).digest() + tag.encode()).hexdigest()
        return self.folder / f"{digest}.pickle"

    def get(self, key: str, data: bytes, region_slug: str, stage: int) -> Any | None:
        """The cached results of file `key` (inbox-relative; the results name it) with these bytes, or None."""
        path = self._path(key, data, region_slug, stage)
        if path is None or not path.is_file():
            return None
        try:
            return pickle.loads(path.read_bytes())  # noqa: S301 - our own file, in the portal's private folder
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            logger.warning("Check cache %s unreadable (%s); checking the file again", path.name, exc)
            return None

    def put(self, key: str, data: bytes, region_slug: str, stage: int, results: Any) -> None:
        path = self._path(key, data, region_slug, stage)
        if path is None:
            return
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps(results))
        temporary.replace(path)
