"""What a stage builder hands back to its flow."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class StageOutput:
    files: dict[str, bytes]
    """Deliverables keyed by their path inside the run folder (e.g. "buku/buku-2-masterplan.html")."""
    figures: pd.DataFrame | None = None
    """The per-dimension table shown in the Prefect UI."""
    highlights: list[tuple[str, str]] = field(default_factory=list)
    """(label, key) of the files a coordinator opens first; flows turn them into link artifacts."""
    notes: list[str] = field(default_factory=list)
    """Sentences for the run summary (e.g. "Tahap II belum diterbitkan: ...")."""
    submissions: pd.DataFrame | None = None
    """Per-OPD submission status (bimtek.books.feedback.submission_overview), shown as a table in the Prefect UI."""
