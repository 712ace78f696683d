"""`bimtek undangan`: make (or revoke) the OPD upload links of one stage. Registered on the `bimtek` CLI."""

from __future__ import annotations

import datetime as dt
import getpass
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
        [],
        "--cabut",
        help="Cabut tautan OPD ini (nama, alias atau slug; 'tim-pelaksana' untuk tautan Tim Pelaksana); boleh berulang.",
    ),
) -> None:
    """Buat satu tautan unggah per OPD (ditandatangani, berbatas waktu, dapat dicabut) dan simpan sebagai .xlsx."""
    from bimtek.core.columns import TEAM_SENDER, TEAM_SENDER_NAME
    from bimtek.core.region import RegionError, load_region
    from bimtek.core.settings import get_settings
    from bimtek.core.text import fold_key, slugify
    from bimtek.store.storage import open_location
    from portal.app import local_time
    from portal.invitations import invitation_links, invitations_xlsx, link_senders
    from portal.security import PortalConfigError, signing_secret
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
    slugs = link_senders(reg, stage)
    for name in cabut:
        slug = slugify(reg.opd_lookup().get(fold_key(name), name))
        slug = TEAM_SENDER if fold_key(name) in (fold_key(TEAM_SENDER), fold_key(TEAM_SENDER_NAME)) else slug
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


# ------------------------------------------------------------------------------------------------- accounts

akun = typer.Typer(
    help="Kelola akun koordinator dan pembina portal (admin, koordinator, pembina, peninjau).", no_args_is_help=True
)


def _accounts():
    from bimtek.core.settings import get_settings
    from portal.accounts import AccountStore
    from portal.app import data_folder

    return AccountStore(data_folder(get_settings()) / "portal.sqlite3")


def _password(from_stdin: bool) -> str:
    import sys

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")


def _run(action) -> None:
    from portal.accounts import AccountError

    try:
        action()
    except AccountError as exc:
        console.print(f"[bold red]Galat:[/] {exc}")
        raise typer.Exit(code=2) from None


PERAN_HELP = (
    "Peran: admin (semua region, log audit), koordinator (region-nya), pembina (kementerian/provinsi: kokpit "
    "/nasional, hanya membaca; --wilayah membatasi ke daerah provinsinya), peninjau (hanya membaca)."
)
WILAYAH_HELP = "Slug region yang boleh dilihat (boleh berulang; kosong: semua region)."
STDIN_HELP = "Baca kata sandi dari baris pertama stdin (untuk skrip) alih-alih bertanya."


@akun.command("buat")
def akun_buat(
    nama: str = typer.Argument(..., help="Nama akun (huruf kecil, angka, . _ -)."),
    peran: str = typer.Option("koordinator", "--peran", help=PERAN_HELP),
    wilayah: list[str] = typer.Option([], "--wilayah", help=WILAYAH_HELP),
    sandi_stdin: bool = typer.Option(False, "--sandi-stdin", help=STDIN_HELP),
) -> None:
    """Buat akun baru (kata sandi minimal 12 karakter, disimpan sebagai hash Argon2id)."""
    store = _accounts()
    _run(lambda: store.create(nama, peran, _password(sandi_stdin), tuple(wilayah)))
    store.log(f"cli:{getpass.getuser()}", "buat akun", f"{nama} ({peran})")
    console.print(f"[green]Selesai:[/] akun {nama} ({peran}) dibuat.")


@akun.command("sandi")
def akun_sandi(
    nama: str = typer.Argument(..., help="Nama akun."),
    sandi_stdin: bool = typer.Option(False, "--sandi-stdin", help=STDIN_HELP),
) -> None:
    """Ganti kata sandi sebuah akun; semua sesinya berakhir."""
    store = _accounts()
    _run(lambda: store.set_password(nama, _password(sandi_stdin)))
    store.log(f"cli:{getpass.getuser()}", "ganti sandi", nama)
    console.print(f"[green]Selesai:[/] kata sandi {nama} diganti; semua sesinya berakhir.")


@akun.command("peran")
def akun_peran(
    nama: str = typer.Argument(..., help="Nama akun."),
    peran: str = typer.Option(..., "--peran", help=PERAN_HELP),
    wilayah: list[str] = typer.Option([], "--wilayah", help=WILAYAH_HELP),
) -> None:
    """Ubah peran dan region sebuah akun."""
    store = _accounts()
    _run(lambda: store.set_role(nama, peran, tuple(wilayah)))
    store.log(f"cli:{getpass.getuser()}", "ubah peran", f"{nama} ({peran} {','.join(wilayah) or 'semua region'})")
    console.print(f"[green]Selesai:[/] akun {nama} kini {peran}.")


@akun.command("nonaktif")
def akun_nonaktif(nama: str = typer.Argument(..., help="Nama akun.")) -> None:
    """Nonaktifkan akun: tidak dapat masuk lagi, sesinya berakhir."""
    store = _accounts()
    _run(lambda: store.set_active(nama, False))
    store.log(f"cli:{getpass.getuser()}", "nonaktifkan akun", nama)
    console.print(f"[green]Selesai:[/] akun {nama} dinonaktifkan.")


@akun.command("aktif")
def akun_aktif(nama: str = typer.Argument(..., help="Nama akun.")) -> None:
    """Aktifkan kembali akun yang dinonaktifkan."""
    store = _accounts()
    _run(lambda: store.set_active(nama, True))
    store.log(f"cli:{getpass.getuser()}", "aktifkan akun", nama)
    console.print(f"[green]Selesai:[/] akun {nama} aktif kembali.")


@akun.command("daftar")
def akun_daftar() -> None:
    """Tampilkan semua akun (nama, peran, region, aktif)."""
    from rich.table import Table

    table = Table(title="Akun portal")
    for column in ("nama", "peran", "region", "aktif"):
        table.add_column(column)
    for account in _accounts().accounts():
        table.add_row(
            account.name, account.role, ", ".join(account.regions) or "semua", "ya" if account.active else "tidak"
        )
    Console().print(table)


# ------------------------------------------------------------------------------------------------- acceptance


def terima(
    region: str = typer.Option(..., "--region", help="Slug region (mis. padang-pariaman)."),
    stage: int = typer.Option(..., "--stage", min=1, max=5, help="Tahap run yang diterima (1-4, 5 = monev)."),
    run_id: str = typer.Option(..., "--run-id", help="ID run yang dijadikan terkini."),
    store: str | None = typer.Option(None, "--store", help="Store hasil (bawaan: BIMTEK_STORE)."),
    semester: str | None = typer.Option(None, "--semester", help="Semester monev (2027-S1) bila --stage 5."),
) -> None:
    """Jadikan run "terkini" (misalnya run "Perlu perbaikan" yang tetap layak dipakai); dicatat di log audit."""

    from bimtek.core.monev import SemesterError, monev_stage_path
    from bimtek.core.settings import get_settings
    from bimtek.store.acceptance import AcceptanceError, accept_run
    from bimtek.store.storage import StorageError, open_location

    try:
        key = monev_stage_path(semester) if stage == 5 and semester else stage
        location = open_location(store or get_settings().store)
        record = accept_run(location, region, key, run_id, f"cli:{getpass.getuser()}")
    except (AcceptanceError, SemesterError, StorageError, ValueError) as exc:
        console.print(f"[bold red]Galat:[/] {exc}")
        raise typer.Exit(code=2) from None
    _accounts().log(f"cli:{getpass.getuser()}", "jadikan terkini", f"{region} {key} {run_id}", region=region)
    console.print(f"[green]Selesai:[/] run {record['run_id']} kini terkini untuk {region} {key}.")
