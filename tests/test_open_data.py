"""Tahap IV open data (data-terbuka/: Frictionless, DCAT, CKAN), the Perbup's JDIHN metadata, and `bimtek satu-data`
sending to a CKAN-shaped server on loopback."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from frictionless import validate
from typer.testing import CliRunner

from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.region import load_region
from bimtek.stages.jdih import METADATA_KEY, jdih_files
from bimtek.stages.open_data import CKAN_KEY, DATAPACKAGE_KEY, DCAT_KEY, FOLDER, open_data_files
from bimtek.store.package import publish_run
from bimtek.store.storage import LocalLocation
from cli.main import app
from cli.satu_data import SATU_DATA_API_KEY_ENV

REGION_PATH = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
ROADMAP = (
    "opd,dimensi,dimensi_label,elemen,elemen_label,nama_program,deskripsi,sasaran,indikator,target,anggaran,"
    "sumber_dana,tahun_mulai,tahun_selesai,horizon,skor,peringkat,quick_win_terpilih,opd_pendukung,baseline\n"
    "Dinas Kesehatan,living,Smart Living,health,Kesehatan,Telemedisin,Konsultasi daring,Pasien,Waktu tunggu,"
    "30 menit,1500000000.0,APBD,2027,2028,Jangka pendek,0.91,1,True,,95 menit\n"
    'Diskominfo,governance,Smart Governance,service,Pelayanan,"Satu Data, Satu Peta",Portal data,OPD,Dataset,'
    "100 dataset,250000000.0,APBN,2028,2031,Jangka menengah,0.5,2,False,Bappeda,\n"
)
FILES = {
    "roadmap/roadmap.csv": ROADMAP.encode(),
    "aggregates/by_dimension.csv": (
        b"dimensi,programs,anggaran_total,quick_win_candidates\n"
        b"Smart Governance,1,250000000.0,0\nSmart Living,1,1500000000.0,1\n"
    ),
    "quick_win/quick_win_final.csv": (
        b"urutan,opd,nama_program,dimensi_label,indikator,baseline,target,anggaran,sumber_dana,tahun_mulai,"
        b"tahun_selesai,opd_pendukung\n1,Dinas Kesehatan,Telemedisin,Smart Living,Waktu tunggu,95 menit,30 menit,"
        b"1500000000.0,APBD,2027,2028,\n"
    ),
    "aggregates/budget_by_funding.csv": (
        b"dimensi,APBD,APBN,jumlah\nSmart Governance,0.0,250000000.0,250000000.0\n"
        b"Smart Living,1500000000.0,0.0,1500000000.0\n"
    ),
    "aggregates/budget_by_year.csv": (
        b"tahun,Smart Governance,Smart Living,jumlah,program_aktif,dinyatakan_opd,dibagi_rata\n"
        b"2027,0.0,750000000.0,750000000.0,1,0.0,750000000.0\n2028,62500000.0,750000000.0,812500000.0,2,0.0,0.0\n"
    ),
    "buku/rancangan-perbup.html": b"<html><body>Rancangan</body></html>",
    "buku/rancangan-perbup.md": b"# Rancangan",
}


@pytest.fixture(scope="module")
def region():
    return load_region(REGION_PATH)


def written(files: dict[str, bytes], folder: Path) -> Path:
    for key, data in files.items():
        path = folder / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def test_data_package_passes_frictionless_and_carries_codes_licence_and_indonesian_titles(region, tmp_path):
    files = open_data_files(region, FILES)
    package = json.loads(files[DATAPACKAGE_KEY])
    assert [r["name"] for r in package["resources"]] == [
        "program",
        "peta-jalan",
        "agregat-dimensi",
        "quick-win",
        "rencana-pendanaan",
        "anggaran-per-tahun",
    ]
    assert package["kode_wilayah"] == {"kemendagri": "13.05", "bps": "1305"}
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert "DATA SINTETIS" in package["title"]  # the sample region is synthetic
    program = package["resources"][0]["schema"]["fields"]
    assert {"name": "anggaran", "type": "number"}.items() <= program[9].items() and program[9][
        "title"
    ] == "Anggaran (Rp)"
    funding = files[f"{FOLDER}/rencana-pendanaan.csv"].decode().splitlines()
    assert funding[0] == "dimensi,sumber_dana,anggaran" and "Smart Living,APBD,1500000000.0" in funding
    assert "jumlah" not in "".join(funding)  # totals are not a funding source
    assert '"Satu Data, Satu Peta"' in files[f"{FOLDER}/program.csv"].decode()

    report = validate(written(files, tmp_path) / DATAPACKAGE_KEY)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    broken = dict(files)
    broken[f"{FOLDER}/peta-jalan.csv"] = files[f"{FOLDER}/peta-jalan.csv"].replace(b",2027,", b",dua ribu,")
    assert not validate(written(broken, tmp_path / "broken") / DATAPACKAGE_KEY).valid


def test_dcat_and_ckan_describe_the_same_tables(region):
    files = open_data_files(region, FILES)
    dcat = json.loads(files[DCAT_KEY])
    ckan = json.loads(files[CKAN_KEY])
    assert dcat["@type"] == "dcat:Dataset" and len(dcat["dcat:distribution"]) == 6
    assert dcat["dct:spatial"]["dct:identifier"] == ["kemendagri:13.05", "bps:1305"]
    assert ckan["name"] == "masterplan-smart-city-padang-pariaman" and ckan["owner_org"] == "padang-pariaman"
    assert {"name": "smart living"} in ckan["tags"] and ckan["license_id"] == "cc-by"
    assert {"key": "kode_wilayah_bps", "value": "1305"} in ckan["extras"]
    assert [r["url"] for r in ckan["resources"]][0] == "program.csv"
    assert open_data_files(region, FILES) == files  # no clock: same run files, same bytes


def test_jdih_metadata_fills_what_is_known_and_lists_the_rest(region):
    record = json.loads(jdih_files(region, FILES, ["nama Sekretaris Daerah"])[METADATA_KEY])
    assert record["jenis"] == "Peraturan Bupati" and record["singkatan_jenis"] == "Perbup"
    assert record["judul"].startswith("Peraturan Bupati Padang Pariaman tentang Masterplan Smart City")
    assert record["teu_badan"] == "Kabupaten Padang Pariaman" and record["bahasa"] == "Indonesia"
    assert record["tempat_penetapan"] == region.capital
    assert record["nomor"] is None and record["tanggal_penetapan"] is None and record["sumber"] is None
    missing = {item["kolom"] for item in record["belum_diisi"]}
    assert {"nomor", "tahun", "tanggal_penetapan", "tanggal_pengundangan", "sumber", "status"} <= missing
    assert "judul" not in missing
    assert "2 program pada 2 dimensi" in record["abstrak"] and "1 quick win" in record["abstrak"]
    assert record["kekurangan_naskah"] == ["nama Sekretaris Daerah"] and record["status_dokumen"] == "rancangan"
    assert record["lampiran"] == ["buku/rancangan-perbup.html"]
    with_pdf = json.loads(jdih_files(region, FILES, [], ("pdf", "docx"))[METADATA_KEY])
    assert with_pdf["lampiran"] == [f"buku/rancangan-perbup.{ext}" for ext in ("docx", "html", "pdf")]
    assert jdih_files(region, {"roadmap/roadmap.csv": b""}, []) == {}


class CkanStub(BaseHTTPRequestHandler):
    """The two CKAN actions `bimtek satu-data` calls, answered as CKAN's action API does."""

    calls: list[tuple[str, str, bytes]] = []
    key = "kunci-uji"  # pragma: allowlist secret

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        action = self.path.rsplit("/", 1)[-1]
        CkanStub.calls.append((action, self.headers.get("Authorization", ""), body))
        if self.headers.get("Authorization") != self.key:
            return self._answer(403, {"success": False, "error": {"__type": "Authorization Error", "message": "x"}})
        if action == "package_create":
            data = json.loads(body)
            if "resources" in data or not data.get("owner_org"):
                return self._answer(409, {"success": False, "error": {"__type": "Validation Error", "name": ["x"]}})
            return self._answer(200, {"success": True, "result": {**data, "id": "paket-1"}})
        if action == "resource_create" and b'name="upload"' in body and b"paket-1" in body:
            return self._answer(200, {"success": True, "result": {"id": f"sumber-{len(CkanStub.calls)}"}})
        return self._answer(400, {"success": False, "error": {"__type": "Validation Error", "message": "?"}})

    def _answer(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        return None


@pytest.fixture
def ckan_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CkanStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    CkanStub.calls = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_satu_data_dry_run_by_default_then_sends_with_the_key_from_env(region, tmp_path, ckan_server, monkeypatch):
    store = LocalLocation(tmp_path / "store")
    outputs = {**FILES, **open_data_files(region, FILES)}
    publish_run(store, region.slug, 4, "20261010T000000Z", outputs, [], dt.datetime(2026, 10, 10, tzinfo=dt.UTC), "t")
    runner = CliRunner()
    base = ["satu-data", "--region", str(REGION_PATH), "--store", str(store.root), "--portal", ckan_server]

    dry = runner.invoke(app, base)
    assert dry.exit_code == 0, dry.output
    assert "Uji coba" in dry.output and CkanStub.calls == []

    monkeypatch.delenv(SATU_DATA_API_KEY_ENV, raising=False)
    no_key = runner.invoke(app, [*base, "--kirim"])
    assert no_key.exit_code == 2 and SATU_DATA_API_KEY_ENV in no_key.output

    monkeypatch.setenv(SATU_DATA_API_KEY_ENV, "salah")
    refused = runner.invoke(app, [*base, "--kirim"])
    assert refused.exit_code == 2 and "tidak berwenang" in refused.output

    CkanStub.calls = []
    monkeypatch.setenv(SATU_DATA_API_KEY_ENV, CkanStub.key)
    sent = runner.invoke(app, [*base, "--kirim", "--organisasi", "diskominfo-padang-pariaman"])
    assert sent.exit_code == 0, sent.output
    actions = [action for action, _, _ in CkanStub.calls]
    assert actions == ["package_create"] + ["resource_create"] * 6
    package = json.loads(CkanStub.calls[0][2])
    assert package["owner_org"] == "diskominfo-padang-pariaman" and package["name"].startswith("masterplan-smart")
    assert outputs[f"{FOLDER}/quick-win.csv"] in CkanStub.calls[4][2]  # the published bytes are uploaded
