"""Coordinator sessions and CSRF tokens, both signed with the portal secret (itsdangerous)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "bimtek_sesi"
CSRF_COOKIE = "bimtek_csrf"
CSRF_FIELD = "csrf"
SESSION_SECONDS = 12 * 3600
"""A coordinator logs in again after this long."""
CSRF_SECONDS = 6 * 3600
"""A form older than this is refused (reload the page)."""


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt, signer_kwargs={"digest_method": hashlib.sha256})


def password_ok(given: str, expected: str | None) -> bool:
    """Constant-time comparison; always False when no password is configured."""
    if not expected:
        return False
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(expected.encode()).digest())


def new_session(secret: str) -> str:
    return _serializer(secret, "bimtek-sesi").dumps({"peran": "koordinator", "n": secrets.token_urlsafe(8)})


def session_valid(secret: str, cookie: str | None) -> bool:
    if not cookie:
        return False
    try:
        data = _serializer(secret, "bimtek-sesi").loads(cookie, max_age=SESSION_SECONDS)
    except BadSignature:
        return False
    return isinstance(data, dict) and data.get("peran") == "koordinator"


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
