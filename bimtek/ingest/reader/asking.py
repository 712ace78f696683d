"""Asking instead of guessing: where a table can be read two ways that give different figures, the reader writes a
`Question` with both readings and holds the rows involved, unless the question was already answered.

`Asking` is created once per file (its path, the sha256 of its bytes and the answers given so far) and handed to
every decision point of that file. `ask` returns the chosen option key when the question has an answer (the
reading is then applied, and recorded as a Decision with reason "answer"), or None when it is still open (the
caller then holds the rows: `Sheet.held`). Either way the question is kept in `questions`, so the report can show
it as "terbuka" or "dijawab".

Which doubts hold rows and which only inform is decided at each call site; the README section "Reading rules and
questions" lists them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from bimtek.core.decisions import Decision
from bimtek.core.questions import Answer, Option, Question, question_id


@dataclass
class Asking:
    """The questions of one file, and the answers that decide them."""

    path: str
    sha256: str
    answers: Mapping[str, Answer] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)

    @classmethod
    def for_file(cls, path: str, data: bytes, answers: Mapping[str, Answer] | None = None) -> Asking:
        return cls(path, hashlib.sha256(data).hexdigest(), answers or {})

    def ask(
        self,
        kind: str,
        sheet: str,
        rows: tuple[int, ...],
        text: str,
        options: tuple[Option, ...],
        evidence: str,
        decisions: list[Decision],
        detail: str = "",
    ) -> tuple[Question, str | None]:
        """The question (stable id) and the chosen option key, None while unanswered."""
        qid = question_id(kind, self.sha256, sheet, rows, detail or text)
        question = Question(
            id=qid,
            kind=kind,
            region="",
            stage="",
            opd="",
            file=self.path,
            sheet=sheet,
            rows=tuple(rows),
            text=text,
            options=options,
            evidence=evidence,
        )
        if all(q.id != qid for q in self.questions):
            self.questions.append(question)
        answer = self.answers.get(qid)
        keys = {o.key for o in options}
        if answer is None or answer.option not in keys:
            return question, None
        decisions.append(
            Decision(
                kind="answer",
                reason="answer",
                path=self.path,
                sheet=sheet,
                rows=tuple(rows),
                evidence=f"{text} Jawaban: {next(o.label for o in options if o.key == answer.option)} "
                f"(oleh {answer.answered_by}).",
                value=answer.option,
            )
        )
        return question, answer.option
