"""Decisions as data: every choice the reader makes that changes a figure, as one record with its evidence.

A `Decision` says what was decided (`kind`: a row or column left out, the unit applied, the budget column read, the
Menjadi values read, the version that counts), why (`reason`, a code of `REASONS`), where (file, sheet, rows,
column) and the words in the file that decided it (`evidence`). The report, the reading receipt, the letters and
the questions render these records; none of them re-derives the choice. A choice that is not certain is a
`bimtek.core.questions.Question` instead, and its rows are held.

Plain data, no I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

DECISION_KINDS = {
    "row_left_out": "baris tidak dihitung",
    "column_left_out": "kolom tidak dibaca",
    "unit": "satuan anggaran",
    "column": "kolom anggaran yang dibaca",
    "after_values": "nilai Menjadi yang dibaca",
    "activity_rows": "program dengan baris kegiatan",
    "version": "versi berkas yang berlaku",
    "answer": "jawaban atas pertanyaan pembacaan",
}
"""Decision kind -> what the receipt calls it."""

REASONS = {
    "hidden": "disembunyikan (hidden) di lembar kerja, tidak terlihat saat dibaca",
    "struck": "dicoret (coret/strikethrough)",
    "cancelled": "berstatus batal/dihapus/tidak jadi",
    "total": "baris jumlah/subtotal (anggarannya tidak dijumlahkan dua kali)",
    "example": "baris contoh pengisian",
    "heading": "judul kelompok (dimensi/elemen)",
    "note": "catatan, bukan baris data",
    "activity": "baris kegiatan di bawah programnya (dijumlahkan ke program)",
    "activity_detail": "rincian kegiatan yang jumlahnya sama dengan anggaran programnya",
    "activity_held": "baris tanpa nama program di bawah sebuah program (lihat pertanyaan; menunggu jawaban)",
    "activity_not_counted": "baris tanpa nama program, tidak dihitung (sesuai jawaban)",
    "before": "nilai Semula (sebelum perubahan); yang dibaca nilai Menjadi",
    "subheader": "baris judul kolom kedua (Semula/Menjadi)",
    "header": "satuan ditulis di judul kolom",
    "title": "satuan ditulis di judul tabel",
    "answer": "dipilih dalam jawaban atas pertanyaan",
    "date": "tanggal pada nama berkas",
    "marker": "penanda versi pada nama berkas (v2, revisi, final)",
    "upload_time": "waktu unggah",
    "coordinator": "dipilih koordinator (versi-berlaku.txt)",
}
"""Reason code -> the Indonesian words a receipt or report uses for it (one vocabulary for every renderer)."""


@dataclass(frozen=True)
class Decision:
    """One choice of the reader. `rows` are sheet row numbers as the clerk sees them; `column` the header text or
    column letter concerned; `value` the figure chosen when there is one (a unit factor, a file name)."""

    kind: str
    reason: str
    path: str
    sheet: str = ""
    rows: tuple[int, ...] = ()
    column: str = ""
    evidence: str = ""
    value: str = ""

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["rows"] = list(self.rows)
        data["alasan"] = self.reason_text
        return data


def rows_text(rows: tuple[int, ...] | list[int], most: int = 20) -> str:
    """Row numbers as a clerk reads them: "4, 7, 9" (at most `most`, then "dan N lainnya")."""
    shown = ", ".join(str(n) for n in list(rows)[:most])
    return shown + (f" dan {len(rows) - most} lainnya" if len(rows) > most else "")
