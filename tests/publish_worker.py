"""A separate process that publishes one run (used by tests/test_publication.py for races and kills).

    python -m tests.publish_worker <store-url> <run-id> <go-file> [<seconds per write>]

Prints "READY", waits until <go-file> exists (so two workers start together), publishes a run of OUTPUT_COUNT files, prints
"WON" (exit 0) or "REFUSED" (exit 3). With a delay, each write sleeps first and prints "WROTE <key>".
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime

from bimtek.store.package import RunExistsError, publish_run
from bimtek.store.storage import open_location

REGION = "kab-uji"
STAGE = 3
OUTPUT_COUNT = 12


def outputs_of(writer: str) -> dict[str, bytes]:
    """Outputs whose content names the writer, so a mix of two writers' files would be detected."""
    return {f"data/berkas-{n:02d}.csv": f"penulis,{writer}\nnomor,{n}\n".encode() for n in range(OUTPUT_COUNT)}


def main() -> int:
    store_url, run_id, go_file = sys.argv[1:4]
    delay = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    store = open_location(store_url)
    if delay:
        _slow_writes(delay)
    print("READY", flush=True)
    while not os.path.exists(go_file):
        time.sleep(0.005)
    writer = f"pid-{os.getpid()}"
    try:
        publish_run(store, REGION, STAGE, run_id, outputs_of(writer), [], datetime.now(UTC), "test")
    except RunExistsError:
        print("REFUSED", flush=True)
        return 3
    print("WON", writer, flush=True)
    return 0


def _slow_writes(delay: float) -> None:
    from bimtek.store import storage

    for cls in (storage.LocalLocation, storage.S3Location):
        original = cls.write_bytes

        def slow(self, key, data, content_type=None, _original=original):
            time.sleep(delay)
            _original(self, key, data, content_type)
            print("WROTE", key, flush=True)

        cls.write_bytes = slow


if __name__ == "__main__":
    sys.exit(main())
