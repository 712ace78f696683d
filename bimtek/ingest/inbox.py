"""The stage inbox in the store: where OPD uploads land, and which OPD a file in it belongs to.

Layout (one folder per OPD, one file per upload, never overwritten):

    <store>/<region-slug>/kotak-masuk/tahap-<N>/<opd-slug>/<YYYYMMDDTHHMMSSZ>-<safe-name>

`<opd-slug>` is `slugify` of the OPD's official name in the region file. The stage deployments read
`inbox_url(store, slug, N)` by default; a key's first folder names its OPD (`folder_opd`), which is how ingest,
the feedback letters and the portal's submission status attribute a file.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePosixPath

from bimtek.core.region import Region
from bimtek.core.text import slugify

INBOX_FOLDER = "kotak-masuk"
"""Folder of a region's inboxes in the store (one `tahap-<N>` sub-folder per stage)."""
SAFE_NAME_MAX = 80
"""Longest stem kept from an uploaded file's name (characters, after slugify)."""
_TIMESTAMP = re.compile(r"^(\d{8}T\d{6}Z)-")


def inbox_prefix(region_slug: str, stage: int) -> str:
    """Store key prefix of a stage's inbox, e.g. 'padang-pariaman/kotak-masuk/tahap-3'."""
    return f"{region_slug}/{INBOX_FOLDER}/tahap-{int(stage)}"


def inbox_url(store: str, region_slug: str, stage: int) -> str:
    """The inbox as a location URL (folder path or s3://...), for `open_location` and the stage `inputs`."""
    return f"{store.rstrip('/')}/{inbox_prefix(region_slug, stage)}"


def safe_file_name(name: str) -> str:
    """A file name safe as one store key segment: slug of the stem (at most SAFE_NAME_MAX) + lowercase suffix.

    "../Usulan Dinkes (final).XLSX" -> "usulan-dinkes-final.xlsx"; a name with nothing left gives "berkas".
    """
    path = PurePosixPath(str(name).replace("\\", "/")).name
    suffix = slugify(PurePosixPath(path).suffix)
    stem = slugify(PurePosixPath(path).stem)[:SAFE_NAME_MAX].strip("-") or "berkas"
    return f"{stem}.{suffix}" if suffix else stem


def upload_key(opd_slug: str, name: str, when: dt.datetime) -> str:
    """Inbox-relative key of one upload: '<opd-slug>/<UTC time>-<safe name>'."""
    stamp = when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{opd_slug}/{stamp}-{safe_file_name(name)}"


def uploaded_at(key: str) -> dt.datetime | None:
    """The UTC upload time encoded in an inbox key's file name, None for files placed by hand."""
    match = _TIMESTAMP.match(PurePosixPath(key).name)
    if not match:
        return None
    return dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def opd_slugs(region: Region) -> dict[str, str]:
    """OPD folder slug -> official OPD name, in region order."""
    return {slugify(name): name for name in region.opd_names}


def folder_opd(key: str, region: Region) -> str | None:
    """The OPD a file belongs to by its inbox folder: the official name whose slug is the key's first folder.

    None for a file at the top of the inbox or in a folder that is no OPD of the region (then the OPD cell of
    each row, or the file name, decides as before).
    """
    parts = PurePosixPath(key).parts
    if len(parts) < 2:
        return None
    return opd_slugs(region).get(parts[0])
