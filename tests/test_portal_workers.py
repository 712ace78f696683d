"""N-L8: the portal's check workers end with it, however it is stopped.

The portal runs as its own process, started the way `bimtek server` starts it (portal.serve.portal_command), with
the process pool of upload checks; the test waits for both warm workers, stops the portal with SIGTERM (a service
manager), SIGINT (Ctrl-C) or SIGKILL (the parent killed, no clean-up at all), and then finds none of the portal's
child processes (workers, resource tracker) left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request

import psutil
import pytest

from bimtek.core.paths import PROJECT_ROOT, SAMPLE_DIR
from portal.serve import portal_command
from tests.processes import free_port

WORKERS = 2


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["sigterm", "sigint", "sigkill"])
def test_stopping_the_portal_ends_its_check_workers(tmp_path, stop):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BIMTEK_")},
        "BIMTEK_PORTAL_SECRET": "w" * 40,  # pragma: allowlist secret
        "BIMTEK_PORTAL_DATA": str(tmp_path / "data"),
        "BIMTEK_STORE": str(tmp_path / "store"),
        "BIMTEK_REGIONS": str(SAMPLE_DIR),
        "BIMTEK_UPLOAD_POOL": "process",
        "BIMTEK_UPLOAD_WORKERS": str(WORKERS),
    }
    log = open(tmp_path / "portal.log", "wb")
    portal = subprocess.Popen(portal_command("127.0.0.1", port), env=env, cwd=PROJECT_ROOT, stdout=log, stderr=log)
    try:
        parent = psutil.Process(portal.pid)

        def workers() -> list[psutil.Process]:
            return [child for child in parent.children(recursive=True) if _alive(child)]

        def ready() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/masuk", timeout=2) as page:
                    answered = page.status == 200
            except OSError:
                answered = False
            spawned = [c for c in workers() if "multiprocessing" in " ".join(c.cmdline())]
            return answered and len(spawned) >= WORKERS + 1  # the workers and the resource tracker

        assert _wait(ready, 120), (tmp_path / "portal.log").read_text(errors="replace")[-3000:]
        children = workers()
        assert len(children) >= WORKERS + 1
        portal.send_signal(stop)
        portal.wait(timeout=30)
        assert _wait(lambda: not any(_alive(child) for child in children), 20), [
            (child.pid, child.cmdline()) for child in children if _alive(child)
        ]
    finally:
        if portal.poll() is None:
            portal.kill()
            portal.wait(timeout=10)
        log.close()
