"""Per-OPD feedback letters and the coordinator's submission overview, from a tiny hand-made inbox."""

from __future__ import annotations

import io

import openpyxl
import pytest

from bimtek.books.feedback import (
    FEEDBACK_COLUMNS,
    STATUS_COMPLETE,
    STATUS_FIX,
    STATUS_MISSING,
    UNKNOWN_SENDER,
    feedback_by_opd,
    overview_html,
    overview_xlsx,
    submission_overview,
)
from bimtek.core.region import parse_region
from bimtek.ingest.reader import read_table

HEADER = "OPD,Dimensi,Elemen,Nama program,Anggaran (Rp),Sumber dana,Tahun mulai,Tahun selesai\n"
INBOX = {
    "dinkes/usulan.csv": HEADER
    + "Dinkes,Smart Living,Health,Antrean daring,150000000,APBD,2025,2025\n"
    + "Dinkes,Smart People,,Ambulans desa,200000000,APBD,2025,2026\n"
    + "Dinkes,Smart Living,Health,Posyandu digital,50000000,APBD,2040,2040\n"
    + "Dinas Antah Berantah,Smart Living,Health,Klinik keliling,75000000,APBD,2025,2025\n",
    "kominfo.csv": HEADER
    + "Diskominfo,Smart Governance,Service,Satu data,100000000,APBD,2025,2026\n"
    + "Diskominfo,Smart Governance,Policy,JDIH daring,25000000,APBD,2026,2026\n",
    "lain.csv": HEADER + "Dinas Pemadam,Smart Society,Security,Damkar siaga,10000000,APBD,2025,2025\n",
    "rusak.xlsx": "ini bukan berkas excel",
    "dinas-lingkungan-hidup/usulan.xlsx": "juga bukan berkas excel",
}


@pytest.fixture(scope="module")
def region():
    return parse_region(
        {
            "slug": "contoh",
            "name": "Kabupaten Contoh",
            "province": "Sumatera Barat",
            "period": {"start": 2024, "end": 2030},
            "calendar": {"tahap-3": "2026-09-07", "tahap-4": "2026-10-12"},
            "capital": "Kota Contoh",
            "coordinator": {"office": "Dinas Komunikasi dan Informatika", "address": "Jalan Contoh 1, Kota Contoh"},
            "officials": {"team_lead": {"name": "Ir. Citra Rekaan, M.T.", "nip": "197203152000032002"}},
            "opd": [
                {"name": "Dinas Kesehatan", "aliases": ["Dinkes"]},
                {"name": "Dinas Komunikasi dan Informatika", "aliases": ["Diskominfo"]},
                {"name": "Dinas Lingkungan Hidup", "aliases": ["DLH"]},
            ],
        }
    )


@pytest.fixture(scope="module")
def validated(region):
    from bimtek.validation import build_report, validate_sheet

    results = []
    for path, text in INBOX.items():
        for sheet in read_table(path, text.encode("utf-8"), ["program"]):
            results.append(validate_sheet(sheet, region, sheet.dataset or "program"))
    return build_report(region.slug, results), results


def test_letters_go_to_the_sender_of_each_file(validated, region):
    report, results = validated
    docs = feedback_by_opd(report, results, region, stage=3)
    # lain.csv (only an unknown OPD) and rusak.xlsx (unreadable, meaningless name) have no known sender: no letter
    assert sorted(docs) == ["Dinas Kesehatan", "Dinas Lingkungan Hidup"]
    assert all(doc.listed for doc in docs.values())


def test_unknown_opd_row_lands_in_the_senders_letter_without_a_wrong_suggestion(validated, region):
    report, results = validated
    dinkes = feedback_by_opd(report, results, region, stage=3)["Dinas Kesehatan"]
    assert "Dinas Antah Berantah" in dinkes.html and "Antah Berantah" in " ".join(dinkes.rows["nilai"].dropna())
    assert "mungkin maksudnya" not in dinkes.html
    assert "Kepada Yth.<br>\nKepala Dinas Kesehatan" in dinkes.html


def test_letters_are_dated_numbered_and_signed(validated, region):
    report, results = validated
    docs = feedback_by_opd(report, results, region, stage=3)
    assert "Kota Contoh, 7 September 2026" in docs["Dinas Kesehatan"].html
    assert "005/1/Tim-SC/2026" in docs["Dinas Kesehatan"].html
    assert "005/2/Tim-SC/2026" in docs["Dinas Lingkungan Hidup"].html
    assert (
        "Ir. Citra Rekaan, M.T." in docs["Dinas Kesehatan"].html
        and "NIP 197203152000032002" in docs["Dinas Kesehatan"].html
    )
    assert "BELUM DIISI" not in docs["Dinas Kesehatan"].html and "DRAFT" not in docs["Dinas Kesehatan"].html


def test_letter_is_a_naskah_dinas_never_sent_by_an_office_to_itself(validated, region):
    report, results = validated
    docs = feedback_by_opd(report, results, region, stage=3)
    html = docs["Dinas Kesehatan"].html
    parts = (
        "PEMERINTAH KABUPATEN CONTOH",
        "DINAS KOMUNIKASI DAN INFORMATIKA",
        "Jalan Contoh 1",
        "Sifat",
        "Lampiran",
        "Perihal",
        "Tembusan",
        "Bupati Contoh (sebagai laporan)",
        "Sekretaris Daerah Kabupaten Contoh",
        "Kepala Dinas Komunikasi dan Informatika<br>selaku Ketua Tim Pelaksana",
    )
    for part in parts:
        assert part in html, part
    # when the coordinator office itself sent a faulty file it gets its list, never a letter from itself
    own_region = region.model_copy(
        update={"coordinator": region.coordinator.model_copy(update={"office": "Dinas Lingkungan Hidup"})}
    )
    own_docs = feedback_by_opd(report, results, own_region, stage=3)
    own = own_docs["Dinas Lingkungan Hidup"]
    assert own.html == "" and set(own.files()) == {"umpan-balik-dinas-lingkungan-hidup.xlsx"}
    assert "005/1/Tim-SC/2026" in own_docs["Dinas Kesehatan"].html


def test_letters_address_the_head_by_the_right_title():
    from bimtek.core.legal import head_title

    assert head_title("Sekretariat Daerah") == "Sekretaris Daerah"
    assert head_title("Inspektorat") == "Inspektur"
    assert head_title("RSUD Padang Pariaman") == "Direktur RSUD Padang Pariaman"
    assert head_title("Dinas Kesehatan") == "Kepala Dinas Kesehatan"


def test_letter_pdf_and_docx_keep_the_signature_with_its_text(validated, region):
    import re
    import zipfile

    from pypdf import PdfReader

    from bimtek.stages.deliverables import document_formats, feedback_files

    report, results = validated
    files, _ = feedback_files(report, results, region, 3)
    docs = document_formats(files, region, 3, ["pdf", "docx"])
    key = "umpan-balik/umpan-balik-dinas-kesehatan"
    assert f"{key}.pdf" in docs and f"{key}.docx" in docs
    assert "umpan-balik/ringkasan-pengiriman.pdf" not in docs
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(docs[f"{key}.pdf"])).pages]
    signing = [i for i, text in enumerate(pages) if "Ir. Citra Rekaan" in text]
    closing = [i for i, text in enumerate(pages) if "kami ucapkan terima kasih" in text]
    assert signing and signing == closing  # the signature never stands alone on a page
    assert "Halaman" not in pages[0] or "Daftar Isi" not in pages[0]
    xml = zipfile.ZipFile(io.BytesIO(docs[f"{key}.docx"])).read("word/document.xml").decode()
    assert "Tembusan" in xml and re.search(r"<w:cantSplit", xml)
    from docx import Document

    paragraphs = Document(io.BytesIO(docs[f"{key}.docx"])).paragraphs
    closing = next(i for i, p in enumerate(paragraphs) if "terima kasih" in p.text)
    signer = next(i for i, p in enumerate(paragraphs) if "Citra Rekaan" in p.text)
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[closing:signer])  # kept with the signature


def test_letter_names_rows_columns_and_report_messages(validated, region):
    report, results = validated
    doc = feedback_by_opd(report, results, region, stage=3)["Dinas Kesehatan"]
    assert "Kepala Dinas Kesehatan" in doc.html
    assert "Tahap III" in doc.html
    assert "paling lambat sebelum Bimtek Tahap IV (12 Oktober 2026)" in doc.html
    assert "dinkes/usulan.csv" in doc.html
    mine = [r for r in report.rejections if r.path == "dinkes/usulan.csv"]
    assert {r.row for r in mine} == {3, 4, 5}
    assert {r.rule for r in mine} >= {"dimension", "year_range"}
    for rejection in mine:
        assert f'rowspan="1">{rejection.row}</td>' in doc.html or f">{rejection.row}</td>" in doc.html
        assert rejection.message.replace('"', "&#34;") in doc.html
    assert list(doc.rows.columns) == list(FEEDBACK_COLUMNS)
    assert sorted(doc.rows["baris"].dropna().unique()) == [3, 4, 5]
    assert "Antrean daring" not in doc.html  # the valid row is not mentioned


def test_feedback_xlsx_lists_the_same_rows(validated, region):
    report, results = validated
    doc = feedback_by_opd(report, results, region)["Dinas Kesehatan"]
    ws = openpyxl.load_workbook(io.BytesIO(doc.xlsx)).active
    assert [c.value for c in ws[4]] == list(FEEDBACK_COLUMNS.values())
    lines = [row for row in ws.iter_rows(min_row=5, values_only=True)]
    assert len(lines) == len(doc.rows)
    assert {line[2] for line in lines} == {3, 4, 5}
    assert any(line[4] == "Smart People" and "enam dimensi" in line[5] for line in lines)
    assert set(doc.files()) == {"umpan-balik-dinas-kesehatan.html", "umpan-balik-dinas-kesehatan.xlsx"}


def test_unreadable_file_in_an_opd_folder_gets_a_plain_explanation(validated, region):
    report, results = validated
    doc = feedback_by_opd(report, results, region)["Dinas Lingkungan Hidup"]
    assert "seluruh berkas" in doc.html and "bukan berkas Excel yang utuh" in doc.html
    assert "BadZipFile" not in doc.html and "zip file" not in doc.html
    assert "sudah kami terima" not in doc.html
    assert doc.rows["baris"].isna().all()


def test_without_results_files_are_attributed_by_folder_and_name(validated, region):
    report, _ = validated
    docs = feedback_by_opd(report, None, region)
    assert sorted(docs) == ["Dinas Kesehatan", "Dinas Lingkungan Hidup"]


def test_overview_statuses(validated, region):
    report, results = validated
    overview = submission_overview(report, results, region).set_index("opd")
    assert list(overview.index[:3]) == ["Dinas Kesehatan", "Dinas Komunikasi dan Informatika", "Dinas Lingkungan Hidup"]
    assert overview.loc["Dinas Kesehatan", ["berkas", "baris", "valid", "ditolak", "status"]].tolist() == [
        1,
        4,
        1,
        3,
        STATUS_FIX,
    ]
    assert overview.loc["Dinas Komunikasi dan Informatika", ["baris", "valid", "status"]].tolist() == [
        2,
        2,
        STATUS_COMPLETE,
    ]
    assert overview.loc["Dinas Lingkungan Hidup", ["berkas", "baris", "status"]].tolist() == [1, 0, STATUS_FIX]
    assert "Dinas Antah Berantah" not in overview.index and "Dinas Pemadam" not in overview.index
    unknown = f"{UNKNOWN_SENDER} lain.csv, rusak.xlsx"
    assert overview.loc[unknown, ["berkas", "baris", "status"]].tolist() == [2, 1, STATUS_FIX]
    assert not overview.loc[unknown, "terdaftar"]
    assert overview["baris"].sum() == report.rows_total
    assert overview["berkas"].sum() == len(INBOX)  # every file counted once


def test_overview_without_opd_list_has_no_missing_status(validated):
    report, results = validated
    free = parse_region(
        {"slug": "bebas", "name": "Kota Bebas", "province": "Jawa Barat", "period": {"start": 2024, "end": 2030}}
    )
    overview = submission_overview(report, results, free)
    assert STATUS_MISSING not in set(overview["status"])
    assert "Dinkes" in set(overview["opd"])


def test_overview_renderings(validated, region):
    report, results = validated
    overview = submission_overview(report, results, region)
    html = overview_html(overview, region)
    assert "Dinas Lingkungan Hidup" in html and STATUS_FIX in html and "Kabupaten Contoh" in html
    ws = openpyxl.load_workbook(io.BytesIO(overview_xlsx(overview, region))).active
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert len(rows) == len(overview)
    assert ws["A4"].value == "OPD" and ws.freeze_panes == "A5"


def test_intake_template_records_its_opd_as_the_sender(region):
    from bimtek.validation import build_report, validate_sheet
    from bimtek.workbooks.intake_template import build_intake_workbook

    workbook = openpyxl.load_workbook(io.BytesIO(build_intake_workbook(region, 3, "Dinas Lingkungan Hidup")))
    sheet = next(ws for ws in workbook.worksheets if ws.title.lower().startswith("program"))
    header = next(r for r in range(1, 10) if any(c.value == "OPD" for c in sheet[r]))
    labels = [c.value for c in sheet[header]]
    values = {
        "OPD": "Dinkes",
        "Dimensi": "Smart Living",
        "Nama Program": "Bank sampah",
        "Anggaran (Rp)": 1000,
        "Sumber Dana": "APBD",
        "Tahun Mulai": 2040,
        "Tahun Selesai": 2040,
    }
    for position, label in enumerate(labels, start=1):
        for key, value in values.items():
            if label and label.lower().startswith(key.lower()):
                sheet.cell(header + 1, position, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    results = [
        validate_sheet(s, region, s.dataset or "program")
        for s in read_table("kiriman-dinkes.xlsx", buffer.getvalue(), ["program"])
    ]
    assert {r.sender for r in results} == {"Dinas Lingkungan Hidup"}
    docs = feedback_by_opd(build_report(region.slug, results), results, region, stage=3)
    assert list(docs) == ["Dinas Lingkungan Hidup"]  # not the row's OPD, not the OPD in the file name


def test_feedback_workbooks_print_on_a4_landscape_one_page_wide(validated, region):
    report, results = validated
    books = [
        overview_xlsx(submission_overview(report, results, region), region),
        feedback_by_opd(report, results, region)["Dinas Kesehatan"].xlsx,
    ]
    for data in books:
        ws = openpyxl.load_workbook(io.BytesIO(data)).active
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$4:$4"


def test_letter_numbers_are_unique_per_region_and_year_across_stages(tmp_path, validated, region):
    from concurrent.futures import ThreadPoolExecutor

    from bimtek.books.feedback import letter_recipients
    from bimtek.store.letter_numbers import claimed_numbers, reserve_letter_numbers
    from bimtek.store.storage import open_location

    store = open_location(tmp_path)
    report, results = validated
    recipients = letter_recipients(report, results, region)
    stage_3 = reserve_letter_numbers(store, region.slug, 2026, len(recipients), stage=3)
    stage_4 = reserve_letter_numbers(store, region.slug, 2026, len(recipients), stage=4)
    assert stage_3 == [1, 2] and stage_4 == [3, 4]  # a later stage never reuses a number
    assert reserve_letter_numbers(store, region.slug, 2027, 1, stage=1) == [1]  # a new year starts again
    docs = feedback_by_opd(report, results, region, stage=4, numbers=stage_4)
    assert "005/3/Tim-SC/2026" in docs[recipients[0]].html and "005/4/Tim-SC/2026" in docs[recipients[1]].html
    with ThreadPoolExecutor(4) as pool:  # concurrent runs get distinct numbers
        batches = list(pool.map(lambda _: reserve_letter_numbers(store, region.slug, 2026, 3, stage=4), range(4)))
    numbers = [n for batch in batches for n in batch]
    assert len(set(numbers)) == 12 and claimed_numbers(store, region.slug, 2026) == list(range(1, 17))
