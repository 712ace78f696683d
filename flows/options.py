"""Options every stage flow shares: the task runner from the settings and failure notifications."""

from __future__ import annotations

from flows.notify import notify_failure
from flows.runners import task_runner


def stage_flow_options(fan_out: bool = True) -> dict:
    """Keyword arguments for @flow: logs of print(), an event on failure or crash and, for flows that fan out
    tasks over files (`fan_out`), the configured task runner."""
    options = {"log_prints": True, "on_failure": [notify_failure], "on_crashed": [notify_failure]}
    if fan_out:
        options["task_runner"] = task_runner()
    return options
