"""Sending the messages of bimtek.books.mail over SMTP (aiosmtplib) and keeping the delivery log.

`deliver(mails, store, region_slug, day)` is the one entry: every Mail whose key was not sent on `day` yet
(bimtek.store.deliveries) goes out over one SMTP connection, and each gets a record, "terkirim" or "gagal" with the
reason in Indonesian. The promise: it never raises for a send that fails (server down, address refused, login
wrong); the failure is a record the artifact and the portal show, and the next run tries that message again.

SMTP settings are BIMTEK_SMTP_* (bimtek.core.settings); the password comes from the environment only.
TLS modes: "tls" connects with implicit TLS (port 465), "starttls" upgrades a plain connection and refuses to send
when the server cannot upgrade, "none" sends in the clear (a relay on the same host, or a test server).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Coroutine, Sequence
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any, TypeVar

import aiosmtplib

from bimtek.books.mail import Mail, email_message
from bimtek.core.settings import Settings, get_settings
from bimtek.store.deliveries import FAILED, SENT, Delivery, already_sent, record_delivery
from bimtek.store.storage import Location

log = logging.getLogger(__name__)
T = TypeVar("T")
ERROR_MAX = 300


class EmailNotConfigured(RuntimeError):
    """BIMTEK_SMTP_HOST or BIMTEK_SMTP_FROM is not set; the message says what to set."""


def require_smtp(settings: Settings) -> None:
    if not settings.smtp_configured:
        raise EmailNotConfigured(
            "E-mail belum diatur: isi BIMTEK_SMTP_HOST dan BIMTEK_SMTP_FROM (juga BIMTEK_SMTP_PORT, BIMTEK_SMTP_TLS, "
            "BIMTEK_SMTP_USER dan BIMTEK_SMTP_PASSWORD bila server memintanya)."
        )


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from sync code, also when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="smtp")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _reason(exc: BaseException, settings: Settings) -> str:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused | aiosmtplib.SMTPRecipientRefused):
        text = f"alamat penerima ditolak server SMTP ({exc})"
    elif isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        text = "login ke server SMTP ditolak: periksa BIMTEK_SMTP_USER dan BIMTEK_SMTP_PASSWORD"
    elif isinstance(exc, aiosmtplib.SMTPConnectError | aiosmtplib.SMTPConnectTimeoutError | OSError):
        text = f"tidak dapat terhubung ke server SMTP {settings.smtp_host}:{settings.smtp_port} ({exc})"
    elif isinstance(exc, aiosmtplib.SMTPException):
        text = f"server SMTP menolak pesan ({exc})"
    else:
        text = f"galat tak terduga saat mengirim ({type(exc).__name__}: {exc})"
    return " ".join(text.split())[:ERROR_MAX]


async def _send_all(messages: Sequence[EmailMessage], settings: Settings) -> list[str | None]:
    """Send over one connection; per message None (sent) or the reason it failed."""
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    client = aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        use_tls=settings.smtp_tls == "tls",
        start_tls=True if settings.smtp_tls == "starttls" else False,
        timeout=settings.smtp_timeout_seconds,
    )
    try:
        await client.connect()
        if settings.smtp_user:
            await client.login(settings.smtp_user, password or "")
    except Exception as exc:  # noqa: BLE001 - the promise: every message gets a record, none raises
        reason = _reason(exc, settings)
        return [reason] * len(messages)
    outcomes: list[str | None] = []
    try:
        for message in messages:
            try:
                await client.send_message(message)
                outcomes.append(None)
            except Exception as exc:  # noqa: BLE001 - one refused message does not stop the others
                outcomes.append(_reason(exc, settings))
    finally:
        try:
            await client.quit()
        except Exception:  # noqa: BLE001 - the messages are already accepted or recorded as failed
            log.warning("SMTP QUIT failed", exc_info=True)
    return outcomes


def _domain(sender: str) -> str | None:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or None


def send_mails(mails: Sequence[Mail], settings: Settings | None = None) -> list[str | None]:
    """Send `mails` as they are (no log); per mail None (sent) or the reason it failed. Raises
    EmailNotConfigured when SMTP is not set."""
    settings = settings or get_settings()
    require_smtp(settings)
    assert settings.smtp_from is not None
    messages = []
    for mail in mails:
        message = email_message(mail, settings.smtp_from, _domain(settings.smtp_from))
        message["Date"] = formatdate(localtime=False, usegmt=True)
        messages.append(message)
    if not messages:
        return []
    return _run(_send_all(messages, settings))


def deliver(
    mails: Sequence[Mail], store: Location, region_slug: str, day: dt.date, settings: Settings | None = None
) -> tuple[list[Delivery], list[Mail]]:
    """Send each mail not yet sent on `day` and log it; returns (the records written, the mails skipped because
    they were already sent that day)."""
    pending = [mail for mail in mails if not already_sent(store, region_slug, day, mail.key)]
    skipped = [mail for mail in mails if mail not in pending]
    outcomes = send_mails(pending, settings)
    records = []
    for mail, error in zip(pending, outcomes, strict=True):
        record = delivery_record(mail, SENT if error is None else FAILED, error)
        record_delivery(store, region_slug, day, record)
        records.append(record)
        if error:
            log.warning("E-mail %s to %s failed: %s", mail.key, mail.to, error)
    return records, skipped


def delivery_record(mail: Mail, status: str, error: str | None = None) -> Delivery:
    return Delivery(
        key=mail.key,
        jenis=mail.kind,
        kepada=mail.to,
        subjek=mail.subject,
        status=status,
        opd=mail.opd,
        tahap=mail.stage,
        run_id=mail.run_id,
        galat=error,
        waktu=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        lampiran=[item.name for item in mail.attachments],
    )


def deliveries_markdown(title: str, records: Sequence[Delivery], notes: Sequence[str] = ()) -> str:
    """A Markdown table of delivery records (the Prefect artifact of a send)."""
    lines = [f"# {title}", ""]
    sent = sum(1 for r in records if r.status == SENT)
    lines.append(f"Terkirim {sent}, gagal {sum(1 for r in records if r.status == FAILED)}.")
    lines += ["", *[f"- {note}" for note in notes], ""] if notes else [""]
    if records:
        lines += ["| jenis | OPD | kepada | status | keterangan |", "|---|---|---|---|---|"]
        for r in records:
            cells = [r.jenis, r.opd or "Tim Pelaksana", r.kepada, r.status, r.galat or ", ".join(r.lampiran)]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    return " ".join(str(value).split()).replace("|", "\\|").replace("<", "&lt;")
