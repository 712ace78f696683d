"""Operator commands of the `bimtek` CLI: `bimtek server` (Prefect server + UI + a process worker) and
`bimtek schedules` (calendar schedules of a region: show, --apply, --clear). See docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from bimtek.core.paths import PROJECT_ROOT

console = Console(stderr=True)
out = Console()

DEFAULT_PORT = 4200
WORK_POOL = "bimtek-process"
AUTH_ENV = "BIMTEK_PREFECT_AUTH"
"""Secret `user:password` that `bimtek server` puts in front of the Prefect API and UI (Prefect's basic auth)."""
AUTH_MIN_PASSWORD = 12
PREFECT_AUTH_VARIABLES = ("PREFECT_SERVER_API_AUTH_STRING", "PREFECT_API_AUTH_STRING")
"""The server's auth string and the clients' copy of it (docs: Prefect 3 security settings)."""


# --------------------------------------------------------------------------------------------------- processes


def prefect_command(*args: str) -> list[str]:
    """`prefect ...` run with this interpreter (the project's venv), wherever `prefect` is on PATH or not."""
    return [sys.executable, "-m", "prefect", *args]


def client_host(host: str) -> str:
    """The address a client on this machine uses to reach a server bound to `host`."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def api_url(host: str, port: int) -> str:
    return f"http://{client_host(host)}:{port}/api"


def public_host(host: str) -> str:
    """The name browsers on other machines use when the server listens on every interface."""
    import socket

    return socket.getfqdn() if host in ("0.0.0.0", "::") else host


def server_env(
    host: str, port: int, database_url: str | None, base: dict | None = None, ui_api_url: str | None = None
) -> dict[str, str]:
    """Environment of the `prefect server start` process (and of clients talking to it)."""
    env = dict(os.environ if base is None else base)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    env["PREFECT_API_URL"] = api_url(host, port)
    if ui_api_url:
        env["PREFECT_UI_API_URL"] = ui_api_url
    elif port != DEFAULT_PORT or public_host(host) != host:
        # the UI's browser code calls this URL: it must match where the API really listens
        env["PREFECT_UI_API_URL"] = f"http://{public_host(host)}:{port}/api"
    if database_url:
        env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = database_url
    auth = env.get(AUTH_ENV)
    if auth:
        for name in PREFECT_AUTH_VARIABLES:  # the server checks it; the worker, deploy and schedules send it
            env[name] = auth
    return env


def auth_problem(host: str, auth: str | None) -> str | None:
    """Why the Prefect API may not be served this way (Indonesian), None when it may.

    Without BIMTEK_PREFECT_AUTH the API only listens on the loopback address (a reverse proxy with TLS may face
    the network, see docs/operations.md); a set value must be `user:password` with a password of 12+ characters.
    """
    if auth:
        user, _, password = auth.partition(":")
        if not user or len(password) < AUTH_MIN_PASSWORD:
            return f"{AUTH_ENV} harus berbentuk nama:kata-sandi dengan kata sandi minimal {AUTH_MIN_PASSWORD} karakter."
        return None
    if not (host in ("localhost", "::1") or host.startswith("127.")):
        return (
            f"API Prefect akan terbuka tanpa autentikasi di {host}: isi {AUTH_ENV}=nama:kata-sandi "
            "atau jalankan dengan --host 127.0.0.1 di belakang reverse proxy (docs/operations.md)."
        )
    return None


def port_in_use(host: str, port: int) -> bool:
    """True when another process already listens on `port` at `host` (or on every interface).

    A bind test, not a connection: nothing is sent to whatever holds the port. The socket sets SO_REUSEADDR like
    uvicorn does, so a port a stopped server left in TIME_WAIT counts as free.
    """
    import socket

    family = socket.AF_INET6 if ":" in client_host(host) else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host or "0.0.0.0", port))
        except OSError:
            return True
    return False


def port_problem(host: str, port: int, what: str) -> str | None:
    """Why `what` cannot listen on `port` (Indonesian), None when the port is free."""
    if not port_in_use(host, port):
        return None
    return (
        f"port {port} di {client_host(host)} sudah dipakai proses lain (mungkin server Prefect atau portal lain), "
        f"jadi {what} tidak dijalankan dan tidak ada yang dikirim ke port itu. Pilih port lain "
        f"(--port, BIMTEK_PORTAL_PORT) atau hentikan proses yang memakainya (mis. `ss -ltnp 'sport = :{port}'`)."
    )


def wait_for_health(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Poll `<api>/health` until it answers 200 while `process` (our server) still runs; raise with a clear message
    on timeout or early exit (a health answer from a server that is not ours never counts)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with code {process.returncode} before becoming healthy")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200 and (process is None or process.poll() is None):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the Prefect server at {url} did not become healthy within {timeout:.0f} s")


def start_group(cmd: list[str], env: dict, log_path: Path | None = None, cwd: Path | None = None) -> subprocess.Popen:
    """Start a process in its own process group (so stopping it also stops its children)."""
    stdout = open(log_path, "ab") if log_path else None
    return subprocess.Popen(
        cmd,
        env=env,
        cwd=str(cwd or PROJECT_ROOT),
        stdout=stdout,
        stderr=subprocess.STDOUT if stdout else None,
        start_new_session=True,
    )


def stop_group(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM the process group, then SIGKILL what is left after `timeout` seconds."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    try:  # children may outlive the leader: clean the whole group
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pass


def ensure_pool(env: dict, pool: str) -> None:
    import asyncio

    from cli.deploy import ensure_work_pool

    names = ("PREFECT_API_URL", "PREFECT_API_AUTH_STRING")
    previous = {k: os.environ.get(k) for k in names}
    for name in names:
        if env.get(name):
            os.environ[name] = env[name]
    try:
        if asyncio.run(ensure_work_pool(pool)):
            console.print(f"Work pool [bold]{pool}[/] dibuat (type process).")
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def server(
    host: str = typer.Option("127.0.0.1", "--host", help="Alamat server (0.0.0.0 agar bisa dijangkau mesin lain)."),
    port: int = typer.Option(DEFAULT_PORT, "--port", help="Port API + UI."),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        help="postgresql+asyncpg://user@host:5432/db (bawaan: PREFECT_SERVER_DATABASE_CONNECTION_URL, lalu SQLite).",
    ),
    pool: str = typer.Option(WORK_POOL, "--pool", help="Work pool (type process) yang dilayani worker."),
    worker: bool = typer.Option(True, "--worker/--no-worker", help="Jalankan juga satu worker proses."),
    deploy: bool = typer.Option(
        False, "--deploy/--no-deploy", help="Jalankan `prefect deploy --all` setelah server siap."
    ),
    ui_api_url: str | None = typer.Option(
        None, "--ui-api-url", help="URL API yang dipakai browser (bawaan: http://<host>:<port>/api)."
    ),
    portal: bool = typer.Option(
        True, "--portal/--no-portal", help="Jalankan juga portal hasil dan unggah OPD (BIMTEK_PORTAL_PORT)."
    ),
) -> None:
    """Jalankan server Prefect (API + UI) dan satu worker untuk pool bimtek-process; Ctrl-C menghentikan keduanya."""
    from bimtek.core.settings import get_settings
    from portal.serve import portal_problem

    database_url = database_url or os.environ.get("PREFECT_SERVER_DATABASE_CONNECTION_URL")
    problem = auth_problem(host, os.environ.get(AUTH_ENV))
    if problem:
        console.print(f"[bold red]Galat:[/] {problem}")
        raise typer.Exit(code=2)
    ports = [(port, "server Prefect")]
    if portal and portal_problem() is None:
        ports.append((get_settings().portal_port, "portal"))
    for number, what in ports:
        problem = port_problem(host, number, what)
        if problem:
            console.print(f"[bold red]Galat:[/] {problem}")
            raise typer.Exit(code=2)
    env = server_env(host, port, database_url, ui_api_url=ui_api_url)
    url = api_url(host, port)
    db_label = "PostgreSQL" if database_url and database_url.startswith("postgresql") else "SQLite (PREFECT_HOME)"
    processes: list[tuple[str, subprocess.Popen]] = []

    def _interrupt(signum, frame):  # Ctrl-C, and SIGTERM from a service manager, stop both the same way
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        srv = start_group(prefect_command("server", "start", "--host", host, "--port", str(port)), env)
        processes.append(("server", srv))
        wait_for_health(url, timeout=120, process=srv)
        ensure_pool(env, pool)
        if deploy:
            run_deploy(env)
        if worker:
            worker_env = {**env, "BIMTEK_HOME": env.get("BIMTEK_HOME", str(PROJECT_ROOT))}
            processes.append(("worker", start_group(prefect_command("worker", "start", "--pool", pool), worker_env)))
        if portal:
            processes.extend(start_portal(host, env))
        console.print(
            f"[bold green]Prefect UI:[/] http://{public_host(host)}:{port}   API: {url}   database: {db_label}"
            + (f"   worker: pool {pool}" if worker else "")
        )
        console.print(f"Klien lain: export PREFECT_API_URL={url}   (Ctrl-C menghentikan server dan worker)")
        while True:
            for label, process in processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{label} berhenti (exit code {process.returncode})")
            time.sleep(1)
    except KeyboardInterrupt:
        console.print("Menghentikan worker dan server ...")
    except (RuntimeError, TimeoutError, subprocess.CalledProcessError) as exc:
        console.print(f"[bold red]Galat:[/] {exc}")
        raise typer.Exit(code=1) from None
    finally:
        for _, process in reversed(processes):
            stop_group(process)


def run_deploy(env: dict) -> None:
    """`prefect deploy --all`, its output shown once without the advice to start a worker (we start one)."""
    from portal.serve import without_deploy_noise

    done = subprocess.run(
        prefect_command("--no-prompt", "deploy", "--all"), env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    out.print(without_deploy_noise(done.stdout + done.stderr), markup=False, highlight=False)
    done.check_returncode()


def start_portal(host: str, env: dict) -> list[tuple[str, subprocess.Popen]]:
    """The portal process beside the UI, or none (with the reason) when its secret is not set."""
    from bimtek.core.settings import get_settings
    from portal.serve import portal_command, portal_problem

    problem = portal_problem()
    if problem:
        console.print(f"[yellow]Portal tidak dijalankan:[/] {problem}")
        return []
    port = get_settings().portal_port
    # the portal never talks to the Prefect API: it does not get the API's credentials
    portal_env = {k: v for k, v in env.items() if k not in (*PREFECT_AUTH_VARIABLES, AUTH_ENV)}
    process = start_group(portal_command(host, port), portal_env, cwd=PROJECT_ROOT)
    console.print(f"[bold green]Portal:[/] http://{public_host(host)}:{port}   (hasil, unggah OPD, status pengiriman)")
    return [("portal", process)]


# --------------------------------------------------------------------------------------------------- schedules


def parameter_path(value: str) -> str:
    """A local path as the workers see it: relative to the project root when inside it, else absolute.

    URLs (s3://...) are kept as they are.
    """
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def _schedule_table(specs, title: str) -> Table:
    table = Table(title=title)
    for column in ("deployment", "jadwal", "run", "slug", "parameter"):
        table.add_column(column, overflow="fold")
    for spec in specs:
        if spec.start == spec.until:
            when = f"{spec.start:%a %d-%m-%Y %H:%M}"
        else:
            when = f"{spec.start:%d-%m-%Y} s.d. {spec.until:%d-%m-%Y}\nsetiap hari {spec.start:%H:%M}"
        params = "\n".join(f"{k}={v}" for k, v in spec.parameters.items())
        table.add_row(spec.deployment, when, str(spec.runs), spec.slug.rsplit(":", 1)[-1], params)
    return table


def schedules(
    region: Path = typer.Option(..., "--region", help="Berkas YAML region (dengan calendar: tahap-1..tahap-4, rakor)."),
    inputs_root: str | None = typer.Option(
        None,
        "--inputs-root",
        help="Folder/s3 berisi inbox per tahap (<root>/tahap-N); bawaan: inputs/ di samping region.",
    ),
    store: str | None = typer.Option(None, "--store", help="Store untuk run terjadwal (bawaan: BIMTEK_STORE worker)."),
    apply: bool = typer.Option(
        False, "--apply", help="Pasang/perbarui jadwal ini di deployment Prefect (PREFECT_API_URL)."
    ),
    clear: bool = typer.Option(False, "--clear", help="Hapus semua jadwal region ini dari deployment Prefect."),
    today: str | None = typer.Option(
        None, "--today", help="Anggap hari ini tanggal ini (YYYY-MM-DD); jendela yang sudah lewat dilewati."
    ),
) -> None:
    """Tampilkan jadwal yang diturunkan dari kalender region; --apply memasangnya, --clear menghapusnya."""
    import asyncio

    from bimtek.analysis.schedules import schedules_for_region
    from bimtek.core.region import RegionError, load_region

    if apply and clear:
        console.print("[bold red]Galat:[/] pilih --apply atau --clear, tidak keduanya.")
        raise typer.Exit(code=2)
    try:
        reg = load_region(region)
        as_of = dt.date.fromisoformat(today) if today else None
    except (RegionError, ValueError) as exc:
        console.print(f"[bold red]Galat:[/] {exc}")
        raise typer.Exit(code=2) from None
    specs = schedules_for_region(
        reg,
        today=as_of,
        region_path=parameter_path(str(region)),
        inputs_root=parameter_path(inputs_root) if inputs_root else None,
        store=store,
    )
    if not clear:
        if specs:
            out.print(
                _schedule_table(specs, f"Jadwal {reg.slug} (waktu {specs[0].timezone}; slug bimtek:{reg.slug}:...)")
            )
        else:
            out.print(f"Tidak ada jadwal untuk {reg.slug}: kalender kosong atau semua jendelanya sudah lewat.")
    if not (apply or clear):
        return

    from prefect.settings import get_current_settings

    from cli.deploy import apply_schedules

    if not get_current_settings().api.url:
        console.print(
            "[bold red]Galat:[/] PREFECT_API_URL belum diatur; jadwal hanya berguna di server Prefect "
            "(mis. export PREFECT_API_URL=http://127.0.0.1:4200/api)."
        )
        raise typer.Exit(code=2)
    try:
        results = asyncio.run(apply_schedules(reg.slug, [] if clear else specs))
    except Exception as exc:  # network or API errors: one clear line
        console.print(f"[bold red]Galat:[/] tidak dapat memperbarui jadwal lewat Prefect API: {exc}")
        raise typer.Exit(code=1) from None
    table = Table(title="Perubahan di server Prefect")
    for column in ("deployment", "slug", "aksi", "catatan"):
        table.add_column(column, overflow="fold")
    for result in results:
        table.add_row(result.deployment, result.slug, result.action, result.detail)
    if results:
        out.print(table)
    else:
        out.print("Tidak ada perubahan.")
    missing = [r for r in results if r.action == "missing-deployment"]
    if missing:
        console.print(
            f"[yellow]Peringatan:[/] {len(missing)} jadwal tidak terpasang: deployment belum ada "
            f"({', '.join(sorted({r.deployment for r in missing}))})."
        )
