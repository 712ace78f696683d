"""Questions in the portal: an OPD answers the doubts about its own files on its upload page, a coordinator can
answer for it on the stage's question page. Both are CSRF-checked, stored with `record_answer` and audit-logged.

Routes (an APIRouter, included once by portal/app.py):

- `POST /unggah/<token>/jawab`: the link's sender answers one question about a file it sent (fields `pertanyaan`,
  `pilihan`, `csrf`); audit-logged as "OPD via tautan <name>"; back to the upload page.
- `GET /pertanyaan/<region>/tahap-<N>`: every question of the stage inbox with its answer (any account that
  sees the region); `POST` the same path answers one (koordinator/admin only), audit-logged with the account.

Which questions: the stage inbox settled as the stage run settles it (`InboxStatus.settled`, which applies the
stored answers), so a page never shows a question the run would not ask, and an answer changes the next check.
An OPD link sees and answers only questions about files in its own inbox folder.

What the upload page shows as soon as a check ends (`upload_context`): the reading receipt of each file when the
check carries one, and the sender's questions with every reading. A receipt is a dict with the keys
`file`, `sheet`, `header_row`, `unit` {`value`, `source`}, `left_out` [{`row`, `reason`}], `version`
{`counts`, `replaced`}, `questions` [question ids] and `totals_by_opd` {OPD: amount} (issue 23 item 5; made by
the reader, bimtek.ingest); a question is a `Question` or its `to_dict()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bimtek.core.formatting import rupiah_words
from bimtek.core.questions import QUESTION_KINDS, Answer, Question
from bimtek.core.region import Region
from bimtek.ingest.inbox import uploaded_at
from bimtek.store.answers import QUESTION_ID_PATTERN, load_answers, record_answer
from bimtek.store.storage import Location

OPD_ANSWERER = "OPD via tautan {opd}"
"""`answered_by` of an answer given on an upload page (the audit log's actor too)."""


@dataclass(frozen=True)
class Asked:
    """A question as a page shows it: the question, its answer (None: open) and the chosen option's label."""

    question: Question
    answer: Answer | None

    @property
    def open(self) -> bool:
        return self.answer is None

    @property
    def kind_label(self) -> str:
        return QUESTION_KINDS.get(self.question.kind, QUESTION_KINDS["other"])

    @property
    def chosen(self) -> str:
        if self.answer is None:
            return ""
        return next((o.label for o in self.question.options if o.key == self.answer.option), self.answer.option)


@dataclass
class PortalHooks:
    """What the routes need from create_app: the config, the page renderer and the checks it already has."""

    config: Any
    page: Callable[..., HTMLResponse]
    require_login: Callable[[Request], Any]
    require_csrf: Callable[[Request, str | None], None]
    audit: Callable[..., None]
    invitation: Callable[[str], tuple[Any, Region, str]]
    upload_page: Callable[..., HTMLResponse]


def stage_questions(status: Any, store: Location, region: Region, stage: int, prefix: str = "") -> list[Asked]:
    """The questions of a stage inbox's checked files (only those about files under `prefix`, e.g.
    "dinas-kesehatan/"), open ones first, each with its stored answer. Never checks a file in the caller's thread."""
    answers = load_answers(store, region.slug)
    settled = status.settled(store, region, stage, status.checked(store, region, stage))
    return _asked(settled.questions, answers, prefix)


def _asked(questions: list[Question], answers: dict[str, Answer], prefix: str) -> list[Asked]:
    seen: dict[str, Asked] = {}
    for question in questions:
        if question.file.startswith(prefix) and question.id not in seen:
            seen[question.id] = Asked(question, answers.get(question.id))
    return sorted(seen.values(), key=lambda a: (not a.open, a.question.file, a.question.rows))


def sender_context(status: Any, store: Location, region: Region, stage: int, sender: str, outcome: Any) -> dict:
    """What the upload page shows of the reading: the receipts a finished check carries (`outcome.receipts`, when
    the check makes them) and the sender's questions: those of the settled inbox, and those the check asked
    (`outcome.questions`, Question or dict) about its own files."""
    asked = stage_questions(status, store, region, stage, f"{sender}/")
    extra = [as_question(item) for item in (getattr(outcome, "questions", None) or [])]
    known = {item.question.id for item in asked}
    answers = load_answers(store, region.slug) if extra else {}
    asked += _asked([q for q in extra if q.id not in known], answers, f"{sender}/")
    return {"receipts": list(getattr(outcome, "receipts", None) or []), "asked": asked}


def as_question(item: Question | dict) -> Question:
    return item if isinstance(item, Question) else Question.from_dict(item)


def answer_routes(hooks: PortalHooks) -> APIRouter:
    """The question routes (module doc)."""
    router = APIRouter()
    config = hooks.config

    def find(asked: list[Asked], question_id: str) -> Question:
        if not QUESTION_ID_PATTERN.fullmatch(question_id):
            raise HTTPException(status_code=404, detail="Pertanyaan tidak ditemukan.")
        for item in asked:
            if item.question.id == question_id:
                return item.question
        raise HTTPException(
            status_code=404, detail="Pertanyaan ini tidak ada (lagi) pada berkas Anda; mungkin berkasnya sudah diganti."
        )

    @router.post("/unggah/{token}/jawab")
    def opd_answers(
        request: Request, token: str, pertanyaan: str = Form(""), pilihan: str = Form(""), csrf: str = Form("")
    ) -> Response:
        hooks.require_csrf(request, csrf)
        invite, region, sender = hooks.invitation(token)
        asked = stage_questions(config.status, config.store, region, invite.stage, f"{invite.opd}/")
        question = find(asked, pertanyaan)
        who = OPD_ANSWERER.format(opd=sender)
        try:
            record_answer(config.store, region.slug, question, pilihan, who)
        except ValueError as exc:
            return hooks.upload_page(request, token, 400, refused=str(exc))
        detail = f"{region.slug} tahap-{invite.stage} {question.id}: {pilihan}"
        hooks.audit(request, who, "jawab pertanyaan", detail, region=region.slug)
        return RedirectResponse(f"/unggah/{token}#pertanyaan", status_code=303)

    def coordinator_page(request: Request, slug: str, stage: int, status_code: int = 200, **context) -> HTMLResponse:
        account = hooks.require_login(request)
        region = config.region(slug, account)
        if stage not in range(1, 6):
            raise HTTPException(status_code=404, detail="Tahap tidak dikenal (1-4, 5 = monev).")
        asked = stage_questions(config.status, config.store, region, stage)
        return hooks.page(
            request,
            "pertanyaan.html.j2",
            status_code=status_code,
            region=region,
            stage=stage,
            asked=asked,
            may_answer=account.accepts_runs,
            **context,
        )

    @router.get("/pertanyaan/{slug}/tahap-{stage:int}", response_class=HTMLResponse)
    def questions_page(request: Request, slug: str, stage: int) -> HTMLResponse:
        return coordinator_page(request, slug, stage)

    @router.post("/pertanyaan/{slug}/tahap-{stage:int}")
    def coordinator_answers(
        request: Request,
        slug: str,
        stage: int,
        pertanyaan: str = Form(""),
        pilihan: str = Form(""),
        catatan: str = Form(""),
        csrf: str = Form(""),
    ) -> RedirectResponse:
        account = hooks.require_login(request)
        region = config.region(slug, account)
        hooks.require_csrf(request, csrf)
        if not account.accepts_runs:
            raise HTTPException(status_code=403, detail="Hanya admin dan koordinator yang dapat menjawab untuk OPD.")
        question = find(stage_questions(config.status, config.store, region, stage), pertanyaan)
        try:
            record_answer(config.store, region.slug, question, pilihan, account.name, catatan.strip()[:500])
        except ValueError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        detail = f"{region.slug} tahap-{stage} {question.id} ({question.opd}): {pilihan}"
        hooks.audit(request, account, "jawab pertanyaan untuk OPD", detail, region=region.slug)
        return RedirectResponse(f"/pertanyaan/{slug}/tahap-{stage}#q-{question.id}", status_code=303)

    return router


def answered_at_text(answer: Answer | None) -> str:
    """'07-12-2026 17:40 UTC' of an answer ('' for none)."""
    if answer is None:
        return ""
    try:
        moment = dt.datetime.strptime(answer.answered_at, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return answer.answered_at
    return f"{moment:%d-%m-%Y %H:%M} UTC"


def shown_file(key: str) -> str:
    """An inbox key as the OPD named its file: "dinas-kesehatan/20261207T081200Z-usulan.csv" -> "usulan.csv"."""
    name = PurePosixPath(key).name
    return name[len("20261207T081200Z-") :] if uploaded_at(key) else name


TEMPLATE_FILTERS = {"rupiah_kata": rupiah_words, "waktu_jawab": answered_at_text, "nama_berkas": shown_file}
"""Jinja filters the question partials use."""
