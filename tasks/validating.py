"""Prefect tasks that validate a run's tables: one task run for all files, cached verdicts per file.

`validate-datasets` validates every Sheet of the run with one GX suite run per dataset. With a cache location,
each file's verdicts are stored under `validasi/<key>.pkl`, the key being the file's path, sha256 and the rules
(`tasks.cache.rules_key`); a rerun validates only the files whose key is new and reuses the others.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from bimtek.core.model import Sheet
from bimtek.core.nomenclature import Nomenclature, NomenclatureError
from bimtek.core.region import Region
from bimtek.ingest.sipd_export import read_sipd_export
from bimtek.store.storage import StorageError, open_location
from bimtek.validation import SheetResult, validate_sheets
from tasks.cache import content_key

VERDICT_FOLDER = "validasi"


@dataclass
class Verdicts:
    results: list[SheetResult]
    """One per Sheet, in the order given."""
    validated: list[str] = field(default_factory=list)
    """Files validated in this run (in order)."""
    reused: list[str] = field(default_factory=list)
    """Files whose verdicts came from the cache (in order)."""


@task(name="validate-datasets", cache_policy=NO_CACHE)
def validate_datasets(
    sheets: list[Sheet], region: Region, cache: str | None = None, file_keys: dict[str, str] | None = None
) -> Verdicts:
    """Validate every table of the run (one GX suite run per dataset), reusing cached verdicts of unchanged files.

    `file_keys`: path -> cache key of that file's verdicts (files without a key are always validated).
    """
    paths = list(dict.fromkeys(sheet.path for sheet in sheets))
    keys = {path: file_keys[path] for path in paths if cache and file_keys and path in file_keys}
    store = open_location(cache) if keys else None
    reused: dict[str, list[SheetResult]] = {}
    for path, key in keys.items():
        try:
            reused[path] = pickle.loads(store.read_bytes(_verdict_key(key)))
        except StorageError:
            continue
    fresh = validate_sheets([s for s in sheets if s.path not in reused], region, region_nomenclature(region))
    by_path: dict[str, list[SheetResult]] = {}
    for result in fresh:
        by_path.setdefault(result.path, []).append(result)
    for path, results in by_path.items():
        if path in keys:
            store.write_bytes(_verdict_key(keys[path]), pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
    ordered = [result for path in paths for result in (reused.get(path) or by_path.get(path, []))]
    return Verdicts(ordered, validated=[p for p in paths if p not in reused], reused=[p for p in paths if p in reused])


def region_nomenclature(region: Region) -> Nomenclature | None:
    """The region's own SIPD export (region file `nomenclature_export`), read once per validation; None when the
    region has none (the bundled reference of its version is then used) or it cannot be read (its codes are then
    noted as unchecked: bimtek.validation.nomenclature_rules)."""
    if not region.nomenclature_export:
        return None
    path = Path(region.nomenclature_export)
    try:
        export = read_sipd_export(path.read_bytes(), region.nomenclature or path.stem, path.name)
    except (OSError, NomenclatureError) as exc:
        get_run_logger().warning("Ekspor SIPD %s tidak dapat dibaca: %s", path.name, exc)
        return None
    return export.nomenclature


def verdict_key(path: str, sha256: str, rules: str) -> str:
    """Cache key of one file's verdicts (the path too: results name their file)."""
    return content_key("verdicts", path, sha256, rules)


def _verdict_key(key: str) -> str:
    return f"{VERDICT_FOLDER}/{key}.pkl"
