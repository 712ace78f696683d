"""`bimtek template`: write the OPD intake templates (.xlsx, one per OPD) of one stage into a folder.

Stage 5 (monev) with `--semester` and `--store`: the realisation workbooks pre-filled from the final Tahap IV plan
published in the store (bimtek.workbooks.monev_xlsx). Kept apart from cli/main.py so the command can be registered
with one line; it imports no Prefect.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

console = Console(stderr=True)


def _fail(message: str) -> None:
    console.print(f"[bold red]Galat:[/] {message}")
    raise typer.Exit(code=2)


def template(
    region: Path = typer.Option(..., "--region", help="Berkas YAML region (daftar OPD, periode, jadwal)."),
    stage: int = typer.Option(
        ..., "--stage", min=1, max=5, help="Tahap Bimtek (1-4; 5 = monev) yang templatnya dibuat."
    ),
    out: Path = typer.Option(..., "--out", help="Folder tujuan berkas templat .xlsx (dibuat bila belum ada)."),
    semester: str | None = typer.Option(None, "--semester", help="Monev: semester, mis. 2027-S1 (dengan --store)."),
    store: str | None = typer.Option(
        None, "--store", help="Monev: store berisi hasil Tahap IV (bawaan: BIMTEK_STORE); templat terisi program OPD."
    ),
) -> None:
    """Buat templat isian Excel per OPD untuk satu tahap, lengkap dengan petunjuk dan validasi data."""
    from bimtek.core.region import RegionError, load_region
    from bimtek.workbooks.intake_template import build_intake_workbooks

    try:
        reg = load_region(region)
    except RegionError as exc:
        _fail(f"berkas region tidak dapat dipakai: {exc}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"folder tujuan {out} tidak dapat dibuat: {exc}")
    if stage == 5 and semester:
        files = _monev_templates(reg, semester, store)
    else:
        files = build_intake_workbooks(reg, stage)
    for name, data in files.items():
        (out / name).write_bytes(data)
    console.print(f"[green]Selesai:[/] {len(files)} templat Tahap {stage} ditulis ke {out}")


def _monev_templates(region, semester: str, store: str | None) -> dict[str, bytes]:
    """The realisation workbooks of `semester`, pre-filled from the latest published Tahap IV plan."""
    from bimtek.analysis.monev import plan_for_year
    from bimtek.core.monev import Semester, SemesterError
    from bimtek.core.settings import get_settings
    from bimtek.stages.monev import published_plan
    from bimtek.store.storage import StorageError, open_location
    from bimtek.workbooks.monev_xlsx import realisation_templates

    try:
        term = Semester.parse(semester)
    except SemesterError as exc:
        _fail(str(exc))
    location = open_location(store or get_settings().store)
    try:
        plan, final_quick_wins = published_plan(location, region.slug)
    except StorageError as exc:
        _fail(f"masterplan Tahap IV belum diterbitkan untuk {region.slug}; jalankan Tahap IV dulu ({exc}).")
    return realisation_templates(region, term, plan_for_year(plan, term.year), final_quick_wins)
