"""The per-file fan-out also runs on prefect-dask's DaskTaskRunner (a local cluster of worker processes)."""

import json
import shutil

from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.settings import Settings

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INBOX = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3"
FILES = ["usulan-program-dpmn.csv", "usulan-program-bkpsdm.csv", "usulan-program-rsud.xlsx"]


def test_tahap_3_on_a_local_dask_cluster(prefect_harness, tmp_path):
    from flows.runners import task_runner
    from flows.tahap_3 import tahap_3

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in FILES:
        shutil.copy(INBOX / name, inbox / name)
    on_dask = tahap_3.with_options(task_runner=task_runner(Settings(task_runner="dask", dask_workers=2)))
    result = on_dask(region=str(REGION), inputs=str(inbox), store=str(tmp_path / "store"), run_id="dask")

    run = tmp_path / "store" / "padang-pariaman" / "tahap-3" / "dask"
    report = json.loads((run / "validation" / "report.json").read_text(encoding="utf-8"))
    assert sorted(f["path"] for f in report["files"]) == sorted(FILES)
    assert report["rows_valid"] == result["rows_valid"] > 0
    assert any(r["rule"] == "funding_source" for r in report["rejections"])
