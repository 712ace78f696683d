"""Datasets have owners (issue 23 item 6): the Tim Pelaksana's datasets come only through its own link.

The sample's real Tim Pelaksana workbooks (Tahap III narasi, monev self-assessment) are sent through an OPD link
(refused, nothing stored, the OPD's status unchanged) and through the Tim Pelaksana's link (accepted)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from bimtek.core.columns import TEAM_SENDER, TEAM_SENDER_NAME
from bimtek.core.paths import SAMPLE_DIR
from portal.app import PortalConfig, create_app
from portal.invitations import invitation_links, link_senders
from tests.test_portal import REGION_PATH, SECRET, accounts_in, csrf_of, login, portal_settings, region, store

__all__ = ["region", "store"]  # module fixtures reused from tests/test_portal.py

TEAM_WORKBOOK = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3" / "narasi-tim-pelaksana.xlsx"
MONEV_WORKBOOK = SAMPLE_DIR / "padang-pariaman" / "monev" / "2027-S1" / "monev-wilayah-2027-S1-tim-pelaksana.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def client(store, tmp_path) -> TestClient:
    config = PortalConfig(
        store=store,
        regions={"padang-pariaman": REGION_PATH},
        secret=SECRET,
        accounts=accounts_in(tmp_path),
        settings=portal_settings(str(store.root), upload_max_bytes=2_000_000),
    )
    return TestClient(create_app(config), base_url="http://portal.test")


def link(region, store, sender: str, stage: int = 3) -> str:
    links = invitation_links(region, stage, store, SECRET, "http://portal.test", dt.datetime.now(dt.UTC), 7)
    return next(item.url for item in links if item.opd == sender).removeprefix("http://portal.test")


def send(client: TestClient, url: str, path) -> object:
    token = csrf_of(client, url)
    return client.post(url, data={"csrf": token}, files={"berkas": (path.name, path.read_bytes(), XLSX)})


def test_undangan_makes_the_team_link_only_where_the_stage_collects_its_datasets(region):
    assert link_senders(region, 3)[TEAM_SENDER] == TEAM_SENDER_NAME
    assert link_senders(region, 5)[TEAM_SENDER] == TEAM_SENDER_NAME
    assert TEAM_SENDER not in link_senders(region, 2)
    assert len(link_senders(region, 3)) == len(region.opd) + 1


def test_team_workbook_refused_through_an_opd_link_and_accepted_through_its_own(client, store, region):
    inbox = store.child("padang-pariaman/kotak-masuk/tahap-3")
    refused = send(client, link(region, store, "Dinas Perhubungan"), TEAM_WORKBOOK)
    assert refused.status_code == 400
    text = re.sub(r"\s+", " ", refused.text)
    assert "milik Tim Pelaksana Smart City" in text and "narasi" in text and "status OPD Anda tidak berubah" in text
    assert inbox.list(missing_ok=True) == []
    login(client)
    status = client.get("/status/padang-pariaman/tahap-3").text
    row = re.search(r"<tr>\s*<td data-label=\"OPD\">Dinas Perhubungan</td>(.*?)</tr>", status, re.DOTALL).group(1)
    assert "belum mengirim" in row

    team = link(region, store, TEAM_SENDER_NAME)
    page = client.get(team)
    assert page.status_code == 200 and TEAM_SENDER_NAME in page.text
    template = client.get(f"{team}/templat")
    assert template.headers["content-disposition"] == 'attachment; filename="narasi-tahap-3-tim-pelaksana.xlsx"'
    assert "Narasi" in " ".join(load_workbook(io.BytesIO(template.content)).sheetnames)
    accepted = send(client, team, TEAM_WORKBOOK)
    assert accepted.status_code == 200 and "Hasil pemeriksaan" in accepted.text
    saved = inbox.list()
    assert len(saved) == 1 and saved[0].startswith(f"{TEAM_SENDER}/")
    status = client.get("/status/padang-pariaman/tahap-3").text
    team_row = re.search(rf"<tr>\s*<td data-label=\"OPD\">{TEAM_SENDER_NAME}</td>(.*?)</tr>", status, re.DOTALL)
    assert team_row and "lengkap" in team_row.group(1)
    row = re.search(r"<tr>\s*<td data-label=\"OPD\">Dinas Perhubungan</td>(.*?)</tr>", status, re.DOTALL).group(1)
    assert "belum mengirim" in row


def test_the_team_sends_the_monev_self_assessment_an_opd_cannot(client, store, region):
    inbox = store.child("padang-pariaman/kotak-masuk/tahap-5")
    refused = send(client, link(region, store, "Dinas Sosial", stage=5), MONEV_WORKBOOK)
    assert refused.status_code == 400 and "monev_wilayah" in refused.text
    assert inbox.list(missing_ok=True) == []
    accepted = send(client, link(region, store, TEAM_SENDER_NAME, stage=5), MONEV_WORKBOOK)
    assert accepted.status_code == 200 and "Hasil pemeriksaan" in accepted.text
    assert [key.split("/")[0] for key in inbox.list()] == [TEAM_SENDER]


def test_a_template_filled_by_a_tool_keeps_its_opd(client, store, region):
    """QA browser M2: openpyxl fills the template's rows and leaves the OPD formula without a cached value."""
    url = link(region, store, "Dinas Sosial")
    workbook = load_workbook(io.BytesIO(client.get(f"{url}/templat").content))
    sheet = workbook["Program"]
    headers = [cell.value for cell in sheet[3]]
    values = {
        "Dimensi": "Smart Society",
        "Elemen": "Community",
        "Nama program": "Bansos daring",
        "Anggaran (Rp)": 250_000_000,
        "Sumber dana": "APBD",
        "Tahun mulai": 2027,
        "Tahun selesai": 2028,
    }
    for header, value in values.items():
        sheet.cell(row=4, column=headers.index(header) + 1, value=value)
    data = io.BytesIO()
    workbook.save(data)
    token = csrf_of(client, url)
    files = {"berkas": ("usulan-dinsos.xlsx", data.getvalue(), XLSX)}
    checked = client.post(url, data={"csrf": token}, files=files)
    text = re.sub(r"\s+", " ", checked.text)
    assert checked.status_code == 200 and "Berkas diterima: 1 baris valid" in text, text[-1500:]


def test_undangan_lists_the_team_link_last_and_revokes_it(tmp_path, monkeypatch, region):
    from typer.testing import CliRunner

    from bimtek.core.settings import get_settings
    from cli.main import app

    monkeypatch.setenv("BIMTEK_PORTAL_SECRET", SECRET)
    monkeypatch.setenv("BIMTEK_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("BIMTEK_PORTAL_URL", "https://portal.example")
    get_settings.cache_clear()
    out = tmp_path / "undangan.xlsx"
    command = ["undangan", "--region", str(REGION_PATH), "--stage", "3", "--out", str(out), "--cabut", "tim-pelaksana"]
    try:
        result = CliRunner().invoke(app, command)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert f"Tautan {TEAM_SENDER_NAME} Tahap 3 dicabut" in result.output
    rows = [row for row in load_workbook(out).active.iter_rows(min_row=5, values_only=True) if row[0]]
    assert [row[0] for row in rows] == [*region.opd_names, TEAM_SENDER_NAME]
    versions = (tmp_path / "store/padang-pariaman/undangan/tahap-3.json").read_text()
    assert f'"{TEAM_SENDER}": 1' in versions
