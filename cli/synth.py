"""`bimtek synth` (a synthetic cohort of regions) and `bimtek nasional` (the national roll-up of a cohort)."""

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


def nasional(
    cohort: Path = typer.Option(
        ..., "--cohort", help="Folder kohort: satu subfolder per daerah (region.yaml + inputs/)."
    ),
    store: str | None = typer.Option(
        None, "--store", help="Folder atau s3://bucket/prefix tujuan (bawaan: BIMTEK_STORE)."
    ),
    run_id: str | None = typer.Option(None, "--run-id", help="ID run (bawaan: waktu UTC)."),
    books: bool = typer.Option(
        False,
        "--books",
        help="Jalankan juga Tahap I-IV setiap daerah sebagai run deployment di work pool (perlu server dan worker).",
    ),
    recompute: bool = typer.Option(
        False,
        "--hitung-ulang",
        help="Hitung setiap daerah dari berkas masukannya, walau hasilnya sudah terbit di store.",
    ),
) -> None:
    """Rekap nasional satu kohort: ringkasan per daerah (di Dask), sebaran per dimensi, HTML/PDF/XLSX."""
    from cli.prefect_api import PrefectApiUnavailable, ensure_prefect_api

    if not any(cohort.glob("*/region.yaml")):
        console.print(f"[bold red]Galat:[/] tidak ada <daerah>/region.yaml di {cohort}.")
        raise typer.Exit(code=2)
    try:
        ensure_prefect_api()
    except PrefectApiUnavailable as exc:
        console.print(f"[bold red]Galat:[/] {exc}")
        raise typer.Exit(code=2) from None
    from flows.nasional import nasional as national_flow

    result = national_flow(cohort=str(cohort), store=store, run_id=run_id, books=books, recompute=recompute)
    console.print(
        f"[green]Selesai:[/] rekap nasional {result['regions']} daerah ({result['from_store']} dibaca dari hasil terbit) di {result['run_url']}"
    )
