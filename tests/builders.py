"""Builders of tiny hand-made inputs shared by several test modules (tests never import other test modules)."""

from __future__ import annotations

import pandas as pd

from bimtek.core.columns import load_spec
from bimtek.core.model import ROW_COLUMN, Sheet
from bimtek.core.region import parse_region

SAMPLE_RUN_ID = "sampel"
"""Run id of every stage in the session's shared sample store (`sample_store` in tests/conftest.py)."""

PROGRAM_SPEC = load_spec("program")
HEADERS = {c.name: c.label for c in PROGRAM_SPEC.columns}

# --- raw program sheets (validation) ---------------------------------------------------------------------------

GOOD = {
    "opd": "Dinas Kesehatan",
    "dimensi": "Smart Living",
    "elemen": "Health",
    "nama_program": "Telemedisin Puskesmas",
    "deskripsi": "Konsultasi dokter jarak jauh",
    "anggaran": "Rp 1.500.000",
    "sumber_dana": "APBD",
    "tahun_mulai": "2021",
    "tahun_selesai": "2023",
    "quick_win": "ya",
    "sasaran": "Warga nagari terpencil",
    "indikator": "Jumlah konsultasi",
    "dampak": "4",
    "kesiapan": "3",
}


def validation_region(opd: list | None = None):
    if opd is None:
        opd = [
            {"name": "Dinas Kesehatan", "aliases": ["Dinkes"]},
            {"name": "Dinas Komunikasi dan Informatika", "aliases": ["Diskominfo", "Kominfo"]},
        ]
    return parse_region(
        {
            "slug": "contoh",
            "name": "Kabupaten Contoh",
            "province": "Sumatera Barat",
            "period": {"start": 2020, "end": 2026},
            "opd": opd,
        }
    )


REGION = validation_region()


def make_sheet(
    *rows: dict, path: str = "opd/dinkes.csv", drop: tuple[str, ...] = (), extra: dict | None = None
) -> Sheet:
    """A Sheet whose rows are GOOD overridden by each dict; data rows start at spreadsheet row 2."""
    records = [{**GOOD, **row} for row in rows]
    frame = pd.DataFrame(records, dtype="object").drop(columns=list(drop))
    frame[ROW_COLUMN] = range(2, len(records) + 2)
    extra_frame = pd.DataFrame(extra, index=frame.index, dtype="object") if extra else None
    headers = {name: label for name, label in HEADERS.items() if name in frame.columns}
    return Sheet(
        path=path, sheet="", frame=frame, dataset="program", header_row=1, original_headers=headers, extra=extra_frame
    )


# --- typed program frames (analysis, books, charts) --------------------------------------------------------------

LABELS = ["Smart Governance", "Smart Branding", "Smart Economy", "Smart Living", "Smart Society", "Smart Environment"]
DEFAULTS = {
    "opd": "Diskominfo",
    "dimensi": "governance",
    "elemen": pd.NA,
    "nama_program": "Program",
    "deskripsi": pd.NA,
    "anggaran": 0.0,
    "sumber_dana": "APBD",
    "tahun_mulai": 2020,
    "tahun_selesai": 2020,
    "quick_win": False,
    "sasaran": pd.NA,
    "indikator": pd.NA,
    "dampak": pd.NA,
    "kesiapan": pd.NA,
    "anggaran_tahunan": pd.NA,
}


def make_programs(*rows: dict) -> pd.DataFrame:
    """A typed program frame (PROGRAM_COLUMNS + _path/_sheet/_row) from partial row dicts."""
    records = [{**DEFAULTS, **row, "_path": f"opd-{i}.xlsx", "_sheet": "", "_row": i + 2} for i, row in enumerate(rows)]
    frame = pd.DataFrame(records, columns=[*DEFAULTS, "_path", "_sheet", "_row"])
    return frame.astype(
        {
            "anggaran": float,
            "tahun_mulai": "int64",
            "tahun_selesai": "int64",
            "quick_win": bool,
            "dampak": "Int64",
            "kesiapan": "Int64",
            "_row": "int64",
        }
    )


def make_region(start: int = 2020, end: int = 2026, **extra):
    return parse_region(
        {
            "slug": "contoh",
            "name": "Kabupaten Contoh",
            "province": "Sumatera Barat",
            "period": {"start": start, "end": end},
            **extra,
        }
    )


STAGE_RESULT_KEYS = {
    "run_id",
    "run_url",
    "manifest_url",
    "published",
    "terkini",
    "links",
    "rows_valid",
    "rows_rejected",
}
"""What every stage flow returns."""
