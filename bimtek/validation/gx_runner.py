"""Run a dataset's Great Expectations suite on a normalized frame and list the failing rows.

Great Expectations is imported lazily (the import takes seconds) and set up once per process: an ephemeral
context with analytics and progress bars off, one pandas datasource with a whole-dataframe batch definition,
and each suite read from `schemas/gx/<dataset>.json`. Validation runs under a lock: GX objects are shared
and GX is not documented as thread-safe (the work is CPU-bound, so threads gain nothing by running it in
parallel anyway).

Each expectation's `meta` carries `rule` (the rule id) and `column` (the input column the OPD sees), or, for an
expectation over several helper columns (`column_list`), `columns` mapping each helper column to the input
column: a failing row is then reported against every input column whose helper value is non-zero (the
`required` rule uses this to check all required columns in one expectation). `severity` "critical" failures
become rejections, others ("warning") only notes.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from bimtek.core.values import plain_value
from bimtek.validation.normalize import RID_COLUMN

_LOCK = threading.RLock()


class SuiteError(RuntimeError):
    """An expectation could not be evaluated (a bug in the suite or the normalizer, not in the OPD's data)."""


@dataclass(frozen=True)
class Failure:
    """One row that failed one expectation."""

    rid: int
    rule: str
    column: str
    observed: Any
    """The helper value GX saw (e.g. -inf for an unreadable number)."""
    severity: str = "critical"


@dataclass
class _Engine:
    context: Any
    batch_definition: Any
    suites: dict


@lru_cache(maxsize=1)
def _engine() -> _Engine:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("bimtek").add_dataframe_asset("sheet")
    return _Engine(context, asset.add_batch_definition_whole_dataframe("whole"), {})


def warm_up() -> None:
    """Import and set up GX now (about 2-3 s) instead of during the first validation."""
    with _LOCK:
        _engine()


def load_suite_file(path: Path) -> dict:
    """The suite JSON as a dict (checked to have a meta rule and column on every expectation)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for i, exp in enumerate(data.get("expectations", [])):
        meta = exp.get("meta") or {}
        if not meta.get("rule") or not (meta.get("column") or meta.get("columns")):
            raise SuiteError(f"{path}: expectation #{i} ({exp.get('type')}) needs meta.rule and meta.column(s)")
    return data


def _suite(path: Path):
    engine = _engine()
    key = str(path)
    if key not in engine.suites:
        import great_expectations as gx

        data = load_suite_file(path)
        suite = gx.ExpectationSuite(
            name=data.get("name", path.stem), expectations=data["expectations"], meta=data.get("meta")
        )
        engine.suites[key] = engine.context.suites.add(suite)
    return engine.suites[key]


def run_suite(suite_path: Path, frame: pd.DataFrame, parameters: dict[str, object]) -> list[Failure]:
    """Validate `frame` (which has RID_COLUMN) with the suite at `suite_path`; every failing (row, rule, column)."""
    if frame.empty:
        return []
    with _LOCK:
        suite = _suite(suite_path)
        batch = _engine().batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(
            suite,
            expectation_parameters=parameters,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [RID_COLUMN],
                "return_unexpected_index_query": False,
                "partial_unexpected_count": 0,
            },
        )
    failures: list[Failure] = []
    for item in result.results:
        config = item.expectation_config
        error = _exception_message(item.exception_info)
        if error:
            raise SuiteError(f"{suite_path.name}: {config.type} on {config.kwargs}: {error}")
        if item.success:
            continue
        meta = config.meta or {}
        helper = config.kwargs.get("column") or config.kwargs.get("column_A")
        severity = str(getattr(config.severity, "value", config.severity) or "critical")
        for entry in item.result.get("unexpected_index_list") or []:
            rid = int(entry[RID_COLUMN])
            if meta.get("columns"):
                for helper_column, column in meta["columns"].items():
                    if entry.get(helper_column):
                        failures.append(Failure(rid, meta["rule"], column, plain_value(entry[helper_column]), severity))
            else:
                failures.append(Failure(rid, meta["rule"], meta["column"], plain_value(entry.get(helper)), severity))
    return failures


def _exception_message(info: object) -> str | None:
    """The error text when GX could not evaluate an expectation (info is flat or keyed by metric)."""
    if not isinstance(info, dict):
        return None
    if "raised_exception" in info:
        return (info.get("exception_message") or "error") if info["raised_exception"] else None
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return value.get("exception_message") or "error"
    return None
