"""Invented monev realisation (Tahap V) for the sample region: two semesters of 2027, one good and one behind.

SYNTHETIC: every figure is made up from a hash of the program name; nothing is an official report. The files are
the pre-filled realisation templates `bimtek template --stage 5` writes (bimtek.workbooks.monev_xlsx), filled in as
an OPD would, so they need the final plan of a published sample store:

    uv run bimtek demo --store /tmp/demo                  # or any store holding the sample's Tahap IV run
    uv run python sample/monev.py --store /tmp/demo       # rewrites padang-pariaman/monev/<semester>/

2027-S1 (good): most programs running, budgets on track, baselines stated, every region item reported with evidence.
2027-S2 (behind): many programs not started or unreported, low absorption, few evidence links, plus two rows the
stage must reject (a program that is not in the plan; a cancellation without a reason).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bimtek.analysis.monev import plan_for_year  # noqa: E402
from bimtek.core.columns import load_spec  # noqa: E402
from bimtek.core.monev import Semester  # noqa: E402
from bimtek.core.region import load_region  # noqa: E402
from bimtek.stages.monev import PLAN_KEY, QUICK_WIN_KEY, read_plan  # noqa: E402
from bimtek.store.package import load_published_file  # noqa: E402
from bimtek.store.storage import open_location  # noqa: E402
from bimtek.workbooks.intake_template import FIRST_DATA_ROW, SHEET_TITLES  # noqa: E402
from bimtek.workbooks.monev_xlsx import realisation_templates  # noqa: E402
from bimtek.workbooks.xlsx import put, workbook_bytes  # noqa: E402

HERE = Path(__file__).resolve().parent
REGION = HERE / "padang-pariaman" / "region.yaml"
OUT = HERE / "padang-pariaman" / "monev"
GOOD, BEHIND = "2027-S1", "2027-S2"


def _roll(*parts: object) -> int:
    """A stable number 0-99 from the parts (no random state: the files are byte-identical on every run)."""
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8], 16) % 100


def _program_row(row: dict, semester: str) -> dict:
    roll = _roll(row["B"], semester)
    planned = float(row["G"] or 0)
    if semester == GOOD:
        status = "selesai" if roll < 25 else "berjalan" if roll < 90 else "belum mulai"
        share = {"selesai": 0.55, "berjalan": 0.45, "belum mulai": 0.0}[status]
        percent = {"selesai": 100, "berjalan": 40 + roll % 20, "belum mulai": 0}[status]
        evidence = f"https://data.padangpariamankab.contoh/monev/{roll:02d}" if status != "belum mulai" else None
    else:
        status = "selesai" if roll < 10 else "berjalan" if roll < 45 else "belum mulai"
        share = {"selesai": 0.9, "berjalan": 0.35, "belum mulai": 0.0}[status]
        percent = {"selesai": 100, "berjalan": 30 + roll % 25, "belum mulai": 0}[status]
        evidence = f"laporan-{roll:02d}.pdf" if status == "selesai" else None
    baseline = f"kondisi 2026: {roll % 40 + 10}" if roll < (85 if semester == GOOD else 40) and not row["E"] else None
    return {"E": row["E"] or baseline, "H": round(planned * share), "J": percent, "K": status, "M": evidence}


def _fill(data: bytes, semester: str, skip_every: int) -> bytes:
    """The OPD's template with the realisation columns filled (letters of schemas/columns/realisasi.json)."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[SHEET_TITLES["realisasi"]]
    for number in range(FIRST_DATA_ROW, sheet.max_row + 1):
        row = {c.column_letter: c.value for c in sheet[number]}
        if not row.get("B"):
            continue
        if skip_every and _roll(row["B"], "lapor") % skip_every == 0:
            for letter in "ABCDEFGN":  # an unreported program: the OPD deleted its row
                sheet[f"{letter}{number}"].value = None
            continue
        for letter, value in _program_row(row, semester).items():
            put(sheet, number, " ABCDEFGHIJKLMN".index(letter), value)
    return workbook_bytes(workbook)


def _team(data: bytes, semester: str) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[SHEET_TITLES["monev_wilayah"]]
    good = semester == GOOD
    answers = {
        "Data dasar wilayah": ("ada", "Profil data dasar 2026 diperbarui", "profil-data-2026.pdf"),
        "Regulasi smart city": ("ada", "Perbup Masterplan Smart City (fiktif)", "perbup-masterplan.pdf"),
        "SK Dewan Smart City": (
            "ada" if good else "dalam proses",
            "SK Bupati Dewan Smart City (fiktif)",
            "sk-dewan.pdf" if good else None,
        ),
        "SK Tim Pelaksana": ("ada", "SK Tim Pelaksana (fiktif)", "sk-tim.pdf"),
        "Penandaan anggaran": (
            "ada" if good else "belum ada",
            "Tagging APBD 2027",
            "tagging-apbd.xlsx" if good else None,
        ),
        "Bukti manfaat warga": (
            "ada",
            "Antrean pendaftaran RSUD turun dari 90 ke 25 menit (survei fiktif)",
            "survei-antrean.pdf" if good else None,
        ),
    }
    quick = {"good": ("selesai", "qw-{n}.pdf"), "behind": ("belum mulai", None)}["good" if good else "behind"]
    last = FIRST_DATA_ROW
    for number in range(FIRST_DATA_ROW, sheet.max_row + 1):
        item = sheet[f"A{number}"].value
        if not item:
            continue
        last = number
        if item in answers:
            status, text, evidence = answers[item]
            put(sheet, number, 2, text)
            put(sheet, number, 3, status)
            put(sheet, number, 6, evidence)
        else:
            status, evidence = quick if number % 2 or good else ("berjalan", None)
            put(sheet, number, 3, status)
            put(sheet, number, 6, evidence.format(n=number) if evidence else None)
    if good:
        for offset, text in enumerate(
            (
                "Adminduk daring di 103 nagari: 4.100 layanan (fiktif)",
                "Bank sampah digital: 12 ton sampah terpilah (fiktif)",
            ),
            start=1,
        ):
            for column, value in enumerate(
                ("Bukti manfaat warga", text, "ada", None, None, f"manfaat-{offset}.pdf", semester), start=1
            ):
                put(sheet, last + offset, column, value)
    return workbook_bytes(workbook)


def _extra_rows(data: bytes, semester: str) -> bytes:
    """Two rows the stage rejects: a program outside the plan, a cancellation without a reason."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[SHEET_TITLES["realisasi"]]
    first = [c.value for c in sheet[FIRST_DATA_ROW]]
    row = sheet.max_row + 1
    for column, value in enumerate(
        (
            first[0],
            "Program Di Luar Masterplan",
            2027,
            None,
            None,
            None,
            None,
            50000000,
            None,
            None,
            "berjalan",
            None,
            None,
            semester,
        ),
        start=1,
    ):
        put(sheet, row, column, value)
    for column, value in enumerate(
        (first[0], first[1], 2027, None, None, None, None, 0, None, None, "dibatalkan", None, None, semester), start=1
    ):
        put(sheet, row + 1, column, value)
    sheet.delete_rows(FIRST_DATA_ROW)  # the cancelled copy replaces the program's own row
    return workbook_bytes(workbook)


def generate(store: str, out: Path = OUT) -> list[Path]:
    region = load_region(REGION)
    location = open_location(store)
    roadmap = load_published_file(location, region.slug, 4, PLAN_KEY)
    quick_wins = load_published_file(location, region.slug, 4, QUICK_WIN_KEY)
    plan, final_quick_wins = read_plan(roadmap, quick_wins)
    assert load_spec("realisasi").names[13] == "semester"  # the column letters above follow the contract
    written = []
    for semester in (GOOD, BEHIND):
        folder = out / semester
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.xlsx"):
            old.unlink()
        templates = realisation_templates(region, Semester.parse(semester), plan_for_year(plan, 2027), final_quick_wins)
        for number, (name, data) in enumerate(sorted(templates.items())):
            if name.startswith("monev-wilayah"):
                data = _team(data, semester)
            else:
                data = _fill(data, semester, 0 if semester == GOOD else 4)
                if semester == BEHIND and number == 1:
                    data = _extra_rows(data, semester)
            (folder / name).write_bytes(data)
            written.append(folder / name)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="store holding the sample region's published Tahap IV")
    args = parser.parse_args()
    print(f"{len(generate(args.store))} files written to {OUT}")
