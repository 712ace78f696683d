"""The scheduled reminder run (deployment `pengingat`) and the upload links reminders carry.

It lives in portal/ because a reminder hands each OPD its portal upload link, signed with the portal's key by
portal/invitations.py (`bimtek undangan` makes the same links); flows/ sits below the portal and cannot sign them.
`bimtek pengingat` (cli/pengingat.py) and this flow share `upload_links`, tasks/reminders.py (who gets what) and
tasks/email.py (sending and the delivery log), so a reminder sent by hand and one sent by the calendar are the
same message and count once a day.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from prefect import flow
from pydantic import Field

from bimtek.books.mail import UploadLink
from bimtek.core.region import Region
from bimtek.core.settings import Settings, get_settings
from bimtek.store.deliveries import SENT
from bimtek.store.storage import Location, open_location
from flows.artifacts import artifact_key
from flows.naming import run_name
from flows.options import stage_flow_options
from flows.parameters import InboxText, RegionChoice, StoreText, region_for_run
from portal.invitations import invitation_links
from portal.security import signing_secret
from tasks.email import deliver, deliveries_markdown, require_smtp
from tasks.reminders import plan_reminders
from tasks.whatsapp import send_whatsapp

ReminderStage = Annotated[int, Field(ge=1, le=5, json_schema_extra={"title": "Tahap (1-4, 5 = monev)"})]


def upload_links(
    region: Region, stage: int, store: Location, settings: Settings, now: dt.datetime
) -> dict[str, UploadLink]:
    """OPD name -> its upload link for the stage (the link `bimtek undangan` would make now)."""
    links = invitation_links(region, stage, store, signing_secret(), settings.portal_url, now, settings.invite_days)
    return {link.opd: UploadLink(link.url, link.expires.astimezone(dt.UTC).date()) for link in links}


@flow(name="pengingat", flow_run_name=run_name("pengingat"), **stage_flow_options(fan_out=False))
def pengingat(region: RegionChoice, stage: ReminderStage, inputs: InboxText = "", store: StoreText = "") -> dict:
    """E-mail each OPD whose file for the stage is missing or needs fixing: its upload link, the deadline, the
    problems; at most once a day per OPD (the delivery log in the store).

    Args:
        region: Region (kabupaten/kota) terdaftar; pilih dari daftar.
        stage: Tahap yang diingatkan (1-4, 5 = monev).
        inputs: Kotak masuk berkas OPD (folder atau s3://bucket/prefix). Kosong = kotak masuk tahap ini di store.
        store: Store (folder atau s3://bucket/prefix). Kosong = BIMTEK_STORE worker.
    """
    from prefect.artifacts import create_markdown_artifact

    settings = get_settings()
    require_smtp(settings)
    reg = region_for_run(region)
    location = open_location(store or settings.store)
    now = dt.datetime.now(dt.UTC)
    plan = plan_reminders(reg, stage, location, inputs or None, upload_links(reg, stage, location, settings, now), now)
    records, skipped = deliver(plan.mails, location, reg.slug, plan.today, settings)
    whatsapp, _ = send_whatsapp(plan.whatsapp, location, reg.slug, plan.today, settings)
    records += whatsapp
    notes = [f"{name}: tanpa alamat e-mail di berkas region" for name in plan.without_address]
    notes += [f"{mail.opd}: sudah diingatkan hari ini, tidak dikirim lagi" for mail in skipped]
    create_markdown_artifact(
        markdown=deliveries_markdown(f"Pengingat tahap {stage} {reg.name}", records, notes),
        key=artifact_key(reg.slug, "pengingat", "tahap", stage),
        description=f"Pengingat e-mail tahap {stage}: terkirim, gagal, dilewati",
    )
    return {
        "terkirim": sum(1 for r in records if r.status == SENT),
        "gagal": sum(1 for r in records if r.status != SENT),
        "dilewati": len(skipped),
        "tanpa_alamat": plan.without_address,
    }
