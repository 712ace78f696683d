"""Wiring shared by every stage: list the inputs, ingest them in batches of INGEST_BATCH files per task run (the
progress artifact moves after each batch), validate the run in one.

Files are ingested one at a time, in listing order, each with what the stage-wide row budget (`max_stage_rows`)
still admits, so at most one file is being read at any moment and a file past the budget is refused while it is
read, before its frames exist (one file, one fate: the files before it, and smaller ones after it, count). Parsing
is CPU-bound Python under the interpreter lock, so reading files side by side in threads bought little time and
held every file's frames at once."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from prefect.artifacts import create_progress_artifact, update_progress_artifact

from bimtek.books.feedback.versions import OVERRIDE_FILE, settle_submissions
from bimtek.core.model import Sheet, ValidationReport
from bimtek.core.questions import Answer, Question
from bimtek.core.region import Region
from bimtek.core.settings import get_settings
from bimtek.ingest.reader import EmptyInboxError
from bimtek.validation import SheetResult
from bimtek.validation.receipts import report_questions, with_versions
from tasks.cache import cache_location, content_key, rules_key
from tasks.intake import (
    INGEST_BATCH,
    answers_digest,
    ingest_files,
    list_input_files,
    load_region_answers,
    read_version_choices,
)
from tasks.validating import validate_datasets, verdict_key


@dataclass
class Intake:
    results: list[SheetResult]
    inputs: list[dict]
    """Manifest entries (path, sha256, bytes) of every input file."""
    validated: list[str] = field(default_factory=list)
    """Files validated in this run; the others' verdicts were reused from the cache (`reused`)."""
    reused: list[str] = field(default_factory=list)
    superseded: list[dict] = field(default_factory=list)
    """Versions replaced by a newer one of the same submission (ValidationReport.superseded)."""
    notes: list[str] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    """Answers to the reader's questions given before this run (applied while reading)."""
    questions: list[Question] = field(default_factory=list)
    """Doubts whose rows are held until answered (bimtek.validation.plausibility), answered ones included."""

    def attach(self, report: ValidationReport) -> ValidationReport:
        """`report` with the superseded versions, the version notes of this intake, which version each receipt
        counts as, and the status of each question by the answers given."""
        return replace(
            report,
            superseded=list(self.superseded),
            notes=[*report.notes, *self.notes],
            receipts=with_versions(report.receipts, self.superseded),
            questions=report_questions(self.results, self.answers, report.region),
        )


def without_raw(result: SheetResult) -> SheetResult:
    """`result` without its rows as written (an empty frame of the same columns, not a view that would keep the
    rows' arrays alive)."""
    return replace(result, raw=result.raw.iloc[0:0].copy())


def run_intake(
    inputs: str,
    region: Region,
    stage: int,
    datasets: list[str],
    store: str | None = None,
    keep_raw: bool = True,
) -> Intake:
    """Ingest files one at a time within the stage budget, validate all their tables in one task (one suite run per
    dataset), then the cross-file rules. With a store (and caching on) unchanged files are neither parsed nor
    validated again.

    `keep_raw=False`: the results' rows as written (`SheetResult.raw`, kept so a later rule can still move a valid
    row to the rejected ones) are dropped once the cross-file rules ran: for stages whose draft rejects no more rows,
    so no copy of every row as written lives on through the draft."""
    keys = list_input_files(inputs)
    chosen, times = read_version_choices(inputs, keys) if keys else ([], {})
    keys = [key for key in keys if key != OVERRIDE_FILE]
    if not keys:
        raise EmptyInboxError(inputs)
    progress_id = create_progress_artifact(
        progress=0.0,
        key=f"{region.slug}-tahap-{stage}-progres",
        description=f"Progres pemeriksaan berkas OPD Tahap {stage} ({region.name})",
    )
    cache = cache_location(store)
    answers = load_region_answers(store, region.slug)
    budget = get_settings().max_stage_rows
    sheets: list[Sheet] = []
    entries: list[dict] = []
    for start in range(0, len(keys), INGEST_BATCH):
        batch = keys[start : start + INGEST_BATCH]
        rows_left = budget - sum(len(sheet.frame) for sheet in sheets)
        label = batch[0] if len(batch) == 1 else f"{batch[0]}-dan-{len(batch) - 1}-lainnya"
        read = ingest_files.submit(
            inputs, batch, datasets, store, region.slug, cache, rows_left, label, answers
        ).result()
        for file_sheets, entry in read:
            sheets.extend(file_sheets)
            entries.append(entry)
        update_progress_artifact(progress_id, progress=100.0 * len(entries) / len(keys))
    digests = {entry["path"]: entry.get("sha256") for entry in entries}
    rules = content_key(rules_key(region, datasets), answers_digest(answers)) if cache else ""
    file_keys = {key: verdict_key(key, digest, rules) for key, digest in digests.items() if digest and cache}
    verdicts = validate_datasets(sheets, region, cache, file_keys)
    del sheets  # the raw tables go now: the verdicts hold what the rest of the flow reads
    settled = settle_submissions(
        verdicts.results,
        region,
        times=times,
        digests=digests,
        chosen=chosen,
        answers=answers,
        stage=f"tahap-{stage}",
    )
    validated, reused = verdicts.validated, verdicts.reused
    del verdicts  # the unsettled results: settled.results replace them
    results = settled.results if keep_raw else [without_raw(result) for result in settled.results]
    return Intake(
        results=results,
        inputs=entries,
        validated=validated,
        reused=reused,
        superseded=[item.to_dict() for item in settled.superseded],
        notes=settled.notes,
        answers=answers,
        questions=settled.questions,
    )
