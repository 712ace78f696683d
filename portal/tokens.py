"""OPD upload links: a signed token scoped to region, stage and OPD, with an expiry and a revocable version.

The token is an itsdangerous HMAC-SHA256 signature over `{"r": region slug, "t": stage, "o": OPD slug, "v":
version, "e": expiry (Unix time)}`. Revoking an OPD's link bumps its version in
`<store>/<region>/undangan/tahap-<N>.json`; tokens carrying an older version are refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

from bimtek.core.monev import MONEV_STAGE
from bimtek.store.package import validate_region_slug
from bimtek.store.storage import Location, ObjectNotFoundError

INVITE_SALT = "bimtek-undangan"


class InviteError(Exception):
    """A link that cannot be used; the message is Indonesian and shown to the OPD as is."""


@dataclass(frozen=True)
class Invite:
    region: str
    stage: int
    opd: str
    """OPD folder slug (`bimtek.inbox.opd_slugs`)."""
    version: int
    expires: dt.datetime


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=INVITE_SALT, signer_kwargs={"digest_method": hashlib.sha256})


def versions_key(region_slug: str, stage: int) -> str:
    """Store key of the link versions of one stage."""
    return f"{region_slug}/undangan/tahap-{int(stage)}.json"


def read_versions(store: Location, region_slug: str, stage: int) -> dict[str, int]:
    """OPD slug -> current link version (missing: 0)."""
    try:
        return {str(k): int(v) for k, v in json.loads(store.read_text(versions_key(region_slug, stage))).items()}
    except ObjectNotFoundError:
        return {}


def revoke(store: Location, region_slug: str, stage: int, opd_slug: str) -> int:
    """Invalidate every link of one OPD for one stage; returns the new version (new links use it)."""
    versions = read_versions(store, region_slug, stage)
    versions[opd_slug] = versions.get(opd_slug, 0) + 1
    store.write_text(versions_key(region_slug, stage), json.dumps(versions, sort_keys=True, indent=1))
    return versions[opd_slug]


def make_token(secret: str, invite: Invite) -> str:
    """The signed token of an invitation."""
    payload = {
        "r": invite.region,
        "t": invite.stage,
        "o": invite.opd,
        "v": invite.version,
        "e": int(invite.expires.timestamp()),
    }
    return _serializer(secret).dumps(payload)


def read_token(secret: str, token: str, store: Location, now: dt.datetime) -> Invite:
    """The invitation a token stands for; `InviteError` when forged, expired or revoked."""
    try:
        payload = _serializer(secret).loads(token)
        invite = Invite(
            region=str(payload["r"]),
            stage=int(payload["t"]),
            opd=str(payload["o"]),
            version=int(payload["v"]),
            expires=dt.datetime.fromtimestamp(int(payload["e"]), dt.UTC),
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        raise InviteError("Tautan unggah tidak sah. Mintalah tautan baru kepada koordinator.") from None
    if not 1 <= invite.stage <= MONEV_STAGE or not _safe_region(invite.region):
        raise InviteError("Tautan unggah tidak sah. Mintalah tautan baru kepada koordinator.")
    if now >= invite.expires:
        raise InviteError("Tautan unggah sudah kedaluwarsa. Mintalah tautan baru kepada koordinator.")
    if read_versions(store, invite.region, invite.stage).get(invite.opd, 0) != invite.version:
        raise InviteError("Tautan unggah ini sudah dicabut. Mintalah tautan baru kepada koordinator.")
    return invite


def _safe_region(slug: str) -> bool:
    """A signed region is still one safe folder name (a key leak must not reach other folders)."""
    try:
        validate_region_slug(slug)
    except ValueError:
        return False
    return True
