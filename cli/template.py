"""`bimtek template`: write the OPD intake templates (.xlsx, one per OPD) of one stage into a folder.

Kept apart from cli/main.py so the command can be registered with one line; it imports no Prefect.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

console = Console(stderr=True)


def template(
    region: Path = typer.Option(..., "--region", help="Berkas YAML region (daftar OPD, periode, jadwal)."),
    stage: int = typer.Option(..., "--stage", min=1, max=4, help="Tahap Bimtek (1-4) yang templatnya dibuat."),
    out: Path = typer.Option(..., "--out", help="Folder tujuan berkas templat .xlsx (dibuat bila belum ada)."),
) -> None:
    """Buat templat isian Excel per OPD untuk satu tahap, lengkap dengan petunjuk dan validasi data."""
    from bimtek.core.region import RegionError, load_region
    from bimtek.workbooks.intake_template import build_intake_workbooks

    try:
        reg = load_region(region)
    except RegionError as exc:
        console.print(f"[bold red]Galat:[/] berkas region tidak dapat dipakai: {exc}")
        raise typer.Exit(code=2) from None
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        console.print(f"[bold red]Galat:[/] folder tujuan {out} tidak dapat dibuat: {exc}")
        raise typer.Exit(code=2) from None
    files = build_intake_workbooks(reg, stage)
    for name, data in files.items():
        (out / name).write_bytes(data)
    console.print(f"[green]Selesai:[/] {len(files)} templat Tahap {stage} ditulis ke {out}")
