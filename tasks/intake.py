"""Prefect tasks that read OPD files and validate them: one task run per file, never per row."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from bimtek.core.model import Sheet
from bimtek.core.region import Region
from bimtek.ingest.reader import read_table
from bimtek.store.package import file_entry
from bimtek.store.storage import LocationNotFoundError, open_location
from bimtek.validation import SheetResult, validate_sheet
from tasks.retry import retry_unless


@task(name="list-input-files", retries=3, retry_delay_seconds=[1, 5, 15],
      retry_condition_fn=retry_unless(LocationNotFoundError), cache_policy=NO_CACHE)
def list_input_files(inputs: str) -> list[str]:
    """Every file under the inputs location (sorted relative keys; hidden files left out).

    Files of other types than .csv/.xlsx/.json are listed too: ingest reports them as unreadable, so nothing an
    OPD sent goes unmentioned.
    """
    return open_location(inputs).list(None)


@task(name="ingest-file", task_run_name="ingest-{key}", retries=3, retry_delay_seconds=[1, 5, 15], cache_policy=NO_CACHE)
def ingest_file(inputs: str, key: str, datasets: list[str]) -> tuple[list[Sheet], dict]:
    """Read one file from the inputs location and split it into tables; returns them with the file's manifest entry."""
    data = open_location(inputs).read_bytes(key)
    return read_table(key, data, datasets), file_entry(key, data)


@task(name="validate-file", task_run_name="validate-{key}", cache_policy=NO_CACHE)
def validate_file(key: str, sheets: list[Sheet], region: Region) -> list[SheetResult]:
    """Validate every table of one file against its dataset's Great Expectations suite."""
    return [validate_sheet(sheet, region, sheet.dataset or "program") for sheet in sheets]
