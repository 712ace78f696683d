"""Monev (Tahap V) scoring: the masterplan against what was realised in one semester, as the ministry scores it.

Pure functions on frames (no I/O, no clock). The rubric is `schemas/monev_rubric.json` (bimtek.core.monev); the
area weights come from the region file (`monev.bobot`, default the rubric's 10/20/30/30/10).

Plan of a year (`plan_for_year`)
    Every program of the final Tahap IV roadmap whose years (tahun_mulai..tahun_selesai) include the year.
    anggaran_rencana = the year's figure as the OPD stated it (the roadmap's `anggaran_tahunan`, or an
    `anggaran_<year>` column), `dasar_anggaran` "dinyatakan OPD"; otherwise the total budget spread evenly over the
    program's years exactly as the masterplan's tables spread it (bimtek.analysis.aggregate.spread_budget: whole
    Rupiah, the remainder in the first year), and `dasar_anggaran` says so ("dibagi rata").
    target_rencana = `target_<year>` when stated; otherwise the program's target in its last year, else empty.

Indicators (each 0-5; `method` in the rubric)
    share_baseline          5 x share of planned programs with a baseline (from the plan or the realisation row)
    item                    the region item's status: ada 5, dalam proses 2.5, belum ada / not reported 0
    budget_absorption       5 x min(1, realised / (planned x expected share of the semester: S1 0.5, S2 1.0))
    program_execution       5 x mean status weight over planned programs (selesai 1, berjalan 0.5, else 0;
                            a program without a realisation row counts 0, "belum dilaporkan")
    indicator_achievement   5 x mean over planned programs of min(1, capaian_persen / 100 / expected share)
                            (blank or not reported: 0)
    benefit_count           step table on the number of citizen-benefit rows with status "ada" (0,1,2,3,4+ ->
                            0,2,3,4,5)
    share_evidence          5 x share of running/finished programs whose row names evidence
    quick_win_status        mean over the final quick wins: selesai 5, berjalan 3, else 0 (not reported: 0)
An area's score is the weighted mean of its indicators; the index is sum(area score x area weight) / 100,
rounded half-up to two decimals (3,31).

Evidence: every indicator states how many of the reported rows it rests on name evidence (a link or file name):
`berbukti` (all), `sebagian berbukti`, `penilaian mandiri` (none: self-assessment, to be checked in interviews and
field visits) or `tidak ada data` (nothing reported: the indicator scores 0); the baseline indicator rests on the
plan itself (`dari masterplan`) and counts no reported row. A planned program without a
realisation row is not reported, so it is no self-assessment either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from bimtek.analysis.aggregate import spread_budget
from bimtek.core.formatting import angka, half_up, persen
from bimtek.core.monev import Semester
from bimtek.core.text import program_key
from bimtek.core.values import is_missing
from bimtek.core.vocabularies import MONEV_PROGRAM_STATUSES
from bimtek.core.year_budget import EVEN, STATED, YEARLY_COLUMN

NOT_REPORTED = "belum_dilaporkan"
"""Status of a planned program without a realisation row."""
STATUS_LABELS = {**{t.code: t.label for t in MONEV_PROGRAM_STATUSES.terms}, NOT_REPORTED: "belum dilaporkan"}
PLAN_COLUMNS = (
    "opd",
    "dimensi",
    "nama_program",
    "indikator",
    "baseline",
    "target",
    "anggaran",
    "tahun_mulai",
    "tahun_selesai",
    YEARLY_COLUMN,
)
PROGRESS_COLUMNS = (
    "opd",
    "dimensi",
    "nama_program",
    "tahun",
    "indikator",
    "baseline",
    "target_rencana",
    "anggaran_rencana",
    "dasar_anggaran",
    "anggaran_realisasi",
    "serapan",
    "capaian_indikator",
    "capaian_persen",
    "status",
    "alasan",
    "bukti",
)
"""Plan versus realisation, one row per planned program of the year (`plan_vs_realisation`)."""
EVIDENCE, SELF, PARTLY, NO_DATA = "berbukti", "penilaian mandiri", "sebagian berbukti", "tidak ada data"
PLAN_BASIS = "dari masterplan"
"""Basis of an indicator read from the plan itself (the baselines), not from reported rows."""


def _text(value: object) -> str | None:
    return None if is_missing(value) or not str(value).strip() else str(value).strip()


def _filled(values: pd.Series) -> int:
    """How many cells of `values` hold text (a link, a file name, a baseline)."""
    return sum(1 for v in values if _text(v) is not None)


def plan_from_roadmap(roadmap: pd.DataFrame) -> pd.DataFrame:
    """The plan columns of a final roadmap (roadmap/roadmap.csv of Tahap IV) plus any `anggaran_<year>` /
    `target_<year>` columns it states; a missing `baseline` column is an empty one."""
    frame = roadmap.copy()
    for column in PLAN_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    yearly = [c for c in frame.columns if c.startswith(("anggaran_", "target_")) and c.rsplit("_", 1)[-1].isdigit()]
    return frame[[*PLAN_COLUMNS, *yearly]].reset_index(drop=True)


def plan_for_year(plan: pd.DataFrame, year: int) -> pd.DataFrame:
    """Programs planned in `year` with their budget and target of that year (module doc)."""
    plan = plan.reset_index(drop=True)
    spread = spread_budget(plan.assign(dimensi=plan["dimensi"].fillna(""), anggaran=plan["anggaran"].astype(float)))
    shares = {
        int(program): (float(amount), bool(even))
        for program, tahun, amount, even in zip(
            spread["program"], spread["tahun"], spread["anggaran"], spread["dibagi_rata"]
        )
        if int(tahun) == year
    }
    rows = []
    for index, row in enumerate(plan.to_dict("records")):
        start, end = int(row["tahun_mulai"]), int(row["tahun_selesai"])
        if not start <= year <= end:
            continue
        amount, even = shares[index]
        stated = row.get(f"anggaran_{year}")
        if not even:
            budget, basis = amount, STATED
        elif not is_missing(stated):
            budget, basis = float(stated), STATED
        else:
            budget, basis = amount, EVEN
        target = _text(row.get(f"target_{year}")) or (_text(row["target"]) if year == end else None)
        rows.append(
            {
                "opd": row["opd"],
                "dimensi": row["dimensi"],
                "nama_program": row["nama_program"],
                "tahun": year,
                "indikator": _text(row["indikator"]),
                "baseline": _text(row["baseline"]),
                "target_rencana": target,
                "anggaran_rencana": budget,
                "dasar_anggaran": basis,
            }
        )
    columns = list(PROGRESS_COLUMNS[:9])
    return pd.DataFrame(rows, columns=columns)


def plan_vs_realisation(plan_year: pd.DataFrame, realisasi: pd.DataFrame) -> pd.DataFrame:
    """One row per planned program of the year with its realisation (or `belum_dilaporkan`); `serapan` =
    realised / planned budget (None when nothing was planned)."""
    reported = {}
    for row in realisasi.to_dict("records"):
        reported[(*program_key(row["opd"], row["nama_program"]), int(row["tahun"]))] = row
    rows = []
    for plan in plan_year.to_dict("records"):
        real = reported.get((*program_key(plan["opd"], plan["nama_program"]), int(plan["tahun"])), {})
        spent = real.get("anggaran_realisasi")
        spent = None if is_missing(spent) else float(spent)
        planned = plan["anggaran_rencana"]
        rows.append(
            {
                **plan,
                "baseline": plan["baseline"] or _text(real.get("baseline")),
                "anggaran_realisasi": spent,
                "serapan": (spent / planned) if spent is not None and planned else None,
                "capaian_indikator": _text(real.get("capaian_indikator")),
                "capaian_persen": None if is_missing(real.get("capaian_persen")) else float(real["capaian_persen"]),
                "status": real.get("status") if real else NOT_REPORTED,
                "alasan": _text(real.get("alasan")),
                "bukti": _text(real.get("bukti")),
            }
        )
    return pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS))


@dataclass
class MonevScore:
    """Everything a monev run reports about one semester."""

    semester: str
    indeks: Decimal
    """The weighted index, 0-5, two decimals."""
    areas: pd.DataFrame
    """area, label, bobot (percent), skor (0-5), nilai (skor x bobot / 100)."""
    indicators: pd.DataFrame
    """area, kode, indikator, bobot, skor, penjelasan, dasar, berbukti, jumlah."""
    per_opd: pd.DataFrame
    per_dimensi: pd.DataFrame
    progress: pd.DataFrame
    quick_wins: pd.DataFrame
    """opd, nama_program, status, bukti, skor."""
    evidence: dict = field(default_factory=dict)
    """berbukti, jumlah, statement (Indonesian)."""


def _scale(share: float, scale: float) -> float:
    return max(0.0, min(1.0, share)) * scale


def _items(wilayah: pd.DataFrame, item: str) -> pd.DataFrame:
    if wilayah is None or wilayah.empty:
        return pd.DataFrame(columns=["butir", "uraian", "status", "bukti"])
    return wilayah[wilayah["butir"] == item]


def _evidence_basis(with_evidence: int, total: int) -> str:
    if not total:
        return NO_DATA
    if with_evidence == total:
        return EVIDENCE
    return PARTLY if with_evidence else SELF


def score_indicator(
    indicator: dict,
    progress: pd.DataFrame,
    wilayah: pd.DataFrame,
    quick_wins: pd.DataFrame,
    semester: Semester,
    rubric: dict,
) -> dict:
    """One indicator: {skor (float 0-5), penjelasan, berbukti, jumlah} by its rubric `method` (module doc)."""
    scale = float(rubric["scale_max"])
    expected = float(rubric["semester_expected_share"][semester.code])
    method = indicator["method"]
    n = len(progress)
    reported = progress[progress["status"] != NOT_REPORTED]
    evidenced_rows, reported_rows = _filled(reported["bukti"]), len(reported)
    if method == "share_baseline":
        count = _filled(progress["baseline"])
        score = _scale(count / n, scale) if n else 0.0
        text = f"{count} dari {n} program yang direncanakan tahun {semester.year} memiliki data dasar (baseline)."
        return {**_result(score, text, 0, 0), "dasar": PLAN_BASIS}  # rests on the plan, not on reported rows
    if method in ("item", "benefit_count"):
        rows = _items(wilayah, indicator["item"])
        evidenced = _filled(rows["bukti"])
        if method == "benefit_count":
            count = int((rows["status"] == "ada").sum())
            score = float(max(s for c, s in rubric["benefit_steps"] if count >= c))
            text = f"{count} bukti manfaat warga dilaporkan berstatus ada."
            return _result(score, text, evidenced, len(rows))
        if rows.empty:
            return _result(0.0, "Butir ini belum dilaporkan Tim Pelaksana.", 0, 0)
        scores = rubric["item_scores"]
        best = max(rows.to_dict("records"), key=lambda r: scores.get(r["status"], 0))
        uraian = _text(best.get("uraian"))
        status = {"ada": "ada", "proses": "dalam proses", "belum": "belum ada"}.get(best["status"], best["status"])
        text = f"Status: {status}" + (f" ({uraian})." if uraian else ".")
        return _result(float(scores.get(best["status"], 0)), text, evidenced, len(rows))
    if method == "budget_absorption":
        planned = float(progress["anggaran_rencana"].sum()) if n else 0.0
        spent = float(progress["anggaran_realisasi"].fillna(0).sum()) if n else 0.0
        share = spent / (planned * expected) if planned else 0.0
        text = (
            f"Realisasi Rp {angka(spent)} dari rencana tahun {semester.year} Rp {angka(planned)} "
            f"({persen(spent / planned if planned else 0)}); harapan sampai {semester.label}: "
            f"{persen(expected, 0)} dari rencana."
        )
        return _result(_scale(share, scale), text, evidenced_rows, reported_rows)
    if method == "program_execution":
        weights = rubric["program_status_weights"]
        values = progress["status"].map(lambda s: float(weights.get(s, 0.0))) if n else pd.Series(dtype=float)
        counts = progress["status"].value_counts().to_dict() if n else {}
        parts = ", ".join(f"{counts[c]} {STATUS_LABELS[c]}" for c in STATUS_LABELS if counts.get(c))
        text = f"{n} program direncanakan tahun {semester.year}: {parts or 'tidak ada'}."
        return _result(_scale(float(values.mean()) if n else 0.0, scale), text, evidenced_rows, reported_rows)
    if method == "indicator_achievement":
        achieved = progress["capaian_persen"].map(lambda v: 0.0 if is_missing(v) else min(1.0, v / 100 / expected))
        filled = int(progress["capaian_persen"].notna().sum()) if n else 0
        mean = float(achieved.mean()) if n else 0.0
        text = (
            f"Rata-rata capaian terhadap harapan {semester.label} {persen(mean)}; {filled} dari {n} program "
            "mengisi capaian (yang kosong dihitung 0)."
        )
        return _result(_scale(mean, scale), text, evidenced_rows, reported_rows)
    if method == "share_evidence":
        active = progress[progress["status"].isin(["berjalan", "selesai"])]
        count = _filled(active["bukti"])
        score = _scale(count / len(active), scale) if len(active) else 0.0
        text = f"{count} dari {len(active)} program berjalan/selesai menyebut bukti (tautan atau berkas)."
        return _result(score, text, count, len(active))
    if method == "quick_win_status":
        if quick_wins.empty:
            return _result(0.0, "Tidak ada quick win final dalam masterplan.", 0, 0)
        mean = float(quick_wins["skor"].mean())
        counts = quick_wins["status"].map(STATUS_LABELS).value_counts().to_dict()
        text = f"{len(quick_wins)} quick win final: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + "."
        evidenced = _filled(quick_wins["bukti"])
        return _result(mean, text, evidenced, int((quick_wins["status"] != NOT_REPORTED).sum()))
    raise ValueError(f"unknown monev indicator method {method!r} in schemas/monev_rubric.json")


def _result(score: float, text: str, with_evidence: int, total: int) -> dict:
    return {
        "skor": float(half_up(score, 2)),
        "penjelasan": text,
        "berbukti": with_evidence,
        "jumlah": total,
        "dasar": _evidence_basis(with_evidence, total),
    }


def quick_win_status(final_quick_wins: pd.DataFrame, wilayah: pd.DataFrame, rubric: dict) -> pd.DataFrame:
    """One row per final quick win (opd, nama_program) with the status the Tim Pelaksana reported
    (`belum_dilaporkan` when none), its evidence and its score."""
    rows = _items(wilayah, "quick_win")
    reported = {program_key("", r["nama_program"])[1]: r for r in rows.to_dict("records")}
    out = []
    for qw in final_quick_wins.to_dict("records"):
        found = reported.get(program_key("", qw["nama_program"])[1], {})
        status = found.get("status", NOT_REPORTED)
        out.append(
            {
                "opd": qw["opd"],
                "nama_program": qw["nama_program"],
                "status": status,
                "bukti": _text(found.get("bukti")),
                "skor": float(rubric["quick_win_scores"].get(status, 0)),
            }
        )
    return pd.DataFrame(out, columns=["opd", "nama_program", "status", "bukti", "skor"])


def _group_scores(progress: pd.DataFrame, key: str, rubric: dict) -> pd.DataFrame:
    """Per OPD or dimension: programs, status counts, budgets, absorption and execution score (0-5)."""
    weights = rubric["program_status_weights"]
    scale = float(rubric["scale_max"])
    rows = []
    for name, group in progress.groupby(key, sort=True):
        planned = float(group["anggaran_rencana"].sum())
        spent = float(group["anggaran_realisasi"].fillna(0).sum())
        execution = float(group["status"].map(lambda s: float(weights.get(s, 0.0))).mean())
        row = {key: name, "program": len(group)}
        row.update({code: int((group["status"] == code).sum()) for code in STATUS_LABELS})
        row.update(
            {
                "anggaran_rencana": planned,
                "anggaran_realisasi": spent,
                "serapan": spent / planned if planned else None,
                "skor_pelaksanaan": float(half_up(execution * scale, 2)),
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def score_monev(
    progress: pd.DataFrame,
    wilayah: pd.DataFrame,
    final_quick_wins: pd.DataFrame,
    weights: dict[str, float],
    semester: Semester,
    rubric: dict,
) -> MonevScore:
    """Score a semester: every indicator, the five areas, the index, per OPD and per dimension (module doc)."""
    quick_wins = quick_win_status(final_quick_wins, wilayah, rubric)
    indicators, areas = [], []
    for area in rubric["areas"]:
        scored = []
        for indicator in area["indicators"]:
            result = score_indicator(indicator, progress, wilayah, quick_wins, semester, rubric)
            scored.append((float(indicator["weight"]), result["skor"]))
            indicators.append(
                {
                    "area": area["code"],
                    "kode": indicator["code"],
                    "indikator": indicator["label"],
                    "bobot": float(indicator["weight"]),
                    **result,
                }
            )
        total_weight = sum(w for w, _ in scored)
        area_score = sum(w * s for w, s in scored) / total_weight if total_weight else 0.0
        weight = float(weights[area["code"]])
        areas.append(
            {
                "area": area["code"],
                "label": area["label"],
                "bobot": weight,
                "skor": float(half_up(area_score, 2)),
                "nilai": float(half_up(area_score * weight / 100, 2)),
            }
        )
    index = half_up(sum(a["skor"] * a["bobot"] for a in areas) / 100, 2)
    indicator_frame = pd.DataFrame(indicators)
    per_opd = _group_scores(progress, "opd", rubric)
    if not per_opd.empty:
        per_opd["tertinggal"] = per_opd["skor_pelaksanaan"] < float(rubric["behind_threshold"])
    return MonevScore(
        semester=str(semester),
        indeks=index,
        areas=pd.DataFrame(areas),
        indicators=indicator_frame,
        per_opd=per_opd,
        per_dimensi=_group_scores(progress, "dimensi", rubric),
        progress=progress,
        quick_wins=quick_wins,
        evidence=evidence_statement(indicator_frame),
    )


def evidence_statement(indicators: pd.DataFrame) -> dict:
    """How much of the score rests on evidence: reported rows with evidence, reported rows in all (what was not
    reported scores 0 and is no self-assessment), and the sentence the report prints (Indonesian)."""
    with_evidence, total = int(indicators["berbukti"].sum()), int(indicators["jumlah"].sum())
    self_assessed = total - with_evidence
    fully = indicators.loc[indicators["dasar"] == EVIDENCE, "indikator"].tolist()
    statement = (
        f"Dari {total} baris data yang dilaporkan dan menjadi dasar penilaian, {with_evidence} menyebut bukti (tautan atau nama "
        f"berkas) dan {self_assessed} merupakan penilaian mandiri OPD/Tim Pelaksana yang perlu diverifikasi melalui "
        "wawancara dan cek lapangan."
    )
    if fully:
        statement += " Indikator yang seluruhnya berbukti: " + "; ".join(fully) + "."
    return {"berbukti": with_evidence, "jumlah": total, "penilaian_mandiri": self_assessed, "pernyataan": statement}


def trend(history: pd.DataFrame, score: MonevScore) -> pd.DataFrame:
    """semester, indeks and one column per area, oldest first: the earlier published semesters (`history`,
    same columns; a semester equal to or after the current one is ignored) followed by the current one."""
    current = {"semester": score.semester, "indeks": float(score.indeks)}
    current.update({row["area"]: row["skor"] for row in score.areas.to_dict("records")})
    earlier = history[history["semester"].map(lambda s: Semester.parse(s) < Semester.parse(score.semester))]
    frame = pd.concat([earlier, pd.DataFrame([current])], ignore_index=True)
    frame["_order"] = frame["semester"].map(Semester.parse)
    return frame.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def next_steps(score: MonevScore, limit: int = 8) -> list[str]:
    """What to fix next semester (Indonesian sentences): the weakest indicators first, then the OPD behind and
    the quick wins not yet started; derived from the figures only."""
    steps = []
    weak = score.indicators[score.indicators["skor"] < 3.0].sort_values(["skor", "area"])
    for row in weak.to_dict("records"):
        steps.append(f"{row['indikator']} (skor {angka(row['skor'], 2)}): {row['penjelasan']}")
    behind = score.per_opd[score.per_opd["tertinggal"]] if not score.per_opd.empty else score.per_opd
    if len(behind):
        names = ", ".join(behind["opd"].tolist())
        steps.append(f"Dampingi OPD yang tertinggal pelaksanaan programnya: {names}.")
    waiting = score.quick_wins[score.quick_wins["status"].isin(["belum_mulai", NOT_REPORTED])]
    if len(waiting):
        steps.append("Mulai atau laporkan quick win: " + "; ".join(waiting["nama_program"].tolist()) + ".")
    self_assessed = score.indicators[score.indicators["dasar"] == SELF]
    if len(self_assessed):
        steps.append("Lengkapi bukti dukung untuk: " + "; ".join(self_assessed["indikator"].tolist()) + ".")
    return steps[:limit]


# ----------------------------------------------------------------------------------------------- perlu klarifikasi

CLARIFY = "perlu klarifikasi"
"""How the report and the letters mark a figure two reports disagree on, or a status that went backwards."""
CLARIFICATION_COLUMNS = ("opd", "nama_program", "jenis", "keterangan")
"""One row per point to clarify: the OPD asked (empty for the Tim Pelaksana's own items), the program (or item),
the kind (`CONTRADICTION` or `BACKWARDS`) and the Indonesian sentence the report and the letter print."""
CONTRADICTION, BACKWARDS = "laporan berbeda", "status mundur"
STATUS_RANK = {"belum_mulai": 0, "berjalan": 1, "selesai": 2}
"""Progress order of a program or quick win: a later semester of the same plan never ranks lower."""


@dataclass
class PreviousSemester:
    """What the semester before the current one published (its latest run): the quick-win statuses, the plan vs
    realisation rows and the indicators (monev/quick_win.csv, rencana_realisasi.csv, indikator.csv)."""

    semester: str
    quick_wins: pd.DataFrame
    progress: pd.DataFrame
    indicators: pd.DataFrame


def _label(status: object) -> str:
    return STATUS_LABELS.get(str(status), str(status))


def _went_back(before: object, now: object) -> bool:
    return str(before) in STATUS_RANK and str(now) in STATUS_RANK and STATUS_RANK[str(now)] < STATUS_RANK[str(before)]


def clarifications(score: MonevScore, previous: PreviousSemester | None, rubric: dict) -> pd.DataFrame:
    """Every point of the semester that needs clarification (`CLARIFICATION_COLUMNS`), in this order:

    1. a final quick win whose status in the Tim Pelaksana's report differs from the owning OPD's realisation row
       for the same program (both reported): "berjalan" against "belum mulai, Rp 0" cannot both be true;
    2. a quick win whose status went backwards since the previous semester (selesai -> berjalan/belum mulai, ...);
    3. a program of the same year whose OPD-reported status went backwards since the previous semester (a new year
       starts a new yearly plan, so only the same year is compared);
    4. a region item of the Tim Pelaksana (SK Dewan, budget tagging, ...) that scores lower than the previous
       semester (its status went back, e.g. "ada" -> "dalam proses").
    """
    rows: list[dict] = []
    by_program = {program_key(r["opd"], r["nama_program"]): r for r in score.progress.to_dict("records")}
    for qw in score.quick_wins.to_dict("records"):
        own = by_program.get(program_key(qw["opd"], qw["nama_program"]))
        if own is None or NOT_REPORTED in (qw["status"], own["status"]) or qw["status"] == own["status"]:
            continue
        spent = own.get("anggaran_realisasi")
        money = f", realisasi Rp {angka(spent)}" if not is_missing(spent) else ""
        rows.append(
            {
                "opd": qw["opd"],
                "nama_program": qw["nama_program"],
                "jenis": CONTRADICTION,
                "keterangan": (
                    f"Tim Pelaksana melaporkan quick win ini {_label(qw['status'])}, sedangkan laporan realisasi "
                    f"{qw['opd']} menyebutnya {_label(own['status'])}{money}. Mohon dipastikan status yang benar."
                ),
            }
        )
    if previous is not None:
        earlier_qw = {program_key(r["opd"], r["nama_program"]): r for r in previous.quick_wins.to_dict("records")}
        for qw in score.quick_wins.to_dict("records"):
            before = earlier_qw.get(program_key(qw["opd"], qw["nama_program"]))
            if before is not None and _went_back(before["status"], qw["status"]):
                rows.append(
                    _backwards(qw, before["status"], previous.semester, "Menurut laporan Tim Pelaksana, quick win")
                )
        earlier = {
            (*program_key(r["opd"], r["nama_program"]), int(r["tahun"])): r
            for r in previous.progress.to_dict("records")
        }
        for row in score.progress.to_dict("records"):
            before = earlier.get((*program_key(row["opd"], row["nama_program"]), int(row["tahun"])))
            if before is not None and _went_back(before["status"], row["status"]):
                rows.append(
                    _backwards(
                        row, before["status"], previous.semester, f"Menurut laporan realisasi {row['opd']}, program"
                    )
                )
        rows += _items_backwards(score.indicators, previous, rubric)
    return pd.DataFrame(rows, columns=list(CLARIFICATION_COLUMNS))


def _backwards(row: dict, before: object, semester: str, what: str) -> dict:
    return {
        "opd": row["opd"],
        "nama_program": row["nama_program"],
        "jenis": BACKWARDS,
        "keterangan": (
            f"{what} ini berstatus {_label(before)} pada semester {semester}, tetapi {_label(row['status'])} pada "
            "semester ini. Status yang sudah dicapai tidak dapat mundur: mohon dijelaskan atau laporan diperbaiki."
        ),
    }


def _items_backwards(indicators: pd.DataFrame, previous: PreviousSemester, rubric: dict) -> list[dict]:
    """Region items (rubric method `item`) that score lower than in the previous semester."""
    items = {i["code"]: i["label"] for area in rubric["areas"] for i in area["indicators"] if i["method"] == "item"}
    statuses = {float(v): k for k, v in rubric["item_scores"].items()}
    words = {"ada": "ada", "proses": "dalam proses", "belum": "belum ada atau tidak dilaporkan"}
    earlier = {r["kode"]: float(r["skor"]) for r in previous.indicators.to_dict("records") if r.get("kode") in items}
    rows = []
    for row in indicators.to_dict("records"):
        before = earlier.get(row["kode"])
        if before is None or float(row["skor"]) >= before:
            continue
        then = words.get(statuses.get(before, ""), f"skor {angka(before, 2)}")
        now = words.get(statuses.get(float(row["skor"]), ""), f"skor {angka(row['skor'], 2)}")
        rows.append(
            {
                "opd": "",
                "nama_program": items[row["kode"]],
                "jenis": BACKWARDS,
                "keterangan": (
                    f'Butir "{items[row["kode"]]}" berstatus {then} pada semester {previous.semester}, tetapi '
                    f"{now} pada semester ini. Mohon Tim Pelaksana menjelaskan perubahan ini."
                ),
            }
        )
    return rows
