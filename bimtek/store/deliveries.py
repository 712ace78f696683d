"""The delivery log: every e-mail (or WhatsApp message) sent or tried, one JSON record per message, in the store.

Layout (the local date is the region's, so "today" is the coordinator's day):

    <store>/<region-slug>/pengiriman-email/<YYYY-MM-DD>/<message-key>.json

`message-key` names what was sent to whom (`pengingat-tahap-3-dinas-kesehatan`, `surat-tahap-3-<run>-dinas-...`,
`ringkasan-tahap-3-<run>`, with `-wa` for WhatsApp). The rule it carries: a message whose record for today says
"terkirim" is not sent again today (`already_sent`); a "gagal" record does not block a retry, and the retry
overwrites it. The records are what the Prefect artifact and the portal show (`list_deliveries`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

from bimtek.core.sanitise import safe_name
from bimtek.store.package import validate_region_slug
from bimtek.store.storage import Location

DELIVERY_FOLDER = "pengiriman-email"
SENT = "terkirim"
FAILED = "gagal"
PLANNED = "rencana"
"""Status of a message shown by a dry run (never written to the log)."""


@dataclass
class Delivery:
    """One message sent or tried: what the log stores and the artifact/portal show."""

    key: str
    """Message key (module doc): unique per message kind, recipient and day."""
    jenis: str
    """pengingat | surat | ringkasan"""
    kepada: str
    """Recipient address (or WhatsApp number)."""
    subjek: str
    status: str
    """terkirim | gagal | rencana"""
    opd: str | None = None
    tahap: str | None = None
    run_id: str | None = None
    saluran: str = "email"
    """email | whatsapp"""
    galat: str | None = None
    """Why a send failed (Indonesian, short)."""
    waktu: str = ""
    """UTC time of the attempt (ISO 8601)."""
    lampiran: list[str] = field(default_factory=list)


def message_key(*parts: object) -> str:
    """A safe, readable message key from its parts: message_key("pengingat", "tahap-3", "Dinas Kesehatan")."""
    return "-".join(safe_name(part, "x", 60) for part in parts if part not in (None, ""))


def day_prefix(region_slug: str, day: dt.date) -> str:
    validate_region_slug(region_slug)
    return f"{region_slug}/{DELIVERY_FOLDER}/{day.isoformat()}"


def already_sent(store: Location, region_slug: str, day: dt.date, key: str) -> bool:
    """True when the message `key` was sent (status "terkirim") on `day`."""
    path = f"{day_prefix(region_slug, day)}/{key}.json"
    if not store.exists(path):
        return False
    try:
        return json.loads(store.read_text(path)).get("status") == SENT
    except ValueError:
        return False


def record_delivery(store: Location, region_slug: str, day: dt.date, delivery: Delivery) -> None:
    """Write (or overwrite) the record of one message for `day`."""
    store.write_text(
        f"{day_prefix(region_slug, day)}/{delivery.key}.json",
        json.dumps(asdict(delivery), ensure_ascii=False, indent=1, sort_keys=True),
    )


def list_deliveries(store: Location, region_slug: str, day: dt.date | None = None) -> list[Delivery]:
    """The records of one day (or of every day), oldest attempt first: for the portal and the run artifact."""
    validate_region_slug(region_slug)
    prefix = day_prefix(region_slug, day) if day else f"{region_slug}/{DELIVERY_FOLDER}"
    folder = store.child(prefix)
    records = []
    for key in folder.list((".json",), missing_ok=True):
        try:
            data = json.loads(folder.read_text(key))
            records.append(Delivery(**data))
        except (ValueError, TypeError):
            continue
    return sorted(records, key=lambda d: (d.waktu, d.key))
