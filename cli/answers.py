"""`bimtek jawab`: a coordinator answers a reading question (issue 23) on the command line.

The answer is stored with `bimtek.store.answers.record_answer` (the next run of the stage applies it) and written
to the portal's audit log, like `bimtek terima`.
"""

from __future__ import annotations

import getpass

import typer
from rich.console import Console

console = Console()


def jawab(
    region: str = typer.Option(..., "--region", help="Slug region (mis. padang-pariaman)."),
    question: str = typer.Option(..., "--question", help="Kode pertanyaan (16 huruf/angka, dari laporan)."),
    pilihan: str = typer.Option(..., "--pilihan", help="Kunci pilihan jawaban (a, b, ...)."),
    oleh: str = typer.Option(..., "--oleh", help="Nama yang menjawab (dicatat)."),
    store: str | None = typer.Option(None, "--store", help="Store hasil (bawaan: BIMTEK_STORE)."),
    catatan: str = typer.Option("", "--catatan", help="Catatan singkat (opsional)."),
) -> None:
    """Jawab pertanyaan pembacaan berkas; run tahap berikutnya memakai jawaban ini. Dicatat di log audit."""
    from bimtek.core.settings import get_settings
    from bimtek.store.answers import find_question, record_answer
    from bimtek.store.storage import StorageError, open_location
    from portal.accounts import AccountStore
    from portal.app import data_folder

    try:
        location = open_location(store or get_settings().store)
        found = find_question(location, region, question)
        answer = record_answer(location, region, found, pilihan, oleh, catatan)
    except (StorageError, ValueError) as exc:
        console.print(f"[bold red]Galat:[/] {exc}")
        raise typer.Exit(code=2) from None
    chosen = next(o for o in found.options if o.key == answer.option)
    actor = f"cli:{getpass.getuser()}"
    detail = f"{region} {found.id} pilihan {answer.option} ({chosen.label}) oleh {oleh}"
    AccountStore(data_folder(get_settings()) / "portal.sqlite3").log(actor, "jawab pertanyaan", detail)
    console.print(f"[green]Jawaban dicatat[/] untuk pertanyaan {found.id} ({found.file}):")
    console.print(f"  {found.text}")
    console.print(f"  Pilihan {answer.option}: {chosen.label}" + (f" ({chosen.detail})" if chosen.detail else ""))
    console.print(f"  Oleh {answer.answered_by}, {answer.answered_at}. Jalankan ulang tahapnya agar jawaban dipakai.")
