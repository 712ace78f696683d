"""The portal's signing key (from the environment only) and CSRF tokens signed with it (itsdangerous).

The key signs OPD upload links and CSRF tokens. It comes from BIMTEK_PORTAL_SECRET and nowhere else: never from a
file of the repository and never from a Prefect Secret block (the Prefect API hands block values to any client
that may read blocks). Coordinator sessions are not signed cookies but server-side records (portal/accounts.py).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

SECRET_ENV = "BIMTEK_PORTAL_SECRET"  # pragma: allowlist secret
SECRET_MIN_LENGTH = 32
"""A signing key shorter than this is refused (make one with `python -c "import secrets; print(secrets.token_urlsafe(32))"`)."""
SESSION_COOKIE = "bimtek_sesi"
CSRF_COOKIE = "bimtek_csrf"
CSRF_FIELD = "csrf"
CSRF_SECONDS = 6 * 3600
"""A form older than this is refused (reload the page)."""


class PortalConfigError(RuntimeError):
    """A secret the portal needs is missing or too weak; the message says which variable to set."""


def signing_secret() -> str:
    """The key that signs OPD links and CSRF tokens (BIMTEK_PORTAL_SECRET)."""
    value = os.environ.get(SECRET_ENV)
    if not value:
        raise PortalConfigError(
            f"Kunci portal belum diatur: isi variabel lingkungan {SECRET_ENV} (minimal {SECRET_MIN_LENGTH} "
            "karakter acak)."
        )
    if len(value) < SECRET_MIN_LENGTH:
        raise PortalConfigError(
            f"Kunci portal {SECRET_ENV} terlalu pendek ({len(value)} karakter); pakai minimal {SECRET_MIN_LENGTH} "
            "karakter acak."
        )
    return value


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt, signer_kwargs={"digest_method": hashlib.sha256})


def new_csrf(secret: str) -> str:
    """A signed random token: set as a cookie and repeated in every form (double submit)."""
    return _serializer(secret, "bimtek-csrf").dumps(secrets.token_urlsafe(16))


def csrf_valid(secret: str, cookie: str | None, field: str | None) -> bool:
    """The form's token equals the cookie's and carries a fresh signature."""
    if not cookie or not field or not hmac.compare_digest(cookie, field):
        return False
    try:
        _serializer(secret, "bimtek-csrf").loads(field, max_age=CSRF_SECONDS)
    except BadSignature:
        return False
    return True
