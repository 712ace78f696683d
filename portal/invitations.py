"""`bimtek undangan`: one upload link per OPD of a region for one stage, and the workbook a coordinator sends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openpyxl import Workbook

from bimtek.core.columns import TEAM_SENDER, TEAM_SENDER_NAME, datasets_for_stage, team_datasets_in
from bimtek.core.region import Region
from bimtek.ingest.inbox import opd_slugs
from bimtek.store.storage import Location
from bimtek.workbooks.xlsx import (
    TITLE_FONT,
    WRAP,
    set_widths,
    style_header,
    workbook_bytes,
)
from portal.tokens import Invite, make_token, read_versions

UPLOAD_ROUTE = "unggah"
"""Path of the OPD upload page under the portal URL: `<portal>/unggah/<token>`."""


@dataclass(frozen=True)
class InvitationLink:
    opd: str
    url: str
    expires: dt.datetime


def link_senders(region: Region, stage: int) -> dict[str, str]:
    """Link slug -> sender name of every upload link of a stage: each OPD of the region, then the Tim Pelaksana
    (TEAM_SENDER) when the stage collects its datasets (Tahap III plans, the monev self-assessment)."""
    senders = dict(opd_slugs(region))
    if team_datasets_in(datasets_for_stage(stage)):
        senders[TEAM_SENDER] = TEAM_SENDER_NAME
    return senders


def invitation_links(
    region: Region, stage: int, store: Location, secret: str, portal_url: str, now: dt.datetime, days: int
) -> list[InvitationLink]:
    """A link per OPD of the region, and the Tim Pelaksana's own (`link_senders`), each at its current version
    (revoked links stay revoked), valid for `days`."""
    versions = read_versions(store, region.slug, stage)
    expires = now + dt.timedelta(days=days)
    links = []
    for slug, name in link_senders(region, stage).items():
        token = make_token(
            secret, Invite(region=region.slug, stage=stage, opd=slug, version=versions.get(slug, 0), expires=expires)
        )
        links.append(InvitationLink(opd=name, url=f"{portal_url.rstrip('/')}/{UPLOAD_ROUTE}/{token}", expires=expires))
    return links


def invitations_xlsx(links: list[InvitationLink], region: Region, stage: int, expires_text: str) -> bytes:
    """One sheet: OPD, link (clickable), valid until; for the coordinator to send each OPD its own row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tautan unggah"
    sheet["A1"] = f"Tautan unggah berkas Tahap {stage} - {region.name}"
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = (
        f"Kirim setiap tautan hanya kepada OPD-nya. Berlaku sampai {expires_text}. "
        "Tautan dapat dicabut koordinator (bimtek undangan --cabut)."
    )
    headers = ["OPD", "Tautan unggah", "Berlaku sampai"]
    sheet.append([])
    sheet.append(headers)
    style_header(sheet[4])
    for link in links:
        sheet.append([link.opd, link.url, expires_text])
        row = sheet.max_row
        for cell in sheet[row]:
            cell.data_type = "s"  # text as written: nothing typed in a region file becomes a formula
            cell.alignment = WRAP
        sheet.cell(row=row, column=2).hyperlink = link.url
    set_widths(sheet, [42, 90, 22])
    return workbook_bytes(workbook)
