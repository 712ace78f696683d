"""Make sure the CLI has a Prefect API before a flow starts, or stop soon with a message saying what to do.

With PREFECT_API_URL set, that (running) server is used: it is checked once with its /health endpoint. Without it
Prefect starts a temporary server in a subprocess on first use; left to Prefect, a start-up that fails is retried
by every client that needs the API (on a loaded machine this took about 10 minutes before the run failed). Here
the temporary server is started once, up front, within `server_startup_timeout_seconds`; the flow then reuses it.
"""

from __future__ import annotations


class PrefectApiUnavailable(RuntimeError):
    """No Prefect API could be reached or started; the message (Indonesian) says what to do."""


SERVER_HINT = "jalankan `bimtek server` di terminal lain lalu `export PREFECT_API_URL=http://127.0.0.1:4200/api`"


def startup_timeout() -> float:
    """Seconds the temporary server may take to start (the bimtek setting, else Prefect's own setting)."""
    from bimtek.core.settings import get_settings

    configured = get_settings().server_startup_timeout_seconds
    if configured is not None:
        return float(configured)
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    return float(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())


def ensure_prefect_api() -> str:
    """The API URL the flows will use: the running server's, or a temporary server's started now."""
    from prefect.settings import PREFECT_API_URL

    url = (PREFECT_API_URL.value() or "").strip()
    if url:
        return _check_running(url)
    from prefect.server.api.server import SubprocessASGIServer

    timeout = startup_timeout()
    server = SubprocessASGIServer()
    try:
        server.start(timeout=max(1, int(timeout)))
    except RuntimeError as exc:
        server.stop()
        raise PrefectApiUnavailable(
            f"server Prefect sementara tidak siap dalam {timeout:g} detik (mesin sibuk atau basis data server tidak "
            f"dapat dibuka). {SERVER_HINT[0].upper()}{SERVER_HINT[1:]}, atau naikkan BIMTEK_SERVER_STARTUP_TIMEOUT_SECONDS. "
            f"Rincian: {str(exc)[:200]}"
        ) from None
    return server.api_url


def _check_running(url: str) -> str:
    import httpx

    try:
        response = httpx.get(f"{url.rstrip('/')}/health", timeout=10)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise PrefectApiUnavailable(
            f"server Prefect di PREFECT_API_URL={url} tidak menjawab ({type(exc).__name__}). Periksa alamatnya, "
            f"{SERVER_HINT}, atau hapus PREFECT_API_URL agar server sementara dipakai."
        ) from None
    return url
