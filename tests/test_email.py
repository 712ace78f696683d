"""E-mail to the OPD and the Tim Pelaksana (issue 26) against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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
  - {name: Dinas Sosial, email: dinsos@kab-uji.example, whatsapp: "6281200000001"}
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
    assert dry.output.count("=== AKAN DIKIRIM") == 3 and smtp_server.messages == []  # a dry run sends nothing
    assert "Tanpa alamat e-mail: Dinas Perhubungan" in dry.output

    first = _pengingat(region_file, "--kirim")
    assert first.exit_code == 0, first.output
    assert sorted(rcpt for rcpts in smtp_server.recipients for rcpt in rcpts) == [
        "bappeda@kab-uji.example",
        "dinsos@kab-uji.example",
        "disdik@kab-uji.example",
    ]  # exactly one each: not the complete OPD, not the one without an address
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
    assert len(smtp_server.messages) == 3  # the same day: nothing sent again
    assert "0 terkirim, 0 gagal, 3 sudah terkirim hari ini" in " ".join(again.output.split())
    records = list_deliveries(store_location, "kab-uji", _today(region_file))
    assert [(r.opd, r.status) for r in sorted(records, key=lambda r: r.opd or "")] == [
        ("Bappeda", SENT),
        ("Dinas Pendidikan", SENT),
        ("Dinas Sosial", SENT),
    ]


def test_a_refused_address_is_logged_failed_and_retried_by_the_next_run(smtp_server, region_store):  # noqa: F811
    region_file, store = region_store
    smtp_server.refuse.add("dinsos@kab-uji.example")
    first = _pengingat(region_file, "--kirim")
    assert first.exit_code == 1, first.output
    assert sorted(smtp_server.recipients) == [["bappeda@kab-uji.example"], ["disdik@kab-uji.example"]]
    by_opd = {r.opd: r for r in list_deliveries(open_location(str(store)), "kab-uji", _today(region_file))}
    assert by_opd["Dinas Sosial"].status == FAILED and "ditolak" in (by_opd["Dinas Sosial"].galat or "")
    smtp_server.refuse.clear()
    second = _pengingat(region_file, "--kirim")
    assert second.exit_code == 0, second.output
    assert smtp_server.recipients[2:] == [["dinsos@kab-uji.example"]]  # only the failed one is tried again


def test_a_test_send_goes_to_the_given_address_only_and_is_not_logged(smtp_server, region_store):  # noqa: F811
    region_file, store = region_store
    result = _pengingat(region_file, "--uji", "koordinator@kab-uji.example")
    assert result.exit_code == 0, result.output
    assert smtp_server.recipients == [["koordinator@kab-uji.example"]]
    assert smtp_server.messages[0]["Subject"].startswith("[UJI] Pengingat Tahap III")
    assert list_deliveries(open_location(str(store)), "kab-uji") == []  # the real reminders still go out today


def test_pengingat_without_smtp_settings_stops_with_an_indonesian_line(region_store, monkeypatch):
    from bimtek.core.settings import get_settings

    region_file, _ = region_store
    monkeypatch.delenv("BIMTEK_SMTP_HOST", raising=False)
    get_settings.cache_clear()
    result = _pengingat(region_file, "--kirim")
    get_settings.cache_clear()
    assert result.exit_code == 2 and "BIMTEK_SMTP_HOST" in result.output


def test_subjects_are_one_line_so_typed_text_cannot_add_a_header():
    from bimtek.books.mail import Mail, email_message, one_line

    assert one_line("Dinas\r\nBcc: x@y\tZ") == "Dinas Bcc: x@y Z"
    message = email_message(Mail("k", "surat", "a@b.example", one_line("S\nBcc: c@d"), "isi"), "t@kab.example")
    assert message["Bcc"] is None and message["Subject"] == "S Bcc: c@d"


class _GraphApi(ThreadingHTTPServer):
    """A loopback stand-in for the WhatsApp Cloud API: keeps each request, answers as the API does."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server hook
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((self.path, self.headers.get("Authorization", ""), body))
                reply = json.dumps(
                    {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                        "messages": [{"id": f"wamid.{len(outer.requests)}"}],
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def test_with_a_region_token_reminders_also_go_out_as_whatsapp_templates(smtp_server, region_store, monkeypatch):  # noqa: F811
    from bimtek.core.settings import get_settings

    region_file, _ = region_store
    api = _GraphApi()
    thread = threading.Thread(target=api.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("BIMTEK_WHATSAPP_TOKEN_KAB_UJI", "token-uji")
    monkeypatch.setenv("BIMTEK_WHATSAPP_PHONE_ID", "1234567")
    monkeypatch.setenv("BIMTEK_WHATSAPP_BASE_URL", f"http://127.0.0.1:{api.server_address[1]}")
    get_settings.cache_clear()
    try:
        first = _pengingat(region_file, "--kirim")
        second = _pengingat(region_file, "--kirim")
    finally:
        api.shutdown()
        get_settings.cache_clear()
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    [(path, auth, body)] = api.requests  # one OPD has a number; the second run sends nothing again
    assert path.endswith("/1234567/messages") and auth == "Bearer token-uji"
    assert body["to"] == "6281200000001" and body["type"] == "template"
    assert body["template"]["name"] == "pengingat_bimtek" and body["template"]["language"]["code"] == "id"
    [component] = body["template"]["components"]
    texts = [p["text"] for p in component["parameters"]]
    assert texts[:3] == ["Dinas Sosial", "Tahap III", "7 September 2030"] and "/unggah/" in texts[3]
    assert len(smtp_server.messages) == 3  # the e-mails as before
