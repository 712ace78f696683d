"""Reminders before a deadline (issue 26): read a stage inbox, check each OPD's files, compose one reminder per OPD
that has not sent a complete file. Shared by `bimtek pengingat` and the scheduled `pengingat` flow; sending and the
delivery log are tasks/email.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bimtek.books.feedback.versions import OVERRIDE_FILE, read_override
from bimtek.books.mail import (
    Deadline,
    Mail,
    OpdNotice,
    UploadLink,
    WhatsAppReminder,
    check_inbox,
    reminder_mails,
    stage_deadline,
    whatsapp_reminders,
)
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.ingest.inbox import inbox_prefix
from bimtek.store.storage import Location, StorageError, open_location


@dataclass(frozen=True)
class ReminderPlan:
    mails: list[Mail]
    without_address: list[str]
    """OPD that should get a reminder but have no `email` in the region file."""
    notices: dict[str, OpdNotice]
    deadline: Deadline | None
    today: dt.date
    whatsapp: list[WhatsAppReminder]
    """The same reminders as WhatsApp template messages, to the OPD with a `whatsapp` number (tasks/whatsapp.py
    sends them only when the region has a token)."""


def region_today(region: Region, now: dt.datetime | None = None) -> dt.date:
    """The date in the region's timezone: the day of the delivery log and of "N hari lagi"."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(region.timezone)).date()


def read_inbox(location: Location) -> tuple[dict[str, bytes], list[str]]:
    """Every OPD file of an inbox (key -> bytes) and the coordinator's chosen versions. A file that cannot be read
    (too large, vanished) is given as empty bytes, so it counts as sent but unreadable ("perlu perbaikan")."""
    limit = get_settings().max_file_bytes
    files: dict[str, bytes] = {}
    for key in location.list(None, missing_ok=True):
        if key == OVERRIDE_FILE:
            continue
        try:
            files[key] = location.read_input(key, limit)
        except StorageError:
            files[key] = b""
    chosen = read_override(location.read_text(OVERRIDE_FILE)) if location.exists(OVERRIDE_FILE) else []
    return files, chosen


def plan_reminders(
    region: Region,
    stage: int,
    store: Location,
    inputs: str | None,
    links: Mapping[str, UploadLink],
    now: dt.datetime | None = None,
) -> ReminderPlan:
    """The reminders of one stage: `inputs` (a folder or s3:// prefix) or, when empty, the stage inbox in `store`."""
    inbox = open_location(inputs) if inputs else store.child(inbox_prefix(region.slug, stage))
    files, chosen = read_inbox(inbox)
    notices = check_inbox(files, region, stage, chosen)
    today = region_today(region, now)
    deadline = stage_deadline(region, stage, today)
    mails, without_address = reminder_mails(region, stage, notices, links, today, deadline)
    whatsapp = whatsapp_reminders(region, stage, notices, links, deadline)
    return ReminderPlan(mails, without_address, notices, deadline, today, whatsapp)
