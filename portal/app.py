"""The portal's FastAPI application: coordinator pages behind a login, OPD upload pages behind signed links.

Routes (Indonesian paths, every page from `templates/portal/`):

- `/masuk`, `/keluar`: coordinator login with a named account (`bimtek akun`, portal/accounts.py), throttled per
  account and per address (429 with the wait), and logout; the session lives on the server and ends at logout.
- `/akun/sandi`: change one's own password (ends every session of the account); `/audit`: the audit log.
- `/hasil`, `/hasil/<region>`, `/hasil/<region>/tahap-<N>`, `/hasil/<region>/tahap-<N>/<run>`: published results.
- `/berkas/<region>/tahap-<N>/<run>/<file>`: one file of a run (only files its manifest lists; local store:
  served inline for HTML/PDF/images, as a download otherwise; S3: a redirect to a presigned link).
- `/status/<region>/tahap-<N>`: live submission status per OPD from the stage inbox.
- `/nasional`: the cockpit over every registered region for `pembina` and `admin` accounts (portal/cockpit.py).
- `/unggah/<token>`: an OPD's upload page (GET form, POST file), `/unggah/<token>/templat`: its intake template,
  `/unggah/<token>/periksa/<job>`: the check of one upload, run in the worker pool (progress, then the result).

Every form carries a CSRF token (double submit: cookie + field, both signed); no request path reaches the store
without `normalize_key`, the manifest's list of files and, locally, a resolved-path containment check.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from bimtek.core.formatting import tanggal
from bimtek.core.monev import MONEV_FOLDER, MONEV_STAGE, SemesterError, monev_stage_path
from bimtek.core.paths import PROJECT_ROOT
from bimtek.core.region import Region, load_region, registered_regions
from bimtek.core.settings import Settings, get_settings
from bimtek.store.acceptance import awaits_acceptance
from bimtek.store.package import RUN_ID_PATTERN, read_latest
from bimtek.store.storage import (
    LocalLocation,
    Location,
    StorageError,
    guess_content_type,
    normalize_key,
    open_location,
)
from bimtek.workbooks.intake_template import TEAM_TEMPLATE, build_intake_workbook, intake_filename
from portal.accept_links import accept_link_router
from portal.accounts import Account, AccountError, AccountStore
from portal.cache import RegionFiles
from portal.checks import CheckCache, CheckQueue, QueueFull
from portal.cockpit import cockpit_router
from portal.invitations import link_senders
from portal.monev import link_semester, monev_routes, monev_semesters, opd_realisation_workbook
from portal.questions import TEMPLATE_FILTERS, PortalHooks, answer_routes, sender_context
from portal.results import (
    STAGES,
    accept_from_portal,
    latest_run_id,
    published_keys,
    run_draft,
    run_files,
    run_outcome,
    stage_runs,
)
from portal.security import CSRF_COOKIE, SESSION_COOKIE, csrf_valid, new_csrf, signing_secret
from portal.submissions import (
    SMALLER_FILE_HINT,
    InboxStatus,
    UploadOutcome,
    UploadRefused,
    check_upload,
    size_limit_text,
)
from portal.throttle import LoginThrottle
from portal.tokens import InviteError, read_token
from portal.worker import check_upload_file

TEMPLATES = PROJECT_ROOT / "templates" / "portal"
STYLESHEET = TEMPLATES / "portal.css"
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"
)
"""Deliverable HTML carries its own <style>; it never needs scripts or outside resources."""

FORM_OVERHEAD_BYTES = 64 * 1024
"""Room for the multipart envelope and the form's other fields on top of BIMTEK_UPLOAD_MAX_BYTES."""

logger = logging.getLogger(__name__)


@dataclass
class PortalConfig:
    """Everything the portal reads: the store, the registered regions, the secret, the accounts and the limits."""

    store: Location
    regions: dict[str, Path]
    secret: str
    accounts: AccountStore
    settings: Settings
    status: InboxStatus = field(default_factory=InboxStatus)
    throttle: LoginThrottle | None = None
    checks: CheckQueue | None = None
    _regions: RegionFiles = field(default_factory=lambda: RegionFiles(load_region))

    def __post_init__(self) -> None:
        limits = self.settings
        self.throttle = self.throttle or LoginThrottle(
            limits.login_max_failures, limits.login_window_seconds, limits.login_lock_seconds
        )
        self.checks = self.checks or CheckQueue(
            limits.upload_workers,
            limits.upload_queue_max,
            processes=limits.upload_pool == "process",
            nice=limits.upload_nice,
        )

    @classmethod
    def from_environment(cls) -> PortalConfig:
        settings = get_settings()
        folder = data_folder(settings)
        return cls(
            store=open_location(settings.store),
            regions=registered_regions(settings.region_folders),
            secret=signing_secret(),
            accounts=AccountStore(folder / "portal.sqlite3"),
            settings=settings,
            status=InboxStatus(CheckCache(folder / "cek")),
        )

    def region(self, slug: str, account: Account | None = None) -> Region:
        path = self.regions.get(slug)
        if path is None or (account is not None and not account.sees(slug)):
            raise HTTPException(status_code=404, detail="Region tidak terdaftar.")
        return self._regions.read(path)

    @property
    def secure_cookies(self) -> bool:
        return self.settings.portal_url.startswith("https://")


def data_folder(settings: Settings) -> Path:
    """The portal's private folder (BIMTEK_PORTAL_DATA), created owner-only."""
    folder = Path(settings.portal_data).expanduser()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def client_address(request: Request) -> str:
    """The address a request came from (behind a proxy: uvicorn --proxy-headers sets it from X-Forwarded-For)."""
    return request.client.host if request.client else "?"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["j2", "html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ukuran"] = _size_text
    env.filters["tanggal"] = tanggal
    env.filters.update(TEMPLATE_FILTERS)
    return env


def _size_text(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1_048_576:
        return f"{size / 1024:.0f} KB".replace(".", ",")
    return f"{size / 1_048_576:.1f} MB".replace(".", ",")


def local_time(moment: dt.datetime | None, timezone: str) -> str:
    """'01-12-2026 14:05 WIB'-style text in the region's time zone ('' for None)."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%d-%m-%Y %H:%M} {local.tzname()}"


def _monev_stage(semester: str) -> str:
    """The store stage path of a monev semester named in a URL (404 when it is no semester)."""
    try:
        return monev_stage_path(semester)
    except SemesterError:
        raise HTTPException(status_code=404, detail="Semester monev tidak dikenal.") from None


def _stage(stage: int) -> int:
    if stage not in STAGES:
        raise HTTPException(status_code=404, detail="Tahap tidak dikenal (1-4).")
    return stage


def _run_id(run_id: str) -> str:
    if not RUN_ID_PATTERN.fullmatch(run_id) or run_id == "latest.json":
        raise HTTPException(status_code=404, detail="Run tidak ditemukan.")
    return run_id


def _local_next(target: str | None) -> str:
    """Only a path of this site may follow the login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/hasil"


def create_app(config: PortalConfig | None = None) -> FastAPI:
    """The portal application; `config` defaults to the settings and secrets of the environment."""
    config = config or PortalConfig.from_environment()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if config.checks is not None:
            config.checks.warm()
        yield
        if config.checks is not None:  # the check pool ends with the portal (its processes too)
            config.checks.shutdown()

    app = FastAPI(title="Portal Bimtek Smart City", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    env = _environment()

    accounts, throttle, checks = config.accounts, config.throttle, config.checks
    assert throttle is not None and checks is not None  # set by PortalConfig.__post_init__
    session_lifetime = dt.timedelta(minutes=config.settings.session_minutes)

    def page(request: Request, template: str, status_code: int = 200, headers=None, **context) -> HTMLResponse:
        token = request.cookies.get(CSRF_COOKIE)
        if not csrf_valid(config.secret, token, token):
            token = new_csrf(config.secret)
        account = accounts.session_account(request.cookies.get(SESSION_COOKIE))
        context.update(csrf=token, logged_in=account is not None, account=account)
        response = HTMLResponse(env.get_template(template).render(**context), status_code=status_code, headers=headers)
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=config.secure_cookies)
        return response

    def require_login(request: Request) -> Account:
        account = accounts.session_account(request.cookies.get(SESSION_COOKIE))
        if account is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise HTTPException(status_code=303, headers={"Location": f"/masuk?lanjut={quote(target)}"})
        return account

    def audit(request: Request, account: Account | str, action: str, detail: str = "", region: str = "") -> None:
        """One audit line; `region`: the region it concerns (its coordinators read it), "" for none."""
        name = account if isinstance(account, str) else account.name
        accounts.log(name, action, detail, client_address(request), region)

    def require_csrf(request: Request, token: str | None) -> None:
        if not csrf_valid(config.secret, request.cookies.get(CSRF_COOKIE), token):
            raise HTTPException(
                status_code=403, detail="Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi."
            )

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.middleware("http")
    async def upload_size_limit(request: Request, call_next):
        """Refuse an upload whose declared size is over the limit before its body is read (and spooled)."""
        declared = request.headers.get("content-length", "")
        limit = config.settings.upload_max_bytes + FORM_OVERHEAD_BYTES
        if request.method == "POST" and declared.isdigit() and int(declared) > limit:
            return page(
                request,
                "galat.html.j2",
                status_code=413,
                message=(
                    f"Berkas terlalu besar; batasnya {size_limit_text(config.settings.upload_max_bytes)}. "
                    f"{SMALLER_FILE_HINT}"
                ),
                back=request.url.path,
            )
        return await call_next(request)

    @app.exception_handler(StarletteHTTPException)
    async def error_page(request: Request, exc: StarletteHTTPException):
        if exc.status_code in (301, 302, 303, 307):
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        message = exc.detail if isinstance(exc, HTTPException) and exc.detail else None
        return page(
            request,
            "galat.html.j2",
            status_code=exc.status_code,
            message=message if message and message not in GENERIC_DETAILS else _status_text(exc.status_code),
            headers={"Allow": exc.headers["Allow"]} if exc.headers and "Allow" in exc.headers else None,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_form_page(request: Request, exc: RequestValidationError):
        return page(request, "galat.html.j2", status_code=422, message=_status_text(422))

    @app.exception_handler(Exception)
    async def crash_page(request: Request, exc: Exception):
        logger.exception("Unexpected error on %s %s", request.method, request.url.path)
        return page(request, "galat.html.j2", status_code=500, message=_status_text(500))

    app.include_router(cockpit_router(config, page, require_login))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/portal.css", include_in_schema=False)
    def stylesheet() -> FileResponse:
        return FileResponse(STYLESHEET, media_type="text/css")

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/hasil", status_code=303)

    # ------------------------------------------------------------------------------------------- login

    @app.get("/masuk", response_class=HTMLResponse)
    def login_form(request: Request, lanjut: str | None = None) -> HTMLResponse:
        return page(request, "masuk.html.j2", lanjut=_local_next(lanjut), name="")

    @app.post("/masuk", response_class=HTMLResponse)
    def login(
        request: Request,
        nama: str = Form(""),
        kata_sandi: str = Form(""),
        lanjut: str = Form("/hasil"),
        csrf: str = Form(""),
    ) -> Response:
        require_csrf(request, csrf)
        name = nama.strip().lower()[:64]
        keys = (f"akun:{name}", f"alamat:{client_address(request)}")

        def refused(status_code: int, error: str, wait: int = 0) -> HTMLResponse:
            return page(
                request,
                "masuk.html.j2",
                status_code=status_code,
                lanjut=_local_next(lanjut),
                name=name,
                error=error,
                headers={"Retry-After": str(wait)} if wait else None,
            )

        # a name that is no account may be a password typed in the wrong field: it is not written down
        known = name if accounts.get(name) else "(nama tidak dikenal)"
        wait = throttle.wait(*keys)
        if wait:
            audit(request, known, "masuk ditahan", f"tunggu {wait} detik")
            return refused(429, _throttled_text(wait), wait)
        account = accounts.verify(name, kata_sandi)
        if account is None:
            wait = throttle.failed(*keys)
            audit(request, known, "masuk gagal")
            if wait:
                return refused(429, _throttled_text(wait), wait)
            return refused(401, "Nama akun atau kata sandi salah.")
        throttle.succeeded(keys[0])
        audit(request, account, "masuk")
        response = RedirectResponse(_local_next(lanjut), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            accounts.open_session(account.name, session_lifetime),
            max_age=int(session_lifetime.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=config.secure_cookies,
        )
        return response

    @app.post("/keluar")
    def logout(request: Request, csrf: str = Form("")) -> RedirectResponse:
        require_csrf(request, csrf)
        token = request.cookies.get(SESSION_COOKIE)
        account = accounts.session_account(token)
        accounts.close_session(token)
        if account is not None:
            audit(request, account, "keluar")
        response = RedirectResponse("/masuk", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/akun/sandi", response_class=HTMLResponse)
    def password_form(request: Request) -> HTMLResponse:
        require_login(request)
        return page(request, "sandi.html.j2")

    @app.post("/akun/sandi", response_class=HTMLResponse)
    def change_password(
        request: Request,
        sandi_lama: str = Form(""),
        sandi_baru: str = Form(""),
        sandi_ulang: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        require_csrf(request, csrf)
        account = require_login(request)
        if accounts.verify(account.name, sandi_lama) is None:
            audit(request, account, "ganti sandi gagal", "sandi lama salah")
            return page(request, "sandi.html.j2", status_code=400, error="Kata sandi lama salah.")
        if sandi_baru != sandi_ulang:
            return page(request, "sandi.html.j2", status_code=400, error="Kedua isian kata sandi baru tidak sama.")
        try:
            accounts.set_password(account.name, sandi_baru)
        except AccountError as exc:
            return page(request, "sandi.html.j2", status_code=400, error=str(exc))
        audit(request, account, "ganti sandi", "semua sesi diakhiri")
        response = RedirectResponse("/masuk", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/audit", response_class=HTMLResponse)
    def audit_page(request: Request) -> HTMLResponse:
        account = require_login(request)
        if not account.reads_audit:
            raise HTTPException(status_code=403, detail="Log audit hanya untuk admin dan koordinator.")
        entries = accounts.audit(reader=account)
        return page(request, "audit.html.j2", entries=entries, time=lambda moment: local_time(moment, AUDIT_TIMEZONE))

    # ------------------------------------------------------------------------------------------- results

    @app.get("/hasil", response_class=HTMLResponse)
    def regions(request: Request) -> HTMLResponse:
        account = require_login(request)
        rows = [
            {"slug": slug, "name": config.region(slug).name} for slug in sorted(config.regions) if account.sees(slug)
        ]
        return page(request, "hasil.html.j2", regions=rows)

    @app.get("/hasil/{slug}", response_class=HTMLResponse)
    def region_page(request: Request, slug: str) -> HTMLResponse:
        region = config.region(slug, require_login(request))
        stages = []
        for stage in STAGES:
            latest = read_latest(config.store, slug, stage)
            stages.append(
                {
                    "stage": stage,
                    "run_id": latest["run_id"] if latest else None,
                    "created_at": latest.get("created_at") if latest else None,
                }
            )
        monev = monev_semesters(config.store, slug)
        return page(request, "wilayah.html.j2", region=region, stages=stages, monev=monev)

    @app.get("/hasil/{slug}/tahap-{stage:int}", response_class=HTMLResponse)
    def stage_page(request: Request, slug: str, stage: int) -> Response:
        region = config.region(slug, require_login(request))
        if stage == MONEV_STAGE:  # monev runs are published per semester (portal/monev.py)
            return RedirectResponse(f"/hasil/{slug}/{MONEV_FOLDER}", status_code=303)
        runs = stage_runs(config.store, slug, _stage(stage))
        threshold = config.settings.reject_alert_share
        outcomes = {run.run_id: run_outcome(config.store, region, stage, run.run_id, threshold) for run in runs}
        awaiting = {
            run.run_id: not run.current and awaits_acceptance(config.store, slug, stage, run.run_id)
            for run in runs
            if outcomes[run.run_id] is not None and outcomes[run.run_id].needs_fix
        }
        return page(
            request, "tahap.html.j2", region=region, stage=stage, runs=runs, outcomes=outcomes, awaiting=awaiting
        )

    @app.get("/hasil/{slug}/tahap-{stage:int}/{run_id}", response_class=HTMLResponse)
    def run_page(request: Request, slug: str, stage: int, run_id: str) -> HTMLResponse:
        region = config.region(slug, require_login(request))
        try:
            files = run_files(config.store, slug, _stage(stage), _run_id(run_id))
        except StorageError:
            raise HTTPException(status_code=404, detail="Run tidak ditemukan di store.") from None
        current = latest_run_id(config.store, slug, stage) == run_id
        awaiting = not current and awaits_acceptance(config.store, slug, stage, run_id)
        base = f"/berkas/{slug}/tahap-{stage}/{run_id}"
        draft = run_draft(config.store, slug, _stage(stage), _run_id(run_id))
        outcome = run_outcome(config.store, region, stage, run_id, config.settings.reject_alert_share)
        return page(
            request,
            "run.html.j2",
            region=region,
            stage=stage,
            run_id=run_id,
            files=files,
            current=current,
            awaiting=awaiting,
            base=base,
            draft=draft,
            outcome=outcome,
            threshold=config.settings.reject_alert_share,
        )

    @app.post("/hasil/{slug}/tahap-{stage:int}/{run_id}/terima")
    def accept(request: Request, slug: str, stage: int, run_id: str, csrf: str = Form("")) -> RedirectResponse:
        account = require_login(request)
        config.region(slug, account)
        require_csrf(request, csrf)
        accept_from_portal(config.store, account, slug, _stage(stage), _run_id(run_id))
        audit(request, account, "jadikan terkini", f"{slug} tahap-{stage} {run_id}", region=slug)
        return RedirectResponse(f"/hasil/{slug}/tahap-{stage}/{run_id}", status_code=303)

    @app.get("/berkas/{key:path}")
    def store_file(request: Request, key: str) -> Response:
        account = require_login(request)
        try:
            key = normalize_key(key)
        except ValueError:
            raise HTTPException(status_code=404, detail="Berkas tidak ditemukan.") from None
        parts = key.split("/")
        if len(parts) >= 5 and parts[1] == MONEV_FOLDER:  # a monev run: <region>/monev/<semester>/<run>/<file>
            parts = [parts[0], _monev_stage(parts[2]), *parts[3:]]
        elif len(parts) < 4 or not parts[1].startswith("tahap-") or not parts[1][6:].isdigit():
            raise HTTPException(status_code=404, detail="Berkas tidak ditemukan.")
        else:
            parts[1] = _stage(int(parts[1][6:]))
        slug, stage, run_id, inner = parts[0], parts[1], _run_id(parts[2]), "/".join(parts[3:])
        config.region(slug, account)
        try:
            allowed = published_keys(config.store, slug, stage, run_id)
        except (StorageError, ValueError):
            raise HTTPException(status_code=404, detail="Run tidak ditemukan di store.") from None
        if inner not in allowed:
            raise HTTPException(status_code=404, detail="Berkas ini bukan bagian dari run tersebut.")
        audit(request, account, "buka berkas", key, region=slug)
        return _file_response(config, key)

    app.include_router(monev_routes(config, page, require_login, require_csrf, audit))

    # ------------------------------------------------------------------------------------------- status

    @app.get("/status/{slug}/tahap-{stage:int}", response_class=HTMLResponse)
    def status_page(request: Request, slug: str, stage: int) -> HTMLResponse:
        region = config.region(slug, require_login(request))
        rows, checking = config.status.per_opd_now(config.store, region, _stage(stage))
        rows = sorted(rows, key=lambda row: STATUS_ORDER.get(row.status, 1))  # who sent first (browser QA L9)
        counts = {
            name: sum(1 for row in rows if row.status == name)
            for name in ("lengkap", "perlu perbaikan", "belum mengirim")
        }
        return page(
            request,
            "status.html.j2",
            region=region,
            stage=stage,
            rows=rows,
            counts=counts,
            checking=checking,
            time=lambda moment: local_time(moment, region.timezone),
        )

    # ------------------------------------------------------------------------------------------- OPD upload

    def invitation(token: str):
        try:
            invite = read_token(config.secret, token, config.store, dt.datetime.now(dt.UTC))
            region = config.region(invite.region)
        except InviteError as exc:
            raise HTTPException(status_code=403, detail=str(exc)) from None
        opd = link_senders(region, invite.stage).get(invite.opd)
        if opd is None:
            raise HTTPException(status_code=403, detail="OPD pada tautan ini tidak lagi terdaftar di region.")
        return invite, region, opd

    def upload_page(request: Request, token: str, status_code: int = 200, **context) -> HTMLResponse:
        invite, region, opd = invitation(token)
        outcome = context.pop("outcome", None)
        if outcome is not None:  # the status cache may not have heard of this check yet (done-callback race)
            config.status.remember(config.store, region, invite.stage, outcome)
        context.update(sender_context(config.status, config.store, region, invite.stage, invite.opd, outcome))
        versions = config.status.versions(config.store, region, invite.stage, invite.opd)
        if invite.stage == MONEV_STAGE:
            context.setdefault("monev", link_semester(region, dt.datetime.now(ZoneInfo(region.timezone)).date()))
        return page(
            request,
            "unggah.html.j2",
            status_code=status_code,
            region=region,
            stage=invite.stage,
            opd=opd,
            token=token,
            versions=versions,
            expires=local_time(invite.expires, region.timezone),
            suffixes=", ".join(config.settings.allowed_suffixes),
            max_mb=f"{config.settings.upload_max_bytes / 1_048_576:.0f}",
            **context,
        )

    @app.get("/unggah/{token}", response_class=HTMLResponse)
    def upload_form(request: Request, token: str) -> HTMLResponse:
        return upload_page(request, token)

    @app.get("/unggah/{token}/templat")
    def upload_template(request: Request, token: str) -> Response:
        invite, region, opd = invitation(token)
        if invite.opd == TEAM_TEMPLATE:  # the Tim Pelaksana's own workbook (its datasets, monev self-assessment)
            data = build_intake_workbook(region, invite.stage, TEAM_TEMPLATE)
            name = intake_filename(invite.stage, TEAM_TEMPLATE)
        elif invite.stage == MONEV_STAGE:  # the semester's realisation rows, pre-filled from the Tahap IV plan
            semester = link_semester(region, dt.datetime.now(ZoneInfo(region.timezone)).date()).semester
            name, data = opd_realisation_workbook(config.store, region, opd, semester)
        else:
            data = build_intake_workbook(region, invite.stage, opd)
            name = intake_filename(invite.stage, opd)
        return Response(
            data, media_type=guess_content_type(name), headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )

    @app.post("/unggah/{token}", response_class=HTMLResponse)
    async def upload(
        request: Request, token: str, berkas: UploadFile = File(...), csrf: str = Form(""), ganti: str = Form("ya")
    ) -> Response:
        """Quick checks here; the file check itself in the worker pool (the event loop only waits on it).
        `ganti` "tidak" keeps the earlier upload as its own submission ("berkas tambahan")."""
        require_csrf(request, csrf)
        invite, region, opd = await asyncio.to_thread(invitation, token)
        limit = config.settings.upload_max_bytes
        data = await berkas.read(limit + 1)
        name = berkas.filename or "berkas"
        try:
            check_upload(name, data, config.settings.allowed_suffixes, limit)
        except UploadRefused as exc:
            return await asyncio.to_thread(upload_page, request, token, 400, refused=str(exc))

        def checked(future) -> None:
            """In the portal process: the status cache learns the result the moment the check ends."""
            if future.cancelled() or future.exception() is not None:
                return
            outcome: UploadOutcome = future.result()
            config.status.remember(config.store, region, invite.stage, outcome, data)
            logger.info("Upload %s for %s stage %s saved as %s", name, opd, invite.stage, outcome.key)

        arguments = (config.store.url, str(config.regions[region.slug]), invite.stage, invite.opd, name, data)
        try:
            job = checks.submit(token, name, check_upload_file, *arguments, dt.datetime.now(dt.UTC), ganti != "tidak")
        except QueueFull as exc:
            return await asyncio.to_thread(upload_page, request, token, 503, refused=str(exc))
        job.future.add_done_callback(checked)
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(job.future)), config.settings.upload_wait_seconds)
        except TimeoutError:
            return RedirectResponse(f"/unggah/{token}/periksa/{job.id}", status_code=303)
        except UploadRefused:
            pass  # shown by job_page, like a check that finished later
        return await asyncio.to_thread(job_page, request, token, job.id)

    def job_page(request: Request, token: str, job_id: str) -> HTMLResponse:
        job = checks.job(job_id, token)
        if job is None:
            raise HTTPException(status_code=404, detail="Pemeriksaan ini tidak ditemukan (mungkin sudah lama).")
        if not job.future.done():
            return upload_page(request, token, checking=job.name, position=checks.position(job))
        error = job.future.exception()
        if isinstance(error, UploadRefused):
            return upload_page(request, token, status_code=400, refused=str(error))
        if error is not None:
            logger.error("Check of upload %s failed: %r", job.name, error)
            return upload_page(
                request,
                token,
                status_code=500,
                refused="Berkas tidak dapat diperiksa karena galat di server. Hubungi koordinator.",
            )
        outcome = job.future.result()
        return upload_page(
            request, token, report=outcome.report, uploaded=job.name, repeated=outcome.repeated, outcome=outcome
        )

    @app.get("/unggah/{token}/periksa/{job_id}", response_class=HTMLResponse)
    def upload_check(request: Request, token: str, job_id: str) -> HTMLResponse:
        return job_page(request, token, job_id)

    app.include_router(accept_link_router(config, page, require_login, require_csrf, audit))
    app.include_router(
        answer_routes(PortalHooks(config, page, require_login, require_csrf, audit, invitation, upload_page))
    )
    return app


STATUS_ORDER = {"perlu perbaikan": 0, "lengkap": 1, "belum mengirim": 2}
"""The status page lists the OPD that need fixing first, then the complete ones, then those that sent nothing."""
AUDIT_TIMEZONE = "Asia/Jakarta"
"""The audit log spans regions: its times are shown in WIB."""
GENERIC_DETAILS = frozenset({"Not Found", "Method Not Allowed", "Internal Server Error", "Forbidden", "Unauthorized"})
STATUS_TEXTS = {
    400: "Permintaan tidak dapat diproses.",
    403: "Anda tidak berhak membuka halaman ini.",
    404: "Halaman tidak ditemukan. Periksa alamatnya, atau kembali ke halaman utama.",
    405: "Cara membuka halaman ini tidak didukung (metode HTTP tidak diizinkan).",
    413: "Berkas terlalu besar.",
    422: "Isian formulir tidak lengkap atau tidak sah.",
    500: "Terjadi galat di server. Coba lagi sebentar lagi; bila berulang, hubungi pengelola portal.",
}


def _status_text(status_code: int) -> str:
    return STATUS_TEXTS.get(status_code, f"Permintaan tidak dapat diproses (kode {status_code}).")


def _throttled_text(wait: int) -> str:
    minutes, seconds = divmod(wait, 60)
    span = (
        f"{minutes} menit {seconds} detik"
        if minutes and seconds
        else f"{minutes} menit"
        if minutes
        else f"{seconds} detik"
    )
    return f"Terlalu banyak percobaan masuk yang salah. Tunggu {span}, lalu coba lagi."


def _file_response(config: PortalConfig, key: str) -> Response:
    """A run file: inline for what a browser shows, a download otherwise; S3 files through a presigned link."""
    from portal.results import OPEN_IN_BROWSER

    name = key.rsplit("/", 1)[-1]
    opens = Path(name).suffix.lower() in OPEN_IN_BROWSER
    if not isinstance(config.store, LocalLocation):
        return RedirectResponse(config.store.presigned_url(key, config.settings.presign_expiry_seconds), 303)
    try:
        path = config.store.contained_path(key)
    except StorageError:
        raise HTTPException(status_code=404, detail="Berkas tidak ditemukan.") from None
    if not path.is_file():
        raise HTTPException(status_code=404, detail="Berkas tidak ditemukan.")
    disposition = "inline" if opens else "attachment"
    headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}"}
    if name.lower().endswith((".html", ".svg")):
        headers["Content-Security-Policy"] = DOCUMENT_POLICY
    return FileResponse(path, media_type=guess_content_type(name), headers=headers)
