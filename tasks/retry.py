"""Retry conditions: storage I/O is retried, but not failures that a retry cannot change."""

from __future__ import annotations

from collections.abc import Callable


def retry_unless(*final: type[BaseException]) -> Callable:
    """A Prefect `retry_condition_fn` that retries any exception except the `final` ones.

    Used so that a missing inbox, a refused run id or a missing previous stage fails at once with its message,
    instead of after three pointless retries.
    """

    def _condition(task, task_run, state) -> bool:
        try:
            state.result()
        except final:
            return False
        except Exception:
            return True
        return True

    return _condition
