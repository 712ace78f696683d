"""Input limits while reading: per-table width and rows, and the stage-wide row budget.

`LimitExceeded` carries the Indonesian message naming the limit; `read_table` turns it into one "unreadable"
Sheet. The limits themselves live in `bimtek.core.settings.Settings`.
"""

from __future__ import annotations

from bimtek.core.formatting import angka
from bimtek.core.settings import Settings


class LimitExceeded(Exception):
    """A file goes over one of the input limits; the message (Indonesian) names the limit."""


def stage_budget_message(rows_left: int, budget: int) -> str:
    """Why a file was refused by the stage-wide row budget (`max_stage_rows`), in the words the OPD reads."""
    return (
        f"Batas baris satu tahap terlampaui: berkas ini berisi lebih banyak baris data daripada sisa batas tahap ini "
        f"({angka(max(rows_left, 0))} dari {angka(budget)} baris, BIMTEK_MAX_STAGE_ROWS). Berkas tidak diperiksa; "
        "kirim ulang dalam tahap terpisah atau kurangi barisnya."
    )


class RowCount:
    """Data rows of one file counted as they are read, against what the stage budget still admits."""

    def __init__(self, rows_left: int | None, budget: int):
        self.left, self.budget, self.rows = rows_left, budget, 0

    def add(self) -> None:
        """One more data row; raises LimitExceeded (stage-budget message) when the file holds more than is left."""
        self.rows += 1
        if self.left is not None and self.rows > self.left:
            raise LimitExceeded(stage_budget_message(self.left, self.budget))


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def too_deep_message(limits: Settings) -> str:
    return (
        f"Berkas JSON bersarang terlalu dalam (lebih dari {limits.max_json_depth} tingkat). Kirim daftar objek "
        "yang datar: satu objek per baris data."
    )


def sheet_place(sheet_name: str) -> str:
    return f'Lembar "{sheet_name}" ' if sheet_name else "Berkas ini "


def check_width(width: int, limits: Settings, sheet_name: str = "") -> None:
    if width > limits.max_columns_per_sheet:
        raise LimitExceeded(
            f"{sheet_place(sheet_name)}memiliki {width} kolom, lebih dari batas {limits.max_columns_per_sheet} kolom per "
            "tabel. Hapus kolom yang tidak diperlukan."
        )
