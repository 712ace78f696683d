"""Flow parameters as the Prefect UI's run form shows them, and how a run turns them into locations.

- `region`: a registered region by its slug, offered as a list with each region once:
  the schema's `enum` is built from `BIMTEK_REGIONS` when the flow module is imported, i.e. when
  `prefect deploy` registers the deployment, so a wrong value is refused when a run is created
  (`enforce_parameter_schema`). Called from Python (CLI, tests) any region file path is accepted.
- `inputs`, `store`, `run_id`: plain text; empty means the default (the stage inbox of the region in the store,
  BIMTEK_STORE, the UTC time). None is read as empty, so the form needs no "str | None" toggle. `run_id` is
  checked before the run starts: its schema carries the store's pattern (the server refuses `../../etc` when the
  run is created) and, called from Python, an Indonesian message says what is allowed.
- `stage` (validation only): a whole number 1-4.
Every field carries an Indonesian title (`json_schema_extra`, which Prefect keeps: its own `title` is the name).
Descriptions shown under each field come from the flows' docstrings (Google style "Args:"), in Indonesian.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from bimtek.core.paths import PROJECT_ROOT
from bimtek.core.region import Region, RegionError, load_region, registered_regions
from bimtek.core.settings import get_settings
from bimtek.ingest.inbox import inbox_url
from bimtek.store.package import RUN_ID_MAX_LENGTH, validate_run_id


def region_choices() -> list[str]:
    """Registered region slugs, each once: the run form's list (schedules and prefect.yaml name regions by slug)."""
    return sorted(registered_regions(get_settings().region_folders))


def _none_as_empty(value: object) -> object:
    return "" if value is None else value


def _form(title: str, **extra: object) -> dict:
    """JSON-schema extras of one run-form field: its Indonesian title (Prefect would show the parameter name)."""
    return {"title": title, **extra}


_CHOICES = region_choices()
RegionChoice = Annotated[str, Field(json_schema_extra=_form("Wilayah", **({"enum": _CHOICES} if _CHOICES else {})))]
InboxText = Annotated[
    str, BeforeValidator(_none_as_empty), Field(json_schema_extra=_form("Kotak masuk (boleh kosong)"))
]
StoreText = Annotated[
    str, BeforeValidator(_none_as_empty), Field(json_schema_extra=_form("Tempat hasil (boleh kosong)"))
]
RUN_ID_SCHEMA_PATTERN = rf"^([A-Za-z0-9][A-Za-z0-9._-]{{0,{RUN_ID_MAX_LENGTH - 1}}})?$"
"""The store's run-id rule (bimtek.store.package.RUN_ID_PATTERN) as the run form's JSON-schema pattern; empty allowed."""


def _run_id_or_empty(value: str) -> str:
    """An empty run id (the UTC time is used) or a safe folder name; an Indonesian ValueError otherwise."""
    if value:
        try:
            validate_run_id(value)
        except ValueError:
            raise ValueError(
                f"Nama run '{value}' tidak sah: pakai huruf, angka, titik, garis bawah atau tanda hubung, diawali "
                f"huruf atau angka (paling panjang {RUN_ID_MAX_LENGTH} karakter), atau kosongkan."
            ) from None
    return value


RunIdText = Annotated[
    str,
    BeforeValidator(_none_as_empty),
    AfterValidator(_run_id_or_empty),
    Field(json_schema_extra=_form("Nama run (boleh kosong)", pattern=RUN_ID_SCHEMA_PATTERN)),
]
ReportPathText = Annotated[
    str, BeforeValidator(_none_as_empty), Field(json_schema_extra=_form("Berkas laporan (boleh kosong)"))
]
StageNumber = Annotated[int, Field(ge=1, le=5, json_schema_extra=_form("Tahap (1-4, 5 = monev)"))]


class UnknownRegionError(RegionError):
    """The region parameter names no registered region and no readable region file (Indonesian message)."""


def region_for_run(value: str) -> Region:
    """The region of a run: a registered slug or a region file path."""
    registered = registered_regions(get_settings().region_folders)
    path = registered.get(value) or Path(value)
    if not path.is_absolute() and not path.exists():
        path = PROJECT_ROOT / path
    try:
        return load_region(path)
    except RegionError as exc:
        known = ", ".join(sorted(registered)) or "(belum ada; simpan berkas YAML di folder BIMTEK_REGIONS)"
        raise UnknownRegionError(
            f"Region '{value}' tidak dikenal atau berkasnya tidak dapat dibaca ({exc}). "
            f"Pilih region terdaftar: {known}."
        ) from None


def stage_locations(region: str, inputs: str, store: str, stage: int) -> tuple[Region, str, str]:
    """Region, inputs and store of a stage run: empty inputs = the region's stage inbox in the store."""
    reg = region_for_run(region)
    store = store or get_settings().store
    return reg, inputs or inbox_url(store, reg.slug, stage), store


def stage_parameter_docs(stage: int) -> str:
    """The Google-style "Args:" section of a stage flow (Prefect shows each line under its field in the run form)."""
    return (
        "    Args:\n"
        "        region: Region (kabupaten/kota) terdaftar; pilih dari daftar.\n"
        "        inputs: Kotak masuk berkas OPD (folder atau s3://bucket/prefix). "
        f"Kosong = kotak masuk Tahap {stage} region di store.\n"
        "        store: Tujuan hasil (folder atau s3://bucket/prefix). Kosong = BIMTEK_STORE worker.\n"
        "        run_id: Nama folder run. Kosong = waktu UTC saat run dimulai.\n"
    )
