"""Helpers of the tests that start real processes the way operators do (Prefect server and workers, dask
scheduler and workers): a free loopback port, a throw-away PostgreSQL database (the `database_url` fixture,
registered in tests/conftest.py) and `Stack`, the processes of one test, each in its own process group
(cli.ops.start_group / stop_group), stopped with all their descendants at the end.

PostgreSQL is expected on 127.0.0.1:5432 with trust auth for user postgres (CI starts it); without it a test
using `database_url` fails with the reason instead of obscurely.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import psutil
import pytest

from bimtek.core.paths import PROJECT_ROOT
from cli.ops import start_group, stop_group, wait_for_health

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _pg(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(database="postgres", timeout=5, **PG)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
def database_url():
    """A fresh PostgreSQL database for one Prefect server (asyncpg URL), dropped afterwards."""
    name = f"bimtek_prefect_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no PostgreSQL here: say so instead of failing obscurely
        pytest.fail(f"PostgreSQL not reachable on {PG['host']}:{PG['port']} as {PG['user']} ({exc})")
    try:
        yield f"postgresql+asyncpg://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    finally:
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def tail(path: Path, chars: int = 6000) -> str:
    if not path.exists():
        return f"({path.name}: no output)"
    return f"--- {path.name} (last {chars} chars) ---\n" + path.read_text(errors="replace")[-chars:]


class Stack:
    """The processes of one test: server, workers; each in its own process group, descendants tracked."""

    def __init__(self, tmp: Path, env: dict):
        self.tmp, self.env = tmp, env
        self.groups: list[subprocess.Popen] = []
        self.seen: set[psutil.Process] = set()

    def start(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        """`prefect <args>` in the background, output to <name>.log."""
        process = start_group([sys.executable, "-m", "prefect", *args], env or self.env, self.tmp / f"{name}.log")
        self.groups.append(process)
        return process

    def start_server(self, port: int, timeout: float = 300) -> subprocess.Popen:
        """`prefect server start` on 127.0.0.1:`port` (its API URL in the environment), once its /health answers;
        the test fails with every log when it does not."""
        server = self.start("server", ["server", "start", "--host", "127.0.0.1", "--port", str(port)])
        try:
            wait_for_health(self.env["PREFECT_API_URL"], timeout=timeout, process=server)
        except Exception as exc:
            pytest.fail(f"Prefect server did not start: {exc}\n{self.logs()}")
        return server

    def run(self, name: str, args: list[str], timeout: float = 240, stdin: str | None = None) -> str:
        """A command to its end (from the project root); its output, asserting it succeeded."""
        result = subprocess.run(
            args, env=self.env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout, input=stdin
        )
        (self.tmp / f"{name}.log").write_text(result.stdout + result.stderr)
        assert result.returncode == 0, (
            f"`{' '.join(args[1:])}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
        return result.stdout

    def spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        """A command in the background (own process group), output to <name>.log."""
        process = start_group(args, self.env, self.tmp / f"{name}.log")
        self.groups.append(process)
        return process

    def finish(self, name: str, process: subprocess.Popen, timeout: float) -> str:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"`{name}` did not finish within {timeout} s\n{self.logs()}")
        output = (self.tmp / f"{name}.log").read_text(errors="replace")
        assert process.returncode == 0, f"`{name}` failed ({process.returncode}):\n{output}"
        return output

    def remember_descendants(self) -> None:
        for process in self.groups:
            try:
                parent = psutil.Process(process.pid)
                self.seen.update([parent, *parent.children(recursive=True)])
            except psutil.NoSuchProcess:
                pass

    def logs(self) -> str:
        return "\n".join(tail(p) for p in sorted(self.tmp.glob("*.log")))

    def stop(self) -> list[str]:
        """Stop everything; return a description of any process still alive (should be none)."""
        self.remember_descendants()
        for process in reversed(self.groups):
            stop_group(process)
        alive = [p for p in self.seen if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        for proc in alive:  # anything that left its group: stop it too, but report it
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=10)
        return [f"{p.pid}" for p in alive]
