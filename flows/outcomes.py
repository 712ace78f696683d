"""How a stage run ends for a coordinator: a short Indonesian cause on failure, "Perlu perbaikan" when too many
rows were rejected.

`coordinator_outcome(stage)` wraps a flow function (under `@flow`, keeping its signature and docstring for the
run form):

- an exception becomes a Failed state whose message is `failure_cause(exc)` (what went wrong, what to do),
  plus a Markdown artifact `<region>-tahap-<N>-penyebab-gagal` saying the same; the exception stays the state's
  data, so a caller (the CLI) still sees its type;
- the docstring gains the Indonesian "Args:" section of `flows.parameters.stage_parameter_docs`;
- a result whose rejected share is above BIMTEK_REJECT_ALERT_SHARE becomes `Completed(name="Perlu perbaikan")`
  with a message naming the rules and files concerned (from the run's published validation report);
- a result whose legal documents miss text (`draft`: one sentence per gap, bimtek.core.legal.LegalGap) becomes
  `Completed(name="Draf")` with a message listing what is missing (after the rejection message when both apply).
"""

from __future__ import annotations

import functools
import inspect
import json
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
from flows.parameters import stage_parameter_docs

NEEDS_FIX_STATE = "Perlu perbaikan"
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
            message = _needs_fix_message(result, stage, region, str(kwargs.get("store") or ""))
            report = _run_report(result, stage, region, str(kwargs.get("store") or ""))
            held = held_message(report) if report else None
            message = " ".join(filter(None, (message, held))) or None
            draft = draft_message(result)
            if message:
                return Completed(name=NEEDS_FIX_STATE, message=" ".join(filter(None, (message, draft))), data=result)
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
