"""Submissions with versions and the link as sender (bimtek.books.feedback.versions), through a flat inbox, OPD
sub-folders, the portal (TestClient) and one Tahap III flow run.

The corpus is generated: each case is a set of files (name -> rows) with the figures a coordinator expects
(budget counted per OPD, files superseded, status in the overview)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from bimtek.books.feedback import feedback_by_opd, submission_overview
from bimtek.books.feedback.versions import OVERRIDE_FILE, settle_submissions
from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.region import load_region
from bimtek.core.settings import Settings
from bimtek.ingest.reader.versions import base_name, version_order, version_rank
from bimtek.store.storage import LocalLocation
from bimtek.validation import build_report, combined_valid
from portal.accounts import AccountStore
from portal.app import PortalConfig, create_app
from portal.invitations import invitation_links
from portal.submissions import validate_file

REGION_PATH = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
REGION = load_region(REGION_PATH)
COLUMNS = ["opd", "dimensi", "elemen", "nama_program", "anggaran", "sumber_dana", "tahun_mulai", "tahun_selesai"]
SECRET = "rahasia-uji-versi-0123456789abcdef"  # pragma: allowlist secret


def row(opd: str, name: str, budget: object, funding: str = "APBD") -> list:
    return [opd, "living", "health", name, budget, funding, 2030, 2031]


def as_bytes(name: str, rows: list[list]) -> bytes:
    """The rows as the file type of `name` (CSV or XLSX with a header row)."""
    if name.endswith(".xlsx"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(COLUMNS)
        for values in rows:
            sheet.append(values)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    return pd.DataFrame(rows, columns=COLUMNS).to_csv(index=False).encode()


@dataclass
class Case:
    """One inbox and what the coordinator expects from it."""

    name: str
    files: dict[str, list[list]]
    budget: dict[str, int]
    """OPD -> published budget (sum of its counted program rows)."""
    superseded: set[str]
    status: dict[str, str] = field(default_factory=dict)
    times: dict[str, float] = field(default_factory=dict)
    chosen: tuple[str, ...] = ()


def v1_rows(opd: str) -> list[list]:
    """A first version with a mistake (Dana Aspirasi is no funding source) and the old budget."""
    return [row(opd, "Telemedisin", 1_000_000_000), row(opd, "Rekam Medis", 500_000_000, "Dana Aspirasi")]


def v2_rows(opd: str) -> list[list]:
    """The corrected version: the same programs, the mistake fixed, the budget raised."""
    return [row(opd, "Telemedisin", 1_500_000_000), row(opd, "Rekam Medis", 500_000_000)]


def corpus() -> list[Case]:
    sosial, dinkes, bkd = "Dinas Sosial", "Dinas Kesehatan", "Badan Keuangan Daerah"
    fixed = {sosial: 2_000_000_000}
    cases = [
        Case(
            "flat v1 / v2_final",
            {"usulan_v1.xlsx": v1_rows(sosial), "usulan_v2_final.xlsx": v2_rows(sosial)},
            fixed,
            {"usulan_v1.xlsx"},
            {sosial: "lengkap"},
        ),
        Case(
            "flat plain / revisi",
            {"usulan-dinsos-revisi.csv": v2_rows(sosial), "usulan-dinsos.csv": v1_rows(sosial)},
            fixed,
            {"usulan-dinsos.csv"},
            {sosial: "lengkap"},
        ),
        Case(
            "flat rev2 beats v1 and final beats v2",
            {"a_v1.csv": v1_rows(sosial), "a_rev2.csv": v1_rows(sosial), "a_v2_final.csv": v2_rows(sosial)},
            fixed,
            {"a_v1.csv", "a_rev2.csv"},
            {sosial: "lengkap"},
        ),
        Case(
            "sub-folder by file time",
            {"dinas-sosial/usulan.csv": v2_rows(sosial), "dinas-sosial/baru.csv": v1_rows(sosial)},
            {sosial: 1_000_000_000},
            {"dinas-sosial/usulan.csv"},
            {sosial: "perlu perbaikan"},
            times={"dinas-sosial/usulan.csv": 100.0, "dinas-sosial/baru.csv": 200.0},
        ),
        Case(
            "portal upload time beats the marker",
            {
                "dinas-sosial/20261201T080000Z-usulan-v2.csv": v1_rows(sosial),
                "dinas-sosial/20261202T080000Z-usulan.csv": v2_rows(sosial),
            },
            fixed,
            {"dinas-sosial/20261201T080000Z-usulan-v2.csv"},
            {sosial: "lengkap"},
        ),
        Case(
            "two OPD and a compiled list on its own",
            {
                "dinsos_v1.csv": v1_rows(sosial),
                "dinsos_v2.csv": v2_rows(sosial),
                "dinkes_v1.csv": v1_rows(dinkes),
                "dinkes_v2.csv": v2_rows(dinkes),
                "rekap-bappeda.csv": [row(bkd, "SIPD Terpadu", 9_000_000_000), row(dinkes, "Ambulans", 700_000_000)],
            },
            {sosial: 2_000_000_000, dinkes: 2_700_000_000, bkd: 9_000_000_000},
            {"dinsos_v1.csv", "dinkes_v1.csv"},
            {sosial: "lengkap", dinkes: "lengkap", bkd: "lengkap"},
        ),
        Case(
            "coordinator keeps v1",
            {"usulan_v1.csv": v2_rows(sosial), "usulan_v2.csv": v1_rows(sosial)},
            fixed,
            {"usulan_v2.csv"},
            {sosial: "lengkap"},
            chosen=("usulan_v1.csv",),
        ),
        Case(
            "same content twice is one version",
            {"usulan.csv": v2_rows(sosial), "usulan (1).csv": v2_rows(sosial)},
            fixed,
            {"usulan (1).csv"},
            {sosial: "lengkap"},
        ),
    ]
    return cases


def results_of(files: dict[str, list[list]]):
    return [r for name, rows in files.items() for r in validate_file(name, as_bytes(name, rows), REGION, 3)]


def budgets(results) -> dict[str, int]:
    programs = combined_valid(results, "program")
    return {str(k): int(v) for k, v in programs.groupby("opd")["anggaran"].sum().items()}


@pytest.mark.parametrize("case", corpus(), ids=lambda c: c.name)
def test_revision_corpus_counts_the_current_version_only(case: Case):
    digests = {name: str(hash(json.dumps(rows, default=str))) for name, rows in case.files.items()}
    settled = settle_submissions(results_of(case.files), REGION, times=case.times, digests=digests, chosen=case.chosen)
    assert budgets(settled.results) == case.budget
    assert {item.path for item in settled.superseded} == case.superseded
    report = build_report(REGION.slug, settled.results)
    assert not [r for r in report.rejections if r.rule == "duplicate"]
    report.superseded = [item.to_dict() for item in settled.superseded]
    overview = submission_overview(report, settled.results, REGION).set_index("opd")
    for opd, status in case.status.items():
        assert overview.at[opd, "status"] == status, opd
    for item in settled.superseded:
        assert f"{Path(item.path).name} diganti oleh {Path(item.replaced_by).name}" in overview.at[item.opd, "versi"]


def test_flat_inbox_versions_share_a_base_name_sub_folders_do_not_need_one():
    flat = {"usulan.csv": v1_rows("Dinas Sosial"), "rekap-dinsos.csv": v2_rows("Dinas Sosial")}
    settled = settle_submissions(results_of(flat), REGION)
    assert settled.superseded == []
    assert {r.rule for r in build_report(REGION.slug, settled.results).rejections} >= {"duplicate"}
    folder = {f"dinas-sosial/{name}": rows for name, rows in flat.items()}
    settled = settle_submissions(results_of(folder), REGION, times={"dinas-sosial/rekap-dinsos.csv": 9.0})
    assert [item.path for item in settled.superseded] == ["dinas-sosial/usulan.csv"]
    assert budgets(settled.results) == {"Dinas Sosial": 2_000_000_000}
    assert base_name("20261201T080000Z-Usulan V2 FINAL (1).xlsx") == base_name("usulan_revisi.csv") == "usulan"


def test_version_markers_order_names():
    names = ["usulan.xlsx", "usulan_v1.xlsx", "usulan_revisi.xlsx", "usulan_v2_final.xlsx", "usulan-perbaikan-3.xlsx"]
    assert sorted(reversed(names), key=version_order) == names
    assert version_rank("Usulan REV2.xlsx") == (2, 0)
    assert version_rank("20261201T080000Z-usulan-v10.csv") == (10, 0)


def test_letter_states_the_revision_rule_when_it_applied():
    files = {"usulan_v1.csv": v2_rows("Dinas Sosial"), "usulan_v2.csv": v1_rows("Dinas Sosial")}
    settled = settle_submissions(results_of(files), REGION)
    report = build_report(REGION.slug, settled.results)
    report.superseded = [item.to_dict() for item in settled.superseded]
    letter = feedback_by_opd(report, settled.results, REGION, 3)["Dinas Sosial"].html
    assert "usulan_v1.csv diganti oleh usulan_v2.csv" in letter
    assert "hanya versi terbaru yang diperiksa" in letter


def test_rows_through_another_opds_folder_never_count_for_that_opd():
    files = {
        "dinas-sosial/20261201T080000Z-usulan.csv": [
            row("Dinas Sosial", "Bansos Digital", 800_000_000),
            row("Badan Keuangan Daerah", "SIPD Terpadu", 9_000_000_000),
            row("Dinas Pariwisata, Pemuda dan Olahraga", "Wisata Virtual", 300_000_000),
        ]
    }
    settled = settle_submissions(results_of(files), REGION)
    assert budgets(settled.results) == {"Dinas Sosial": 800_000_000}
    report = build_report(REGION.slug, settled.results)
    linked = [r for r in report.rejections if r.rule == "opd_link"]
    assert [r.row for r in linked] == [3, 4]
    assert 'tautan unggah milik "Dinas Sosial"' in linked[0].message and "tautannya sendiri" in linked[0].message
    overview = submission_overview(report, settled.results, REGION).set_index("opd")
    assert overview.at["Badan Keuangan Daerah", "status"] == "belum mengirim"
    assert overview.loc["Dinas Sosial", ["valid", "ditolak"]].tolist() == [1, 2]


# ------------------------------------------------------------------------------------------------- portal


@pytest.fixture
def portal(tmp_path: Path):
    store = LocalLocation(tmp_path / "store")
    settings = Settings(
        store=str(store.root),
        upload_max_bytes=200_000,
        portal_url="http://portal.test",
        upload_wait_seconds=60,
        upload_pool="thread",
    )
    accounts = AccountStore(tmp_path / "portal.sqlite3")
    accounts.create("koordinator-uji", "koordinator", "sandi-uji-panjang", ("padang-pariaman",))
    config = PortalConfig(
        store=store, regions={"padang-pariaman": REGION_PATH}, secret=SECRET, accounts=accounts, settings=settings
    )
    return store, TestClient(create_app(config), base_url="http://portal.test")


def link(store, opd: str) -> str:
    links = invitation_links(REGION, 3, store, SECRET, "http://portal.test", dt.datetime.now(dt.UTC), 7)
    return next(item.url for item in links if item.opd == opd).removeprefix("http://portal.test")


def upload(client: TestClient, url: str, name: str, data: bytes, **form: str):
    token = re.search(r'name="csrf" value="([^"]+)"', client.get(url).text).group(1)
    return client.post(url, data={"csrf": token, **form}, files={"berkas": (name, data, "text/csv")})


def status_rows(client: TestClient) -> dict[str, tuple[str, ...]]:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/masuk").text).group(1)
    login = {"nama": "koordinator-uji", "kata_sandi": "sandi-uji-panjang", "lanjut": "/hasil", "csrf": token}
    client.post("/masuk", data=login)
    page = client.get("/status/padang-pariaman/tahap-3").text
    rows = {}
    for cells in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        texts = tuple(re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S))
        if texts:
            rows[texts[0]] = texts
    return rows


def test_portal_correction_turns_the_opd_lengkap(portal):
    store, client = portal
    url = link(store, "Dinas Sosial")
    first = upload(client, url, "usulan.csv", as_bytes("usulan.csv", v1_rows("Dinas Sosial")))
    assert "1 dari 2 baris ditolak" in first.text and 'value="ya" checked' in first.text
    assert status_rows(client)["Dinas Sosial"][1:5] == ("perlu perbaikan", "1", "1", "1")
    second = upload(client, url, "usulan-perbaikan.csv", as_bytes("usulan-perbaikan.csv", v2_rows("Dinas Sosial")))
    assert "Berkas diterima: 2 baris valid" in second.text
    assert re.search(r"usulan-perbaikan\.csv: <strong>berlaku</strong>", second.text)
    assert re.search(r"usulan\.csv: diganti oleh dinas-sosial/\S+usulan-perbaikan\.csv", second.text)
    again = upload(client, url, "usulan-perbaikan.csv", as_bytes("usulan-perbaikan.csv", v2_rows("Dinas Sosial")))
    assert "tidak disimpan dua kali" in again.text
    assert len(store.child("padang-pariaman/kotak-masuk/tahap-3/dinas-sosial").list()) == 2
    final = status_rows(client)["Dinas Sosial"]
    assert final[1:5] == ("lengkap", "1", "2", "0")
    assert re.fullmatch(r"\S+-usulan\.csv diganti oleh \S+-usulan-perbaikan\.csv", final[6])


def test_portal_link_rejects_rows_of_another_opd_and_extra_files_add_up(portal):
    store, client = portal
    url = link(store, "Dinas Sosial")
    foreign = [row("Dinas Sosial", "Bansos Digital", 800_000_000), row("Badan Keuangan Daerah", "SIPD", 9_000_000_000)]
    page = upload(client, url, "usulan.csv", as_bytes("usulan.csv", foreign))
    assert (
        "tautan unggah milik &#34;Dinas Sosial&#34;" in page.text or 'tautan unggah milik "Dinas Sosial"' in page.text
    )
    extra = upload(
        client, url, "lain.csv", as_bytes("lain.csv", [row("Dinas Sosial", "PKH Online", 100_000_000)]), ganti="tidak"
    )
    assert extra.status_code == 200
    rows = status_rows(client)
    assert "belum mengirim" in rows["Badan Keuangan Daerah"]
    assert rows["Dinas Sosial"][1:5] == ("perlu perbaikan", "2", "2", "1")


# ------------------------------------------------------------------------------------------------ flow run


def test_tahap_3_flow_publishes_v2_and_lists_v1_as_superseded(prefect_harness, tmp_path):
    from flows.tahap_3 import tahap_3

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, rows in {
        "usulan_v1.xlsx": v1_rows("Dinas Sosial"),
        "usulan_v2_final.xlsx": v2_rows("Dinas Sosial"),
    }.items():
        (inbox / name).write_bytes(as_bytes(name, rows))
    os.utime(inbox / "usulan_v1.xlsx", (300, 300))  # an older copy touched later: the marker still decides
    store = tmp_path / "store"
    tahap_3(region=str(REGION_PATH), inputs=str(inbox), store=str(store), run_id="revisi")
    run = store / "padang-pariaman" / "tahap-3" / "revisi"
    roadmap = pd.read_csv(run / "roadmap" / "roadmap.csv")
    assert roadmap.groupby("opd")["anggaran"].sum().to_dict() == {"Dinas Sosial": 2_000_000_000}
    report = json.loads((run / "validation" / "report.json").read_text())
    assert report["rows_rejected"] == 0 and report["rows_valid"] == 2
    assert [(s["path"], s["diganti_oleh"]) for s in report["superseded"]] == [
        ("usulan_v1.xlsx", "usulan_v2_final.xlsx")
    ]
    overview = (run / "umpan-balik" / "ringkasan-pengiriman.html").read_text()
    assert "usulan_v1.xlsx diganti oleh usulan_v2_final.xlsx" in overview
    assert re.search(r"<td>Dinas Sosial</td>.*?<td class=\"status\">lengkap</td>", overview, re.S)
    manifest = json.loads((run / "manifest.json").read_text())
    archived = {item["path"]: item["archive"] for item in manifest["inputs"]}
    assert archived["usulan_v1.xlsx"] and (store / archived["usulan_v1.xlsx"]).exists()
    assert not (run / "umpan-balik" / "umpan-balik-dinas-sosial.html").exists()


def test_override_file_is_read_and_never_ingested(tmp_path):
    from tasks.intake import read_version_choices

    (tmp_path / OVERRIDE_FILE).write_text("# versi yang dihitung\n\ndinas-sosial/usulan_v1.csv\n", encoding="utf-8")
    (tmp_path / "dinas-sosial").mkdir()
    (tmp_path / "dinas-sosial" / "usulan_v1.csv").write_bytes(b"x")
    os.utime(tmp_path / "dinas-sosial" / "usulan_v1.csv", (500, 500))
    chosen, times = read_version_choices.fn(str(tmp_path), [OVERRIDE_FILE, "dinas-sosial/usulan_v1.csv"])
    assert chosen == ["dinas-sosial/usulan_v1.csv"]
    assert times["dinas-sosial/usulan_v1.csv"] == 500.0


# ------------------------------------------------------------------------------------------------ read once


def test_intake_reads_each_input_once_for_fingerprint_archive_and_parser(prefect_harness, tmp_path, monkeypatch):
    from prefect import flow

    from bimtek.core.columns import datasets_for_stage
    from bimtek.core.settings import get_settings
    from flows.intake import run_intake
    from tasks.publishing import archive_run_inputs

    monkeypatch.setenv("BIMTEK_CACHE", str(tmp_path / "cache"))
    get_settings.cache_clear()
    inbox, store = tmp_path / "inbox", tmp_path / "store"
    inbox.mkdir()
    files = {"usulan_v1.csv": v1_rows("Dinas Sosial"), "usulan_v2.xlsx": v2_rows("Dinas Sosial")}
    for name, rows in files.items():
        (inbox / name).write_bytes(as_bytes(name, rows))
    reads: list[str] = []
    original = LocalLocation.read_input

    def counting(self, key, max_bytes=None):
        reads.append(key)
        return original(self, key, max_bytes)

    monkeypatch.setattr(LocalLocation, "read_input", counting)

    @flow(name="uji-baca-sekali")
    def intake_and_archive():
        intake = run_intake(str(inbox), REGION, 3, datasets_for_stage(3), str(store))
        return intake, archive_run_inputs(str(store), REGION.slug, str(inbox), intake.inputs)

    try:
        intake, archived = intake_and_archive()
    finally:
        get_settings.cache_clear()
    assert sorted(reads) == sorted(files)
    assert all(entry["archive"] and (store / entry["archive"]).exists() for entry in archived)
    assert [item["path"] for item in intake.superseded] == ["usulan_v1.csv"]
