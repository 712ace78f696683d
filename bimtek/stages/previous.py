"""What a stage needs from the stages before it, and the error when a required one was never published."""

from __future__ import annotations

from dataclasses import dataclass

from bimtek.core.vocabularies import stage_name

STAGE_NAMES = {stage: stage_name(stage) for stage in (1, 2, 3, 4)}
STAGE_NAMES[5] = f"Monev ({stage_name(5)})"


class MissingStageError(RuntimeError):
    """A stage needs a previous stage's published output that the store does not have."""

    def __init__(self, stage: int, needed: int, region_slug: str, store: str, key: str, waiting: tuple[str, ...] = ()):
        self.stage, self.needed, self.region_slug, self.store, self.key = stage, needed, region_slug, store, key
        self.waiting = waiting
        """Runs of the needed stage that were published "Perlu perbaikan" and wait for a coordinator."""
        advice = f"Jalankan dulu: bimtek run {needed} --region ... --inputs ..."
        if waiting:
            advice = (
                f"Run {STAGE_NAMES[needed]} {waiting[0]} sudah terbit tetapi belum terkini karena terlalu banyak baris "
                f"ditolak (Perlu perbaikan): perbaiki berkas OPD lalu jalankan {STAGE_NAMES[needed]} lagi, atau bila "
                f"run itu tetap layak dipakai, terima di portal (Jadikan terkini) atau dengan: bimtek terima "
                f"--region {region_slug} --stage {needed} --run-id {waiting[0]}"
            )
        super().__init__(
            f"{STAGE_NAMES[stage]} membutuhkan hasil {STAGE_NAMES[needed]} yang sudah diterbitkan untuk region "
            f"'{region_slug}', tetapi {store}/{region_slug}/tahap-{needed}/latest.json tidak ada "
            f"(berkas yang dicari: {key}). {advice}"
        )


@dataclass(frozen=True)
class PreviousOutput:
    """One file a stage reads from an earlier stage's latest run."""

    stage: int
    key: str
    required: bool
