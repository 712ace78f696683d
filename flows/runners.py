"""Which task runner a flow uses: threads (default) or Dask for the per-file fan-out.

Chosen by the settings (bimtek/core/settings.py): `BIMTEK_TASK_RUNNER=dask` gives prefect-dask's DaskTaskRunner, a local
cluster of `BIMTEK_DASK_WORKERS` processes or, with `BIMTEK_DASK_ADDRESS=tcp://scheduler:8786`, an existing Dask
cluster shared by several Prefect workers. Otherwise Prefect's ThreadPoolTaskRunner (`BIMTEK_THREADS` threads),
which is right for the usual inbox of a few dozen OPD files. The settings are read when the flow module is
imported, i.e. once per flow run on a process worker.
"""

from __future__ import annotations

import os

from bimtek.core.settings import Settings, get_settings

RUNNER_KINDS = ("thread", "dask")


def task_runner_kind(settings: Settings | None = None) -> str:
    """'thread' or 'dask' (ValueError naming the setting otherwise)."""
    kind = (settings or get_settings()).task_runner.strip().lower()
    if kind not in RUNNER_KINDS:
        raise ValueError(f"BIMTEK_TASK_RUNNER={kind!r}: use 'thread' or 'dask'")
    return kind


def task_runner(settings: Settings | None = None):
    """The task runner for a stage flow."""
    settings = settings or get_settings()
    if task_runner_kind(settings) == "dask":
        return dask_task_runner(settings)
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=settings.threads)


def dask_task_runner(settings: Settings | None = None):
    """prefect-dask's DaskTaskRunner: the cluster at `BIMTEK_DASK_ADDRESS`, else a local cluster of
    `BIMTEK_DASK_WORKERS` processes (default: CPUs, at most 4). The `nasional` flow always runs on it."""
    from prefect_dask import DaskTaskRunner

    settings = settings or get_settings()
    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    workers = settings.dask_workers or min(os.cpu_count() or 1, 4)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
