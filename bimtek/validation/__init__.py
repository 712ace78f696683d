"""Validation of OPD sheets with Great Expectations (domain layer: no Prefect, GX imported lazily).

Public API (pure functions, no I/O):

- `validate_sheet(sheet, region, dataset="program") -> SheetResult`: typed valid rows, rejected rows as
  written, `Rejection`s with Indonesian messages, and the file's `FileReport`.
- `validate_sheets(sheets, region) -> list[SheetResult]`: the same for every Sheet of a run, with one GX suite run
  per dataset (`validate_dataset`): the run's sheets are concatenated and the verdicts split back per Sheet.
- `mark_duplicates(results) -> list[SheetResult]`: the cross-file `duplicate` rule over a whole run.
- `build_report(region_slug, results) -> ValidationReport` and `report_json(report) -> bytes`.
- `quarantine_csv(results) -> bytes`: rejected rows with their reasons, for Excel.
- `combined_valid(results) -> DataFrame`: every valid row of the run, typed.
- `warm_up()`: import and set up GX ahead of the first validation.

Modules: `normalize` (raw text -> helper columns, typed values), `gx_runner` (the GX suite of
`schemas/gx/<dataset>.json`), `messages` (one message per rule id), `datasets` (registry of datasets),
`engine` (`validate_sheet`), `duplicates`, `report`; `stage_1_rules`, `stage_3_rules`, `stage_4_rules` and
`stage_5_rules` define the Tahap I, III, IV and monev datasets, all listed in `DATASETS`.
"""

from bimtek.validation import stage_1_rules, stage_3_rules, stage_4_rules, stage_5_rules
from bimtek.validation.datasets import PROGRAM, DatasetRules, get_rules, register
from bimtek.validation.duplicates import mark_duplicates
from bimtek.validation.engine import validate_dataset, validate_sheet, validate_sheets
from bimtek.validation.gx_runner import warm_up
from bimtek.validation.report import build_report, combined_valid, quarantine_csv, report_json
from bimtek.validation.result import SheetResult

__all__ = [
    "DATASETS",
    "DatasetRules",
    "SheetResult",
    "build_report",
    "combined_valid",
    "get_rules",
    "mark_duplicates",
    "quarantine_csv",
    "register",
    "report_json",
    "validate_dataset",
    "validate_sheet",
    "validate_sheets",
    "warm_up",
]

DATASETS: tuple[DatasetRules, ...] = (
    PROGRAM,
    *stage_1_rules.RULES,
    *stage_3_rules.RULES,
    *stage_4_rules.RULES,
    *stage_5_rules.RULES,
)
"""Every validated dataset, registered here (explicitly, once) so that `get_rules` knows them all."""
for _rules in DATASETS:
    register(_rules)
