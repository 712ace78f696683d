"""The benchmark's quick mode (bench/bench.py --quick): the three paths agree; no time is asserted."""

from __future__ import annotations

import json
import sys

from bimtek.core.paths import PROJECT_ROOT as ROOT_DIR


def test_quick_benchmark_paths_agree_and_report_every_figure(prefect_harness, tmp_path, capsys):
    sys.path.insert(0, str(ROOT_DIR / "bench"))
    try:
        import bench
    finally:
        sys.path.remove(str(ROOT_DIR / "bench"))
    result = bench.main(["--quick", "--out", str(tmp_path / "quick.json"), "--workdir", str(tmp_path / "work")])
    assert result["invariants"] and all(result["invariants"].values()), result["invariants"]
    assert set(result["invariants"]) >= {
        "same_valid_rows",
        "same_rejected_row_ids",
        "same_programs_and_budget_per_dimension",
        "rerun_validates_only_the_changed_file",
        "charts_at_most_4000_px",
    }
    assert result["figures"]["big_file_rows"] == 500
    written = json.loads((tmp_path / "quick.json").read_text(encoding="utf-8"))
    assert set(written["paths"]) == {"flow", "direct", "plain_pandas"}
    assert all(written["paths"][p]["wall_s"] > 0 for p in written["paths"])
    assert "flow_vs_direct" in capsys.readouterr().out
