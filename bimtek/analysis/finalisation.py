"""Tahap IV figures: final quick wins, commitment status, chapters under revision (pure pandas, no I/O).

Inputs are the Tahap III roadmap (`roadmap/roadmap.csv`, read back with `read_roadmap`) and the valid rows of the
Tahap IV datasets (`komitmen`, `review`, `quick_win_final`, typed by bimtek.validation.stage_4_rules).

Final quick wins (`final_quick_wins`)
    When the `quick_win_final` file has valid rows (each already checked against the roadmap by the
    `quick_win_unknown` rule), those programs in file order; otherwise the best `count` candidates of the roadmap
    by `peringkat_quick_win`. `QuickWinChoice.source` says which (SOURCE_FILE / SOURCE_RANKING).

Commitment status (`commitment_status`)
    One row per OPD that appears in the valid commitment rows or owns a roadmap program: status "ditandatangani",
    "belum", or "tidak tercatat" (owns programs but has no valid commitment row). An OPD listed twice keeps its
    first row (path, sheet, row order). Rows follow the region's OPD list, then other names alphabetically.
    `unsigned_opd` keeps the OPD that have not signed: status "belum" (whether or not they own programs) or
    "tidak tercatat".

Chapters under revision (`chapters_under_revision`): the valid review rows with status "revisi", by chapter number
(chapters without a number last, in file order).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from bimtek.analysis.roadmap import PLAN_COLUMNS, ROADMAP_COLUMNS
from bimtek.core.model import PATH_COLUMN, ROW_COLUMN, SHEET_COLUMN
from bimtek.core.text import fold_text, program_key
from bimtek.core.values import is_missing
from bimtek.core.vocabularies import APPROVED, REVISION, SIGNED, UNSIGNED, int_to_roman
from bimtek.core.year_budget import YEARLY_COLUMN

NOT_RECORDED = "tidak tercatat"
"""Status of an OPD that owns roadmap programs but has no valid commitment row."""
SOURCE_FILE = "berkas"
SOURCE_RANKING = "peringkat"

STATUS_COLUMNS = ["opd", "status", "pejabat", "jabatan", "tanggal", "program", "anggaran"]
UNSIGNED_COLUMNS = ["opd", "status", "pejabat", "program", "anggaran", "keterangan"]
REVISION_COLUMNS = ["nomor", "bab", "judul", "catatan", "keterangan"]
CHAPTER_STATUS_COLUMNS = ["nomor", "bab", "judul", "status", "catatan"]
NOT_REVIEWED = "belum direviu"
REJECTED_ROW = "baris reviu ditolak"
NOT_IN_BOOK = "bab ini tidak ada dalam Buku 2"
FINAL_COLUMNS = [
    "urutan",
    "opd",
    "nama_program",
    "dimensi",
    "dimensi_label",
    "elemen_label",
    *PLAN_COLUMNS,
    "skor",
    "peringkat_quick_win",
    "quick_win_candidate",
    "alasan_quick_win",
    "sumber_pilihan",
    "opd_pendukung",
    "baseline",
]
"""Columns of quick_win/quick_win_final.csv (`sumber_pilihan`: SOURCE_FILE or SOURCE_RANKING)."""

_BOOL_COLUMNS = [
    "quick_win_usulan",
    "kriteria_satu_tahun",
    "kriteria_jangka_pendek",
    "kriteria_dirasakan_warga",
    "kriteria_layanan_ada",
    "quick_win_candidate",
    "quick_win_dimensi",
    "quick_win_terpilih",
]


class RoadmapError(ValueError):
    """A published roadmap.csv that lacks columns of bimtek.analysis.roadmap.ROADMAP_COLUMNS."""


def read_roadmap(data: bytes) -> pd.DataFrame:
    """roadmap/roadmap.csv bytes -> the frame build_roadmap() returned (same columns and the usual dtypes)."""
    if not data.strip():
        raise RoadmapError("roadmap.csv Tahap III kosong")
    frame = pd.read_csv(
        io.BytesIO(data),
        dtype={"opd": str, "nama_program": str, "kode_sub_kegiatan": str},
        keep_default_na=False,
        na_values=[""],
    )  # only a blank cell is missing: an OPD or program may be called "NA"
    if YEARLY_COLUMN not in frame.columns:  # a roadmap published before the OPD could state years
        frame[YEARLY_COLUMN] = pd.NA
    if "kode_sub_kegiatan" not in frame.columns:  # a roadmap published before programs carried SIPD codes
        frame["kode_sub_kegiatan"] = pd.NA
    missing = [c for c in ROADMAP_COLUMNS if c not in frame.columns]
    if missing:
        raise RoadmapError(f"roadmap.csv Tahap III tidak lengkap: kolom {', '.join(missing)} tidak ada")
    for name in _BOOL_COLUMNS:
        frame[name] = frame[name].map(lambda v: str(v).strip().lower() in ("true", "1")).astype(bool)
    for name in ("dampak", "kesiapan", "peringkat_quick_win"):
        frame[name] = frame[name].astype("Float64").astype("Int64")
    frame["anggaran"] = frame["anggaran"].astype(float)
    for name in ("tahun_mulai", "tahun_selesai", "peringkat", ROW_COLUMN):
        frame[name] = frame[name].astype("int64")
    for name in ("opd", "nama_program", PATH_COLUMN, SHEET_COLUMN):
        frame[name] = frame[name].fillna("").astype(str)
    return frame[ROADMAP_COLUMNS]


# ----------------------------------------------------------------------------------------------- quick wins


@dataclass
class QuickWinChoice:
    frame: pd.DataFrame
    """FINAL_COLUMNS, one row per final quick win in order."""
    source: str
    """SOURCE_FILE or SOURCE_RANKING."""
    file_rows: int
    """Valid rows of the quick_win_final file (0 when it was not given or every row was rejected)."""


def final_quick_wins(roadmap: pd.DataFrame, chosen: pd.DataFrame | None, count: int) -> QuickWinChoice:
    """The final quick wins: the valid `chosen` rows (quick_win_final) when there are any, else the top `count`
    candidates by peringkat_quick_win. `chosen` rows that match no roadmap program are skipped (the
    quick_win_unknown rule rejects them before this step)."""
    chosen = chosen if chosen is not None else pd.DataFrame(columns=["opd", "nama_program"])
    keyed = roadmap.assign(_key=[program_key(o, p) for o, p in zip(roadmap["opd"], roadmap["nama_program"])])
    picks: list[pd.Series] = []
    seen: set[tuple[str, str]] = set()
    for opd, name in zip(chosen["opd"], chosen["nama_program"]):
        key = program_key(opd, name)
        match = keyed[keyed["_key"] == key]
        if key in seen or match.empty:
            continue
        seen.add(key)
        picks.append(match.iloc[0])
    if picks:
        frame, source = pd.DataFrame(picks), SOURCE_FILE
    else:
        candidates = roadmap[roadmap["quick_win_candidate"]].sort_values("peringkat_quick_win", kind="mergesort")
        frame, source = candidates.head(count), SOURCE_RANKING
    frame = frame.reset_index(drop=True).assign(urutan=range(1, len(frame) + 1), sumber_pilihan=source)
    frame = frame.reindex(columns=FINAL_COLUMNS)
    frame["urutan"] = frame["urutan"].astype("int64")
    return QuickWinChoice(frame=frame, source=source, file_rows=len(chosen))


# ----------------------------------------------------------------------------------------------- commitments


def opd_order(names: list[str], region_opd: list[str]) -> list[str]:
    """Region list order first, then the other names alphabetically (case-insensitive)."""
    listed = [n for n in region_opd if n in names]
    others = sorted((n for n in set(names) if n not in region_opd), key=lambda s: (s.casefold(), s))
    return listed + others


def program_owners(roadmap: pd.DataFrame) -> pd.DataFrame:
    """Per OPD of the roadmap: `program` (count) and `anggaran` (total), indexed by OPD name."""
    grouped = roadmap.groupby("opd", sort=True)
    return pd.DataFrame(
        {
            "program": grouped.size().astype("int64"),
            "anggaran": grouped["anggaran"].sum().astype(float),
        }
    )


def commitment_status(
    roadmap: pd.DataFrame, komitmen: pd.DataFrame, region_opd: list[str] | None = None
) -> pd.DataFrame:
    """STATUS_COLUMNS: every OPD with a valid commitment row or a roadmap program (module doc)."""
    owners = program_owners(roadmap)
    first = (
        komitmen.sort_values([PATH_COLUMN, SHEET_COLUMN, ROW_COLUMN], kind="mergesort")
        if PATH_COLUMN in komitmen.columns
        else komitmen
    )
    first = first.drop_duplicates("opd", keep="first").set_index("opd")
    names = opd_order([*first.index, *owners.index], list(region_opd or []))
    rows = []
    for opd in names:
        signed_row = first.loc[opd] if opd in first.index else None
        rows.append(
            {
                "opd": opd,
                "status": signed_row["status"] if signed_row is not None else NOT_RECORDED,
                "pejabat": signed_row["nama_pejabat"] if signed_row is not None else None,
                "jabatan": signed_row["jabatan"] if signed_row is not None else None,
                "tanggal": signed_row["tanggal"] if signed_row is not None else None,
                "program": int(owners.at[opd, "program"]) if opd in owners.index else 0,
                "anggaran": float(owners.at[opd, "anggaran"]) if opd in owners.index else 0.0,
            }
        )
    frame = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    return frame.astype({"program": "int64", "anggaran": "float64"})


def unsigned_opd(status: pd.DataFrame) -> pd.DataFrame:
    """UNSIGNED_COLUMNS: the OPD of `commitment_status` that have not signed, in the same order."""
    notes = {
        UNSIGNED: "lembar komitmen belum ditandatangani",
        NOT_RECORDED: "memiliki program dalam roadmap tetapi tidak tercatat dalam lembar komitmen",
    }
    frame = status[status["status"].isin([UNSIGNED, NOT_RECORDED])].copy()
    frame["keterangan"] = frame["status"].map(notes)
    return frame.reindex(columns=UNSIGNED_COLUMNS).reset_index(drop=True)


def signed_count(status: pd.DataFrame) -> int:
    return int((status["status"] == SIGNED).sum())


# ----------------------------------------------------------------------------------------------- review


def chapter_label(number: float | int | None, written: object) -> str:
    """ "Bab III" for a numbered chapter, else the text as written."""
    if number is not None and not is_missing(number):
        return f"Bab {int_to_roman(int(number))}"
    return str(written)


def _chapter_numbers(review: pd.DataFrame, chapters: list[dict] | None) -> list[int | None]:
    """The chapter number of every review row: as written ("Bab III", "3"), else the book chapter whose title the
    row names ("Penutup" -> 13 when `chapters`, the book's own {number, title} list, has it), else None."""
    titles = {fold_text(c["title"]): int(c["number"]) for c in chapters or []}
    out: list[int | None] = []
    for number, title in zip(review["bab_nomor"], review["bab_judul"]):
        if number is not None and not is_missing(number):
            out.append(int(number))
        else:
            out.append(titles.get(fold_text(title)) if isinstance(title, str) else None)
    return out


def chapters_under_revision(review: pd.DataFrame, chapters: list[dict] | None = None) -> pd.DataFrame:
    """REVISION_COLUMNS: review rows with status revisi, by chapter number (unnumbered last, in file order).

    `chapters`: the reviewed book's chapters ({number, title}, bimtek.stages.tahap_4.review.book_chapters). With
    them, `bab` is "Bab IV" and `judul` the BOOK's title of that chapter (a row naming only a title is matched to
    it); a row naming a chapter the book does not have keeps what was written, with `keterangan` NOT_IN_BOOK.
    Without them, `judul` is the title part as written.
    """
    frame = review[review["status"] == REVISION].copy()
    if PATH_COLUMN in frame.columns:
        frame = frame.sort_values([PATH_COLUMN, SHEET_COLUMN, ROW_COLUMN], kind="mergesort")
    frame["_nomor"] = pd.array(_chapter_numbers(frame, chapters), dtype="Int64")
    frame = frame.sort_values("_nomor", kind="mergesort", na_position="last")
    book = {int(c["number"]): c["title"] for c in chapters or []}
    labels = [chapter_label(n, w) for n, w in zip(frame["_nomor"], frame["bab"])]
    titles, notes = [], []
    for number, written, label in zip(frame["_nomor"], frame["bab_judul"], labels):
        known = number is not None and not is_missing(number) and int(number) in book
        if chapters is not None and known:
            titles.append(book[int(number)])
        else:
            titles.append(None if written == label else written)
        notes.append(NOT_IN_BOOK if chapters is not None and not known else None)
    out = pd.DataFrame(
        {
            "nomor": frame["_nomor"],
            "bab": labels,
            "judul": titles,
            "catatan": frame["catatan"].astype("object"),
            "keterangan": notes,
        }
    )
    return out.reset_index(drop=True).reindex(columns=REVISION_COLUMNS)


def chapter_status(review: pd.DataFrame, chapters: list[dict], rejected: list[dict] | None = None) -> pd.DataFrame:
    """CHAPTER_STATUS_COLUMNS: every chapter of the book once, in book order, with its review verdict.

    The last valid row naming a chapter decides (status disetujui / revisi, its note); a chapter named only by a
    row that validation rejected is REJECTED_ROW with that row's message (`rejected`: {"nomor", "pesan"}); any
    other chapter is NOT_REVIEWED. Nothing a reviewer sent disappears without a trace."""
    numbers = _chapter_numbers(review, chapters)
    verdicts: dict[int, tuple[str, object]] = {}
    for number, status, note in zip(numbers, review["status"], review["catatan"]):
        if number is not None:
            verdicts[number] = (str(status), None if is_missing(note) else note)
    refused = {int(r["nomor"]): r["pesan"] for r in rejected or [] if r.get("nomor") is not None}
    rows = []
    for c in chapters:
        n = int(c["number"])
        status, note = verdicts.get(n, (REJECTED_ROW, refused[n]) if n in refused else (NOT_REVIEWED, None))
        rows.append({"nomor": n, "bab": chapter_label(n, ""), "judul": c["title"], "status": status, "catatan": note})
    return pd.DataFrame(rows, columns=CHAPTER_STATUS_COLUMNS).astype({"nomor": "int64"})


def review_summary(
    review: pd.DataFrame, chapters: list[dict] | None = None, rejected: list[dict] | None = None
) -> dict:
    """Counts of the review: `total` chapters (of the book when `chapters` is given, else reviewed rows),
    approved (disetujui), under revision (revisi), `belum` (no valid review), `ditolak` (review rows rejected by
    validation; `rejected` as chapter_status takes them) and `tidak_dikenal` (valid rows naming a chapter the book
    does not have)."""
    refused = len(rejected or [])
    if chapters is None:
        total = len(review)
        revision = int((review["status"] == REVISION).sum())
        return {"total": total, "revisi": revision, "disetujui": total - revision, "belum": 0, "ditolak": refused}
    status = chapter_status(review, chapters, rejected)
    numbers = {int(c["number"]) for c in chapters}
    unknown = sum(1 for n in _chapter_numbers(review, chapters) if n is None or n not in numbers)
    return {
        "total": len(chapters),
        "disetujui": int((status["status"] == APPROVED).sum()),
        "revisi": int((status["status"] == REVISION).sum()),
        "belum": int((status["status"] == NOT_REVIEWED).sum()),
        "ditolak": refused,
        "tidak_dikenal": unknown,
    }
