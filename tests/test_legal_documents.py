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
        "coordinator": {"office": "Dinas Komunikasi dan Informatika"},
        "legal": {
            "formation_law": "Undang-Undang Nomor 99 Tahun 1956 tentang Pembentukan Kabupaten Contoh (Lembaran "
            "Negara Republik Indonesia Tahun 1956 Nomor 99)",
            "rpjmd": "Peraturan Daerah Kabupaten Contoh Nomor 1 Tahun 2025 tentang Rencana Pembangunan Jangka "
            "Menengah Daerah Tahun 2025–2029 (Lembaran Daerah Kabupaten Contoh Tahun 2025 Nomor 1)",
        },
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
        "KELEMBAGAAN",
        "Dewan Smart City",
        "Tim Pelaksana",
        "PELAKSANAAN",
        "PENDANAAN",
        "PEMANTAUAN, EVALUASI, DAN PELAPORAN",
        "KETENTUAN PENUTUP",
        "Pasal 11",
        "Ditetapkan di Kota Contoh",
        "ANDI CONTOH",
        "Diundangkan di Kota Contoh",
        "SEKRETARIS DAERAH",
        "BUDI SAMPEL",
        "BERITA DAERAH KABUPATEN CONTOH TAHUN",
        "LAMPIRAN",
        "MASTERPLAN SMART CITY KABUPATEN CONTOH",
        "BAB I PENDAHULUAN",  # the masterplan itself (Buku 2), not a list of its chapters
        "BAB VII QUICK WIN DAN RENCANA AKSI",
        "Lampiran A. Daftar program",
        "BUPATI CONTOH,",
        "ANDI CONTOH",
    ]
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing or out of order"
        position = found + len(part)
    assert "Daftar Isi" not in text and text.count("Perangkat Daerah adalah") == 1 and ".html" not in text
    # signature blocks: names without titles, honorifics, rank or NIP (Permendagri 80/2015)
    assert "H. ANDI" not in text and "S.H." not in text and "DRS." not in text and "NIP" not in text
    assert not re.search(r"APBD \d+,\d%;APBD", text)


def test_commitment_sheets_are_one_signable_page(documents):
    _, docs = documents
    for key in ("komitmen/lembar-komitmen-dinas-kesehatan.pdf", "komitmen/lembar-komitmen-kepala-daerah.pdf"):
        pages, text = pdf_text(docs[key])
        assert pages == 1, key
        assert "Kota Contoh," in text and "(tanda tangan dan cap)" in text and "H. Andi Contoh, S.H." in text
        assert "DRAFT" not in text and "H. ANDI" not in text  # names as written, honorifics kept
    _, opd = pdf_text(docs["komitmen/lembar-komitmen-dinas-kesehatan.pdf"])
    assert "NIP" in opd and "Mengetahui" in opd and "Rp 300.000.000" in opd
    _, head = pdf_text(docs["komitmen/lembar-komitmen-kepala-daerah.pdf"])
    assert "dipaparkan pada rapat koordinasi" not in head and "pada tahun 2027" in head


def test_missing_legal_text_marks_the_perbup_draft_and_the_run_lists_it():
    t4.warm_up()
    output = t4.build(None)
    text = output.files["buku/rancangan-perbup.md"].decode()
    assert text.startswith("> **DRAFT")  # first, or right after the synthetic-data banner
    assert "nama Bupati Contoh" in text.split("\n")[0] and "undang-undang pembentukan" in text.split("\n")[0]
    assert 'class="draft-watermark"' in output.files["buku/rancangan-perbup.html"].decode()
    assert "Undang-Undang Nomor .................... Tahun .................... tentang Pembentukan" in text
    assert "belum diisi" not in text.lower()
    missing = " ".join(output.draft_summary())
    assert "officials.head" in missing and "legal.formation_law" in missing and "capital" in missing
    assert any(note.startswith("Bertanda DRAFT: Rancangan Peraturan Bupati") for note in output.notes)


def test_complete_region_file_leaves_only_the_masterplan_gaps_and_each_is_listed(documents):
    """The region file is complete (no region-file gap), but the hand-made run has no Tahap III narrative, a review
    with chapters under revision and programs without baseline or target: the Perbup is DRAFT and its banner names
    each of those gaps; the run lists each with who fills it and where. (The clean case: test_legal_rules.)"""
    output, _ = documents
    text = re.sub(r"\\(.)", r"\1", output.files["buku/rancangan-perbup.md"].decode())
    perbup = [g for g in output.legal_gaps if g.document.startswith("Rancangan")]
    region_keys = {"capital", "officials.head", "officials.secretary", "legal.formation_law", "legal.rpjmd"}
    assert perbup and not [g for g in perbup if g.where in region_keys]
    banner = text.split("\n\n")[0]
    assert banner.startswith("> **DRAFT") and "Gambaran umum daerah" in banner and "(status: revisi)" in banner
    assert "baseline atau target 5 program dari 5 Perangkat Daerah" in banner
    assert 'class="draft-watermark"' in output.files["buku/rancangan-perbup.html"].decode()
    listed = output.draft_summary()
    assert any(line.endswith("diisi oleh Dinas Kesehatan)") and "baseline 1 program" in line for line in listed)
    assert not [g for g in output.legal_gaps if g.document == "Lembar komitmen"]


def test_summary_and_deck_without_visi_or_targets_are_draft_and_the_run_lists_every_document(documents):
    """The hand-made run has no Tahap III narrative and a final quick win without target: the executive summary
    and the rakor deck (PDF and PowerPoint) say DRAFT and what is missing; the outcome lists those gaps beside the
    Perbup's and the commitment sheets' (here: none, the region file is complete)."""
    output, docs = documents
    summary = output.files["buku/ringkasan-eksekutif.md"].decode()
    assert "> **DRAFT" in summary and "visi; misi; strategi per dimensi" in summary
    assert "target quick win Aplikasi Bank Sampah Digital Warga" in summary
    assert 'class="draft-watermark"' in output.files["buku/ringkasan-eksekutif.html"].decode()
    deck = output.files["rakor/paket-rakor.md"].decode()
    assert "DRAFT — belum tersedia: visi; misi" in deck.replace("\\", "")
    with zipfile.ZipFile(io.BytesIO(output.files["rakor/paket-rakor.pptx"])) as pptx:
        assert "DRAFT — belum tersedia: visi; misi" in pptx.read("ppt/slides/slide1.xml").decode()
    listed = output.draft_summary()
    assert (
        "Ringkasan eksekutif dan paket rakor: visi belum ada (isi: narasi Tim Pelaksana Tahap III, bagian visi; "
        "diisi oleh Tim Pelaksana)" in listed
    )
    assert any("target quick win Aplikasi Bank Sampah Digital Warga belum ada" in line for line in listed)
    assert any(note.startswith("Bertanda DRAFT: Ringkasan eksekutif dan paket rakor: misi") for note in output.notes)


def test_commitment_sheet_gaps_reach_the_run_outcome():
    output = t4.build(None)
    listed = output.draft_summary()
    assert any(
        line.startswith("Lembar komitmen: nama Bupati Contoh belum ada (isi: officials.head;") for line in listed
    )
    assert any(line.startswith("Rancangan Peraturan Bupati:") for line in listed)


def test_mengingat_cites_lembaran_negara_numbers(documents):
    output, _ = documents
    text = re.sub(r"\\(.)", r"\1", output.files["buku/rancangan-perbup.md"].decode())
    assert (
        "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah (Lembaran Negara Republik Indonesia Tahun "
        "2014 Nomor 244, Tambahan Lembaran Negara Republik Indonesia Nomor 5587) sebagaimana telah beberapa kali "
        "diubah terakhir dengan Undang-Undang Nomor 6 Tahun 2023" in text
    )
    assert "Undang-Undang Nomor 99 Tahun 1956 tentang Pembentukan Kabupaten Contoh (Lembaran Negara" in text
    mengingat = text.split("Mengingat")[1].split("MEMUTUSKAN")[0]
    items = re.findall(r"\| (\d+)\. \| ([^|]+)\|", mengingat)
    assert [int(n) for n, _ in items] == list(range(1, len(items) + 1)) and len(items) >= 9
    assert all("Lembaran Negara Republik Indonesia Tahun" in body for _, body in items[:-1])
    assert "Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi" in mengingat
    assert "Peraturan Pemerintah Nomor 71 Tahun 2019" in mengingat
    assert "Peraturan Daerah Kabupaten Contoh Nomor 1 Tahun 2025" in mengingat  # the RPJMD Perda, last


def test_ketentuan_umum_defines_every_abbreviation_it_uses(documents):
    output, _ = documents
    text = output.files["buku/rancangan-perbup.md"].decode().split("| | LAMPIRAN |")[0]
    for short in ("APBD", "APBN", "DAK", "CSR", "KPBU", "RPJMD"):
        assert f"disingkat {short}" in text, short
    assert "Perangkat Daerah adalah" in text and "OPD" not in text.split("#### Pasal 1", 1)[1]
    assert "Tim Pelaksana Smart City yang selanjutnya disebut Tim Pelaksana" in text
    assert "diketuai oleh Kepala Dinas Komunikasi dan Informatika" in text


def test_articles_write_counts_and_amounts_in_words_and_keep_the_funding_rule(documents):
    """Lampiran II UU 12/2011: counts and amounts in figures and words; the per-dimension and per-source amounts
    are in the Lampiran, the Pendanaan article keeps the categories of the one funding vocabulary."""
    from bimtek.core.legal import FUNDING_ARTICLE, rupiah_kata

    output, _ = documents
    text = re.sub(r"\\(.)", r"\1", output.files["buku/rancangan-perbup.md"].decode())
    pasal = text.split("#### Pasal 3")[1].split("#### Pasal 4")[0]
    total = sum(p[4] for p in t4.PROGRAMS)
    assert (
        f"memuat 5 (lima) program dari 5 (lima) Perangkat Daerah dengan total anggaran indikatif {rupiah_kata(total)}"
        in pasal
    )
    assert "Smart Living sebanyak 2 (dua) program" in pasal and "Rp " not in pasal
    quick_wins = text.split("#### Pasal 4")[1].split("#### Pasal 5")[0]
    assert re.search(r"anggaran indikatif Rp[\d.]+,00 \([a-z ]+ rupiah\)", quick_wins)
    funding = text.split("#### Pasal 9")[1].split("### BAB VII")[0]
    assert [c for c, _ in FUNDING_ARTICLE if c in funding] == [c for c, _ in FUNDING_ARTICLE]
    assert "Rp" not in funding and "tercantum dalam Lampiran" in funding


def test_annex_is_the_plan_without_workshop_text(documents):
    from bimtek.core.legal import process_artefacts

    output, _ = documents
    annex = output.files["buku/rancangan-perbup.md"].decode().split("| | LAMPIRAN |", 1)[1]
    assert "BAB I PENDAHULUAN" in annex and "Lampiran A. Daftar program" in annex
    assert process_artefacts(annex) == []
    assert "> **Belum" not in annex and "<!--" not in annex


def test_signature_names_drop_titles_and_honorifics():
    from bimtek.core.legal import signature_name

    assert signature_name("H. Andi Contoh, S.H., M.M.") == "ANDI CONTOH"
    assert signature_name("dr. Rina Sehat, Sp.A") == "RINA SEHAT"
    assert signature_name("Prof. Dr. Ir. Hj. Sri Contoh, M.Sc.") == "SRI CONTOH"
    assert signature_name("Budi") == "BUDI"


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


def test_book_docx_contents_have_page_numbers_word_and_libreoffice_compute():
    from bimtek.documents import book_docx

    html = "<h1>Bab I Pendahuluan</h1><p>x</p><h2>1.1 Latar</h2><h1>Bab II Gambaran</h1><p>y</p>"
    data = book_docx(html, title="Buku", region_name="Kab", stage_label="Tahap", synthetic=False)
    package = zipfile.ZipFile(io.BytesIO(data))
    xml = package.read("word/document.xml").decode()
    contents = xml.split("Daftar Isi")[1]
    assert contents.index("Bab I Pendahuluan") < contents.index("1.1 Latar") < contents.index("Bab II Gambaran")
    # each entry's page number is a PAGEREF to a bookmark on its heading (LibreOffice computes these)
    refs = re.findall(r"PAGEREF (_TocBimtek\d+) \\h", xml)
    marks = re.findall(r'<w:bookmarkStart w:id="\d+" w:name="(_TocBimtek\d+)"/>', xml)
    assert refs == marks == ["_TocBimtek0", "_TocBimtek1", "_TocBimtek2"]
    assert '<w:updateFields w:val="true"/>' in package.read("word/settings.xml").decode()


def test_workbooks_print_landscape_a4_fit_to_width_with_repeated_header():
    from bimtek.workbooks.roadmap_xlsx import roadmap_workbook

    workbook = openpyxl.load_workbook(io.BytesIO(roadmap_workbook(t4.make_roadmap(), REGION)))
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows


def test_pdf_fonts_are_the_bundled_files_and_no_other_file_is_read(tmp_path):
    from bimtek.documents import book_pdf
    from bimtek.documents.pdf import FONTS_DIR, font_faces_css, run_image_fetcher

    urls = set(re.findall(r'url\("([^"]+)"\)', font_faces_css()))
    assert urls and all(url.startswith(FONTS_DIR.as_uri()) for url in urls)
    assert (FONTS_DIR / "LICENSE").is_file() and len(list(FONTS_DIR.glob("*.ttf"))) == 10
    secret = tmp_path / "rahasia.ttf"
    secret.write_bytes(b"x")
    fetcher = run_image_fetcher()
    html = (
        f'<style>@font-face {{ font-family: X; src: url("{secret.as_uri()}"); }}</style><p style="font-family: X">a</p>'
    )
    data = book_pdf(html, title="T", region_name="R", stage_label="S", synthetic=False, fetcher=fetcher)
    assert any(url == secret.as_uri() for url in fetcher.refused)
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in PdfReader(io.BytesIO(data)).pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    # "Times New Roman" and "Arial" are no fonts of this machine: the bundled Liberation files serve them
    assert fonts & {"Times-New-Roman", "Arial"}, fonts


def test_buku_2_dasar_hukum_and_perbup_mengingat_come_from_one_list():
    from bimtek.books.buku_2 import legal_basis
    from bimtek.core.legal import mengingat

    cited = mengingat(None, None)
    assert len(legal_basis()) == len(cited) >= 8
    for short, full in zip(legal_basis(), cited):
        assert full.startswith(short.removesuffix(" beserta perubahannya") + " (Lembaran Negara Republik Indonesia")
