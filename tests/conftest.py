"""Test-wide settings: telemetry off, GX progress bars off, a Prefect test harness for flow tests."""

import os

from bimtek.core.environment import apply_quiet_defaults

apply_quiet_defaults()
# Flow tests skip the slow PDF/DOCX rendering; tests/test_flow_documents.py turns it on for one small run.
os.environ.setdefault("BIMTEK_DOCUMENT_FORMATS", "")
# Reruns in flow tests must recompute (they check determinism); tests/test_flow_cache.py turns the cache on.
os.environ.setdefault("BIMTEK_CACHE", "off")

# Configure Prefect's logging now, while sys.stderr is pytest's session-long capture. Otherwise the first import
# may happen inside a CliRunner.invoke, binding Prefect's console handler to a stream that is closed afterwards.
import prefect.main  # noqa: E402,F401

pytest_plugins = ["tests.fixtures_s3"]

import pytest


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API (SQLite) for every flow test of the session; it takes 8-16 s to start."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
