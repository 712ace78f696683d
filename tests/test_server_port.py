"""`bimtek server` on a port another process holds: it stops at once with an Indonesian message, and nothing it
would send (health polls, work pool, deployments with the auth string) reaches the process on that port.

The foreign "server" is a plain listening socket; after the command ended it must have no pending connection.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from cli.ops import port_in_use
from tests.processes import free_port


@pytest.fixture
def foreign_listener():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    yield listener
    listener.close()


def _server(port: int, tmp_path, **extra: str) -> tuple[subprocess.CompletedProcess, float]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BIMTEK_", "PREFECT_"))},
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "BIMTEK_PREFECT_AUTH": "bimtek:rahasia-yang-panjang-sekali",  # pragma: allowlist secret
        "DO_NOT_TRACK": "1",
        **extra,
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "server", "--port", str(port), "--no-worker", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, time.monotonic() - started


def _nobody_connected(listener: socket.socket) -> bool:
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def test_server_refuses_a_port_that_another_server_holds(foreign_listener, tmp_path):
    port = foreign_listener.getsockname()[1]
    assert port_in_use("127.0.0.1", port) and port_in_use("0.0.0.0", port)
    done, took = _server(port, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert f"port {port} di 127.0.0.1 sudah dipakai proses lain" in output and "server Prefect" in output
    assert "Deployment" not in output and "Work pool" not in output
    assert took < 60
    assert _nobody_connected(foreign_listener), "bimtek server talked to a server it did not start"


def test_server_refuses_a_portal_port_that_is_taken(foreign_listener, tmp_path):
    portal_port = foreign_listener.getsockname()[1]
    done, _ = _server(
        free_port(),
        tmp_path,
        BIMTEK_PORTAL_SECRET="p" * 40,  # pragma: allowlist secret
        BIMTEK_PORTAL_PORT=str(portal_port),
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert f"port {portal_port} di 127.0.0.1 sudah dipakai" in output and "portal tidak dijalankan" in output
    assert _nobody_connected(foreign_listener)


def test_a_free_port_is_free():
    assert not port_in_use("127.0.0.1", free_port())
