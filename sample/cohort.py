"""A synthetic cohort: N regions, each with a region file and per-OPD input files for Tahap I-IV.

Used by `bimtek synth --regions N --seed S --out DIR` and the national roll-up test. Every region is the sample
generator (`sample/generate.py`, `generate(out, seed)`) run with its own seed, so budgets, years, funding sources
and officials differ per region while the file shapes and deliberate mistakes stay those documented in
sample/README.md; up to a third of the Tahap III proposal files are left out (OPD that did not send in time), so
regions differ in programs too. The region file is the sample's with another slug, name and province, and
`synthetic: true`.

    DIR/<slug>/region.yaml
    DIR/<slug>/inputs/tahap-1 .. tahap-4/...
"""

from __future__ import annotations

import functools
import importlib.util
import random
import sys
from pathlib import Path

import yaml

SAMPLE_DIR = Path(__file__).resolve().parent
PROVINCES = (
    "Aceh",
    "Sumatera Barat",
    "Riau",
    "Jawa Barat",
    "Jawa Tengah",
    "Jawa Timur",
    "Bali",
    "Nusa Tenggara Barat",
    "Kalimantan Timur",
    "Sulawesi Selatan",
    "Maluku",
    "Papua",
)
KINDS = ("Kabupaten", "Kota")


def _generator():
    """sample/generate.py as a module (the sample folder is not a package)."""
    if "bimtek_sample_generate" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bimtek_sample_generate", SAMPLE_DIR / "generate.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["bimtek_sample_generate"]


def region_entry(index: int, rng: random.Random) -> dict:
    """Slug, name and province of the `index`-th region of a cohort (1-based)."""
    kind = KINDS[0] if rng.random() < 0.8 else KINDS[1]
    return {
        "slug": f"{kind.lower()}-sintetis-{index:03d}",
        "name": f"{kind} Sintetis {index:03d}",
        "province": PROVINCES[rng.randrange(len(PROVINCES))],
        **cockpit_entry(index, kind),
    }


@functools.cache
def _sample_calendar() -> dict:
    return yaml.safe_load((SAMPLE_DIR / "padang-pariaman" / "region.yaml").read_text(encoding="utf-8"))["calendar"]


def cockpit_entry(index: int, kind: str) -> dict:
    """Kind, APBD and calendar of the `index`-th region, so the ministry's cockpit (/nasional) sees comparable
    groups and regions at different points of the schedule: an invented APBD between Rp 0,6 and 4 triliun, and
    the sample's calendar moved by 0-59 days. Drawn from the index alone, so the rest of the cohort (and its
    seeds) stays as before."""
    import datetime as dt

    own = random.Random(index)
    shift = dt.timedelta(days=index % 60)
    base = _sample_calendar()
    return {
        "kind": kind.lower(),
        "apbd": round(own.uniform(0.6e12, 4.0e12), -9),
        "calendar": {key: day + shift for key, day in base.items()},
    }


def _drop_some_proposals(inbox: Path, rng: random.Random) -> None:
    """Not every OPD sends its Tahap III proposals in time: remove up to a third of the program files."""
    proposals = sorted(inbox.glob("usulan-program-*"))
    for path in rng.sample(proposals, rng.randrange(len(proposals) // 3 + 1)):
        path.unlink()


def write_cohort(regions: int, seed: int, out: Path) -> list[Path]:
    """Write `regions` regions under `out`; the region files, in order."""
    if regions < 1:
        raise ValueError("regions must be at least 1")
    generator = _generator()
    base = yaml.safe_load((SAMPLE_DIR / "padang-pariaman" / "region.yaml").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    written = []
    for index in range(1, regions + 1):
        entry = region_entry(index, rng)
        folder = Path(out) / entry["slug"]
        folder.mkdir(parents=True, exist_ok=True)
        generator.generate(folder, seed=rng.randrange(2**31))
        _drop_some_proposals(folder / "inputs" / "tahap-3", rng)
        region = {**base, **entry, "synthetic": True}
        header = "# Synthetic region written by `bimtek synth` (sample/cohort.py): all content invented.\n"
        (folder / "region.yaml").write_text(
            header + yaml.safe_dump(region, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        written.append(folder / "region.yaml")
    return written
