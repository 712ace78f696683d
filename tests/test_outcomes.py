"""Run outcomes a coordinator reads: Indonesian failure causes and the "Perlu perbaikan" completed state."""

from __future__ import annotations

import pytest
from prefect import flow

from bimtek.region import RegionError
from flows.outcomes import NEEDS_FIX_STATE, coordinator_outcome, failure_cause, rejection_summary
from flows.parameters import UnknownRegionError, region_for_run


@flow(name="uji-gagal")
@coordinator_outcome(3)
def failing(region: str) -> dict:
    return {"region": region_for_run(region).slug}


@flow(name="uji-ditolak")
@coordinator_outcome(3)
def rejecting(region: str, rows_valid: int, rows_rejected: int) -> dict:
    return {"rows_valid": rows_valid, "rows_rejected": rows_rejected}


def test_unknown_region_fails_with_an_indonesian_cause(prefect_harness):
    state = failing(region="kab-tidak-ada", return_state=True)
    assert state.is_failed()
    assert state.message.startswith("Gagal: region tidak dapat dipakai. Region 'kab-tidak-ada' tidak dikenal")
    assert "padang-pariaman" in state.message
    with pytest.raises(UnknownRegionError):
        failing(region="kab-tidak-ada")


def test_many_rejections_end_in_perlu_perbaikan_and_few_in_completed(prefect_harness):
    state = rejecting(region="padang-pariaman", rows_valid=3, rows_rejected=7, return_state=True)
    assert state.is_completed() and state.name == NEEDS_FIX_STATE
    assert state.message.startswith("7 dari 10 baris (70%) ditolak, di atas batas 20%.")
    assert rejecting(region="padang-pariaman", rows_valid=3, rows_rejected=7) == {"rows_valid": 3, "rows_rejected": 7}
    clean = rejecting(region="padang-pariaman", rows_valid=9, rows_rejected=1, return_state=True)
    assert clean.is_completed() and clean.name == "Completed"


def test_failure_causes_and_rejection_summary():
    assert failure_cause(RegionError("x")).startswith("Gagal: region tidak dapat dipakai.")
    assert failure_cause(KeyError("k")).startswith("Gagal karena galat tak terduga (KeyError")
    report = {"rejections": [{"rule": "budget", "path": "b.csv"}, {"rule": "budget", "path": "a.csv"},
                             {"rule": "funding_source", "path": "a.csv"}]}
    assert rejection_summary(report) == "aturan: budget (2), funding_source (1); berkas: a.csv, b.csv"
