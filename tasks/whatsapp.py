"""Reminders as WhatsApp template messages (issue 26, item 7), sent with pywa; nothing happens without a token.

A region uses WhatsApp when a token is set in the environment: BIMTEK_WHATSAPP_TOKEN_<SLUG> (the region's own
Business account, slug upper-cased with "-" as "_") or BIMTEK_WHATSAPP_TOKEN (one account for all regions), with
BIMTEK_WHATSAPP_PHONE_ID (the sending number). Each OPD with a `whatsapp` number in the region file then gets the
approved template BIMTEK_WHATSAPP_TEMPLATE (language BIMTEK_WHATSAPP_LANGUAGE) with four body parameters: OPD,
stage, deadline, upload link. WhatsApp only delivers business-initiated messages as approved templates, hence no
free text. Sends share the e-mail's delivery log (keys end in `-wa`): once a day per OPD, failures logged and
retried by the next run, never raised.

BIMTEK_WHATSAPP_BASE_URL (optional) sends the Graph API requests to another host (a relay, or a loopback test
server): pywa always addresses graph.facebook.com, so the client's request hook rewrites scheme, host and port.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Sequence

import httpx

from bimtek.books.mail import WhatsAppReminder
from bimtek.core.settings import Settings, get_settings
from bimtek.store.deliveries import FAILED, SENT, Delivery, already_sent, record_delivery
from bimtek.store.storage import Location

log = logging.getLogger(__name__)
TOKEN_ENV = "BIMTEK_WHATSAPP_TOKEN"  # pragma: allowlist secret


def region_token(region_slug: str, settings: Settings | None = None) -> str | None:
    """The WhatsApp token of a region (module doc), None when WhatsApp is not set up for it."""
    own = os.environ.get(f"{TOKEN_ENV}_{region_slug.upper().replace('-', '_')}")
    if own:
        return own
    settings = settings or get_settings()
    return settings.whatsapp_token.get_secret_value() if settings.whatsapp_token else None


def _session(base_url: str | None) -> httpx.Client:
    if not base_url:
        return httpx.Client(timeout=30)
    target = httpx.URL(base_url)

    def redirect(request: httpx.Request) -> None:
        request.url = request.url.copy_with(scheme=target.scheme, host=target.host, port=target.port)

    return httpx.Client(timeout=30, event_hooks={"request": [redirect]})


def send_whatsapp(
    messages: Sequence[WhatsAppReminder],
    store: Location,
    region_slug: str,
    day: dt.date,
    settings: Settings | None = None,
) -> tuple[list[Delivery], list[WhatsAppReminder]]:
    """Send the template messages not yet sent on `day`; returns (records written, messages skipped). Does nothing
    (([], [])) when the region has no token or no phone id is set."""
    from pywa import WhatsApp
    from pywa.types.templates import BodyText, TemplateLanguage

    settings = settings or get_settings()
    token = region_token(region_slug, settings)
    if not token or not settings.whatsapp_phone_id or not messages:
        return [], []
    pending = [m for m in messages if not already_sent(store, region_slug, day, m.key)]
    skipped = [m for m in messages if m not in pending]
    client = WhatsApp(phone_id=settings.whatsapp_phone_id, token=token, session=_session(settings.whatsapp_base_url))
    language = TemplateLanguage(settings.whatsapp_language)
    records = []
    for message in pending:
        error = None
        try:
            client.send_template(
                to=message.to,
                name=settings.whatsapp_template,
                language=language,
                params=[BodyText.params(*message.params)],
            )
        except Exception as exc:  # noqa: BLE001 - the promise: a failed send is a record, never an exception
            error = " ".join(f"WhatsApp menolak atau tidak terjangkau ({type(exc).__name__}: {exc})".split())[:300]
            log.warning("WhatsApp to %s failed: %s", message.to, error)
        record = Delivery(
            key=message.key,
            jenis="pengingat",
            kepada=message.to,
            subjek=f"templat {settings.whatsapp_template}",
            status=SENT if error is None else FAILED,
            opd=message.opd,
            saluran="whatsapp",
            galat=error,
            waktu=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        record_delivery(store, region_slug, day, record)
        records.append(record)
    return records, skipped
