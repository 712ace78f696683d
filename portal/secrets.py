"""Secrets of the portal: from the environment, else from a Prefect Secret block; never from a file of ours."""

from __future__ import annotations

import logging
import os

SECRET_ENV, SECRET_BLOCK = "BIMTEK_PORTAL_SECRET", "bimtek-portal-secret"  # pragma: allowlist secret
PASSWORD_ENV, PASSWORD_BLOCK = "BIMTEK_PORTAL_PASSWORD", "bimtek-portal-password"  # pragma: allowlist secret
SECRET_MIN_LENGTH = 32
"""A signing key shorter than this is refused (make one with `python -c "import secrets; print(secrets.token_urlsafe(32))"`)."""

logger = logging.getLogger(__name__)


class PortalConfigError(RuntimeError):
    """A secret the portal needs is missing or too weak; the message says which variable to set."""


def _from_block(name: str) -> str | None:
    """The value of Prefect Secret block `name`, None when there is no such block or no reachable API."""
    try:
        from prefect.blocks.system import Secret

        return str(Secret.load(name, _sync=True).get())
    except Exception as exc:  # noqa: BLE001 - no API, no block: the caller reports the missing secret
        logger.debug("Prefect Secret block %s not available: %s", name, exc)
        return None


def _secret(env: str, block: str) -> str | None:
    return os.environ.get(env) or _from_block(block)


def signing_secret() -> str:
    """The key that signs OPD links, sessions and CSRF tokens (BIMTEK_PORTAL_SECRET or block bimtek-portal-secret)."""
    value = _secret(SECRET_ENV, SECRET_BLOCK)
    if not value or len(value) < SECRET_MIN_LENGTH:
        raise PortalConfigError(
            f"Kunci portal belum diatur: isi {SECRET_ENV} (minimal {SECRET_MIN_LENGTH} karakter acak) "
            f"atau blok Prefect Secret '{SECRET_BLOCK}'."
        )
    return value


def coordinator_password() -> str | None:
    """The coordinator's login password (BIMTEK_PORTAL_PASSWORD or block bimtek-portal-password); None: no login."""
    return _secret(PASSWORD_ENV, PASSWORD_BLOCK)
