"""The messages the Tim Pelaksana sends (issue 26), composed as data: who gets what, with which words and files.

Pure: no clock (`today` is given), no network, no store. Sending and the delivery log are I/O and live in
`tasks/email.py`; the delivery log's rule ("not the same message twice a day") is `bimtek.store.deliveries`.

Three kinds, each one plain-text template under templates/email/ whose first line is `Subjek: ...`:

| kind       | to                               | when                                               | attachment          |
|------------|----------------------------------|----------------------------------------------------|---------------------|
| pengingat  | each OPD with an `email` whose   | `bimtek pengingat` (by hand or the calendar's      | -                   |
|            | file is missing or needs fixing  | schedules, 7/3/1 days before a deadline)           |                     |
| surat      | each OPD with an `email` that    | after a stage run is published                     | its feedback letter |
|            | has a feedback letter in the run |                                                    | (PDF, naskah dinas) |
| ringkasan  | the Tim Pelaksana's `email`      | after a stage run is published                     | -                   |

An OPD or Tim Pelaksana without an address gets nothing (the command and the artifact say so). Text typed in the
region file reaches a body only as plain text (no HTML) and a subject only as one line (`one_line`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage

from bimtek.analysis.schedules import MONEV_KEYS, monev_semester
from bimtek.books.feedback import (
    FEEDBACK_COLUMNS,
    STATUS_COMPLETE,
    STATUS_FIX,
    STATUS_MISSING,
    feedback_by_opd,
    next_event,
    submission_overview,
)
from bimtek.books.feedback.letters import FEEDBACK_PREFIX
from bimtek.books.feedback.versions import settle_submissions
from bimtek.books.templating import text_environment
from bimtek.core.columns import datasets_for_stage
from bimtek.core.formatting import tanggal
from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.core.sanitise import NAME_MAX_BYTES, clean_text, safe_name
from bimtek.core.vocabularies import stage_name
from bimtek.ingest.reader import read_table
from bimtek.store.deliveries import message_key
from bimtek.validation import build_report, validate_sheet

REMINDER_TEMPLATE = "email/pengingat.txt.j2"
LETTER_TEMPLATE = "email/surat-umpan-balik.txt.j2"
DIGEST_TEMPLATE = "email/ringkasan-koordinator.txt.j2"
SUBJECT_PREFIX = "Subjek:"
PROBLEM_LINES = 8
"""Most problems a reminder lists (the rest: "... dan N masalah lainnya"; the full list is in the letter)."""
REMINDER, LETTER, DIGEST = "pengingat", "surat", "ringkasan"


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    mime: str = "application/pdf"


@dataclass(frozen=True)
class Mail:
    """One message: its delivery-log key, kind, recipient, subject, plain-text body and attachments."""

    key: str
    kind: str
    to: str
    subject: str
    body: str
    opd: str | None = None
    stage: str | None = None
    run_id: str | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class OpdNotice:
    """Where one OPD stands for a stage: its overview status and the problems its files still have."""

    opd: str
    status: str
    """bimtek.books.feedback statuses: lengkap | perlu perbaikan | belum mengirim."""
    files: int = 0
    problems: tuple[str, ...] = ()
    more_problems: int = 0


@dataclass(frozen=True)
class Deadline:
    name: str
    """What the date is ("Bimtek Tahap III", "batas laporan monev 2027-S1")."""
    day: dt.date


@dataclass(frozen=True)
class UploadLink:
    url: str
    expires: dt.date


def one_line(text: object) -> str:
    """`text` as one header-safe line: control characters removed, every run of white space one space."""
    return " ".join(clean_text(str(text)).split())


def render_mail(template: str, context: Mapping) -> tuple[str, str]:
    """(subject, body) of a template whose first line is `Subjek: ...`."""
    text = text_environment().get_template(template).render(**context)
    first, _, body = text.partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        raise ValueError(f"{template}: the first line must start with '{SUBJECT_PREFIX}'")
    return one_line(first.removeprefix(SUBJECT_PREFIX)), body.lstrip("\n")


def email_message(mail: Mail, sender: str, message_id_domain: str | None = None) -> EmailMessage:
    """The stdlib message of a Mail (From, To, Subject, body, attachments); Date and Message-ID are the sender's."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    if message_id_domain:
        message["Message-ID"] = email.utils.make_msgid(domain=message_id_domain)
    message.set_content(mail.body)
    for item in mail.attachments:
        maintype, _, subtype = item.mime.partition("/")
        message.add_attachment(item.data, maintype=maintype, subtype=subtype, filename=item.name)
    return message


# ------------------------------------------------------------------------------------------ where an OPD stands


def problem_lines(rows: Iterable[Mapping]) -> list[str]:
    """'berkas.xlsx, lembar program, baris 5, kolom anggaran: <masalah>' per problem row (FEEDBACK_COLUMNS keys)."""
    lines = []
    for row in rows:
        where = [str(row.get("berkas") or "")]
        for label, column in (("lembar", "lembar"), ("baris", "baris"), ("kolom", "kolom")):
            value = row.get(column)
            if value is not None and str(value) not in ("", "nan", "<NA>"):
                where.append(f"{label} {value}")
        lines.append(one_line(f"{', '.join(w for w in where if w)}: {row.get('masalah') or ''}"))
    return lines


def notices_from_report(report: ValidationReport, results: list | None, region: Region) -> dict[str, OpdNotice]:
    """OPD -> OpdNotice from a validation report (and its sheet results), as the stage overview counts them."""
    overview = submission_overview(report, results, region)
    docs = feedback_by_opd(report, results, region)
    notices = {}
    for row in overview.to_dict("records"):
        doc = docs.get(row["opd"])
        lines = problem_lines(doc.rows[list(FEEDBACK_COLUMNS)].to_dict("records")) if doc is not None else []
        notices[row["opd"]] = OpdNotice(
            opd=row["opd"],
            status=row["status"],
            files=int(row["berkas"]),
            problems=tuple(lines[:PROBLEM_LINES]),
            more_problems=max(0, len(lines) - PROBLEM_LINES),
        )
    return notices


def check_inbox(files: Mapping[str, bytes], region: Region, stage: int, chosen: Iterable[str] = ()) -> dict:
    """OPD -> OpdNotice of an inbox: every file read and checked with the stage's rules (as an upload is), the
    versions settled as the stage run settles them. `files`: inbox-relative key -> bytes."""
    datasets = datasets_for_stage(stage)
    results = [
        validate_sheet(sheet, region, sheet.dataset or "program")
        for key, data in sorted(files.items())
        for sheet in read_table(key, data, datasets)
    ]
    settled = settle_submissions(results, region, chosen=chosen)
    report = build_report(region.slug, settled.results)
    report.superseded = [item.to_dict() for item in settled.superseded]
    return notices_from_report(report, settled.results, region)


def stage_deadline(region: Region, stage: int, today: dt.date) -> Deadline | None:
    """The date an OPD's file is due: the stage's Bimtek date, or (stage 5) the next monev deadline from `today`."""
    calendar = region.calendar or {}
    if stage <= 4:
        day = calendar.get(f"tahap-{stage}")
        return Deadline(f"Bimtek {stage_name(stage)}", day) if day else None
    upcoming = sorted(d for key in MONEV_KEYS if (d := calendar.get(key)) is not None and d >= today)
    if not upcoming:
        return None
    return Deadline(f"batas laporan monev semester {monev_semester(upcoming[0])}", upcoming[0])


def stage_label(stage: int) -> str:
    """'Tahap III', or 'monev (Tahap V)' for stage 5."""
    return f"monev ({stage_name(5)})" if stage == 5 else stage_name(stage)


# ------------------------------------------------------------------------------------------------ messages


def _footer_context(region: Region) -> dict:
    return {
        "region_name": region.name,
        "coordinator": region.coordinator.office if region.coordinator else None,
        "reply_to": region.tim_pelaksana.email,
    }


def reminder_mails(
    region: Region,
    stage: int,
    notices: Mapping[str, OpdNotice],
    links: Mapping[str, UploadLink],
    today: dt.date,
    deadline: Deadline | None,
) -> tuple[list[Mail], list[str]]:
    """One reminder per listed OPD whose file is missing or needs fixing and that has an address; also the names
    of such OPD left out for lack of an address (the command reports them). The coordinator's own office is
    reminded too: its file is due like any other, and its address is not the Tim Pelaksana's."""
    mails, without_address = [], []
    for opd in region.opd:
        notice = notices.get(opd.name) or OpdNotice(opd.name, STATUS_MISSING)
        if notice.status == STATUS_COMPLETE:
            continue
        if not opd.email:
            without_address.append(opd.name)
            continue
        link = links.get(opd.name)
        subject, body = render_mail(
            REMINDER_TEMPLATE,
            {
                "opd": opd.name,
                "stage": stage_label(stage),
                "missing": notice.status == STATUS_MISSING,
                "problems": notice.problems,
                "more_problems": notice.more_problems,
                "today": today,
                "deadline": deadline,
                "days_left": (deadline.day - today).days if deadline else None,
                "link": link,
                **_footer_context(region),
            },
        )
        mails.append(
            Mail(
                key=message_key(REMINDER, f"tahap-{stage}", opd.name),
                kind=REMINDER,
                to=opd.email,
                subject=subject,
                body=body,
                opd=opd.name,
                stage=str(stage),
            )
        )
    return mails, without_address


def letter_pdf_key(opd: str) -> str:
    """Run-relative key of an OPD's feedback letter PDF (bimtek.books.feedback.feedback_by_opd names it; an OPD
    whose name folds to the same file name as another's gets a `-2` name there and is not found here)."""
    return f"umpan-balik/{FEEDBACK_PREFIX}{safe_name(opd, 'opd', NAME_MAX_BYTES - len(FEEDBACK_PREFIX))}.pdf"


def letter_mails(
    region: Region, stage: int, run_id: str, letters: Mapping[str, bytes], today: dt.date
) -> tuple[list[Mail], list[str]]:
    """One message per OPD with an address and a letter in the run (`letters`: OPD -> PDF bytes), the PDF
    attached; also the OPD with a letter but no address. The date it names is the letter's own (the next Bimtek, or
    the rakor after Tahap IV: bimtek.books.feedback.next_event)."""
    mails, without_address = [], []
    following = next_event(region, stage)  # the letter asks for corrections before the next event, so does this
    deadline = Deadline(following[0], following[1]) if following else None  # type: ignore[arg-type]
    for opd in region.opd:
        pdf = letters.get(opd.name)
        if pdf is None:
            continue
        if not opd.email:
            without_address.append(opd.name)
            continue
        subject, body = render_mail(
            LETTER_TEMPLATE,
            {"opd": opd.name, "stage": stage_label(stage), "run_id": run_id, "deadline": deadline, "today": today}
            | _footer_context(region),
        )
        mails.append(
            Mail(
                key=message_key(LETTER, f"tahap-{stage}", run_id, opd.name),
                kind=LETTER,
                to=opd.email,
                subject=subject,
                body=body,
                opd=opd.name,
                stage=str(stage),
                run_id=run_id,
                attachments=(Attachment(letter_pdf_key(opd.name).rsplit("/", 1)[-1], pdf),),
            )
        )
    return mails, without_address


@dataclass(frozen=True)
class DigestFacts:
    """What the coordinator's digest of one published run says."""

    run_id: str
    statuses: Mapping[str, str]
    """OPD -> overview status."""
    needs_fix: bool
    run_page: str
    accept_url: str | None = None
    letters_sent: tuple[str, ...] = ()
    letters_unsent: tuple[str, ...] = field(default_factory=tuple)
    accept_hours: int | None = None
    """Lifetime of the accept link, said in the digest."""
    awaiting: bool = True
    """The run waits for acceptance (not "terkini"); False when BIMTEK_ACCEPT_NEEDS_FIX made it current at once."""


def digest_mail(region: Region, stage: int, facts: DigestFacts, today: dt.date) -> Mail | None:
    """The coordinator's digest: who is complete, needs fixing, has not sent; days to the rakor; for a
    "Perlu perbaikan" run the single-use accept link. None when the Tim Pelaksana has no address."""
    if not region.tim_pelaksana.email:
        return None
    groups = {
        status: sorted(opd for opd, s in facts.statuses.items() if s == status)
        for status in (STATUS_COMPLETE, STATUS_FIX, STATUS_MISSING)
    }
    rakor = (region.calendar or {}).get("rakor")
    subject, body = render_mail(
        DIGEST_TEMPLATE,
        {
            "stage": stage_label(stage),
            "run_id": facts.run_id,
            "complete": groups[STATUS_COMPLETE],
            "to_fix": groups[STATUS_FIX],
            "missing": groups[STATUS_MISSING],
            "needs_fix": facts.needs_fix,
            "run_page": facts.run_page,
            "accept_url": facts.accept_url,
            "accept_hours": facts.accept_hours,
            "awaiting": facts.awaiting,
            "rakor": rakor,
            "days_to_rakor": (rakor - today).days if rakor else None,
            "letters_sent": facts.letters_sent,
            "letters_unsent": facts.letters_unsent,
            "today": today,
            **_footer_context(region),
        },
    )
    return Mail(
        key=message_key(DIGEST, f"tahap-{stage}", facts.run_id),
        kind=DIGEST,
        to=region.tim_pelaksana.email,
        subject=subject,
        body=body,
        stage=str(stage),
        run_id=facts.run_id,
    )


@dataclass(frozen=True)
class WhatsAppReminder:
    """A reminder as an approved WhatsApp template message: its body parameters in the template's order."""

    key: str
    opd: str
    to: str
    params: tuple[str, ...]
    """OPD name, stage ("Tahap III"), deadline ("7 September 2026" or "belum diisi"), upload link."""


def whatsapp_reminders(
    region: Region,
    stage: int,
    notices: Mapping[str, OpdNotice],
    links: Mapping[str, UploadLink],
    deadline: Deadline | None,
) -> list[WhatsAppReminder]:
    """The same OPD as `reminder_mails` (missing or to fix), those with a `whatsapp` number, one template
    message each."""
    messages = []
    for opd in region.opd:
        notice = notices.get(opd.name) or OpdNotice(opd.name, STATUS_MISSING)
        if notice.status == STATUS_COMPLETE or not opd.whatsapp:
            continue
        link = links.get(opd.name)
        messages.append(
            WhatsAppReminder(
                key=message_key(REMINDER, f"tahap-{stage}", opd.name, "wa"),
                opd=opd.name,
                to=opd.whatsapp.lstrip("+"),
                params=(
                    one_line(opd.name),
                    stage_label(stage),
                    tanggal(deadline.day) if deadline else "belum diisi",
                    link.url if link else "mintalah tautan kepada Tim Pelaksana",
                ),
            )
        )
    return messages
