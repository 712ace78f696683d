"""Data shapes passed between the pipeline steps (the contracts every stage shares).

Flow of one stage: inputs location -> `Sheet` per readable table (raw text, canonical headers)
-> validation -> `SheetResult` (typed valid rows + `Rejection`s) -> `ValidationReport` (report.json)
-> aggregation / roadmap / books -> packaged run in the store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

SENDER_PROPERTY = "bimtek_opd"
"""Custom document property in which an intake workbook records the OPD it was made for (Excel and LibreOffice
keep it when the OPD saves the file)."""
ROW_COLUMN = "_row"
"""Spreadsheet row number as the OPD sees it (1-based, header row counted)."""
PATH_COLUMN = "_path"
"""Input file path relative to the inputs location (POSIX separators)."""
SHEET_COLUMN = "_sheet"
"""Sheet name for .xlsx files, empty string for CSV/JSON."""

FILE_STATUSES = ("ok", "partial", "rejected", "unreadable", "empty")
"""Every status a file can have in validation/report.json (FileReport.status)."""


@dataclass
class Sheet:
    """One table read from one input file (a CSV, a JSON file, or one sheet of a workbook).

    `frame` has the canonical column names of the dataset that were found, every cell as raw text (str) or None,
    plus ROW_COLUMN. Columns the contract does not know are kept under their original header in `extra`.
    """

    path: str
    sheet: str
    frame: pd.DataFrame
    dataset: str = ""
    """Name of the column contract (schemas/columns/<dataset>.json) whose header matched."""
    header_row: int | None = None
    original_headers: dict[str, str] = field(default_factory=dict)
    """canonical name -> header text as written in the file."""
    extra: pd.DataFrame | None = None
    status: str = "ok"
    """"ok" when rows were read; "unreadable" or "empty" otherwise (then `message` says why, in Indonesian)."""
    message: str = ""
    sender: str | None = None
    """The OPD an intake workbook of `bimtek template` was made for (its SENDER_PROPERTY), None otherwise."""
    units: dict[str, int] = field(default_factory=dict)
    """canonical money column -> factor stated outside the cells ("Anggaran (Rp juta)": 1 000 000), applied by
    validation to the parsed numbers; absent = Rupiah as written."""
    notes: list[str] = field(default_factory=list)
    """Indonesian remarks on how the table was read (sheets skipped, totals/example rows left out, units applied):
    they reject nothing, and go to the report's notes."""
    decisions: list = field(default_factory=list)
    """`bimtek.core.decisions.Decision`s: each choice of the reader that changed a figure, with its evidence."""
    questions: list = field(default_factory=list)
    """`bimtek.core.questions.Question`s the reader could not decide; their rows are in `held`."""
    held: dict[int, str] = field(default_factory=dict)
    """Row number -> id of the question that holds it: validation moves these rows out of the valid rows
    (`Rejection.rule` HELD_RULE), so no published figure carries them until the question is answered."""


@dataclass
class Rejection:
    path: str
    sheet: str
    row: int | None
    column: str | None
    rule: str
    value: str | None
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class FileReport:
    path: str
    sheet: str
    status: str
    rows: int
    rows_valid: int
    rows_rejected: int
    message: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ValidationReport:
    """The validation/report.json contract. rows_total == rows_valid + rows_rejected."""

    region: str
    files: list[FileReport]
    rejections: list[Rejection]
    rows_total: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    notes: list[str] = field(default_factory=list)
    superseded: list[dict] = field(default_factory=list)
    """Files (per dataset) replaced by a newer version of the same submission (bimtek.books.feedback.versions):
    path, dataset, opd, diganti_oleh, baris, pilihan_koordinator. Their rows are in no other count."""
    questions: list[dict] = field(default_factory=list)
    """The reader's questions (`bimtek.core.questions.question_status` form: the question, `status`
    terbuka/dijawab, `answer`); the rows an open one holds are HELD_RULE rejections."""
    receipts: list[dict] = field(default_factory=list)
    """One reading receipt per file (`bimtek.validation.receipts`)."""

    def to_dict(self) -> dict:
        data = {
            "region": self.region,
            "rows_total": self.rows_total,
            "rows_valid": self.rows_valid,
            "rows_rejected": self.rows_rejected,
            "files": [f.to_dict() for f in self.files],
            "rejections": [r.to_dict() for r in self.rejections],
        }
        if self.notes:
            data["notes"] = list(self.notes)
        if self.superseded:
            data["superseded"] = [dict(item) for item in self.superseded]
        if self.questions:
            data["questions"] = [dict(item) for item in self.questions]
        if self.receipts:
            data["receipts"] = [dict(item) for item in self.receipts]
        return data


PROGRAM_COLUMNS = {
    "opd": "str: canonical OPD name (the region's spelling when the region lists OPD)",
    "dimensi": "str: dimension code from schemas/taxonomy.json (governance, branding, economy, living, society, environment)",
    "elemen": "str or NA: element code of that dimension",
    "nama_program": "str: stripped program name",
    "deskripsi": "str or NA",
    "anggaran": "float64: Rupiah, >= 0 (the sum of the year figures when the OPD left the total blank)",
    "sumber_dana": "str: canonical funding source label (APBD, APBD Provinsi, APBN, DAK, CSR, Swasta, Hibah, Lainnya)",
    "tahun_mulai": "int64",
    "tahun_selesai": "int64",
    "quick_win": "bool: the OPD proposes it as a quick win (blank = False)",
    "sasaran": "str or NA",
    "indikator": "str or NA",
    "target": "str or NA: the indicator's target value (e.g. '90% permohonan selesai dalam 1 hari')",
    "alasan_quick_win_opd": "str or NA: the OPD's own justification when it proposes the program as a quick win",
    "dampak": "Int64 (nullable) 1-5",
    "kesiapan": "Int64 (nullable) 1-5",
    "rujukan": "str or NA: RPJMD/Renstra reference the program is mapped to (Tahap II; optional)",
    "opd_pendukung": "str or NA: the OPD that support the owner, as written (optional)",
    "baseline": "str or NA: the indicator's value before the program (kondisi awal; optional)",
    "kode_sub_kegiatan": "str or NA: the SIPD sub kegiatan code (bimtek.core.nomenclature.parse_code spelling), NA when "
    "the OPD gave none (optional; a code not valid for the region is rejected)",
    "anggaran_tahunan": "str or NA: the budget per year as the OPD stated it ('2027=1500000000;2028=0'; "
    "bimtek.core.year_budget), NA when it gave only a total",
}
"""Typed columns of a valid program row (plus PATH_COLUMN, SHEET_COLUMN, ROW_COLUMN), as validation returns them."""
