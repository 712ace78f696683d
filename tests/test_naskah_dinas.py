"""The one naskah dinas form (bimtek.books.naskah_dinas): dates from the right calendar entry, tembusan never to the
addressee, monev letters with kop, nomor, sifat, perihal, date and tembusan, and the monev points that need
clarification (contradicting reports, statuses going backwards) on tiny hand-made frames."""

import datetime as dt

import pandas as pd
import pytest

from bimtek.analysis import monev as m
from bimtek.books.monev import monev_letters, status_text
from bimtek.books.naskah_dinas import Occasion, copies, letter_head
from bimtek.core.legal import head_title
from bimtek.core.monev import Semester, default_weights, load_rubric
from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.region import load_region


@pytest.fixture(scope="module")
def region():
    return load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")


def test_no_letter_sends_a_tembusan_to_its_own_addressee(region):
    addressees = [opd.name for opd in region.opd]
    assert "Sekretariat Daerah" in addressees
    for opd in addressees:
        recipient = head_title(opd)
        tembusan = copies(region, opd)
        assert not any(copy.startswith(recipient + " ") for copy in tembusan), (opd, tembusan)
        assert tembusan[0] == "Bupati Padang Pariaman (sebagai laporan)"
    assert copies(region, "Sekretariat Daerah") == ["Bupati Padang Pariaman (sebagai laporan)"]
    assert copies(region, "Dinas Kesehatan")[1] == "Sekretaris Daerah Kabupaten Padang Pariaman"


def test_letters_are_dated_from_the_calendar_entry_of_their_occasion(region):
    assert Occasion.of(3).date(region) == dt.date(2026, 9, 7)
    # monev: the semester's deadline (monev-s1 / monev-s2), never "tahap-5"
    assert Occasion.of(5, "2027-S1").date(region) == dt.date(2027, 7, 15)
    assert Occasion.of(5, "2027-S2").date(region) == dt.date(2028, 1, 15)
    # a deadline of another year does not date the letter: DRAFT, naming the calendar entry in Indonesian
    later = Occasion.of(5, "2028-S1")
    assert later.date(region) is None
    head = letter_head(region, "Dinas Kesehatan", later, sequence=4, perihal="x", lampiran="-")
    assert head["draft"] == ["tanggal batas monev Semester I 2028 pada kalender region (monev-s1)"]
    assert head["number"] == "005/4/Tim-SC/...."
    assert head["senior"] is False
    assert letter_head(region, "Sekretariat Daerah", later, sequence=1, perihal="x", lampiran="-")["senior"]


def test_a_monev_feedback_letter_is_dated_and_worded_for_its_semester(region):
    from bimtek.books.feedback import render_feedback_html

    lines = [
        {"berkas": "realisasi.xlsx", "lembar": "Realisasi", "baris": 3, "kolom": "status", "nilai": "x", "masalah": "m"}
    ]
    html = render_feedback_html("Dinas Kesehatan", lines, region, 5, sequence=7, semester="2027-S2")
    assert "DRAFT" not in html and "15 Januari 2028" in html and "005/7/Tim-SC/2028" in html
    assert "Perbaikan isian Gerakan Menuju Smart City Monev Semester II 2027" in html
    assert "laporan realisasi Semester II 2027" in html and "penyusunan Masterplan" not in html
    assert "(calendar)" not in html


PLAN = pd.DataFrame(
    [
        {
            "opd": "Dinas Lingkungan Hidup",
            "dimensi": "environment",
            "nama_program": "Bank Sampah Digital",
            "indikator": "Nasabah",
            "baseline": "14 ton",
            "target": "25 ton",
            "anggaran": 100.0,
            "tahun_mulai": 2027,
            "tahun_selesai": 2027,
        },
        {
            "opd": "Dinas Kesehatan",
            "dimensi": "living",
            "nama_program": "Telemedisin",
            "indikator": "Konsultasi",
            "baseline": "10",
            "target": "20",
            "anggaran": 100.0,
            "tahun_mulai": 2027,
            "tahun_selesai": 2027,
        },
    ]
)
QUICK_WINS = pd.DataFrame(
    [
        {"opd": "Dinas Lingkungan Hidup", "nama_program": "Bank Sampah Digital"},
        {"opd": "Dinas Kesehatan", "nama_program": "Telemedisin"},
    ]
)


def _real(bank_sampah: str, telemedisin: str) -> pd.DataFrame:
    row = {"tahun": 2027, "baseline": None, "capaian_indikator": None, "capaian_persen": None, "alasan": None}
    return pd.DataFrame(
        [
            {
                **row,
                "opd": "Dinas Lingkungan Hidup",
                "nama_program": "Bank Sampah Digital",
                "status": bank_sampah,
                "anggaran_realisasi": 0.0,
                "bukti": None,
            },
            {
                **row,
                "opd": "Dinas Kesehatan",
                "nama_program": "Telemedisin",
                "status": telemedisin,
                "anggaran_realisasi": 90.0,
                "bukti": "a.pdf",
            },
        ]
    )


def _wilayah(bank_sampah: str, telemedisin: str, sk_dewan: str) -> pd.DataFrame:
    base = {"uraian": None, "bukti": None}
    return pd.DataFrame(
        [
            {**base, "butir": "sk_dewan", "status": sk_dewan, "nama_program": None},
            {**base, "butir": "quick_win", "status": bank_sampah, "nama_program": "Bank Sampah Digital"},
            {**base, "butir": "quick_win", "status": telemedisin, "nama_program": "Telemedisin"},
        ]
    )


def _score(semester: str, real: pd.DataFrame, wilayah: pd.DataFrame) -> m.MonevScore:
    progress = m.plan_vs_realisation(m.plan_for_year(m.plan_from_roadmap(PLAN), 2027), real)
    return m.score_monev(progress, wilayah, QUICK_WINS, default_weights(), Semester.parse(semester), load_rubric())


def _previous(score: m.MonevScore) -> m.PreviousSemester:
    return m.PreviousSemester(score.semester, score.quick_wins, score.progress, score.indicators)


def test_contradicting_reports_and_statuses_going_backwards_need_clarification():
    rubric = load_rubric()
    s1 = _score("2027-S1", _real("selesai", "selesai"), _wilayah("selesai", "selesai", "ada"))
    assert m.clarifications(s1, None, rubric).empty  # both reports agree, no earlier semester
    # S2: the Tim says Bank Sampah "berjalan", DLH's own row says "belum mulai, Rp 0"; Telemedisin went from
    # selesai to berjalan in both reports; the SK Dewan went from "ada" to "dalam proses"
    s2 = _score("2027-S2", _real("belum_mulai", "berjalan"), _wilayah("berjalan", "berjalan", "proses"))
    found = m.clarifications(s2, _previous(s1), rubric)
    assert list(zip(found["opd"], found["nama_program"], found["jenis"])) == [
        ("Dinas Lingkungan Hidup", "Bank Sampah Digital", m.CONTRADICTION),
        ("Dinas Lingkungan Hidup", "Bank Sampah Digital", m.BACKWARDS),  # quick win: selesai -> berjalan (Tim)
        ("Dinas Kesehatan", "Telemedisin", m.BACKWARDS),  # quick win: selesai -> berjalan
        ("Dinas Lingkungan Hidup", "Bank Sampah Digital", m.BACKWARDS),  # program: selesai -> belum mulai (OPD)
        ("Dinas Kesehatan", "Telemedisin", m.BACKWARDS),  # program: selesai -> berjalan
        ("", "SK Dewan Smart City", m.BACKWARDS),
    ]
    text = found["keterangan"].tolist()
    assert "berjalan" in text[0] and "belum mulai, realisasi Rp 0" in text[0]
    assert text[3].startswith("Menurut laporan realisasi Dinas Lingkungan Hidup, program ini berstatus selesai")
    assert "selesai pada semester 2027-S1, tetapi belum mulai pada semester ini" in text[3]
    assert text[1].startswith("Menurut laporan Tim Pelaksana, quick win ini berstatus selesai")
    assert "ada pada semester 2027-S1, tetapi dalam proses" in text[5]
    # a status that moves forward is no point to clarify
    s3 = _score("2027-S2", _real("selesai", "selesai"), _wilayah("selesai", "selesai", "ada"))
    assert m.clarifications(s3, _previous(s1), rubric).empty


def test_monev_letters_are_naskah_dinas_and_carry_the_points_to_clarify(region):
    rubric = load_rubric()
    s1 = _score("2027-S1", _real("selesai", "selesai"), _wilayah("selesai", "selesai", "ada"))
    s2 = _score("2027-S2", _real("belum_mulai", "selesai"), _wilayah("berjalan", "selesai", "ada"))
    clarify = m.clarifications(s2, _previous(s1), rubric)
    # Telemedisin is neither behind nor in question: no letter; DLH is both
    files = monev_letters(region, Semester.parse("2027-S2"), s2, 2.5, clarify, numbers=[41])
    assert list(files) == ["surat-dinas-lingkungan-hidup.html"]
    html = files["surat-dinas-lingkungan-hidup.html"].decode()
    for part in (
        "PEMERINTAH KABUPATEN PADANG PARIAMAN",
        "BADAN PERENCANAAN, PENELITIAN DAN PENGEMBANGAN DAERAH",
        "Parit Malintang, 15 Januari 2028",
        "005/41/Tim-SC/2028",
        "<td>Sifat</td><td>:</td><td>Biasa</td>",
        "Hasil monitoring dan evaluasi Masterplan Smart City Semester II 2027",
        "Kepada Yth.<br>\nKepala Dinas Lingkungan Hidup",
        "Perlu klarifikasi",
        "Bupati Padang Pariaman (sebagai laporan)",
        "Sekretaris Daerah Kabupaten Padang Pariaman",
        "NIP 197203152000032002",
    ):
        assert part in html, part
    assert "DRAFT" not in html
    # the contradiction, and the status going backwards in the Tim's report (berjalan) and in DLH's (belum mulai)
    assert html.count("<li>Bank Sampah Digital:") == 3


def test_status_text_lists_only_the_statuses_that_occur():
    assert status_text({"berjalan": 1, "belum_dilaporkan": 1, "selesai": 0}) == "1 berjalan dan 1 belum dilaporkan"
    assert status_text({"selesai": 2, "berjalan": 1, "belum_mulai": 3}) == "3 belum mulai, 1 berjalan, dan 2 selesai"


def test_a_problem_repeated_on_every_row_is_stated_once_and_the_teams_own_file_is_the_coordinators(region):
    """L18: a missing column reported on rows 2 and 3 is one line "2, 3"; L10: narasi-tim-pelaksana.xlsx is the
    coordinator office's file (its list, no letter), not "(pengirim tidak dikenali)"."""
    from bimtek.books.feedback import UNKNOWN_SENDER, feedback_by_opd, submission_overview
    from bimtek.core.model import FileReport, Rejection, ValidationReport

    missing = 'Berkas ini tidak memiliki kolom wajib "Sumber dana".'
    rejections = [
        Rejection(
            path="usulan-dinas-sosial.xlsx",
            sheet="Usulan",
            row=row,
            column="Sumber dana",
            value=None,
            rule="missing_column",
            message=missing,
        )
        for row in (2, 3)
    ]
    rejections.append(
        Rejection(
            path="narasi-tim-pelaksana.xlsx",
            sheet="Visi",
            row=2,
            column="teks",
            value=None,
            rule="required",
            message="Kolom wajib kosong.",
        )
    )
    files = [
        FileReport(path=path, sheet=sheet, status="ok", rows=2, rows_valid=0, rows_rejected=2)
        for path, sheet in (("usulan-dinas-sosial.xlsx", "Usulan"), ("narasi-tim-pelaksana.xlsx", "Visi"))
    ]
    report = ValidationReport(region=region.slug, files=files, rejections=rejections, rows_valid=0, rows_rejected=3)
    docs = feedback_by_opd(report, None, region, stage=3)
    assert docs["Dinas Sosial"].html.count(missing.replace('"', "&#34;")) == 1
    assert '<td class="baris">2, 3</td>' in docs["Dinas Sosial"].html
    office = region.coordinator.office
    assert docs[office].html == "" and len(docs[office].rows) == 1
    overview = submission_overview(report, None, region)
    assert UNKNOWN_SENDER not in set(overview["opd"]) and office in set(overview["opd"])
