"""E-mail to the OPD and the Tim Pelaksana (issue 26) against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import re
import textwrap

import pytest
from typer.testing import CliRunner

from bimtek.core.region import load_region
from bimtek.store.deliveries import FAILED, SENT, list_deliveries
from bimtek.store.storage import open_location
from cli.main import app
from portal.tokens import read_token
from tests.smtp_server import smtp_server  # noqa: F401 - fixture

SECRET = "uji-kunci-portal-" + "k" * 32  # pragma: allowlist secret
HEADER = (
    "opd,dimensi,elemen,nama_program,deskripsi,anggaran,sumber_dana,tahun_mulai,tahun_selesai,quick_win,sasaran,"
    "indikator,target,alasan_quick_win_opd\n"
)
REGION = """\
slug: kab-uji
name: Kabupaten Uji
province: Sumatera Barat
period: {start: 2027, end: 2036}
calendar: {tahap-3: 2030-09-07, rakor: 2030-12-08}
coordinator: {office: Bappeda}
tim_pelaksana: {email: tim@kab-uji.example}
opd:
  - {name: Dinas Kesehatan, email: dinkes@kab-uji.example}
  - {name: Dinas Pendidikan, email: disdik@kab-uji.example}
  - {name: Dinas Sosial, email: dinsos@kab-uji.example}
  - {name: Dinas Perhubungan}
  - {name: Bappeda, email: bappeda@kab-uji.example}
"""


def _row(opd: str, dimension: str = "governance") -> str:
    return (
        f"{opd},{dimension},service,Layanan Perizinan Daring,Perizinan lewat aplikasi,250000000,APBD,2030,2031,,"
        "Warga,Jumlah izin daring,naik 30%,\n"
    )


@pytest.fixture
def region_store(tmp_path, monkeypatch):
    """A five-OPD region and a store whose Tahap III inbox has a complete file (Dinas Kesehatan) and a file to fix
    (Dinas Pendidikan: an unknown dimension); Dinas Sosial, Dinas Perhubungan (no address) and Bappeda sent none."""
    region_file = tmp_path / "kab-uji.yaml"
    region_file.write_text(REGION, encoding="utf-8")
    store = tmp_path / "store"
    inbox = store / "kab-uji" / "kotak-masuk" / "tahap-3"
    (inbox / "dinas-kesehatan").mkdir(parents=True)
    (inbox / "dinas-kesehatan" / "20300801T010000Z-usulan.csv").write_text(HEADER + _row("Dinas Kesehatan"))
    (inbox / "dinas-pendidikan").mkdir(parents=True)
    (inbox / "dinas-pendidikan" / "20300801T010000Z-usulan.csv").write_text(
        HEADER + _row("Dinas Pendidikan", "Smart People")
    )
    monkeypatch.setenv("BIMTEK_PORTAL_SECRET", SECRET)
    monkeypatch.setenv("BIMTEK_STORE", str(store))
    return region_file, store


def _pengingat(region_file, *extra: str):
    return CliRunner().invoke(app, ["pengingat", "--region", str(region_file), "--stage", "3", *extra])


def _today(region_file) -> dt.date:
    from tasks.reminders import region_today

    return region_today(load_region(region_file))


def test_pengingat_sends_one_reminder_per_incomplete_opd_and_none_twice_a_day(smtp_server, region_store):  # noqa: F811
    region_file, store = region_store
    dry = _pengingat(region_file)
    assert dry.exit_code == 0, dry.output
    assert dry.output.count("=== AKAN DIKIRIM") == 2 and smtp_server.messages == []  # a dry run sends nothing
    assert "Tanpa alamat e-mail: Dinas Perhubungan" in dry.output

    first = _pengingat(region_file, "--kirim")
    assert first.exit_code == 0, first.output
    assert sorted(rcpt for rcpts in smtp_server.recipients for rcpt in rcpts) == [
        "dinsos@kab-uji.example",
        "disdik@kab-uji.example",
    ]  # not the complete OPD, not the one without an address, not the coordinator's own office
    store_location = open_location(str(store))
    for address, opd_slug in (
        ("disdik@kab-uji.example", "dinas-pendidikan"),
        ("dinsos@kab-uji.example", "dinas-sosial"),
    ):
        [message] = smtp_server.to(address)
        body = message.get_content()
        assert "7 September 2030 (Bimtek Tahap III)" in body
        [url] = re.findall(r"http://\S+/unggah/(\S+)", body)
        invite = read_token(SECRET, url, store_location, dt.datetime.now(dt.UTC))
        assert (invite.region, invite.stage, invite.opd) == ("kab-uji", 3, opd_slug)  # its own link
        assert message["From"] == "Tim Smart City <smartcity@kab.example>"
    fix = smtp_server.to("disdik@kab-uji.example")[0]
    assert "perlu diperbaiki" in fix["Subject"] and "Smart People" in fix.get_content()
    assert "belum diterima" in smtp_server.to("dinsos@kab-uji.example")[0]["Subject"]

    again = _pengingat(region_file, "--kirim")
    assert again.exit_code == 0, again.output
    assert len(smtp_server.messages) == 2  # the same day: nothing sent again
    assert "0 terkirim, 0 gagal, 2 sudah terkirim hari ini" in " ".join(again.output.split())
    records = list_deliveries(store_location, "kab-uji", _today(region_file))
    assert [(r.opd, r.status) for r in sorted(records, key=lambda r: r.opd or "")] == [
        ("Dinas Pendidikan", SENT),
        ("Dinas Sosial", SENT),
    ]


def test_a_refused_address_is_logged_failed_and_retried_by_the_next_run(smtp_server, region_store):  # noqa: F811
    region_file, store = region_store
    smtp_server.refuse.add("dinsos@kab-uji.example")
    first = _pengingat(region_file, "--kirim")
    assert first.exit_code == 1, first.output
    assert [rcpts for rcpts in smtp_server.recipients] == [["disdik@kab-uji.example"]]
    by_opd = {r.opd: r for r in list_deliveries(open_location(str(store)), "kab-uji", _today(region_file))}
    assert by_opd["Dinas Sosial"].status == FAILED and "ditolak" in (by_opd["Dinas Sosial"].galat or "")
    smtp_server.refuse.clear()
    second = _pengingat(region_file, "--kirim")
    assert second.exit_code == 0, second.output
    assert smtp_server.recipients[1:] == [["dinsos@kab-uji.example"]]  # only the failed one is tried again


def test_pengingat_without_smtp_settings_stops_with_an_indonesian_line(region_store, monkeypatch):
    from bimtek.core.settings import get_settings

    region_file, _ = region_store
    monkeypatch.delenv("BIMTEK_SMTP_HOST", raising=False)
    get_settings.cache_clear()
    result = _pengingat(region_file, "--kirim")
    get_settings.cache_clear()
    assert result.exit_code == 2 and "BIMTEK_SMTP_HOST" in result.output


def test_message_subjects_are_one_line_and_templates_need_a_subject():
    from bimtek.books.mail import one_line

    assert one_line("Dinas\r\nBcc: x@y\tZ") == "Dinas Bcc: x@y Z"
    assert textwrap.dedent("a") == "a"
