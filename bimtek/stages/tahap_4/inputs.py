"""What Tahap IV reads from the earlier stages (keys, required or not) and the bytes it got (`PreviousFiles`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bimtek.analysis.action_plans import DRAFT_KEY
from bimtek.books.narrative import NARASI_KEY, PLAN_KEYS, STRATEGI_KEY
from bimtek.core.paths import REPORT_KEY
from bimtek.stages.previous import PreviousOutput
from bimtek.stages.tahap_2 import FIGURE_KEYS

ROADMAP_KEY = "roadmap/roadmap.csv"
BY_DIMENSION_KEY = "aggregates/by_dimension.csv"
BUKU_1 = "buku/buku-1-analisis-strategis"
BUKU_2 = "buku/buku-2-masterplan"
READINESS_CHART_KEY = "grafik/kesiapan-per-pilar.png"
"""The chart Buku 1 refers to (../grafik/kesiapan-per-pilar.png), copied with it."""

PREVIOUS = (
    PreviousOutput(3, ROADMAP_KEY, True),
    PreviousOutput(3, BY_DIMENSION_KEY, True),
    PreviousOutput(3, REPORT_KEY, False),
    PreviousOutput(3, NARASI_KEY, False),
    PreviousOutput(3, STRATEGI_KEY, False),
    *(PreviousOutput(3, key, False) for key in PLAN_KEYS.values()),
    PreviousOutput(2, DRAFT_KEY, False),
    PreviousOutput(2, f"{BUKU_1}.md", False),
    PreviousOutput(2, f"{BUKU_1}.html", False),
    PreviousOutput(2, READINESS_CHART_KEY, False),
    PreviousOutput(1, f"{BUKU_1}.md", False),
    PreviousOutput(1, f"{BUKU_1}.html", False),
    PreviousOutput(1, READINESS_CHART_KEY, False),
    *(PreviousOutput(1, key, False) for key in FIGURE_KEYS.values()),
)
"""Earlier stages' files Tahap IV reads: the Tahap III roadmap (required), its validation report and narrative
(Buku 2 is rendered again with the final quick wins), Buku 1 from Tahap II (the reviewed book) else Tahap I, and
Tahap I's analysis tables (Buku 2's summary of the analysis), the Tim Pelaksana's plan sheets (Buku 2's chapters on
institutions, financing, risk, monitoring) and Tahap II's draft quick-win action plans."""


@dataclass
class PreviousFiles:
    """Bytes of the earlier stages' files, keyed by (stage, key); None when absent."""

    files: dict[tuple[int, str], bytes | None] = field(default_factory=dict)
    runs: dict[int, str] = field(default_factory=dict)
    """Run id of each earlier stage a file was read from (for the manifest; never written into a deliverable)."""

    def manifest_extra(self) -> dict | None:
        """`{"previous_runs": {"tahap-3": run_id, ...}}` for publish_outputs, or None when nothing was read."""
        if not self.runs:
            return None
        return {"previous_runs": {f"tahap-{stage}": run for stage, run in sorted(self.runs.items(), reverse=True)}}

    def get(self, stage: int, key: str) -> bytes | None:
        return self.files.get((stage, key))
