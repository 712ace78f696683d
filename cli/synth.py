"""`bimtek synth`: write a synthetic cohort of regions (region files and inputs for every stage)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import typer
from rich.console import Console

console = Console(stderr=True)


def synth(
    regions: int = typer.Option(..., "--regions", min=1, help="Jumlah daerah sintetis."),
    seed: int = typer.Option(1, "--seed", help="Benih acak (hasil sama untuk benih sama)."),
    out: Path = typer.Option(..., "--out", help="Folder tujuan: satu subfolder per daerah."),
) -> None:
    """Tulis input sintetis untuk N daerah (berkas region dan berkas OPD Tahap I-IV), untuk uji dan rekap nasional."""
    from bimtek.core.paths import SAMPLE_DIR

    spec = importlib.util.spec_from_file_location("bimtek_sample_cohort", SAMPLE_DIR / "cohort.py")
    if spec is None or not (SAMPLE_DIR / "cohort.py").is_file():
        console.print("[bold red]Galat:[/] generator sampel (sample/cohort.py) tidak ditemukan di instalasi ini.")
        raise typer.Exit(code=2)
    cohort = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cohort)
    written = cohort.write_cohort(regions, seed, out)
    console.print(f"[green]Selesai:[/] {len(written)} daerah sintetis di {out} (DATA SINTETIS, bukan data resmi).")
