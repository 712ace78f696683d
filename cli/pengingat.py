"""`bimtek pengingat`: e-mail each OPD that has not sent a complete file its own upload link and the deadline.

Without `--kirim` it only prints what it would send (and what was already sent today); with it, each message goes
out once per day at most (the delivery log in the store, bimtek.store.deliveries). Registered on the `bimtek` CLI.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console

console = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True, markup=False)
"""Prints the messages as they are: text from the region file is never read as rich markup."""


def _fail(message: str) -> None:
    console.print(f"[bold red]Galat:[/] {message}")
    raise typer.Exit(code=2)


def pengingat(
    region: Path = typer.Option(..., "--region", help="Berkas YAML region (OPD dan alamat e-mailnya)."),
    stage: int = typer.Option(..., "--stage", min=1, max=5, help="Tahap Bimtek (1-4, 5 = monev) yang diingatkan."),
    inputs: str | None = typer.Option(
        None, "--inputs", help="Folder atau s3://bucket/prefix berkas OPD (bawaan: kotak masuk tahap itu di store)."
    ),
    kirim: bool = typer.Option(False, "--kirim", help="Kirim e-mail (tanpa ini: hanya tampilkan yang akan dikirim)."),
    store: str | None = typer.Option(None, "--store", help="Store (bawaan: BIMTEK_STORE)."),
    uji: str | None = typer.Option(
        None, "--uji", help="Kirim satu contoh pengingat (subjek [UJI]) hanya ke alamat ini, untuk menguji SMTP."
    ),
) -> None:
    """Ingatkan OPD yang berkasnya belum lengkap: tautan unggahnya sendiri, batas waktu, dan yang perlu diperbaiki."""
    from rich.markup import escape

    from bimtek.core.region import RegionError, load_region
    from bimtek.core.settings import get_settings
    from bimtek.store.deliveries import SENT, already_sent
    from bimtek.store.storage import StorageError, open_location
    from portal.reminders import upload_links
    from portal.security import PortalConfigError, signing_secret
    from tasks.email import EmailNotConfigured, deliver, require_smtp
    from tasks.reminders import plan_reminders
    from tasks.whatsapp import region_token, send_whatsapp

    settings = get_settings()
    try:
        reg = load_region(region)
        signing_secret()  # the links need it: say so before any work
        if kirim or uji:
            require_smtp(settings)
    except (RegionError, PortalConfigError, EmailNotConfigured) as exc:
        _fail(str(exc))
    if not reg.opd:
        _fail("region ini tidak mencantumkan OPD; tambahkan daftar opd di berkas region.")
    now = dt.datetime.now(dt.UTC)
    try:
        location = open_location(store or settings.store)
        plan = plan_reminders(reg, stage, location, inputs, upload_links(reg, stage, location, settings, now), now)
    except StorageError as exc:
        _fail(f"store atau kotak masuk tidak dapat dibaca: {exc}")
    today = plan.today
    if uji:
        _test_send(plan.mails, uji, reg.name, stage)
        return
    for name in plan.without_address:
        console.print(f"[yellow]Tanpa alamat e-mail:[/] {escape(name)} (isi opd\\[].email di berkas region)")
    if plan.deadline is None:
        console.print(f"[yellow]Perhatian:[/] kalender region tidak memuat batas waktu tahap {stage}.")
    if not kirim:
        for mail in plan.mails:
            done = already_sent(location, reg.slug, today, mail.key)
            out.print(f"=== {'SUDAH TERKIRIM HARI INI (dilewati)' if done else 'AKAN DIKIRIM'} ke {mail.to}")
            out.print(f"Subjek: {mail.subject}\n\n{mail.body}")
        if plan.whatsapp and region_token(reg.slug, settings):
            for message in plan.whatsapp:
                out.print(f"=== WHATSAPP ke {message.to} (templat {settings.whatsapp_template}): {message.params}")
        console.print(
            f"[green]Uji coba:[/] {len(plan.mails)} pengingat untuk tahap {stage}; tidak ada yang dikirim "
            "(tambahkan --kirim untuk mengirim)."
        )
        return
    records, skipped = deliver(plan.mails, location, reg.slug, today, settings)
    whatsapp, _ = send_whatsapp(plan.whatsapp, location, reg.slug, today, settings)
    records += whatsapp
    for record in records:
        if record.status == SENT:
            console.print(f"[green]Terkirim ({record.saluran}):[/] {escape(f'{record.opd} <{record.kepada}>')}")
        else:
            console.print(
                f"[red]Gagal ({record.saluran}):[/] {escape(f'{record.opd} <{record.kepada}>: {record.galat}')}"
            )
    failed = [r for r in records if r.status != SENT]
    console.print(
        f"Selesai: {len(records) - len(failed)} terkirim, {len(failed)} gagal, {len(skipped)} sudah terkirim hari ini "
        f"(dilewati), {len(plan.without_address)} OPD tanpa alamat e-mail."
    )
    if failed:
        raise typer.Exit(code=1)


def _test_send(mails: list, address: str, region_name: str, stage: int) -> None:
    """One sample reminder to `address` only (not logged, nobody else gets it): the coordinator's SMTP check."""
    from dataclasses import replace

    from rich.markup import escape

    from bimtek.books.mail import Mail, one_line
    from tasks.email import send_mails

    sample = (
        replace(mails[0], to=address, subject=f"[UJI] {mails[0].subject}")
        if mails
        else Mail(
            "uji",
            "pengingat",
            address,
            one_line(f"[UJI] Pengingat tahap {stage} {region_name}"),
            "Uji kirim: semua OPD sudah lengkap, tidak ada pengingat yang perlu dikirim.",
        )
    )
    [error] = send_mails([sample])
    if error:
        _fail(escape(f"uji kirim ke {address} gagal: {error}"))
    console.print(f"[green]Uji kirim terkirim[/] ke {address}: {sample.subject}")
