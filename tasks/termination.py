"""SIGTERM always stops a run: nothing is published after a stop was asked for, and the process ends non-zero.

Prefect turns SIGTERM into a `TerminationSignal` raised in the main thread while a flow runs; when that
exception is swallowed on its way up (it was, in about 1 of 5 tries), the flow went on and published. So the flow
body also chains a handler in front of Prefect's (`watch_for_termination`, called by `choose_run` in the main
thread) that records the request; the publish task checks it (`ensure_running`) before it writes anything, and the
CLI checks it (`termination_requested`) before it reports success. A publish already under way finishes its
folder (bimtek.store.package.publish_run is atomic: a reader sees all of a run or none of it).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

STOPPED_MESSAGE = "Proses dihentikan (SIGTERM): hasil run ini tidak diterbitkan. Jalankan ulang tahap ini bila perlu."

_requested = threading.Event()


class RunTerminated(BaseException):
    """A stop was asked for (SIGTERM): a BaseException, so no `except Exception` on the way can swallow it."""


def termination_requested() -> bool:
    """True once this process received SIGTERM while a run watched for it."""
    return _requested.is_set()


def ensure_running() -> None:
    """Raise RunTerminated when a stop was asked for (call before anything is published)."""
    if _requested.is_set():
        raise RunTerminated(STOPPED_MESSAGE)


def watch_for_termination() -> None:
    """Record SIGTERM in front of the current handler (Prefect's, inside a flow run), then call that handler.

    Only the main thread can install a handler; elsewhere this does nothing (the CLI process runs flows there).
    """
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.getsignal(signal.SIGTERM)
    if getattr(previous, "_bimtek_watch", False):
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        _requested.set()
        if callable(previous):
            previous(signum, frame)
        raise RunTerminated(STOPPED_MESSAGE)

    handler._bimtek_watch = True  # type: ignore[attr-defined]
    signal.signal(signal.SIGTERM, handler)
