"""Which task runner a flow uses: threads (default) or Dask for the per-file fan-out.

`BIMTEK_TASK_RUNNER=dask` gives prefect-dask's DaskTaskRunner: a local cluster (processes, one per CPU up to
`BIMTEK_DASK_WORKERS`) or, with `BIMTEK_DASK_ADDRESS=tcp://scheduler:8786`, an existing Dask cluster shared by
several Prefect workers. Anything else (or unset) gives Prefect's ThreadPoolTaskRunner, which is right for the
usual inbox of a few dozen OPD files. Wire it as `@flow(task_runner=task_runner())`; the environment is read when
the flow module is imported (i.e. per flow run on a process worker).
"""

from __future__ import annotations

import os


def task_runner_kind(environ: dict | None = None) -> str:
    env = os.environ if environ is None else environ
    kind = (env.get("BIMTEK_TASK_RUNNER") or "thread").strip().lower()
    if kind not in {"thread", "dask"}:
        raise ValueError(f"BIMTEK_TASK_RUNNER={kind!r}: use 'thread' or 'dask'")
    return kind


def task_runner(environ: dict | None = None):
    """The task runner for a stage flow, chosen by BIMTEK_TASK_RUNNER (thread | dask)."""
    env = os.environ if environ is None else environ
    if task_runner_kind(env) == "dask":
        from prefect_dask import DaskTaskRunner

        address = env.get("BIMTEK_DASK_ADDRESS")
        if address:
            return DaskTaskRunner(address=address)
        workers = int(env.get("BIMTEK_DASK_WORKERS") or min(os.cpu_count() or 1, 4))
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
    from prefect.task_runners import ThreadPoolTaskRunner

    max_workers = env.get("BIMTEK_THREADS")
    return ThreadPoolTaskRunner(max_workers=int(max_workers) if max_workers else None)
