"""Answers to the reader's questions, kept per region so the next run applies them.

Each answer is one object `<region>/jawaban/<question-id>.json` holding the question as asked (so the answer can
be read without the run that asked it) and the `Answer`. Answering again replaces the earlier answer; the audit
trail of who answered what is the portal's audit log and the CLI's output, not this folder.

`record_answer` refuses an option the question does not offer, with an Indonesian message.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from bimtek.core.paths import REPORT_KEY
from bimtek.core.questions import Answer, Question
from bimtek.store.package import published_run_ids, run_prefix, to_json_bytes, validate_region_slug
from bimtek.store.storage import Location

ANSWERS_FOLDER = "jawaban"
QUESTION_ID_PATTERN = re.compile(r"[0-9a-f]{16}")


def answer_key(region: str, question_id: str) -> str:
    """The store key of one answer; refuses ids that are not a question id (they come from links and forms)."""
    if not QUESTION_ID_PATTERN.fullmatch(question_id):
        raise ValueError(f"Kode pertanyaan tidak sah: {question_id!r} (harus 16 huruf/angka heksadesimal).")
    return f"{validate_region_slug(region)}/{ANSWERS_FOLDER}/{question_id}.json"


def record_answer(
    location: Location, region: str, question: Question, option: str, answered_by: str, note: str = ""
) -> Answer:
    """Store `answered_by`'s choice of `option` for `question` and return it."""
    keys = [o.key for o in question.options]
    if option not in keys:
        raise ValueError(
            f"Pilihan '{option}' tidak ada pada pertanyaan {question.id}; pilihan yang ada: {', '.join(keys)}."
        )
    answer = Answer(
        question_id=question.id,
        option=option,
        answered_by=answered_by,
        answered_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        note=note,
    )
    body = {
        "question": question.to_dict(),
        "answer": {
            "question_id": answer.question_id,
            "option": answer.option,
            "answered_by": answer.answered_by,
            "answered_at": answer.answered_at,
            "note": answer.note,
        },
    }
    location.write_bytes(answer_key(region, question.id), to_json_bytes(body), content_type="application/json")
    return answer


def load_answers(location: Location, region: str) -> dict[str, Answer]:
    """Question id -> its latest answer, for every answer stored for `region` (empty when there is none)."""
    folder = location.child(f"{validate_region_slug(region)}/{ANSWERS_FOLDER}")
    answers: dict[str, Answer] = {}
    for key in folder.list((".json",), missing_ok=True):
        data = json.loads(folder.read_bytes(key))["answer"]
        answers[data["question_id"]] = Answer(**data)
    return answers


def find_question(
    location: Location, region: str, question_id: str, stages: tuple[int, ...] = (1, 2, 3, 4)
) -> Question:
    """The question `question_id` as the newest run that asked it wrote it (report.json `questions` of the
    stages' runs, newest first); an answer already stored for it also holds the question. Raises ValueError
    (Indonesian) when no run of the region asked it."""
    answer_path = answer_key(region, question_id)
    if location.exists(answer_path):
        return Question.from_dict(json.loads(location.read_bytes(answer_path))["question"])
    for stage in stages:
        for run_id in reversed(published_run_ids(location, region, stage)):
            key = f"{run_prefix(region, stage, run_id)}/{REPORT_KEY}"
            if not location.exists(key):
                continue
            for item in json.loads(location.read_bytes(key)).get("questions", []):
                if item.get("id") == question_id:
                    return Question.from_dict(item)
    raise ValueError(
        f"Pertanyaan {question_id} tidak ditemukan pada run mana pun untuk {region}. Periksa kodenya di laporan "
        "(report.json, bagian questions) atau tanda terima pembacaan."
    )
