"""Monev (Tahap V) end to end under the session Prefect harness: the two sample semesters (2027-S1 good, 2027-S2
behind) on a copy of the session's sample store, the trend read from the published first semester, and a
realisation workbook uploaded through the portal."""

import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.settings import Settings
from bimtek.store.storage import LocalLocation
from flows.outcomes import flow_result
from portal.accounts import AccountStore

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INBOX = SAMPLE_DIR / "padang-pariaman" / "monev"


@pytest.fixture(scope="module")
def semesters(sample_store, tmp_path_factory):
    """(store, {semester: flow result}): both sample semesters published in order."""
    from flows.monev import monev

    store = tmp_path_factory.mktemp("monev") / "store"
    shutil.copytree(sample_store.store, store)
    results = {
        semester: flow_result(
            monev(
                region=str(REGION),
                semester=semester,
                inputs=str(INBOX / semester),
                store=str(store),
                run_id="sampel",
                return_state=True,
            )
        )
        for semester in ("2027-S1", "2027-S2")
    }
    return store, results


def _run(store, semester):
    return store / "padang-pariaman" / "monev" / semester / "sampel"


def test_two_semesters_publish_with_index_and_trend(semesters):
    store, results = semesters
    assert (results["2027-S1"]["indeks"], results["2027-S2"]["indeks"]) == ("4.11", "1.42")
    for semester in results:
        latest = json.loads((store / "padang-pariaman" / "monev" / semester / "latest.json").read_text())
        assert latest["run_id"] == "sampel"
        manifest = json.loads((_run(store, semester) / "manifest.json").read_text())
        assert manifest["stage"] == f"monev/{semester}" and manifest["semester"] == semester
    trend = pd.read_csv(_run(store, "2027-S2") / "monev" / "tren.csv")
    assert trend["semester"].tolist() == ["2027-S1", "2027-S2"] and trend["indeks"].tolist() == [4.11, 1.42]
    html = (_run(store, "2027-S2") / "buku" / "laporan-monev.html").read_text(encoding="utf-8")
    assert "<strong>1,42</strong>" in html and "turun 2,69 poin" in html
    for area in ("Baseline", "Output", "Outcome", "Impact", "Quick Win"):
        assert f"<td>{area}</td>" in html


def test_rows_outside_the_plan_are_rejected_naming_the_plan(semesters):
    store, results = semesters
    assert results["2027-S2"]["rows_rejected"] == 2 and results["2027-S1"]["rows_rejected"] == 0
    report = json.loads((_run(store, "2027-S2") / "validation" / "report.json").read_text(encoding="utf-8"))
    rules = {r["rule"]: r["message"] for r in report["rejections"]}
    assert set(rules) == {"program_unplanned", "cancel_reason"}
    assert "Program Di Luar Masterplan" in rules["program_unplanned"]
    assert "Tahap IV run sampel" in rules["program_unplanned"]


def test_behind_semester_writes_letters_and_consistent_figures(semesters):
    store, _ = semesters
    run = _run(store, "2027-S2")
    per_opd = pd.read_csv(run / "monev" / "per_opd.csv")
    behind = per_opd[per_opd["tertinggal"]]
    clarify = pd.read_csv(run / "monev" / "klarifikasi.csv", keep_default_na=False)
    letters = sorted(p.name for p in (run / "buku" / "surat-monev").glob("*.html"))
    asked = set(behind["opd"]) | {o for o in clarify["opd"] if o}
    assert len(letters) == len(asked) >= len(behind) > 0
    # N-M6: DLH's own row says "belum mulai, Rp 0" while the Tim reports its quick win "berjalan"; S1 had it
    # "selesai": both are points to clarify, in the report and in DLH's letter (a naskah dinas dated from monev-s2)
    dlh = clarify[clarify["opd"] == "Dinas Lingkungan Hidup"]
    assert {"laporan berbeda", "status mundur"} <= set(dlh["jenis"])
    assert "SK Dewan Smart City" in set(clarify.loc[clarify["opd"] == "", "nama_program"])
    letter = (run / "buku" / "surat-monev" / "surat-dinas-lingkungan-hidup.html").read_text(encoding="utf-8")
    for part in ("Parit Malintang, 15 Januari 2028", "Perlu klarifikasi", "Bank Sampah Digital Nagari", "Tembusan"):
        assert part in letter, part
    assert re.search(r"<td>Nomor</td><td>:</td><td>005/\d+/Tim-SC/2028</td>", letter)
    report = (run / "buku" / "laporan-monev.html").read_text(encoding="utf-8")
    assert "Perlu klarifikasi" in report and "laporan berbeda" in report
    first = _run(store, "2027-S1")
    first_asked = set(pd.read_csv(first / "monev" / "per_opd.csv").query("tertinggal")["opd"]) | {
        o for o in pd.read_csv(first / "monev" / "klarifikasi.csv", keep_default_na=False)["opd"] if o
    }
    assert len(first_asked) == len(list((first / "buku" / "surat-monev").glob("*.html")))
    score = json.loads((run / "monev" / "skor.json").read_text(encoding="utf-8"))
    areas = pd.read_csv(run / "monev" / "area.csv")
    assert score["area"] == dict(zip(areas["area"], areas["skor"]))
    workbook = load_workbook(run / "monev" / "realisasi-monev.xlsx")
    assert workbook.sheetnames == ["Ringkasan", "Indikator", "Per OPD", "Rencana vs Realisasi", "Quick Win", "Tren"]
    assert workbook["Ringkasan"]["D7"].value == 1.42


def test_realisation_workbook_uploads_through_the_portal(semesters, tmp_path):
    """An OPD's upload link for monev (stage 5) takes a realisation sheet and checks it with the monev rules."""
    import datetime as dt

    from bimtek.core.region import load_region
    from portal.app import PortalConfig, create_app
    from portal.invitations import invitation_links

    store = LocalLocation(tmp_path / "store")
    region = load_region(REGION)
    settings = Settings(
        store=str(store.root),
        upload_max_bytes=200_000,
        portal_url="http://portal.test",
        upload_wait_seconds=60,
        upload_pool="thread",
    )
    config = PortalConfig(
        store=store, regions={region.slug: REGION}, secret="s" * 40, accounts=_accounts(tmp_path), settings=settings
    )
    client = TestClient(create_app(config), base_url="http://portal.test")
    links = invitation_links(region, 5, store, "s" * 40, "http://portal.test", dt.datetime.now(dt.UTC), 7)
    url = next(link.url for link in links if link.opd == "Dinas Kesehatan").removeprefix("http://portal.test")
    page = client.get(url)
    assert page.status_code == 200
    workbook = load_workbook(INBOX / "2027-S1" / "realisasi-2027-S1-dinas-kesehatan.xlsx")
    sheet = workbook["Realisasi Program"]
    sheet["K5"] = "hampir selesai"  # a status the rules do not know
    buffer = io.BytesIO()
    workbook.save(buffer)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    result = client.post(
        url,
        data={"csrf": token},
        files={"berkas": ("realisasi dinkes.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert result.status_code == 200
    assert "hampir selesai" in result.text and "status pelaksanaan" in result.text.lower()
    saved = store.child("padang-pariaman/kotak-masuk/tahap-5").list()
    assert len(saved) == 1 and saved[0].startswith("dinas-kesehatan/")


def test_national_rollup_shows_each_regions_latest_monev_and_trend(semesters):
    from bimtek.analysis.national import RegionFigures
    from bimtek.core.monev import Semester
    from bimtek.stages.nasional import build_nasional
    from tasks.monev import read_monev_history

    store, _ = semesters
    history = read_monev_history(str(store), "padang-pariaman", Semester(9999, 2))
    assert history["semester"].tolist() == ["2027-S1", "2027-S2"]
    pairs = list(zip(history["semester"], history["indeks"]))
    figures = [
        RegionFigures("padang-pariaman", "Kabupaten Padang Pariaman", "Sumatera Barat", True, monev=pairs),
        RegionFigures("kab-lain", "Kabupaten Lain", "Sumatera Barat", True),
    ]
    output = build_nasional(figures)
    per_region = pd.read_csv(io.BytesIO(output.files["nasional/per_daerah.csv"])).set_index("slug")
    assert per_region.loc["padang-pariaman", ["semester_monev", "indeks_monev", "perubahan_monev"]].tolist() == [
        "2027-S2",
        1.42,
        -2.69,
    ]
    assert pd.isna(per_region.loc["kab-lain", "indeks_monev"])
    html = output.files["buku/ringkasan-nasional.html"].decode("utf-8")
    assert "Monev terakhir per daerah" in html and "1,42</td>" in html and "-2,69</td>" in html


def test_portal_serves_a_published_monev_file_only_from_its_manifest(semesters, tmp_path):
    from bimtek.core.region import load_region
    from portal.app import PortalConfig, create_app

    store, _ = semesters
    region = load_region(REGION)
    location = LocalLocation(store)
    settings = Settings(store=str(store), portal_url="http://portal.test")
    config = PortalConfig(
        store=location, regions={region.slug: REGION}, secret="s" * 40, accounts=_accounts(tmp_path), settings=settings
    )
    client = TestClient(create_app(config), base_url="http://portal.test")
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/masuk").text).group(1)
    login = {"nama": "koordinator-uji", "kata_sandi": COORDINATOR_PASSWORD, "lanjut": "/hasil", "csrf": token}
    client.post("/masuk", data=login, follow_redirects=False)
    base = "/berkas/padang-pariaman/monev/2027-S2/sampel"
    page = client.get(f"{base}/buku/laporan-monev.html")
    assert page.status_code == 200 and "Laporan Monitoring dan Evaluasi" in page.text
    assert client.get(f"{base}/manifest.json").status_code == 200  # listed: the run's own manifest
    assert client.get(f"{base}/.claim-0.json").status_code == 404  # in the folder, not in the manifest
    assert client.get("/berkas/padang-pariaman/monev/2027-S3/sampel/buku/laporan-monev.html").status_code == 404
    assert client.get(f"{base}/monev/tidak-ada.csv").status_code == 404


COORDINATOR_PASSWORD = "kopi-durian-lembah-9"  # pragma: allowlist secret


def _accounts(folder: Path) -> AccountStore:
    """A portal account store with one coordinator of the sample region (COORDINATOR_PASSWORD)."""
    accounts = AccountStore(folder / "portal.sqlite3")
    accounts.create("koordinator-uji", "koordinator", COORDINATOR_PASSWORD, ("padang-pariaman",))
    return accounts
