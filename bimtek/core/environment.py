"""Process-wide defaults that must be set before Prefect or Great Expectations are imported."""

import os

QUIET_DEFAULTS = {
    "GX_ANALYTICS_ENABLED": "False",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "MPLBACKEND": "Agg",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
"""Telemetry off; a patient ephemeral Prefect server (it needs 8-16 s, more on a busy 2-core machine)."""


def apply_quiet_defaults() -> None:
    """Turn telemetry off unless the operator set these variables explicitly."""
    for name, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
