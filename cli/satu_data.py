"""`bimtek satu-data`: send a region's open data (the latest Tahap IV run's `data-terbuka/`) to its Satu Data portal.

The run already holds the CKAN `package_create` body (bimtek.stages.open_data). Without `--kirim` the command only
shows what it would send (dry run). With `--kirim` it calls the portal's CKAN action API through ckanapi:
`package_create` with that body (without the resource list), then one `resource_create` per CSV with the file
uploaded, so the portal serves the same bytes the run published. The API key comes from the environment only
(`SATU_DATA_API_KEY_ENV`), never from a file or the command line (it would end up in the shell history).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

console = Console(stderr=True)

SATU_DATA_API_KEY_ENV = "BIMTEK_SATU_DATA_API_KEY"  # pragma: allowlist secret
USER_AGENT = "bimtek-satu-data"


class SendError(RuntimeError):
    """The portal refused the package or could not be reached; the message is Indonesian."""


def send_package(portal: str, api_key: str, body: dict, files: dict[str, bytes]) -> dict:
    """package_create, then resource_create with each CSV (`files`: file name -> bytes, in `body["resources"]`'s
    `url` order). Returns the created package as the portal describes it, with its resources."""
    import ckanapi

    package = {key: value for key, value in body.items() if key != "resources"}
    try:
        with ckanapi.RemoteCKAN(portal, apikey=api_key, user_agent=USER_AGENT) as ckan:
            created = ckan.action.package_create(**package)
            resources = []
            for resource in body.get("resources", []):
                name = resource["url"]
                upload = io.BytesIO(files[name])
                upload.name = name
                resources.append(
                    ckan.action.resource_create(
                        package_id=created["id"],
                        name=resource["name"],
                        description=resource.get("description", ""),
                        format=resource.get("format", "CSV"),
                        upload=upload,
                    )
                )
    except ckanapi.NotAuthorized:
        raise SendError(f"Portal menolak kunci API ({SATU_DATA_API_KEY_ENV}): tidak berwenang.") from None
    except ckanapi.ValidationError as exc:
        raise SendError(f"Portal menolak paket: {exc}") from None
    except ckanapi.CKANAPIError as exc:
        raise SendError(f"Portal tidak dapat dipakai: {exc}") from None
    except OSError as exc:
        raise SendError(f"Portal tidak dapat dihubungi: {exc}") from None
    return {**created, "resources": resources}


def satu_data(
    region: Path = typer.Option(..., "--region", help="Berkas YAML region."),
    store: str | None = typer.Option(None, "--store", help="Folder atau s3://bucket/prefix (bawaan: BIMTEK_STORE)."),
    portal: str | None = typer.Option(
        None, "--portal", help="Alamat portal Satu Data daerah (CKAN), mis. https://data.contohkab.go.id."
    ),
    organisasi: str | None = typer.Option(
        None, "--organisasi", help="Nama organisasi pemilik dataset di portal (bawaan: slug region)."
    ),
    kirim: bool = typer.Option(False, "--kirim", help="Benar-benar kirim; tanpa ini hanya uji coba (dry run)."),
) -> None:
    """Kirim data terbuka Tahap IV terkini (data-terbuka/) ke portal Satu Data daerah (CKAN)."""
    from bimtek.core.region import RegionError, load_region
    from bimtek.core.settings import get_settings
    from bimtek.stages.open_data import CKAN_KEY, FOLDER
    from bimtek.store.package import load_published_file
    from bimtek.store.storage import StorageError, open_location

    try:
        reg = load_region(region)
        location = open_location(store or get_settings().store)
        body = json.loads(load_published_file(location, reg.slug, 4, CKAN_KEY))
        files = {
            item["url"]: load_published_file(location, reg.slug, 4, f"{FOLDER}/{item['url']}")
            for item in body.get("resources", [])
        }
    except RegionError as exc:
        _fail(f"berkas region tidak dapat dipakai: {exc}")
    except (StorageError, ValueError) as exc:
        _fail(f"data terbuka Tahap IV {region} tidak ditemukan di store (jalankan Tahap IV dulu): {exc}")
    if organisasi:
        body["owner_org"] = organisasi
    console.print(
        f"Paket [bold]{body['name']}[/] untuk organisasi [bold]{body['owner_org']}[/]: {len(files)} tabel CSV "
        f"({', '.join(files)}), {len(body.get('tags', []))} tag, lisensi {body.get('license_id')}."
    )
    if not kirim:
        target = portal or "(belum ada --portal)"
        console.print(f"Uji coba: tidak ada yang dikirim ke {target}. Tambahkan --portal URL --kirim untuk mengirim.")
        return
    if not portal or not portal.startswith(("https://", "http://")):
        _fail("--portal harus alamat http(s) portal Satu Data, mis. https://data.contohkab.go.id.")
    api_key = os.environ.get(SATU_DATA_API_KEY_ENV, "")
    if not api_key:
        _fail(f"kunci API portal belum diatur: set variabel lingkungan {SATU_DATA_API_KEY_ENV}.")
    try:
        created = send_package(portal, api_key, body, files)
    except SendError as exc:
        _fail(str(exc))
    console.print(
        f"[green]Selesai:[/] paket {created.get('name')} terkirim ke {portal} dengan {len(created['resources'])} sumber daya."
    )


def _fail(message: str) -> NoReturn:
    console.print(f"[bold red]Galat:[/] {message}")
    raise typer.Exit(code=2)
