"""The portal's FastAPI application: coordinator pages behind a login, OPD upload pages behind signed links.

Routes (Indonesian paths, every page from `templates/portal/`):

- `/masuk`, `/keluar`: coordinator login (BIMTEK_PORTAL_PASSWORD) and logout; a signed session cookie.
- `/hasil`, `/hasil/<region>`, `/hasil/<region>/tahap-<N>`, `/hasil/<region>/tahap-<N>/<run>`: published results.
- `/berkas/<region>/tahap-<N>/<run>/<file>`: one file of a run (only files its manifest lists; local store:
  served inline for HTML/PDF/images, as a download otherwise; S3: a redirect to a presigned link).
- `/status/<region>/tahap-<N>`: live submission status per OPD from the stage inbox.
- `/unggah/<token>`: an OPD's upload page (GET form, POST file), `/unggah/<token>/templat`: its intake template.

Every form carries a CSRF token (double submit: cookie + field, both signed); no request path reaches the store
without `normalize_key`, the manifest's list of files and, locally, a resolved-path containment check.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bimtek.core.paths import PROJECT_ROOT
from bimtek.core.region import Region, load_region, registered_regions
from bimtek.core.settings import Settings, get_settings
from bimtek.ingest.inbox import opd_slugs
from bimtek.store.package import RUN_ID_PATTERN, read_latest
from bimtek.store.storage import (
    LocalLocation,
    Location,
    StorageError,
    guess_content_type,
    normalize_key,
    open_location,
)
from bimtek.workbooks.intake_template import build_intake_workbook, intake_filename
from portal.results import STAGES, latest_run_id, published_keys, run_files, stage_runs
from portal.secrets import coordinator_password, signing_secret
from portal.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_SECONDS,
    csrf_valid,
    new_csrf,
    new_session,
    password_ok,
    session_valid,
)
from portal.submissions import InboxStatus, UploadRefused, check_upload, receive_upload
from portal.tokens import InviteError, read_token

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
    """Everything the portal reads: the store, the registered regions, the secrets and the limits."""

    store: Location
    regions: dict[str, Path]
    secret: str
    password: str | None
    settings: Settings
    status: InboxStatus = field(default_factory=InboxStatus)

    @classmethod
    def from_environment(cls) -> PortalConfig:
        settings = get_settings()
        return cls(
            store=open_location(settings.store),
            regions=registered_regions(settings.region_folders),
            secret=signing_secret(),
            password=coordinator_password(),
            settings=settings,
        )

    def region(self, slug: str) -> Region:
        path = self.regions.get(slug)
        if path is None:
            raise HTTPException(status_code=404, detail="Region tidak terdaftar.")
        return load_region(path)

    @property
    def secure_cookies(self) -> bool:
        return self.settings.portal_url.startswith("https://")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["j2", "html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ukuran"] = _size_text
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
    app = FastAPI(title="Portal Bimtek Smart City", docs_url=None, redoc_url=None, openapi_url=None)
    env = _environment()

    def page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
        token = request.cookies.get(CSRF_COOKIE)
        if not csrf_valid(config.secret, token, token):
            token = new_csrf(config.secret)
        context.update(csrf=token, logged_in=session_valid(config.secret, request.cookies.get(SESSION_COOKIE)))
        response = HTMLResponse(env.get_template(template).render(**context), status_code=status_code)
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=config.secure_cookies)
        return response

    def require_login(request: Request) -> None:
        if not session_valid(config.secret, request.cookies.get(SESSION_COOKIE)):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise HTTPException(status_code=303, headers={"Location": f"/masuk?lanjut={quote(target)}"})

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
                message=(f"Berkas terlalu besar; batasnya {config.settings.upload_max_bytes / 1_048_576:.1f} MB."),
            )
        return await call_next(request)

    @app.exception_handler(HTTPException)
    async def error_page(request: Request, exc: HTTPException):
        if exc.status_code in (301, 302, 303, 307):
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        return page(request, "galat.html.j2", status_code=exc.status_code, message=exc.detail)

    @app.get("/portal.css", include_in_schema=False)
    def stylesheet() -> FileResponse:
        return FileResponse(STYLESHEET, media_type="text/css")

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/hasil", status_code=303)

    # ------------------------------------------------------------------------------------------- login

    @app.get("/masuk", response_class=HTMLResponse)
    def login_form(request: Request, lanjut: str | None = None) -> HTMLResponse:
        return page(request, "masuk.html.j2", lanjut=_local_next(lanjut), configured=bool(config.password))

    @app.post("/masuk", response_class=HTMLResponse)
    def login(
        request: Request, kata_sandi: str = Form(""), lanjut: str = Form("/hasil"), csrf: str = Form("")
    ) -> Response:
        require_csrf(request, csrf)
        if not password_ok(kata_sandi, config.password):
            return page(
                request,
                "masuk.html.j2",
                status_code=401,
                lanjut=_local_next(lanjut),
                configured=bool(config.password),
                error="Kata sandi salah.",
            )
        response = RedirectResponse(_local_next(lanjut), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            new_session(config.secret),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="lax",
            secure=config.secure_cookies,
        )
        return response

    @app.post("/keluar")
    def logout(request: Request, csrf: str = Form("")) -> RedirectResponse:
        require_csrf(request, csrf)
        response = RedirectResponse("/masuk", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    # ------------------------------------------------------------------------------------------- results

    @app.get("/hasil", response_class=HTMLResponse)
    def regions(request: Request) -> HTMLResponse:
        require_login(request)
        rows = [{"slug": slug, "name": config.region(slug).name} for slug in sorted(config.regions)]
        return page(request, "hasil.html.j2", regions=rows)

    @app.get("/hasil/{slug}", response_class=HTMLResponse)
    def region_page(request: Request, slug: str) -> HTMLResponse:
        require_login(request)
        region = config.region(slug)
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
        return page(request, "wilayah.html.j2", region=region, stages=stages)

    @app.get("/hasil/{slug}/tahap-{stage:int}", response_class=HTMLResponse)
    def stage_page(request: Request, slug: str, stage: int) -> HTMLResponse:
        require_login(request)
        region = config.region(slug)
        runs = stage_runs(config.store, slug, _stage(stage))
        return page(request, "tahap.html.j2", region=region, stage=stage, runs=runs)

    @app.get("/hasil/{slug}/tahap-{stage:int}/{run_id}", response_class=HTMLResponse)
    def run_page(request: Request, slug: str, stage: int, run_id: str) -> HTMLResponse:
        require_login(request)
        region = config.region(slug)
        try:
            files = run_files(config.store, slug, _stage(stage), _run_id(run_id))
        except StorageError:
            raise HTTPException(status_code=404, detail="Run tidak ditemukan di store.") from None
        current = latest_run_id(config.store, slug, stage) == run_id
        base = f"/berkas/{slug}/tahap-{stage}/{run_id}"
        return page(
            request, "run.html.j2", region=region, stage=stage, run_id=run_id, files=files, current=current, base=base
        )

    @app.get("/berkas/{key:path}")
    def store_file(request: Request, key: str) -> Response:
        require_login(request)
        try:
            key = normalize_key(key)
        except ValueError:
            raise HTTPException(status_code=404, detail="Berkas tidak ditemukan.") from None
        parts = key.split("/")
        if len(parts) < 4 or not parts[1].startswith("tahap-") or not parts[1][6:].isdigit():
            raise HTTPException(status_code=404, detail="Berkas tidak ditemukan.")
        slug, stage, run_id, inner = parts[0], _stage(int(parts[1][6:])), _run_id(parts[2]), "/".join(parts[3:])
        try:
            allowed = published_keys(config.store, slug, stage, run_id)
        except (StorageError, ValueError):
            raise HTTPException(status_code=404, detail="Run tidak ditemukan di store.") from None
        if inner not in allowed:
            raise HTTPException(status_code=404, detail="Berkas ini bukan bagian dari run tersebut.")
        return _file_response(config, key)

    # ------------------------------------------------------------------------------------------- status

    @app.get("/status/{slug}/tahap-{stage:int}", response_class=HTMLResponse)
    def status_page(request: Request, slug: str, stage: int) -> HTMLResponse:
        require_login(request)
        region = config.region(slug)
        rows = config.status.per_opd(config.store, region, _stage(stage))
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
            time=lambda moment: local_time(moment, region.timezone),
        )

    # ------------------------------------------------------------------------------------------- OPD upload

    def invitation(token: str):
        try:
            invite = read_token(config.secret, token, config.store, dt.datetime.now(dt.UTC))
            region = config.region(invite.region)
        except InviteError as exc:
            raise HTTPException(status_code=403, detail=str(exc)) from None
        opd = opd_slugs(region).get(invite.opd)
        if opd is None:
            raise HTTPException(status_code=403, detail="OPD pada tautan ini tidak lagi terdaftar di region.")
        return invite, region, opd

    def upload_page(request: Request, token: str, status_code: int = 200, **context) -> HTMLResponse:
        invite, region, opd = invitation(token)
        versions = config.status.versions(config.store, region, invite.stage, invite.opd)
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
        data = build_intake_workbook(region, invite.stage, opd)
        name = intake_filename(invite.stage, opd)
        return Response(
            data, media_type=guess_content_type(name), headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )

    @app.post("/unggah/{token}", response_class=HTMLResponse)
    async def upload(
        request: Request, token: str, berkas: UploadFile = File(...), csrf: str = Form(""), ganti: str = Form("ya")
    ) -> HTMLResponse:
        require_csrf(request, csrf)
        invite, region, opd = invitation(token)
        limit = config.settings.upload_max_bytes
        data = await berkas.read(limit + 1)
        name = berkas.filename or "berkas"
        try:
            check_upload(name, data, config.settings.allowed_suffixes, limit)
        except UploadRefused as exc:
            return upload_page(request, token, status_code=400, refused=str(exc))
        now = dt.datetime.now(dt.UTC)
        outcome = receive_upload(config.store, region, invite.stage, invite.opd, name, data, now, ganti != "tidak")
        config.status.remember(config.store, region, invite.stage, outcome)
        logger.info("Upload %s for %s stage %s saved as %s", name, opd, invite.stage, outcome.key)
        return upload_page(request, token, report=outcome.report, uploaded=name, repeated=outcome.repeated)

    return app


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
