"""Monev (Tahap V): the semester a run evaluates, where its runs live in the store, and the scoring rubric.

After Tahap IV the masterplan is evaluated twice a year. A semester is written `YYYY-S1` (January-June) or
`YYYY-S2` (July-December); runs of one semester are published under `<store>/<region>/monev/<semester>/<run-id>/`
(`monev_stage_path`), so each semester has its own latest.json and earlier semesters give the trend. For the inbox,
the portal links and the intake templates monev is stage `MONEV_STAGE` (5): `kotak-masuk/tahap-5`.

The rubric (areas, weights, indicators, score tables) is `schemas/monev_rubric.json`, read once by `load_rubric`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from bimtek.core.paths import SCHEMAS_DIR

MONEV_STAGE = 5
"""The stage number of monev for inboxes, portal links, templates and the column contracts (STAGE_DATASETS)."""
MONEV_FOLDER = "monev"
"""Folder of a region's monev runs in the store: `<region>/monev/<semester>/`."""
RUBRIC_PATH = SCHEMAS_DIR / "monev_rubric.json"
_SEMESTER = re.compile(r"^(\d{4})-S([12])$")


class SemesterError(ValueError):
    """A semester that is not written `YYYY-S1` or `YYYY-S2` (Indonesian message)."""


@dataclass(frozen=True, order=True)
class Semester:
    """One monev semester: `2027-S1` is January-June 2027, `2027-S2` July-December 2027."""

    year: int
    half: int

    @classmethod
    def parse(cls, text: object) -> Semester:
        """`2027-S1` -> Semester(2027, 1); spaces and a lowercase s are accepted; SemesterError otherwise."""
        value = str(text or "").strip().upper().replace(" ", "")
        match = _SEMESTER.match(value)
        if not match:
            raise SemesterError(
                f"Semester '{text}' tidak dikenal: tulis tahun dan semester seperti 2027-S1 (Januari-Juni) "
                "atau 2027-S2 (Juli-Desember)."
            )
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year}-S{self.half}"

    @property
    def code(self) -> str:
        """`S1` or `S2` (the keys of the rubric's `semester_expected_share`)."""
        return f"S{self.half}"

    @property
    def label(self) -> str:
        """How documents name it: "Semester I 2027"."""
        return f"Semester {'I' if self.half == 1 else 'II'} {self.year}"


def monev_stage_path(semester: Semester | str) -> str:
    """The stage path of a semester's runs in the store (`monev/2027-S1`), for bimtek.store.package."""
    return f"{MONEV_FOLDER}/{Semester.parse(semester)}"


@cache
def load_rubric() -> dict:
    """schemas/monev_rubric.json as a dict (read once per process)."""
    return json.loads(RUBRIC_PATH.read_text(encoding="utf-8"))


def area_codes() -> list[str]:
    """The five areas in rubric order: baseline, output, outcome, impact, quick_win."""
    return [area["code"] for area in load_rubric()["areas"]]


def area_labels() -> dict[str, str]:
    """Area code -> how documents and pages name it ("Quick Win"), in rubric order."""
    return {area["code"]: area["label"] for area in load_rubric()["areas"]}


def default_weights() -> dict[str, float]:
    """Area code -> weight in percent, as the rubric sets them (10/20/30/30/10)."""
    return {area["code"]: float(area["weight"]) for area in load_rubric()["areas"]}
