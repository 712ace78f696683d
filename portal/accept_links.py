"""Accepting a "Perlu perbaikan" run from the link in the coordinator's e-mail (bimtek.store.accept_links).

GET `/terima/<token>` only shows what the link would do (a mail scanner that opens links changes nothing) after
login; POST (the page's button, with the CSRF token) claims the single-use link, then accepts the run with
`accept_run` and writes the same audit line as the run page's "Jadikan terkini" button, marked as from e-mail.
The same rules as the button apply: only admin and koordinator, only regions the account sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from bimtek.core.vocabularies import stage_name
from bimtek.store.accept_links import AcceptLink, claim_accept_link, link_used, read_accept_token
from bimtek.store.acceptance import AcceptanceError, accept_run, awaits_acceptance
from bimtek.store.package import read_latest

TEMPLATE = "terima-tautan.html.j2"


def accept_link_router(
    config, page: Callable[..., HTMLResponse], require_login: Callable, require_csrf: Callable, audit: Callable
) -> APIRouter:
    """The two routes of the e-mail accept link; the helpers are the portal's own (portal/app.py create_app)."""
    router = APIRouter()
    max_age = dt.timedelta(hours=config.settings.accept_link_hours)

    def checked(request: Request, token: str):
        account = require_login(request)
        try:
            link = read_accept_token(config.secret, token, max_age)
        except AcceptanceError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        region = config.region(link.region, account)
        if not account.accepts_runs:
            raise HTTPException(
                status_code=403, detail="Hanya admin dan koordinator yang dapat menetapkan run terkini."
            )
        return account, link, region

    def run_page(link: AcceptLink) -> str:
        return f"/hasil/{link.region}/{link.stage_path}/{link.run_id}"

    @router.get("/terima/{token}")
    def confirm(request: Request, token: str) -> HTMLResponse:
        account, link, region = checked(request, token)
        latest = read_latest(config.store, link.region, link.stage)
        return page(
            request,
            TEMPLATE,
            region=region,
            link=link,
            token=token,
            run_page=run_page(link),
            stage_label=stage_name(link.stage) if isinstance(link.stage, int) else link.stage.replace("/", " "),
            used=link_used(config.store, link),
            current=bool(latest and latest.get("run_id") == link.run_id),
            awaiting=awaits_acceptance(config.store, link.region, link.stage, link.run_id),
        )

    @router.post("/terima/{token}")
    def accept(request: Request, token: str, csrf: str = Form("")) -> RedirectResponse:
        account, link, _ = checked(request, token)
        require_csrf(request, csrf)
        try:
            claim_accept_link(config.store, link, account.name)
            accept_run(config.store, link.region, link.stage, link.run_id, account.name)
        except AcceptanceError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from None
        audit(
            request,
            account,
            "jadikan terkini (tautan e-mail)",
            f"{link.region} {link.stage_path} {link.run_id}",
            region=link.region,
        )
        return RedirectResponse(run_page(link), status_code=303)

    return router
