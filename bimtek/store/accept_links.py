"""The "Jadikan terkini" link of the coordinator's e-mail: signed, short-lived, single use (issue 26).

The token is an itsdangerous timed HMAC-SHA256 signature (salt ACCEPT_SALT, the portal's signing key) over
`{"r": region slug, "t": stage key (3 or "monev/2027-S1"), "i": run id, "n": random nonce}`; its age is checked
against `accept_link_hours`. Using it (portal/accept_links.py, after login and the same role check as the portal
button) first claims `<store>/<region>/tautan-terima/<nonce>.json` with `create_exclusive`: a second use of the
same link finds the claim and is refused, even when two clicks arrive at once. The acceptance itself is
`bimtek.store.acceptance.accept_run`, so the record and the audit line are those of the button.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bimtek.store.acceptance import AcceptanceError
from bimtek.store.package import StageKey, validate_region_slug, validate_run_id
from bimtek.store.storage import Location

ACCEPT_SALT = "bimtek-tautan-terima"
ACCEPT_ROUTE = "terima"
"""Path of the link under the portal URL: `<portal>/terima/<token>`."""
CLAIM_FOLDER = "tautan-terima"
_NONCE = re.compile(r"[A-Za-z0-9_-]{8,64}")


@dataclass(frozen=True)
class AcceptLink:
    region: str
    stage: StageKey
    run_id: str
    nonce: str

    @property
    def stage_path(self) -> str:
        """The stage as the portal's run pages name it: `tahap-3` or `monev/2027-S1`."""
        return f"tahap-{self.stage}" if isinstance(self.stage, int) else str(self.stage)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=ACCEPT_SALT, signer_kwargs={"digest_method": hashlib.sha256})


def make_accept_token(secret: str, region_slug: str, stage: StageKey, run_id: str, nonce: str | None = None) -> str:
    """A signed token for accepting one run (a new random nonce unless one is given)."""
    payload = {"r": region_slug, "t": stage, "i": run_id, "n": nonce or secrets.token_urlsafe(12)}
    return str(_serializer(secret).dumps(payload))


def accept_url(portal_url: str, token: str) -> str:
    return f"{portal_url.rstrip('/')}/{ACCEPT_ROUTE}/{token}"


def read_accept_token(secret: str, token: str, max_age: dt.timedelta) -> AcceptLink:
    """The link a token stands for; AcceptanceError (Indonesian) when forged, malformed or expired."""
    try:
        payload = _serializer(secret).loads(token, max_age=int(max_age.total_seconds()))
        stage = payload["t"]
        link = AcceptLink(
            region=validate_region_slug(str(payload["r"])),
            stage=stage if isinstance(stage, int) else str(stage),
            run_id=validate_run_id(str(payload["i"])),
            nonce=str(payload["n"]),
        )
    except SignatureExpired:
        raise AcceptanceError(
            "Tautan persetujuan ini sudah kedaluwarsa. Buka run itu di portal dan pilih 'Jadikan terkini' di sana."
        ) from None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise AcceptanceError("Tautan persetujuan tidak sah. Buka run itu di portal.") from None
    if not _NONCE.fullmatch(link.nonce):
        raise AcceptanceError("Tautan persetujuan tidak sah. Buka run itu di portal.")
    return link


def _claim_key(link: AcceptLink) -> str:
    return f"{link.region}/{CLAIM_FOLDER}/{link.nonce}.json"


def link_used(store: Location, link: AcceptLink) -> bool:
    return store.exists(_claim_key(link))


def claim_accept_link(store: Location, link: AcceptLink, account: str) -> None:
    """Mark the link used (once): AcceptanceError when it was used before."""
    record = {
        "region": link.region,
        "stage": link.stage,
        "run_id": link.run_id,
        "dipakai_oleh": account,
        "dipakai_pada": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if not store.create_exclusive(_claim_key(link), json.dumps(record).encode("utf-8"), "application/json"):
        raise AcceptanceError(
            "Tautan persetujuan ini sudah dipakai (hanya sekali pakai). Buka run itu di portal untuk melihat "
            "keadaannya."
        )
