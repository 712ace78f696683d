"""The Rancangan Perbup, the commitment sheets and the workbooks as a reader sees them: PDF text in order, one-page
sheets, the Word contents field and fitted widths, print set-up of the workbooks."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from pypdf import PdfReader

from bimtek.core.region import parse_region
from bimtek.stages.deliverables import document_formats
from tests import test_tahap_4_outputs as t4

REGION = parse_region(
    {
        **t4.REGION_DATA,
        "capital": "Kota Contoh",
        "officials": {
            "head": {"name": "H. Andi Contoh, S.H."},
            "secretary": {"name": "Drs. Budi Sampel, M.Si.", "nip": "196805121990031005"},
        },
    }
)


@pytest.fixture(scope="module")
def documents():
    t4.warm_up()
    output = t4.build(None, region=REGION)
    keys = (
        "buku/rancangan-perbup.html",
        "komitmen/lembar-komitmen-dinas-kesehatan.html",
        "komitmen/lembar-komitmen-kepala-daerah.html",
    )
    return output, document_formats({k: output.files[k] for k in keys}, REGION, 4, ["pdf", "docx"])


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in reader.pages))


def test_perbup_parts_in_legal_order(documents):
    _, docs = documents
    _, text = pdf_text(docs["buku/rancangan-perbup.pdf"])
    parts = [
        "BUPATI CONTOH",
        "PROVINSI SUMATERA BARAT",
        "RANCANGAN PERATURAN BUPATI CONTOH",
        "TENTANG",
        "DENGAN RAHMAT TUHAN YANG MAHA ESA",
        "Menimbang",
        "a.",
        "bahwa",
        "Mengingat",
        "1.",
        "MEMUTUSKAN",
        "Menetapkan",
        "BAB I",
        "Pasal 1",
        "Pasal 10",
        "Ditetapkan di Kota Contoh",
        "H. ANDI CONTOH",
        "Diundangkan di Kota Contoh",
        "SEKRETARIS DAERAH",
        "DRS. BUDI SAMPEL",
        "NIP 196805121990031005",
        "BERITA DAERAH KABUPATEN CONTOH TAHUN",
        "LAMPIRAN",
        "MASTERPLAN SMART CITY KABUPATEN CONTOH",
        "bagian tidak terpisahkan",
        "BAB I PENDAHULUAN",  # the masterplan itself (Buku 2), not a list of its chapters
        "BAB VII QUICK WIN DAN RENCANA AKSI",
        "Lampiran A. Daftar program",
        "BUPATI CONTOH,",
        "H. ANDI CONTOH",
    ]
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing or out of order"
        position = found + len(part)
    assert "Daftar Isi" not in text and "disingkat OPD" not in text and ".html" not in text
    assert not re.search(r"APBD \d+,\d%;APBD", text)


def test_commitment_sheets_are_one_signable_page(documents):
    _, docs = documents
    for key in ("komitmen/lembar-komitmen-dinas-kesehatan.pdf", "komitmen/lembar-komitmen-kepala-daerah.pdf"):
        pages, text = pdf_text(docs[key])
        assert pages == 1, key
        assert "Kota Contoh," in text and "(tanda tangan dan cap)" in text and "H. ANDI CONTOH" in text
    _, opd = pdf_text(docs["komitmen/lembar-komitmen-dinas-kesehatan.pdf"])
    assert "NIP" in opd and "Mengetahui" in opd and "Rp 300.000.000" in opd
    _, head = pdf_text(docs["komitmen/lembar-komitmen-kepala-daerah.pdf"])
    assert "dipaparkan pada rapat koordinasi" not in head and "pada tahun 2027" in head


def test_missing_officials_show_a_belum_diisi_box():
    t4.warm_up()
    text = t4.build(None).files["buku/rancangan-perbup.md"].decode()
    assert "BELUM DIISI: nama Bupati Contoh" in text and "BELUM DIISI: nama dan NIP Sekretaris Daerah" in text


def test_docx_has_no_cover_for_legal_and_fitted_widths(documents):
    _, docs = documents
    xml = (
        zipfile.ZipFile(io.BytesIO(docs["komitmen/lembar-komitmen-dinas-kesehatan.docx"]))
        .read("word/document.xml")
        .decode()
    )
    grid = [
        int(w)
        for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', xml.split("Anggaran indikatif")[0].rsplit("<w:tbl>", 1)[1])
    ]
    assert len(grid) == 5 and grid[4] > grid[0] * 2  # the amount column is wider than "No"
    assert "Rp\u00a0300.000.000" in xml  # an amount never breaks after "Rp"
    assert "fldSimple" not in xml  # a one-page sheet has no contents


def test_book_docx_has_an_updating_contents_field():
    from bimtek.documents import book_docx

    html = "<h1>Bab I Pendahuluan</h1><p>x</p><h2>1.1 Latar</h2><h1>Bab II Gambaran</h1><p>y</p>"
    data = book_docx(html, title="Buku", region_name="Kab", stage_label="Tahap", synthetic=False)
    package = zipfile.ZipFile(io.BytesIO(data))
    xml = package.read("word/document.xml").decode()
    assert re.search(r'<w:fldSimple w:instr="TOC [^"]*"', xml)
    assert "Bab I Pendahuluan" in xml.split("fldSimple")[1]  # cached entries, shown before any update
    assert '<w:updateFields w:val="true"/>' in package.read("word/settings.xml").decode()


def test_workbooks_print_landscape_a4_fit_to_width_with_repeated_header():
    from bimtek.workbooks.roadmap_xlsx import roadmap_workbook

    workbook = openpyxl.load_workbook(io.BytesIO(roadmap_workbook(t4.make_roadmap(), REGION)))
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows
