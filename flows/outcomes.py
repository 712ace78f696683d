"""How a stage run ends for a coordinator: a short Indonesian cause on failure, "Perlu perbaikan" when too many
rows were rejected.

`coordinator_outcome(stage)` wraps a flow function (under `@flow`, keeping its signature and docstring for the
run form):

- an exception becomes a Failed state whose message is `failure_cause(exc)` (what went wrong, what to do),
  plus a Markdown artifact `<region>-tahap-<N>-penyebab-gagal` saying the same; the exception stays the state's
  data, so a caller (the CLI) still sees its type;
- the docstring gains the Indonesian "Args:" section of `flows.parameters.stage_parameter_docs`;
- a result whose rejected share is above BIMTEK_REJECT_ALERT_SHARE becomes `Failed(name="Perlu perbaikan")`
  with a message naming the rules and files concerned (from the run's published validation report), and the
  result dict as its data (`flow_result` gives it back to a caller);
- a result whose legal documents miss text (`draft`: one sentence per gap, bimtek.core.legal.LegalGap) becomes
  `Completed(name="Draf")` with a message listing what is missing (after the rejection message when both apply);
- when SMTP is configured, a published stage run e-mails its feedback letters and the coordinator's digest
  (tasks/run_mail.py) and shows what was sent in a Markdown artifact `<region>-tahap-<N>-email`; this never
  changes the run's state.

Why a "Perlu perbaikan" run is a FAILED state (red), named "Perlu perbaikan": a Completed state is green in the
Prefect UI whatever its name, and such a run is not a success for the coordinator: it published its letters but
did not become "terkini" and needs a person (fix the files, or accept it). Prefect 3 has no "warning" type; of the
non-green ones, PAUSED is not final (the run would wait forever and its "Resume" button would run the stage again),
CANCELLED and CRASHED say someone stopped it or the infrastructure broke. FAILED is final and says "needs action";
its message and name say what happened. The result stays the state's data, so the CLI, the whole-process flow
and the dispatcher still report what was published (`flow_result`); `notify_failure` skips it (rejections-high
already fired) and the dispatcher does not start the next stage on it (that stage would read the earlier run).
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import typing
from collections import Counter
from collections.abc import Callable
from typing import Any

from bimtek.core.questions import HELD_RULE, HELD_STATUS
from bimtek.core.region import RegionError
from bimtek.core.settings import get_settings
from bimtek.ingest.reader import EmptyInboxError
from bimtek.stages.previous import MissingStageError
from bimtek.store.acceptance import needs_fix
from bimtek.store.package import RunExistsError
from bimtek.store.storage import StorageError, open_location
from flows.notify import NEEDS_FIX_STATE
from flows.parameters import stage_parameter_docs

__all__ = ["NEEDS_FIX_STATE", "coordinator_outcome", "failure_cause", "flow_result", "rejection_summary"]
DRAFT_STATE = "Draf"
CAUSE_MAX = 600


def failure_cause(exc: BaseException) -> str:
    """One short Indonesian paragraph: what went wrong and what to do next."""
    detail = str(exc)[:CAUSE_MAX]
    if isinstance(exc, RegionError):
        return (
            f"Gagal: region tidak dapat dipakai. {detail} Pilih region terdaftar di formulir run, lalu jalankan lagi."
        )
    if isinstance(exc, EmptyInboxError):
        return f"Gagal: kotak masuk kosong. {detail}"
    if isinstance(exc, MissingStageError):
        return f"Gagal: tahap sebelumnya belum diterbitkan. {detail}"
    if isinstance(exc, RunExistsError):
        return (
            f"Gagal: ID run sudah dipakai ({detail}). Kosongkan kolom run_id agar memakai waktu sekarang, "
            "atau pilih ID lain."
        )
    if isinstance(exc, StorageError):
        return (
            f"Gagal: store atau kotak masuk tidak dapat dibaca/ditulis ({detail}). Periksa lokasi (folder atau "
            "s3://bucket/prefix) dan kredensialnya, lalu jalankan lagi."
        )
    return (
        f"Gagal karena galat tak terduga ({type(exc).__name__}: {detail}). Jalankan lagi; bila terulang, kirim "
        "tautan run ini ke pengelola server."
    )


def rejection_summary(report: dict, limit: int = 5) -> str:
    """'aturan: sumber dana (3), anggaran (2); berkas: a.csv, b.xlsx' from a validation report.json dict."""
    rules = Counter(item.get("rule", "?") for item in report.get("rejections", []))
    files = sorted({item.get("path", "?") for item in report.get("rejections", [])})
    rule_text = ", ".join(f"{rule} ({count})" for rule, count in rules.most_common(limit))
    file_text = ", ".join(files[:limit]) + (f" dan {len(files) - limit} lainnya" if len(files) > limit else "")
    return f"aturan: {rule_text}; berkas: {file_text}"


def _stage_folder(stage: int, result: dict) -> str:
    """Where the run was published: `tahap-<N>`, or `monev/<semester>` for a monev run (its result names it)."""
    return f"monev/{result['semester']}" if result.get("semester") else f"tahap-{stage}"


def _needs_fix_message(result: dict, stage: int, region: str, store: str) -> str | None:
    """The 'Perlu perbaikan' message when the rejected share is above the alert threshold, else None."""
    valid, rejected = int(result.get("rows_valid", 0)), int(result.get("rows_rejected", 0))
    threshold = get_settings().reject_alert_share
    total = valid + rejected
    if not needs_fix(total, rejected, threshold):
        return None
    message = (
        f"{rejected} dari {total} baris ({rejected / total:.0%}) ditolak, di atas batas {threshold:.0%}. "
        "Kirim surat umpan balik ke OPD (folder umpan-balik/) lalu jalankan lagi setelah berkas diperbaiki."
    )
    if result.get("terkini") is False:
        message += (
            " Run ini terbit tetapi belum menjadi terkini: tahap berikutnya dan portal tetap memakai run terkini "
            "sebelumnya sampai koordinator menerimanya (portal: Jadikan terkini; CLI: bimtek terima)."
        )
    run_id = result.get("run_id")
    if run_id:
        from flows.parameters import region_for_run

        try:
            slug = region_for_run(region).slug
            report = json.loads(
                open_location(store or get_settings().store).read_bytes(
                    f"{slug}/{_stage_folder(stage, result)}/{run_id}/validation/report.json"
                )
            )
            message += " Rincian: " + rejection_summary(report) + "."
        except (RegionError, StorageError, ValueError):
            pass
    return message.replace(".0%", "%")


def held_message(report: dict) -> str | None:
    """'N baris ditahan ... M pertanyaan terbuka' with each question's id and readings, or None when none is open.
    Held rows are in no published figure until their question is answered (issue 23)."""
    open_questions = [q for q in report.get("questions", []) if q.get("status") == "terbuka"]
    if not open_questions:
        return None
    held = sum(1 for item in report.get("rejections", []) if item.get("rule") == HELD_RULE)
    listed = "; ".join(
        f"{q['id']} ({q.get('file', '')}): " + " atau ".join(f"{o['key']}) {o['label']}" for o in q.get("options", []))
        for q in open_questions[:5]
    )
    more = f" dan {len(open_questions) - 5} lainnya" if len(open_questions) > 5 else ""
    return (
        f"{held} baris ditahan ({HELD_STATUS}) sampai {len(open_questions)} pertanyaan pembacaan dijawab: "
        f"{listed}{more}. Jawab di portal atau dengan bimtek jawab --region ... --question KODE --pilihan KUNCI "
        "--oleh NAMA, lalu jalankan lagi."
    )


def _run_report(result: dict, stage: int, region: str, store: str) -> dict | None:
    """The run's report.json, None when it cannot be read (no run id, no store)."""
    run_id = result.get("run_id")
    if not run_id:
        return None
    from flows.parameters import region_for_run

    try:
        slug = region_for_run(region).slug
        return json.loads(
            open_location(store or get_settings().store).read_bytes(
                f"{slug}/{_stage_folder(stage, result)}/{run_id}/validation/report.json"
            )
        )
    except (RegionError, StorageError, ValueError):
        return None


def draft_message(result: dict) -> str | None:
    """'Dokumen hukum bertanda DRAFT ...' listing what the legal documents miss, or None when nothing is missing."""
    gaps = [str(g) for g in (result.get("draft") or [])]
    if not gaps:
        return None
    return (
        "Dokumen hukum bertanda DRAFT karena naskahnya belum lengkap: "
        + "; ".join(gaps)
        + ". Lengkapi data wilayah, lalu jalankan Tahap IV lagi."
    )


def _failure_artifact(region: str, stage: int, cause: str) -> None:
    from prefect.artifacts import create_markdown_artifact

    from flows.artifacts import artifact_key
    from flows.parameters import region_for_run

    try:
        slug = region_for_run(region).slug
    except RegionError:
        slug = "region"
    create_markdown_artifact(
        markdown=f"# Run Tahap {stage} gagal\n\n{cause}\n",
        key=artifact_key(slug, "tahap", stage, "penyebab-gagal"),
        description=f"Penyebab kegagalan run Tahap {stage} (bahasa Indonesia)",
    )


def flow_result(state: Any) -> Any:
    """What a flow run returned, from its final state (`flow(..., return_state=True)`): the result of a
    "Perlu perbaikan" run too (it published); any other failure raises as calling the flow would."""
    if state.is_failed() and state.name == NEEDS_FIX_STATE:
        return state.result(raise_on_failure=False)
    return state.result()


def _send_run_mail(region: str, stage: int, result: dict, store: str, needs_fix: bool) -> None:
    """E-mail the published run's letters and digest (tasks/run_mail.py) and show it as an artifact; never raises."""
    settings = get_settings()
    if not settings.smtp_configured or not isinstance(result, dict) or not result.get("run_id"):
        return
    if result.get("semester"):  # monev runs: their letters are the monev reports, not feedback letters
        return
    try:
        from prefect.artifacts import create_markdown_artifact

        from flows.artifacts import artifact_key
        from flows.notify import portal_page_url
        from flows.parameters import region_for_run
        from tasks.email import deliveries_markdown
        from tasks.run_mail import deliver_run_mail

        reg = region_for_run(region)
        run_id = str(result["run_id"])
        summary = deliver_run_mail(
            reg,
            stage,
            run_id,
            open_location(store or settings.store),
            needs_fix,
            result.get("terkini") is False,
            portal_page_url(reg.slug, stage, run_id),
            settings,
        )
        create_markdown_artifact(
            markdown=deliveries_markdown(f"E-mail run {run_id} Tahap {stage}", summary.records, summary.notes),
            key=artifact_key(reg.slug, "tahap", stage, "email"),
            description=f"Surat umpan balik dan ringkasan koordinator yang dikirim lewat e-mail (Tahap {stage})",
        )
    except Exception:  # noqa: BLE001 - e-mail never fails a stage that published
        logging.getLogger(__name__).exception("E-mail after the run could not be sent or shown")


def coordinator_outcome(stage: int) -> Callable[[Callable[..., dict]], Callable[..., Any]]:
    """Decorator for a stage flow function (place it under @flow); see the module docstring."""

    def decorate(fn: Callable[..., dict]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from prefect.states import Completed, Failed

            region = str(kwargs.get("region", args[0] if args else ""))
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - every failure gets a cause; the exception stays the data
                cause = failure_cause(exc)
                _failure_artifact(region, stage, cause)
                return Failed(message=cause, data=exc)
            # Prefect may pass parameters by position: read `store` from the bound arguments, not kwargs alone
            store = str(inspect.signature(fn).bind_partial(*args, **kwargs).arguments.get("store") or "")
            message = _needs_fix_message(result, stage, region, store)
            report = _run_report(result, stage, region, store)
            held = held_message(report) if report else None
            message = " ".join(filter(None, (message, held))) or None
            draft = draft_message(result)
            _send_run_mail(region, stage, result, store, needs_fix=bool(message))
            if message:
                return Failed(name=NEEDS_FIX_STATE, message=" ".join(filter(None, (message, draft))), data=result)
            if draft:
                return Completed(name=DRAFT_STATE, message=draft, data=result)
            return result

        # Resolved annotations (not the strings of `from __future__ import annotations`): Prefect validates
        # parameters in the wrapper's module, which does not know the flow module's names (RegionChoice ...).
        wrapper.__annotations__ = typing.get_type_hints(fn, include_extras=True)
        wrapper.__signature__ = inspect.signature(fn, eval_str=True)  # type: ignore[attr-defined]
        wrapper.__doc__ = f"{(fn.__doc__ or '').rstrip()}\n\n{stage_parameter_docs(stage)}"
        return wrapper

    return decorate
