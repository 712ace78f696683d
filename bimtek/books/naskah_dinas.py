"""The naskah dinas (official letter): ONE form for every letter the Tim Pelaksana sends, in every stage and monev.

A letter is the template `templates/naskah-dinas.html.j2` (kop, place and date, nomor, sifat, lampiran, perihal,
addressee, signature block, tembusan; a DRAFT banner naming what is missing) extended by one body template per kind
of letter (`feedback-opd.html.j2`, `surat-monev-opd.html.j2`), and its head is built by ONE function,
`letter_head`. Nothing else decides a letter's date, number, addressee or copies.

Rules kept here, each tested for every addressee of the sample region:

- Date (`Occasion.date`): the calendar date of the occasion the letter follows. A Bimtek stage N uses
  `tahap-N`; a monev semester uses the deadline `monev-s1`/`monev-s2` of the region calendar, and only when that
  deadline evaluates the same semester (bimtek.analysis.schedules.monev_semester: the calendar holds one deadline
  per half-year, so a 2027 deadline never dates a 2028 letter). No date: the letter is a DRAFT and says which
  calendar entry is missing. Nothing reads the clock.
- Number: the region's letter pattern with a sequence claimed in the store (bimtek.store.letter_numbers) for the
  year of the letter's date, shared by every stage and monev; "...." for the year while the date is missing.
- Tembusan (`copies`): the regional head (as a report) and the Sekretaris Daerah, never the addressee itself: a
  letter to the Sekretariat Daerah carries no copy to the Sekretaris Daerah.
- A letter to an official senior to the sender (the Sekretaris Daerah) asks ("mohon berkenan") rather than
  instructs: `senior` in the head.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bimtek.analysis.schedules import monev_semester
from bimtek.core.legal import head_title, region_words
from bimtek.core.monev import MONEV_STAGE, Semester
from bimtek.core.region import Region
from bimtek.core.vocabularies import stage_name

LETTER_BASE_TEMPLATE = "naskah-dinas.html.j2"
SIFAT = "Biasa"
SENIOR_TITLES = ("Sekretaris Daerah",)
"""Addressees senior to the head of the coordinating office: the letter asks them ("mohon berkenan")."""


@dataclass(frozen=True)
class Occasion:
    """What a letter follows: a Bimtek stage (1-4), or a monev semester (stage 5 with its `semester`)."""

    stage: int | None = None
    semester: Semester | None = None

    @classmethod
    def of(cls, stage: int | None, semester: Semester | str | None = None) -> Occasion:
        """The occasion of a run: `semester` (e.g. "2027-S2") counts only for monev (stage 5)."""
        if stage and int(stage) == MONEV_STAGE and semester:
            return cls(MONEV_STAGE, Semester.parse(semester))
        return cls(int(stage) if stage else None, None)

    @property
    def is_monev(self) -> bool:
        return self.stage == MONEV_STAGE

    @property
    def calendar_key(self) -> str | None:
        """The region-calendar entry that dates the letter: `tahap-N`, `monev-s1`/`monev-s2`, or None."""
        if self.is_monev:
            return f"monev-s{self.semester.half}" if self.semester else None
        return f"tahap-{self.stage}" if self.stage else None

    def date(self, region: Region) -> dt.date | None:
        """The letter date from the region calendar (module doc), None when the calendar lacks it."""
        key = self.calendar_key
        when = region.calendar.get(key) if key else None
        if when is not None and self.is_monev and monev_semester(when) != str(self.semester):
            return None
        return when

    @property
    def missing_date(self) -> str:
        """The DRAFT banner's words for a missing date (Indonesian, naming the calendar entry to fill)."""
        if self.is_monev:
            label = self.semester.label if self.semester else "semester monev"
            return f"tanggal batas monev {label} pada kalender region ({self.calendar_key or 'monev-s1/monev-s2'})"
        stage = f" {stage_name(self.stage)}" if self.stage else ""
        return f"tanggal Bimtek{stage} pada kalender region ({self.calendar_key or 'tahap-N'})"

    @property
    def subject(self) -> str:
        """What the letter's perihal names: "Tahap III" or "Monev Semester II 2027"."""
        if self.is_monev:
            return f"Monev {self.semester.label}" if self.semester else "Monev"
        return stage_name(self.stage) if self.stage else ""

    def purpose(self, region_name: str) -> str:
        """What the OPD's files were sent for, as the letter's first paragraph says it."""
        if self.is_monev:
            label = self.semester.label if self.semester else "semester ini"
            return f"laporan realisasi {label} Masterplan Smart City {region_name}"
        return f"penyusunan Masterplan Smart City {region_name}"


def copies(region: Region, addressee: str) -> list[str]:
    """The tembusan of a letter to `addressee` (an OPD name): the regional head as a report and the Sekretaris
    Daerah, leaving out whoever the letter is addressed to."""
    words = region_words(region)
    recipient = head_title(addressee)
    holders = [
        (words["head"], f"{words['head']} {words['short_name']} (sebagai laporan)"),
        ("Sekretaris Daerah", f"Sekretaris Daerah {words['kind']} {words['short_name']}"),
    ]
    return [text for holder, text in holders if holder != recipient]


def letter_head(
    region: Region,
    addressee: str,
    occasion: Occasion,
    *,
    sequence: int,
    perihal: str,
    lampiran: str,
) -> dict:
    """Everything templates/naskah-dinas.html.j2 reads for one letter to the head of `addressee` (module doc):
    words, sender, recipient, addressee, place, date, number, sifat, lampiran, perihal, signer, tembusan, senior and
    `draft` (what is missing, empty for a complete letter)."""
    when = occasion.date(region)
    signer = region.officials.team_lead
    wanted = [
        ("nama dan NIP Ketua Tim Pelaksana (officials.team_lead)", signer is None),
        ("ibu kota, tempat surat (capital)", not region.capital),
        (occasion.missing_date, when is None),
        ("kantor pengirim dan kop surat (coordinator)", region.coordinator is None),
    ]
    recipient = head_title(addressee)
    return {
        "draft": [what for what, missing in wanted if missing],
        "words": region_words(region),
        "sender": region.coordinator.office if region.coordinator else None,
        "address": region.coordinator.address if region.coordinator else None,
        "recipient": recipient,
        "addressee": addressee,
        "place": region.capital,
        "date": when,
        "number": region.letters.format(sequence, when.year if when else "...."),
        "sifat": SIFAT,
        "lampiran": lampiran,
        "perihal": perihal,
        "signer": signer,
        "tembusan": copies(region, addressee),
        "senior": recipient in SENIOR_TITLES,
    }
