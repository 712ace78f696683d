"""Tahap IV (finalisation) as a package: `stage.build_tahap_4` wires `inputs`, `context`, `commitments`, `review`,
`perbup` and `final_set` (see bimtek.stages.tahap_4.stage). The names tasks and tests use are re-exported here."""

from bimtek.stages.tahap_4.inputs import BUKU_2, PREVIOUS, ROADMAP_KEY, PreviousFiles
from bimtek.stages.tahap_4.stage import Tahap4Output, build_tahap_4

__all__ = ["BUKU_2", "PREVIOUS", "ROADMAP_KEY", "PreviousFiles", "Tahap4Output", "build_tahap_4"]
