"""After a stage run is published: each OPD gets its feedback letter (PDF), the Tim Pelaksana a digest (issue 26).

`deliver_run_mail` is called by the stage flows' outcome (flows/outcomes.py) when SMTP is configured. Its promise:
it never fails the stage. Whatever goes wrong (no letter PDF, a refused address, the server down, an unreadable
report) becomes a line of the returned summary and of the delivery log; the caller shows it as an artifact.

The digest of a "Perlu perbaikan" run that did not become current carries a single-use accept link
(bimtek.store.accept_links) when the portal's signing key (BIMTEK_PORTAL_SECRET) is set in the worker's
environment; without it the digest points to the portal button instead.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field

from bimtek.books.feedback import submission_overview
from bimtek.books.mail import DigestFacts, Mail, digest_mail, letter_mails, letter_pdf_key
from bimtek.core.model import FileReport, Rejection, ValidationReport
from bimtek.core.paths import REPORT_KEY
from bimtek.core.region import Region
from bimtek.core.settings import Settings, get_settings
from bimtek.store.accept_links import accept_url, make_accept_token
from bimtek.store.deliveries import SENT, Delivery
from bimtek.store.package import run_prefix
from bimtek.store.storage import Location, StorageError
from tasks.email import deliver
from tasks.reminders import region_today

log = logging.getLogger(__name__)


@dataclass
class RunMailSummary:
    records: list[Delivery] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(1 for r in self.records if r.status == SENT)


def report_from_json(data: dict) -> ValidationReport:
    """A ValidationReport from its report.json form (the fields the overview counts)."""
    files = [FileReport(**{k: item.get(k, d) for k, d in _FILE_DEFAULTS.items()}) for item in data.get("files", [])]
    rejections = [
        Rejection(**{k: item.get(k, d) for k, d in _REJECTION_DEFAULTS.items()}) for item in data.get("rejections", [])
    ]
    return ValidationReport(
        region=str(data.get("region", "")),
        files=files,
        rejections=rejections,
        rows_total=int(data.get("rows_total", 0)),
        rows_valid=int(data.get("rows_valid", 0)),
        rows_rejected=int(data.get("rows_rejected", 0)),
        superseded=list(data.get("superseded", [])),
    )


_FILE_DEFAULTS = {"path": "", "sheet": "", "status": "", "rows": 0, "rows_valid": 0, "rows_rejected": 0, "message": ""}
_REJECTION_DEFAULTS = {"path": "", "sheet": "", "row": None, "column": None, "rule": "", "value": None, "message": ""}


def _statuses(run: Location, region: Region) -> dict[str, str]:
    report = report_from_json(json.loads(run.read_text(REPORT_KEY)))
    overview = submission_overview(report, None, region)
    return {row["opd"]: row["status"] for row in overview.to_dict("records") if row["terdaftar"]}


def _accept_link(region: Region, stage: int, run_id: str, settings: Settings) -> str | None:
    if settings.portal_secret is None:
        return None
    secret = settings.portal_secret.get_secret_value()
    return accept_url(settings.portal_url, make_accept_token(secret, region.slug, stage, run_id))


def deliver_run_mail(
    region: Region,
    stage: int,
    run_id: str,
    store: Location,
    needs_fix: bool,
    awaiting: bool,
    run_page: str,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
) -> RunMailSummary:
    """E-mail the run's letters to their OPD and the digest to the Tim Pelaksana; never raises (module doc)."""
    settings = settings or get_settings()
    summary = RunMailSummary()
    today = region_today(region, now)
    try:
        run = store.child(run_prefix(region.slug, stage, run_id))
        letters = {}
        for opd in region.opd:
            key = letter_pdf_key(opd.name)
            if run.exists(key):
                letters[opd.name] = run.read_bytes(key)
        mails, without_address = letter_mails(region, stage, run_id, letters, today)
        summary.notes += [f"{name}: surat ada, alamat e-mail belum diisi di berkas region" for name in without_address]
        records, skipped = deliver(mails, store, region.slug, today, settings)
        summary.records += records
        summary.notes += [f"{mail.opd}: surat sudah terkirim hari ini, tidak dikirim lagi" for mail in skipped]
        try:
            statuses = _statuses(run, region)
        except (StorageError, ValueError, TypeError) as exc:
            statuses = {}
            summary.notes.append(f"laporan validasi run tidak terbaca, ringkasan tanpa status OPD ({exc})")
        sent = tuple(sorted(r.opd for r in records if r.status == SENT and r.opd))
        unsent = tuple(sorted({*without_address, *(r.opd for r in records if r.status != SENT and r.opd)}))
        link = _accept_link(region, stage, run_id, settings) if needs_fix and awaiting else None
        facts = DigestFacts(
            run_id, statuses, needs_fix, run_page, link, sent, unsent, settings.accept_link_hours, awaiting
        )
        digest: Mail | None = digest_mail(region, stage, facts, today)
        if digest is None:
            summary.notes.append(
                "ringkasan koordinator tidak dikirim: tim_pelaksana.email belum diisi di berkas region"
            )
        else:
            records, _ = deliver([digest], store, region.slug, today, settings)
            summary.records += records
    except Exception as exc:  # noqa: BLE001 - the promise: e-mail never fails the stage; the cause is shown
        log.exception("E-mail after run %s failed", run_id)
        summary.notes.append(f"pengiriman e-mail berhenti karena galat: {type(exc).__name__}: {exc}")
    return summary
