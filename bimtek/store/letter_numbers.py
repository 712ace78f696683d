"""Letter numbers (nomor naskah dinas) unique per region and year, across every stage and run.

Each number is claimed once in the store as `<region>/nomor-surat/<year>/<n>.json` by an atomic exclusive create
(`Location.create_exclusive`), holding the stage and the run that used it. A run asks for as many numbers as it
writes letters; the next free numbers after the highest claimed one are taken, so a number is never reused, even
by a later stage, a re-run or a run that failed after claiming (a gap in the sequence is harmless; a reused number
is not). Two runs claiming at the same time get different numbers: the loser of a create moves to the next one.
"""

from __future__ import annotations

import json
import re

from bimtek.store.package import validate_region_slug
from bimtek.store.storage import Location

LETTER_FOLDER = "nomor-surat"
_NUMBER_KEY = re.compile(r"^(\d+)\.json$")


def letter_prefix(region_slug: str, year: int) -> str:
    """`<region>/nomor-surat/<year>`: the claimed numbers of one region and year."""
    return f"{validate_region_slug(region_slug)}/{LETTER_FOLDER}/{int(year)}"


def claimed_numbers(store: Location, region_slug: str, year: int) -> list[int]:
    """Numbers already claimed for the region and year, ascending."""
    keys = store.child(letter_prefix(region_slug, year)).list((".json",), missing_ok=True)
    return sorted(int(m.group(1)) for key in keys if (m := _NUMBER_KEY.match(key)))


def reserve_letter_numbers(
    store: Location, region_slug: str, year: int, count: int, *, stage: int, run_id: str = ""
) -> list[int]:
    """Claim `count` new letter numbers for the region and year (module doc); returns them ascending."""
    if count <= 0:
        return []
    prefix = letter_prefix(region_slug, year)
    record = json.dumps({"tahap": stage, "run_id": run_id}).encode("utf-8")
    taken = claimed_numbers(store, region_slug, year)
    candidate = (taken[-1] if taken else 0) + 1
    numbers: list[int] = []
    while len(numbers) < count:
        if store.create_exclusive(f"{prefix}/{candidate}.json", record, "application/json"):
            numbers.append(candidate)
        candidate += 1
    return numbers
