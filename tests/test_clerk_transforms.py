"""Tests from classes, not examples (issue 23 item 7): random valid proposals, changed by random compositions of
the clerk transforms (tests/clerk_transforms.py), read and validated. The property: every published program is one
the clerk meant, with exactly the meant budget and OPD; a meant program that is not published has a rejection or a
held row with a message; nothing the clerk did not mean (hidden, struck, cancelled, old, totals, example) is
published. Never a different number."""

from __future__ import annotations

import random
import time

import pytest

from bimtek.core.questions import HELD_RULE
from bimtek.ingest.reader import read_table
from bimtek.validation import combined_valid, validate_sheets
from tests.builders import validation_region
from tests.clerk_transforms import TRANSFORMS, Draft, clerk_draft, proposal, render

REGION = validation_region()
WORKBOOKS = 200
"""Generated workbooks checked by the property test (bounded: the test fails past TIME_LIMIT seconds)."""
TIME_LIMIT = 180.0


def _outcomes(drafts: list[Draft]) -> list[tuple[dict[str, tuple[str, float]], dict[str, list], list]]:
    """Read every draft, validate all tables in one suite run, and split the outcome back per draft."""
    tables = [read_table(draft.file_name, render(draft)) for draft in drafts]
    results = validate_sheets([sheet for sheets in tables for sheet in sheets], REGION)
    outcomes, start = [], 0
    for sheets in tables:
        mine, start = results[start : start + len(sheets)], start + len(sheets)
        valid = combined_valid(mine)
        published = {
            str(name): (str(opd), float(amount))
            for name, opd, amount in zip(valid["nama_program"], valid["opd"], valid["anggaran"])
        }
        rows_of: dict[str, list] = {}
        for result in mine:
            for row, name in zip(result.raw.get("_row", []), result.raw.get("Nama Program", [])):
                rows_of.setdefault(str(name), []).append(int(row))
        outcomes.append((published, rows_of, [r for result in mine for r in result.rejections]))
    return outcomes


def check(draft: Draft, outcome=None) -> list[str]:
    """What is wrong with the draft's publication (empty when the property holds)."""
    published, rows_of, rejections = outcome or _outcomes([draft])[0]
    problems = []
    for name, (opd, amount) in published.items():
        if name not in draft.meant:
            problems.append(f"published but not meant: {name} {amount}")
        elif draft.meant[name] != (opd, amount):
            problems.append(f"wrong figure: {name} {opd} {amount} != {draft.meant[name]}")
    rejected_rows = {(r.row, r.rule) for r in rejections}
    for name in draft.meant:
        if name in published:
            continue
        rows = rows_of.get(name, [])
        if not any(row == r for row in rows for r, _ in rejected_rows):
            problems.append(f"meant program missing without a message: {name} (rows {rows})")
        elif name not in draft.doubtful and all(
            rule == HELD_RULE for row in rows for r, rule in rejected_rows if r == row
        ):
            problems.append(f"held without a doubt: {name}")
    return problems


def test_there_are_at_least_thirty_kinds_of_transform():
    assert len({t.__name__ for t in TRANSFORMS}) >= 30


@pytest.mark.parametrize("transform", TRANSFORMS, ids=[t.__name__ for t in TRANSFORMS])
def test_each_transform_alone_keeps_every_figure_right(transform):
    rng = random.Random(TRANSFORMS.index(transform))
    draft = proposal(rng, 4)
    transform(draft, rng)
    outcome = _outcomes([draft])[0]
    assert check(draft, outcome) == [], draft.applied
    assert outcome[0] or draft.doubtful, "nothing published although nothing was in doubt"


def test_composed_transforms_over_hundreds_of_workbooks_never_publish_a_different_number():
    started = time.monotonic()
    drafts = [clerk_draft(random.Random(seed)) for seed in range(WORKBOOKS)]
    failures = []
    meant = published = 0
    for seed, (draft, outcome) in enumerate(zip(drafts, _outcomes(drafts))):
        problems = check(draft, outcome)
        if problems:
            failures.append((seed, draft.applied, problems))
        meant += len(draft.meant)
        published += len(outcome[0])
    elapsed = time.monotonic() - started
    assert failures == []
    assert published >= 0.6 * meant, (published, meant)  # the property is not met by rejecting everything
    assert elapsed < TIME_LIMIT, f"{WORKBOOKS} workbooks took {elapsed:.0f} s"
