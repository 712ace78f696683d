"""The task-runner choice of the stage flows (flows/runners.py)."""

from __future__ import annotations

import pytest

from flows.runners import task_runner, task_runner_kind


def test_task_runner_choice():
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from bimtek.core.settings import Settings

    assert task_runner_kind(Settings()) == "thread"
    assert isinstance(task_runner(Settings()), ThreadPoolTaskRunner)
    assert isinstance(task_runner(Settings(task_runner="dask")), DaskTaskRunner)
    assert isinstance(task_runner(Settings(task_runner="Dask", dask_address="tcp://x:8786")), DaskTaskRunner)
    with pytest.raises(ValueError, match="BIMTEK_TASK_RUNNER"):
        task_runner_kind(Settings(task_runner="ray"))
