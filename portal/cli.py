"""`bimtek undangan`: make (or revoke) the OPD upload links of one stage. Registered on the `bimtek` CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console

console = Console(stderr=True)


def undangan(
    region: Path = typer.Option(..., "--region", help="Berkas YAML region (daftar OPD)."),
    stage: int = typer.Option(
        ..., "--stage", min=1, max=5, help="Tahap Bimtek (1-4, 5 = monev) yang berkasnya diunggah."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Berkas .xlsx daftar tautan (bawaan: undangan-tahap-N-<region>.xlsx)."
    ),
    days: int | None = typer.Option(
        None, "--hari", min=1, help="Masa berlaku tautan dalam hari (bawaan: BIMTEK_INVITE_DAYS)."
    ),
    cabut: list[str] = typer.Option(
        [], "--cabut", help="Cabut tautan OPD ini (nama, alias atau slug); boleh berulang."
    ),
) -> None:
    """Buat satu tautan unggah per OPD (ditandatangani, berbatas waktu, dapat dicabut) dan simpan sebagai .xlsx."""
    from bimtek.core.region import RegionError, load_region
    from bimtek.core.settings import get_settings
    from bimtek.core.text import fold_key, slugify
    from bimtek.ingest.inbox import opd_slugs
    from bimtek.store.storage import open_location
    from portal.app import local_time
    from portal.invitations import invitation_links, invitations_xlsx
    from portal.secrets import PortalConfigError, signing_secret
    from portal.tokens import revoke

    try:
        reg = load_region(region)
        secret = signing_secret()
    except (RegionError, PortalConfigError) as exc:
        console.print(f"[bold red]Galat:[/] {exc}")
        raise typer.Exit(code=2) from None
    if not reg.opd:
        console.print("[bold red]Galat:[/] region ini tidak mencantumkan OPD; tambahkan daftar opd di berkas region.")
        raise typer.Exit(code=2)
    settings = get_settings()
    store = open_location(settings.store)
    slugs = opd_slugs(reg)
    for name in cabut:
        slug = slugify(reg.opd_lookup().get(fold_key(name), name))
        if slug not in slugs:
            console.print(f"[bold red]Galat:[/] OPD '{name}' tidak ada di region {reg.name}.")
            raise typer.Exit(code=2)
        version = revoke(store, reg.slug, stage, slug)
        console.print(f"Tautan {slugs[slug]} Tahap {stage} dicabut (versi baru {version}).")
    now = dt.datetime.now(dt.UTC)
    links = invitation_links(reg, stage, store, secret, settings.portal_url, now, days or settings.invite_days)
    expires_text = local_time(links[0].expires, reg.timezone)
    target = out or Path(f"undangan-tahap-{stage}-{reg.slug}.xlsx")
    target.write_bytes(invitations_xlsx(links, reg, stage, expires_text))
    console.print(
        f"[green]Selesai:[/] {len(links)} tautan Tahap {stage} (berlaku sampai {expires_text}) ditulis ke {target}"
    )
