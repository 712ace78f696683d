"""SIGTERM always stops a run: a separate `bimtek run` process terminated at several points of Tahap III ends
non-zero and leaves nothing published (no latest.json pointing at a run)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from bimtek.core.paths import SAMPLE_DIR

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INBOX = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3"
FILES = ["usulan-program-bkpsdm.csv", "usulan-program-dpmn.csv"]


def test_ensure_running_refuses_after_a_stop_was_asked_for(monkeypatch):
    from tasks import termination

    monkeypatch.setattr(termination, "_requested", termination.threading.Event())
    termination.ensure_running()
    termination._requested.set()
    with pytest.raises(termination.RunTerminated, match="dihentikan"):
        termination.ensure_running()


@pytest.mark.parametrize("after_seconds", [3.0, 8.0, 14.0])
def test_sigterm_during_a_run_ends_it_non_zero_with_nothing_published(prefect_harness, tmp_path, after_seconds):
    from prefect.settings import PREFECT_API_URL

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in FILES:
        shutil.copy(INBOX / name, inbox / name)
    store = tmp_path / "store"
    # A run over the rejection threshold becomes terkini here too: this test is about SIGTERM, not acceptance.
    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "BIMTEK_CACHE": "off",
        "BIMTEK_ACCEPT_NEEDS_FIX": "true",
    }
    command = [sys.executable, "-c", "from cli.main import app; app()", "run", "3"]
    command += ["--region", str(REGION), "--inputs", str(inbox), "--store", str(store), "--run-id", "dihentikan"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + after_seconds
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=120)[0].decode(errors="replace")
    stage = store / "padang-pariaman" / "tahap-3"
    if running:
        assert process.returncode != 0, output[-2000:]
        if (stage / "latest.json").exists():  # the signal came after the publish step: it must then be whole
            _assert_whole_publish(stage)
    else:  # the run ended before the signal: it must then be a whole, successful publish
        assert process.returncode == 0 and (stage / "latest.json").exists(), output[-2000:]


def _assert_whole_publish(stage) -> None:
    """latest.json names a run whose manifest exists and every output it lists is there with its size."""
    latest = json.loads((stage / "latest.json").read_text(encoding="utf-8"))
    run = stage / latest["run_id"]
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"]
    for entry in manifest["outputs"]:
        assert (run / entry["path"]).stat().st_size == entry["bytes"], entry["path"]
