"""Questions in the portal (issue 23 items 3-5, portal side): an OPD sees its held rows with both readings and
answers on its upload page; a coordinator answers for it; both are CSRF-checked and audit-logged."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from bimtek.core.questions import Option, Question
from bimtek.store.answers import load_answers
from portal.accounts import AccountStore
from portal.app import _environment
from portal.questions import Asked
from tests.test_portal import ACCOUNT, HEADER, csrf_of, login, region, store
from tests.test_portal_owners import client, link

__all__ = ["client", "region", "store"]  # fixtures reused from the portal tests

GOOD = "Dinas Kesehatan,living,health,Telemedisin Puskesmas,1500000000,APBD,2030,2031\n"
HUGE = "Dinas Kesehatan,living,health,Server Data Center,125000000000000,APBD,2030,2031\n"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def upload(client: TestClient, url: str, body: str):
    token = csrf_of(client, url)
    return client.post(url, data={"csrf": token}, files={"berkas": ("usulan.csv", body.encode(), "text/csv")})


def question_of(page: str) -> tuple[str, str]:
    form = re.search(r'action="([^"]+/jawab)".*?name="pertanyaan" value="([0-9a-f]{16})"', page, re.DOTALL)
    assert form, "no question form on the page"
    return form.group(1), form.group(2)


def test_opd_sees_both_readings_answers_and_the_row_is_no_longer_held(client, store, region, tmp_path):
    url = link(region, store, "Dinas Kesehatan")
    checked = upload(client, url, HEADER + GOOD + HUGE)
    text = squeeze(checked.text)
    assert checked.status_code == 200 and 'id="pertanyaan"' in text
    assert "Apakah Rp 125 triliun atau Rp 125 miliar?" in text and "1 belum dijawab" in text
    assert "Rp 125 triliun (sesuai tertulis)" in text and "Rp 125 juta" in text
    action, qid = question_of(checked.text)
    assert action == f"{url}/jawab"

    no_csrf = client.post(action, data={"pertanyaan": qid, "pilihan": "b"})
    assert no_csrf.status_code == 403 and load_answers(store, region.slug) == {}
    wrong = client.post(action, data={"pertanyaan": qid, "pilihan": "z", "csrf": csrf_of(client, url)})
    assert wrong.status_code == 400 and "Pilihan &#39;z&#39; tidak ada" in wrong.text and 'id="berkas"' in wrong.text

    answered = client.post(action, data={"pertanyaan": qid, "pilihan": "b", "csrf": csrf_of(client, url)})
    assert answered.status_code == 200  # followed the 303 back to the upload page
    assert load_answers(store, region.slug)[qid].answered_by == "OPD via tautan Dinas Kesehatan"
    page = squeeze(answered.text)
    assert "0 belum dijawab" in page and "Sudah dijawab: Rp 125 miliar" in page

    other = link(region, store, "Dinas Sosial")
    foreign = client.post(f"{other}/jawab", data={"pertanyaan": qid, "pilihan": "a", "csrf": csrf_of(client, other)})
    assert foreign.status_code == 404 and load_answers(store, region.slug)[qid].option == "b"

    login(client)
    status = client.get("/status/padang-pariaman/tahap-3").text
    row = re.search(r"<tr>\s*<td data-label=\"OPD\">Dinas Kesehatan</td>(.*?)</tr>", status, re.DOTALL).group(1)
    assert "lengkap" in row  # both rows count now: the answer settled the held one
    audit = squeeze(client.get("/audit").text)
    assert "OPD via tautan Dinas Kesehatan" in audit and f"{qid}: b" in audit


def test_coordinator_answers_for_the_opd_and_a_reviewer_cannot(client, store, region, tmp_path):
    upload(client, link(region, store, "Dinas Kesehatan"), HEADER + HUGE)
    login(client)
    page = client.get("/pertanyaan/padang-pariaman/tahap-3")
    assert page.status_code == 200 and "1 dari 1 pertanyaan belum dijawab" in squeeze(page.text)
    qid = re.search(r'name="pertanyaan" value="([0-9a-f]{16})"', page.text).group(1)
    token = csrf_of(client, "/pertanyaan/padang-pariaman/tahap-3")
    form = {"pertanyaan": qid, "pilihan": "a", "catatan": "dikonfirmasi lewat telepon", "csrf": token}
    done = client.post("/pertanyaan/padang-pariaman/tahap-3", data=form)
    # "as written" keeps Rp 125 triliun: now Dinas Kesehatan's total is above its pagu (region file), asked next
    assert done.status_code == 200 and "1 dari 2 pertanyaan belum dijawab" in squeeze(done.text)
    assert "melebihi pagu indikatifnya Rp 185 miliar" in squeeze(done.text)
    stored = load_answers(store, region.slug)[qid]
    assert (stored.option, stored.answered_by, stored.note) == ("a", ACCOUNT, "dikonfirmasi lewat telepon")
    assert "jawab pertanyaan untuk OPD" in client.get("/audit").text

    client.post("/keluar", data={"csrf": token})
    AccountStore(tmp_path / "portal.sqlite3").create(
        "tutor", "peninjau", "sandi-peninjau-panjang", ("padang-pariaman",)
    )
    login(client, "tutor", "sandi-peninjau-panjang")
    reviewer = client.get("/pertanyaan/padang-pariaman/tahap-3")
    assert reviewer.status_code == 200 and "Jawab untuk OPD" not in reviewer.text
    form["csrf"] = csrf_of(client, "/pertanyaan/padang-pariaman/tahap-3")
    assert client.post("/pertanyaan/padang-pariaman/tahap-3", data=form).status_code == 403


def test_reading_receipt_renders_from_the_agreed_shape():
    receipt = {
        "file": "dinas-kesehatan/usulan.xlsx",
        "sheet": "Usulan",
        "header_row": 4,
        "unit": {"value": "Rp 000", "source": "judul kolom 'Anggaran (Rp 000)'"},
        "left_out": [{"row": 9, "reason": "baris tersembunyi"}, {"row": 12, "reason": "Keterangan: batal"}],
        "version": {"counts": True, "replaced": ["dinas-kesehatan/usulan-lama.xlsx"]},
        "questions": ["0123456789abcdef"],
        "totals_by_opd": {"Dinas Kesehatan": 1_250_000_000},
    }
    question = Question(
        "0123456789abcdef", "unit", "padang-pariaman", "tahap-3", "Dinas Kesehatan", receipt["file"], "Usulan",
        (5, 6), "Satuan dari catatan <b>'ribu'</b> atau judul '(Rp)'?",
        (Option("a", "Rp 1,25 miliar"), Option("b", "Rp 1,25 triliun")),
    )  # fmt: skip
    html = (
        _environment()
        .get_template("_bacaan.html.j2")
        .render(receipts=[receipt], asked=[Asked(question, None)], token="t", csrf="c")
    )
    text = squeeze(html)
    assert "Tanda terima pembacaan" in text and "Rp 000 (dari judul kolom &#39;Anggaran (Rp 000)&#39;)" in text
    assert "baris tersembunyi" in text and "Keterangan: batal" in text and "Rp 1,25 miliar" in text
    assert "menggantikan dinas-kesehatan/usulan-lama.xlsx" in text and "baris 5, 6" in text
    assert "<b>" not in html and "&lt;b&gt;" in html  # what a person typed is escaped
