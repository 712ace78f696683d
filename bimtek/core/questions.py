"""Questions: a reading the pipeline is not sure of, held until a person answers it.

Where the reader (or a plausibility rule) chooses between readings that give different figures, it does not
guess: it writes a `Question` with every reading as an `Option`, holds the rows involved ("perlu konfirmasi") and
publishes none of their figures. The OPD answers on its upload page (or by sending the file again), a coordinator
can answer for it in the portal or with `bimtek jawab`; an `Answer` is stored per region and the next run applies
it. A question's `id` is stable: the same doubt in the same file bytes gets the same id in every run, so an answer
given once keeps applying until the file changes.

This module is the contract between the reader (which asks), the store (which keeps answers), the documents
(which list open questions) and the portal (which shows them): plain data, no I/O.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

QUESTION_KINDS = {
    "unit": "satuan anggaran",
    "column": "kolom anggaran",
    "version": "urutan versi berkas",
    "totals_row": "baris jumlah atau program",
    "plausibility": "besaran anggaran",
    "activity_rows": "program dengan baris kegiatan",
    "other": "lainnya",
}
"""Kind code -> Indonesian noun phrase a clerk reads ("Pertanyaan tentang satuan anggaran")."""

HELD_STATUS = "perlu konfirmasi"
"""Status of a held row in the report, the receipt, the quarantine and the letters."""

HELD_RULE = "perlu_konfirmasi"
"""`Rejection.rule` of a held row: it leaves the valid rows like a rejection (so no published figure carries it),
but reports, letters and the portal show it as a question to answer, not as an error; its `value` is the
question id."""


@dataclass(frozen=True)
class Option:
    """One reading: `key` ("a", "b", ...), the Indonesian label a clerk chooses ("Rp 1,25 miliar"), and what it
    would change (`detail`, e.g. "satuan dari judul kolom '(Rp)'")."""

    key: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class Question:
    """A doubt about a file's reading. `rows` are the sheet's row numbers as the clerk sees them (1-based);
    `opd` is the OPD asked (the file's sender). `text` is the Indonesian question."""

    id: str
    kind: str
    region: str
    stage: str
    opd: str
    file: str
    sheet: str
    rows: tuple[int, ...]
    text: str
    options: tuple[Option, ...]
    evidence: str = ""
    """Where the doubt comes from, in the clerk's words: the cell and the text that made two readings possible."""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["rows"] = list(self.rows)
        data["options"] = [asdict(o) for o in self.options]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Question:
        return cls(
            id=data["id"],
            kind=data["kind"],
            region=data["region"],
            stage=data["stage"],
            opd=data["opd"],
            file=data["file"],
            sheet=data["sheet"],
            rows=tuple(data.get("rows", ())),
            text=data["text"],
            options=tuple(Option(**o) for o in data.get("options", ())),
            evidence=data.get("evidence", ""),
        )


@dataclass(frozen=True)
class Answer:
    """A person's choice for a question: the option key, who answered (account or "OPD via tautan"), when (ISO
    time, UTC) and an optional note."""

    question_id: str
    option: str
    answered_by: str
    answered_at: str
    note: str = ""
    extra: dict = field(default_factory=dict)


def question_id(kind: str, file_sha256: str, sheet: str, rows: tuple[int, ...] | list[int], detail: str = "") -> str:
    """A stable id for a doubt: the same kind, file bytes, sheet, rows and detail give the same id in every run.

    The id is short (16 hex digits) and URL-safe, so it can stand in a portal link or a command line.
    """
    payload = json.dumps([kind, file_sha256, sheet, sorted(int(r) for r in rows), detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


QUESTION_STATUSES = ("terbuka", "dijawab")
"""A question is open ("terbuka") until an answer is stored, then answered ("dijawab")."""


def question_status(question: Question, answers: Mapping[str, Answer]) -> dict:
    """`question.to_dict()` with `status` ("terbuka"/"dijawab") and `answer` (None, or the answer's fields): the
    form report.json, the receipt and the portal show a question in."""
    data = question.to_dict()
    answer = answers.get(question.id)
    data["status"] = QUESTION_STATUSES[1] if answer is not None else QUESTION_STATUSES[0]
    data["answer"] = None
    if answer is not None:
        data["answer"] = {
            "option": answer.option,
            "answered_by": answer.answered_by,
            "answered_at": answer.answered_at,
            "note": answer.note,
        }
    return data
