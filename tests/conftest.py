"""Test-wide settings: telemetry off, GX progress bars off, a Prefect test harness for flow tests."""

import os

from bimtek.environment import apply_quiet_defaults

apply_quiet_defaults()


pytest_plugins = ["tests.fixtures_s3"]
