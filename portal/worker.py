"""What a check process runs: one OPD upload stored and checked (`receive_upload`), from picklable arguments.

The portal's event loop and its page threads share one interpreter lock; a 20 000-row workbook parsed in a thread
of that process slows every page. In a process pool (BIMTEK_UPLOAD_POOL=process, the default) the check has its
own interpreter: pages answer while it runs. The store and the region are reopened from their URL and file path.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bimtek.core.region import load_region
from bimtek.store.storage import open_location
from portal.submissions import UploadOutcome, receive_upload


def check_upload_file(
    store_url: str,
    region_path: str,
    stage: int,
    opd_slug: str,
    name: str,
    data: bytes,
    now: dt.datetime,
    replace: bool = True,
) -> UploadOutcome:
    """Store one upload in the OPD's inbox and check it with the stage's rules (in a worker process); `replace`
    False keeps it beside the OPD's earlier upload as its own submission."""
    region = load_region(Path(region_path))
    return receive_upload(open_location(store_url), region, stage, opd_slug, name, data, now, replace)
