"""Test-wide settings (telemetry and GX progress bars off), the session Prefect harness, the ONE published sample
store shared by the flow tests, and markers derived from the fixtures a test uses (see pyproject markers)."""

import os
from dataclasses import dataclass
from pathlib import Path

from bimtek.core.environment import apply_quiet_defaults

apply_quiet_defaults()
# Flow tests skip the slow PDF/DOCX rendering; tests/test_flow_documents.py turns it on for one small run.
os.environ.setdefault("BIMTEK_DOCUMENT_FORMATS", "")
# Reruns in flow tests must recompute (they check determinism); tests/test_flow_cache.py turns the cache on.
os.environ.setdefault("BIMTEK_CACHE", "off")

# Configure Prefect's logging now, while sys.stderr is pytest's session-long capture. Otherwise the first import
# may happen inside a CliRunner.invoke, binding Prefect's console handler to a stream that is closed afterwards.
import prefect.main  # noqa: E402,F401

pytest_plugins = ["tests.fixtures_s3", "tests.processes"]

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API (SQLite) for every flow test of the session; it takes 8-16 s to start."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


from tests.builders import SAMPLE_RUN_ID  # noqa: E402

SAMPLE_REGION_FILE = "padang-pariaman/region.yaml"


@dataclass(frozen=True)
class SampleStore:
    """The sample region published once per session: Tahap I -> IV by the `bimtek-all` flow, run id "sampel"."""

    store: Path
    result: dict
    """What `bimtek_all` returned: {"stages": {"1": stage result, ...}}."""

    @property
    def region_dir(self) -> Path:
        return self.store / "padang-pariaman"

    def run_dir(self, stage: int) -> Path:
        return self.region_dir / f"tahap-{stage}" / SAMPLE_RUN_ID

    def stage_result(self, stage: int) -> dict:
        return self.result["stages"][str(stage)]


@pytest.fixture(scope="session")
def sample_store(prefect_harness, tmp_path_factory) -> SampleStore:
    """ONE published multi-stage store for the flow tests: treat it as read-only. A test that must publish more
    (a rerun, a failure) copies it first (`shutil.copytree`) or uses its own empty store."""
    from bimtek.core.paths import SAMPLE_DIR
    from flows.bimtek_all import bimtek_all

    store = tmp_path_factory.mktemp("sample-store")
    result = bimtek_all(
        region=str(SAMPLE_DIR / SAMPLE_REGION_FILE),
        inputs=str(SAMPLE_DIR / "padang-pariaman" / "inputs"),
        store=str(store),
        run_id=SAMPLE_RUN_ID,
    )
    return SampleStore(store, result)


def pytest_collection_modifyitems(items):
    """Markers follow the fixtures a test uses: a Prefect flow run is `flow` and `slow`, S3 is `s3`."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "prefect_harness" in fixtures:
            item.add_marker(pytest.mark.flow)
            item.add_marker(pytest.mark.slow)
        if "s3_server" in fixtures:
            item.add_marker(pytest.mark.s3)
        if item.get_closest_marker("server") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
