"""The masterplan in the shape the APBD reads it: Renstra rows per Perangkat Daerah, and the programs with no code.

`renstra_rows` groups the roadmap programs that carry a kode sub kegiatan (validated in Tahap II/III against the
region's nomenclature) per OPD into program -> kegiatan -> sub kegiatan rows, the hierarchy of the Renstra table
of programs, activities and funding (Permendagri 86/2017, Lampiran, Tabel T-C.27). A sub kegiatan row sums the
masterplan programs coded with it; a kegiatan or program row sums its children. Names, indikator and satuan come
from the nomenclature (blank where the version does not state them: the workbook shows "belum diisi"); a sub
kegiatan row without a nomenclature indikator shows the masterplan programs' own indikator, marked as such. Pagu
per year: as the OPD stated it, else its total spread evenly (bimtek.analysis.aggregate.year_columns).
Per-year targets are not collected by bimtek: only the end-of-period target the OPD wrote is carried.

`uncoded_programs` lists the programs without a code, each with its ranked code suggestions
(bimtek.core.nomenclature.suggest_codes), never applied: the OPD confirms one or proposes a new sub kegiatan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from bimtek.analysis.aggregate import year_columns
from bimtek.core.nomenclature import (
    Nomenclature,
    region_government,
    suggest_codes,
    suggestion_text,
)
from bimtek.core.values import is_missing

CODE_COLUMN = "kode_sub_kegiatan"
LEVEL_PARTS = {"program": 3, "kegiatan": 5, "sub_kegiatan": 6}


@dataclass
class RenstraRow:
    opd: str
    level: str
    kode: str
    uraian: str
    indikator: str = ""
    indikator_dari_nomenklatur: bool = True
    satuan: str = ""
    baseline: str = ""
    target_akhir: str = ""
    pagu: dict[int, float] = field(default_factory=dict)
    programs: list[str] = field(default_factory=list)
    sumber: str = ""
    program_indikator: list[str] = field(default_factory=list)
    program_baseline: list[str] = field(default_factory=list)
    program_target: list[str] = field(default_factory=list)

    @property
    def pagu_total(self) -> float:
        return float(sum(self.pagu.values()))


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value).strip()


def coded(roadmap: pd.DataFrame) -> pd.DataFrame:
    """Roadmap rows with a code (the column may be absent in a roadmap published before codes existed)."""
    if CODE_COLUMN not in roadmap.columns:
        return roadmap.iloc[0:0]
    return roadmap[roadmap[CODE_COLUMN].map(lambda v: bool(_text(v)))]


def uncoded(roadmap: pd.DataFrame) -> pd.DataFrame:
    if CODE_COLUMN not in roadmap.columns:
        return roadmap
    return roadmap[~roadmap[CODE_COLUMN].map(lambda v: bool(_text(v)))]


def renstra_rows(roadmap: pd.DataFrame, nomenclature: Nomenclature | None, period) -> list[RenstraRow]:
    """Program, kegiatan and sub kegiatan rows per OPD (OPD in name order, codes ascending; module doc)."""
    programs = coded(roadmap)
    if programs.empty:
        return []
    years = year_columns(programs, period)
    year_list = [int(c.split("_")[1]) for c in years.columns if c.startswith("anggaran_")]
    rows: list[RenstraRow] = []
    for opd in sorted(programs["opd"].unique()):
        own = programs[programs["opd"] == opd]
        by_code: dict[str, RenstraRow] = {}
        for index, program in own.iterrows():
            sub = _text(program[CODE_COLUMN])
            for level, parts in LEVEL_PARTS.items():
                code = ".".join(sub.split(".")[:parts])
                row = by_code.get(code)
                if row is None:
                    entry = nomenclature.get(code) if nomenclature else None
                    row = by_code[code] = RenstraRow(
                        opd=opd,
                        level=level,
                        kode=code,
                        uraian=entry.nama if entry else "",
                        indikator=entry.indikator if entry else "",
                        satuan=entry.satuan if entry else "",
                        sumber=nomenclature.source_text(entry) if entry and nomenclature else "",
                    )
                for year in year_list:
                    amount = years.at[index, f"anggaran_{year}"]
                    if not is_missing(amount):
                        row.pagu[year] = row.pagu.get(year, 0.0) + float(amount)
                if level == "sub_kegiatan":
                    row.programs.append(_text(program["nama_program"]))
                    for name, value in (
                        ("program_indikator", program.get("indikator")),
                        ("program_baseline", program.get("baseline")),
                        ("program_target", program.get("target")),
                    ):
                        text = _text(value)
                        if text and text not in getattr(row, name):
                            getattr(row, name).append(text)
        for row in by_code.values():
            if row.level == "sub_kegiatan":
                if not row.indikator and row.program_indikator:
                    row.indikator, row.indikator_dari_nomenklatur = "; ".join(row.program_indikator), False
                row.baseline = "; ".join(row.program_baseline)
                row.target_akhir = "; ".join(row.program_target)
        rows.extend(by_code[code] for code in sorted(by_code))
    return rows


UNCODED_COLUMNS = [
    "opd",
    "urusan_opd",
    "nama_program",
    "deskripsi",
    "dimensi_label",
    "indikator",
    "target",
    "anggaran",
    "tahun_mulai",
    "tahun_selesai",
    "kode_disarankan",
]


def uncoded_programs(roadmap: pd.DataFrame, region, nomenclature: Nomenclature | None) -> pd.DataFrame:
    """Programs with no code, with the urusan their OPD holds and the ranked suggested codes (module doc)."""
    rows = uncoded(roadmap)
    if rows.empty:
        return pd.DataFrame(columns=UNCODED_COLUMNS)
    held = {opd.name: list(opd.urusan) for opd in region.opd}
    government = region_government(region.kind)
    records = []
    for _, program in rows.sort_values(["opd", "nama_program"], kind="mergesort").iterrows():
        urusan = held.get(program["opd"], [])
        suggestions = (
            suggest_codes(program["nama_program"], program.get("deskripsi"), nomenclature, government, urusan)
            if nomenclature
            else []
        )
        records.append(
            {
                "opd": program["opd"],
                "urusan_opd": ", ".join(urusan),
                "nama_program": program["nama_program"],
                "deskripsi": _text(program.get("deskripsi")),
                "dimensi_label": _text(program.get("dimensi_label")),
                "indikator": _text(program.get("indikator")),
                "target": _text(program.get("target")),
                "anggaran": float(program["anggaran"]),
                "tahun_mulai": int(program["tahun_mulai"]),
                "tahun_selesai": int(program["tahun_selesai"]),
                "kode_disarankan": suggestion_text(suggestions),
            }
        )
    return pd.DataFrame(records, columns=UNCODED_COLUMNS)
