"""Rows keep their owner (issue 23 item 6): a blank OPD cell takes the sender's name; a letter never asks one OPD
to fix another's row. Tiny hand-made inboxes."""

from __future__ import annotations

from dataclasses import replace

from bimtek.books.feedback import feedback_by_opd
from bimtek.core.region import parse_region
from bimtek.ingest.reader import read_table
from bimtek.validation import build_report, validate_sheet

HEADER = "OPD,Dimensi,Elemen,Nama program,Anggaran (Rp),Sumber dana,Tahun mulai,Tahun selesai\n"
REGION = parse_region(
    {
        "slug": "contoh",
        "name": "Kabupaten Contoh",
        "province": "Sumatera Barat",
        "period": {"start": 2024, "end": 2030},
        "opd": [
            {"name": "Dinas Kesehatan", "aliases": ["Dinkes"]},
            {"name": "Dinas Kependudukan dan Pencatatan Sipil", "aliases": ["Disdukcapil"]},
            {"name": "Dinas Sosial", "aliases": ["Dinsos"]},
        ],
    }
)


def validated(path: str, text: str, sender: str | None = None):
    sheets = read_table(path, text.encode("utf-8"), ["program"])
    return [validate_sheet(replace(sheet, sender=sender or sheet.sender), REGION, "program") for sheet in sheets]


def test_a_blank_opd_cell_takes_the_sender_from_the_link_folder_or_the_template():
    rows = ",Smart Society,Community,Bansos daring,150000000,APBD,2025,2025\n"
    (by_folder,) = validated("dinas-sosial/usulan.csv", HEADER + rows + rows.replace("Bansos", "Data terpadu"))
    assert by_folder.valid["opd"].tolist() == ["Dinas Sosial", "Dinas Sosial"] and by_folder.rejections == []
    assert any('kolom OPD kosong pada 2 baris; diisi "Dinas Sosial"' in note for note in by_folder.notes)
    (by_template,) = validated("usulan.csv", HEADER + rows, sender="Dinkes")
    assert by_template.valid["opd"].tolist() == ["Dinas Kesehatan"]
    (nobody,) = validated("usulan.csv", HEADER + rows)
    assert nobody.valid.empty and nobody.rejections[0].column == "OPD"  # no sender: still asked to fill it
    typed = "Dinas Kesehatan,Smart Living,Health,Antrean,150000000,APBD,2025,2025\n"
    (kept,) = validated("dinas-sosial/usulan.csv", HEADER + typed)
    assert kept.valid["opd"].tolist() == ["Dinas Kesehatan"]  # a written OPD is never overwritten


def test_a_mixed_file_asks_each_opd_about_its_own_rows_only():
    text = (
        HEADER
        + "Disdukcapil,Smart Governance,Service,Adminduk daring,150000000,APBD,2025,2025\n"
        + "Disdukcapil,Smart Governance,Service,KTP digital,150000000,APBD,2025,2025\n"
        + "Disdukcapil,Smart Governance,Service,Antrean online,150000000,APBD,2025,2025\n"
        + "Dinkes,Smart Living,Health,Pendaftaran Online Puskesmas,150000000,Pinjaman,2025,2025\n"
        + "Dinas Antah Berantah,Smart Living,Health,Klinik keliling,75000000,APBD,2025,2025\n"
    )
    results = validated("rencana-aksi-quick-win.csv", text)
    docs = feedback_by_opd(build_report(REGION.slug, results), results, REGION, stage=3)
    # the file's majority sender (Disdukcapil) wrote no faulty row: it is asked nothing; the row naming an OPD the
    # region does not list, in a file of several OPD, goes to no OPD's letter
    assert "Dinas Kependudukan dan Pencatatan Sipil" not in docs
    assert all("Antah Berantah" not in doc.html for doc in docs.values())
    dinkes = docs["Dinas Kesehatan"]
    assert dinkes.rows["baris"].tolist() == [5] and "Pinjaman" in " ".join(dinkes.rows["nilai"].dropna())


def test_a_team_workbook_in_an_opd_folder_counts_for_nobody():
    from bimtek.books.feedback.versions import settle_submissions
    from bimtek.core.columns import datasets_for_stage
    from bimtek.core.paths import SAMPLE_DIR

    data = (SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3" / "narasi-tim-pelaksana.xlsx").read_bytes()
    sheets = read_table("dinas-sosial/narasi.xlsx", data, datasets_for_stage(3))
    results = [validate_sheet(sheet, REGION, sheet.dataset or "program") for sheet in sheets]
    assert sum(len(r.valid) for r in results) > 0
    settled = settle_submissions(results, REGION)
    assert sum(len(r.valid) for r in settled.results) == 0
    rules = {rejection.rule for r in settled.results for rejection in r.rejections}
    assert "team_dataset" in rules
    message = next(x.message for r in settled.results for x in r.rejections if x.rule == "team_dataset")
    assert "milik Tim Pelaksana Smart City" in message and '"Dinas Sosial"' in message
