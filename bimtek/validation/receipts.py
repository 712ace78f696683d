"""The reading receipt ("tanda terima pembacaan"): how each file was read, rendered from the reader's records.

Per file: the sheets and header rows read, the unit applied to each budget column and where it was written, each
row or column left out and why, the questions asked (open or answered) with the rows they hold, which version
counts and which it replaced (`with_versions`, from the settled submissions), and the programs and budget per OPD
as published. Everything comes from `SheetResult.decisions`, `.questions` and the valid rows: nothing here
re-derives a choice of the reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from bimtek.core.decisions import DECISION_KINDS, REASONS
from bimtek.core.questions import HELD_RULE, Answer, Question, question_status
from bimtek.core.text import cell_text
from bimtek.validation.result import SheetResult


def _table(result: SheetResult) -> dict:
    units = [
        {"kolom": d.column, "faktor": int(d.value or 1), "sumber": d.reason, "tertulis": d.evidence}
        for d in result.decisions
        if d.kind == "unit"
    ]
    left_out = [
        {"baris": list(d.rows), "alasan": d.reason, "keterangan": REASONS.get(d.reason, d.reason), "bukti": d.evidence}
        for d in result.decisions
        if d.kind == "row_left_out"
    ]
    columns = [
        {"kolom": d.column, "alasan": d.reason, "keterangan": REASONS.get(d.reason, d.reason)}
        for d in result.decisions
        if d.kind in ("column_left_out", "after_values")
    ]
    others = [
        {**d.to_dict(), "jenis": DECISION_KINDS.get(d.kind, d.kind)}
        for d in result.decisions
        if d.kind not in ("unit", "row_left_out", "column_left_out", "after_values")
    ]
    held = sorted({r.row for r in result.rejections if r.rule == HELD_RULE and r.row is not None})
    return {
        "lembar": result.sheet,
        "dataset": result.dataset,
        "baris_judul": result.header_row,
        "status": result.file_report.status,
        "baris": result.file_report.rows,
        "baris_diterima": result.file_report.rows_valid,
        "baris_ditolak": result.file_report.rows_rejected - len(held),
        "baris_ditahan": held,
        "satuan": units,
        "tidak_dihitung": left_out,
        "kolom_tidak_dibaca": columns,
        "keputusan_lain": others,
        "pertanyaan": [q.id for q in result.questions],
    }


def _published(results: list[SheetResult]) -> dict[str, dict]:
    """OPD -> programs and budget of the file's valid rows (the figures as published)."""
    totals: dict[str, dict] = {}
    for result in results:
        valid = result.valid
        if valid.empty or "opd" not in valid.columns:
            continue
        amounts = valid["anggaran"].tolist() if "anggaran" in valid.columns else [0.0] * len(valid)
        for opd, amount in zip(valid["opd"].tolist(), amounts):
            entry = totals.setdefault(cell_text(opd) or "", {"program": 0, "anggaran": 0.0})
            entry["program"] += 1
            entry["anggaran"] += float(amount) if amount == amount and amount is not None else 0.0
    return dict(sorted(totals.items()))


def reading_receipts(results: Iterable[SheetResult]) -> list[dict]:
    """One receipt per file (ordered by path), for report.json's `receipts`."""
    files: dict[str, list[SheetResult]] = {}
    for result in sorted(results, key=lambda r: (r.path, r.sheet)):
        files.setdefault(result.path, []).append(result)
    return [
        {
            "berkas": path,
            "tabel": [_table(r) for r in parts],
            "versi": {"berlaku": True, "menggantikan": []},
            "per_opd": _published(parts),
        }
        for path, parts in files.items()
    ]


def with_versions(receipts: list[dict], superseded: Iterable[Mapping]) -> list[dict]:
    """The receipts with which version counts: a replaced file says by which, the current one what it replaced."""
    replaced: dict[str, str] = {}
    replacing: dict[str, list[str]] = {}
    for item in superseded:
        replaced[item["path"]] = item["diganti_oleh"]
        replacing.setdefault(item["diganti_oleh"], []).append(item["path"])
    out = []
    for receipt in receipts:
        path = receipt["berkas"]
        version = {"berlaku": path not in replaced, "menggantikan": sorted(set(replacing.get(path, [])))}
        if path in replaced:
            version["diganti_oleh"] = replaced[path]
        out.append({**receipt, "versi": version, **({"per_opd": {}} if path in replaced else {})})
    return out


def report_questions(results: Iterable[SheetResult], answers: Mapping[str, Answer], region: str = "") -> list[dict]:
    """Every question of the run once (by id, ordered by file, sheet and row), with its status and answer."""
    seen: dict[str, Question] = {}
    for result in sorted(results, key=lambda r: (r.path, r.sheet)):
        opd = _file_opd(result)
        for question in result.questions:
            if question.id not in seen:
                seen[question.id] = _with_place(question, region, opd)
    return [question_status(q, answers) for q in seen.values()]


def _file_opd(result: SheetResult) -> str:
    if result.sender:
        return result.sender
    if "opd" in result.raw.columns or "opd" in result.valid.columns:
        names = {cell_text(v) for v in result.valid.get("opd", [])} - {None, ""}
        if len(names) == 1:
            return str(names.pop())
    return ""


def _with_place(question: Question, region: str, opd: str) -> Question:
    return replace(question, region=question.region or region, opd=question.opd or opd)
