"""How `bimtek server` starts the portal beside the Prefect UI: a uvicorn process on BIMTEK_PORTAL_PORT."""

from __future__ import annotations

import sys

from portal.security import PortalConfigError, signing_secret

DEPLOY_NOISE = ("start a worker", "prefect worker start")
"""Lines of `prefect deploy` output that `bimtek server` drops: it starts the worker itself."""
GRACEFUL_SHUTDOWN_SECONDS = 10
"""On stop, requests still open after this long (a slow upload, a page that refreshes) are closed, so a restart
never hangs."""


def portal_command(host: str, port: int) -> list[str]:
    """The uvicorn command serving `portal.app:create_app` (no access log: upload links carry tokens; open requests
    closed GRACEFUL_SHUTDOWN_SECONDS after a stop)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "portal.app:create_app",
        "--factory",
        "--host",
        host,
        "--port",
        str(port),
        "--no-access-log",
        "--timeout-graceful-shutdown",
        str(GRACEFUL_SHUTDOWN_SECONDS),
    ]


def portal_problem() -> str | None:
    """Why the portal cannot start (missing signing secret), None when it can."""
    try:
        signing_secret()
    except PortalConfigError as exc:
        return str(exc)
    return None


def without_deploy_noise(output: str) -> str:
    """`prefect deploy` output without its advice to start a worker (repeated once per deployment)."""
    return "\n".join(line for line in output.splitlines() if not any(n in line.lower() for n in DEPLOY_NOISE))
