"""The ministry's cockpit: summaries written at publish, rows from them, ranking, and `/nasional` by role."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from bimtek.analysis.cockpit import CohortRegion, cockpit_row, filter_rows, ranked, size_class, sort_rows
from bimtek.core.paths import REPORT_KEY, SAMPLE_DIR
from bimtek.core.region import load_region
from bimtek.store.cockpit import (
    SUMMARY_KEY,
    is_waiting,
    pointer_key,
    read_pointers,
    run_summary,
    submission_part,
    write_pointer,
)
from bimtek.store.package import publish_run
from bimtek.store.storage import LocalLocation
from portal.accounts import AccountStore
from portal.app import PortalConfig, create_app
from portal.cockpit import RegionCache, cohort_rows
from tests.test_portal import SECRET, csrf_of, portal_settings

TODAY = dt.date(2026, 10, 1)
NOW = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
PASSWORD = "rahasia-pembina-123"  # pragma: allowlist secret


def region(slug="kab-a", kind="kabupaten", apbd=1.0e12, **calendar) -> CohortRegion:
    dates = {key.replace("_", "-"): dt.date.fromisoformat(value) for key, value in calendar.items()}
    return CohortRegion(slug, f"Kabupaten {slug}", "Sumatera Barat", kind, apbd, dates)


def monev_summary(index: float, previous: float | None = None, semester="2027-S2") -> dict:
    trend = ([{"semester": "2027-S1", "indeks": previous}] if previous is not None else []) + [
        {"semester": semester, "indeks": index}
    ]
    bobot = {"baseline": 10.0, "output": 20.0, "outcome": 30.0, "impact": 30.0, "quick_win": 10.0}
    return {
        "stage": f"monev/{semester}",
        "monev": {"semester": semester, "indeks": index, "bobot": bobot, "tren": trend},
    }


# ------------------------------------------------------------------------------------------------ pure rows


def test_size_classes_follow_the_apbd_bounds():
    assert size_class(1_499_999_999_999) == "kecil"
    assert size_class(1.5e12) == "sedang"
    assert size_class(2.99e12) == "sedang"
    assert size_class(3e12) == "besar"
    assert size_class(None) == "APBD belum diisi"


def test_row_stage_days_to_rakor_lateness_opd_and_outcome():
    late = region(tahap_1="2026-07-06", tahap_2="2026-08-10", tahap_3="2026-09-07", rakor="2026-12-08")
    summaries = {
        "tahap-1": {"stage": "tahap-1", "opd": {"lengkap": 10}},
        "tahap-2": {
            "stage": "tahap-2",
            "opd": {"lengkap": 9, "perlu perbaikan": 3, "belum mengirim": 5},
            "menunggu_persetujuan": True,
        },
    }
    row = cockpit_row(late, summaries, waiting=1, today=TODAY)
    assert row.stage == 2 and row.stage_label == "Tahap II"
    assert row.days_to_rakor == 68
    assert (row.days_late, row.late_stage) == (24, 3)  # Tahap III was due on 7 September
    assert (row.opd_sent, row.opd_fix, row.opd_missing) == (12, 3, 5)
    assert row.waiting == 1 and row.outcome is None and row.index is None

    done = region("kab-b", rakor="2026-09-20", tahap_4="2026-09-01")
    draft = {"tahap-4": {"stage": "tahap-4", "opd": {"lengkap": 2}, "draft": ["ibu kota"]}}
    row = cockpit_row(done, {**draft, "monev": monev_summary(3.1, 3.5)}, 0, TODAY)
    assert row.stage == 4 and row.days_late == 0 and row.days_to_rakor == -11
    assert row.outcome == "DRAF" and row.draft == ("ibu kota",)
    assert row.index == 3.1 and row.change == -0.4 and row.trend_word == "turun"
    assert row.weights["outcome"] == 30.0
    final = cockpit_row(done, {"tahap-4": {"stage": "tahap-4", "draft": []}}, 0, TODAY)
    assert final.outcome == "final"
    nothing = cockpit_row(region("kab-c"), {}, 0, TODAY)
    assert nothing.stage_label == "belum mulai" and nothing.days_to_rakor is None and nothing.opd_sent is None


def test_rank_within_kind_and_size_and_late_first_order():
    rows = [
        cockpit_row(region("a", apbd=1e12), {"monev": monev_summary(3.0)}, 0, TODAY),
        cockpit_row(region("b", apbd=1.2e12), {"monev": monev_summary(3.5)}, 0, TODAY),
        cockpit_row(region("c", apbd=4e12), {"monev": monev_summary(2.0)}, 0, TODAY),  # besar: its own group
        cockpit_row(region("d", kind="kota", apbd=1e12), {"monev": monev_summary(4.0)}, 0, TODAY),
        cockpit_row(region("e", apbd=1e12, tahap_1="2026-09-01"), {}, 0, TODAY),  # late, no index
    ]
    by_slug = {row.slug: row for row in ranked(rows)}
    assert (by_slug["b"].rank, by_slug["a"].rank, by_slug["a"].peers) == (1, 2, 2)
    assert (by_slug["c"].rank, by_slug["c"].peers) == (1, 1)
    assert (by_slug["d"].rank, by_slug["d"].group) == (1, "kota kecil")
    assert by_slug["e"].rank is None
    assert [row.slug for row in sort_rows(by_slug.values())][0] == "e"
    assert [row.slug for row in sort_rows(by_slug.values(), "indeks")][:2] == ["d", "b"]
    assert [row.slug for row in filter_rows(by_slug.values(), kind="kota")] == ["d"]
    assert [row.slug for row in filter_rows(by_slug.values(), late_only=True)] == ["e"]


# ------------------------------------------------------------------------------------------------ summaries


def test_run_summary_from_outputs_and_pointer_rules(tmp_path):
    store = LocalLocation(tmp_path)
    outputs = {
        REPORT_KEY: json.dumps({"rows_total": 40, "rows_rejected": 12}).encode(),
        SUMMARY_KEY: submission_part(40, 12, {"lengkap": 4, "perlu perbaikan": 2, "belum mengirim": 1}),
        "monev/skor.json": json.dumps({"semester": "2027-S2", "indeks": "1.42", "bobot": {"impact": 30.0}}).encode(),
        "monev/tren.csv": b"semester,indeks,baseline\n2027-S1,4.11,2.77\n2027-S2,1.42,2.77\n",
    }
    summary = run_summary(outputs, "monev/2027-S2", "r2", "2027-12-20T00:00:00+00:00", None, current=True)
    assert summary["rows_rejected"] == 12 and summary["opd"]["belum mengirim"] == 1
    assert summary["monev"]["indeks"] == 1.42 and summary["monev"]["tren"][0] == {"semester": "2027-S1", "indeks": 4.11}
    write_pointer(store, "kab-a", summary)
    older = {**summary, "run_id": "r1", "monev": {**summary["monev"], "semester": "2027-S1"}}
    write_pointer(store, "kab-a", older)  # an older semester published later never replaces the newer one
    assert read_pointers(store, "kab-a")["monev"]["run_id"] == "r2"
    assert pointer_key("kab-a", "monev/2027-S1") == "kab-a/kokpit/monev.json"

    # a Tahap IV run over the threshold waits until latest.json names it
    waiting = run_summary(outputs, "tahap-4", "r9", "x", {"draft": ["ibu kota"]}, current=False)
    assert waiting["draft"] == ["ibu kota"] and waiting["menunggu_persetujuan"]
    assert is_waiting(store, "kab-a", waiting)
    publish_run(store, "kab-a", 4, "r9", {"a.txt": b"x"}, [], NOW, "test")
    assert not is_waiting(store, "kab-a", waiting)


# ------------------------------------------------------------------------------------------------ the page


def write_cohort(folder: Path, count: int) -> dict[str, Path]:
    """`count` region files made from the sample's (fast: no inputs), alternating kabupaten/kota and sizes."""
    base = yaml.safe_load((SAMPLE_DIR / "padang-pariaman" / "region.yaml").read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for index in range(count):
        kind = "kota" if index % 5 == 4 else "kabupaten"
        slug = f"{kind}-uji-{index:03d}"
        calendar = {**base["calendar"], "tahap-3": dt.date(2026, 9, 7) + dt.timedelta(days=index % 40)}
        data = {
            **base,
            "slug": slug,
            "name": f"{kind.title()} Uji {index:03d}",
            "kind": kind,
            "apbd": 8e11 + index * 1e10,
            "calendar": calendar,
        }
        path = folder / f"{slug}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths[slug] = path
    return paths


def quick_facts(path: Path) -> dict:
    """The facts of a test region file without the strict loader (it is tested on the first three files)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    facts = {key: data[key] for key in ("slug", "name", "province", "kind", "apbd")}
    return {**facts, "calendar": {k: str(v) for k, v in data["calendar"].items()}}


def cohort_client(tmp_path: Path, regions: dict[str, Path], store: LocalLocation) -> TestClient:
    accounts = AccountStore(tmp_path / "portal" / "portal.sqlite3")
    accounts.create("kementerian", "pembina", PASSWORD)
    accounts.create("ani", "koordinator", PASSWORD, ("kabupaten-uji-000",))
    config = PortalConfig(
        store=store,
        regions=regions,
        secret=SECRET,
        accounts=accounts,
        settings=portal_settings(str(store.root)),
    )
    return TestClient(create_app(config), base_url="http://portal.test")


def log_in(client: TestClient, name: str) -> None:
    token = csrf_of(client, "/masuk")
    response = client.post(
        "/masuk",
        data={"nama": name, "kata_sandi": PASSWORD, "lanjut": "/nasional", "csrf": token},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_pembina_sees_every_region_and_a_koordinator_is_refused(tmp_path):
    regions = write_cohort(tmp_path / "regions", 6)
    store = LocalLocation(tmp_path / "store")
    summary = run_summary(
        {SUMMARY_KEY: submission_part(10, 1, {"lengkap": 7, "perlu perbaikan": 1, "belum mengirim": 9})},
        "tahap-3",
        "20261001T000000Z",
        "2026-10-01T00:00:00+00:00",
        None,
        current=True,
    )
    write_pointer(store, "kabupaten-uji-001", summary)
    client = cohort_client(tmp_path, regions, store)

    log_in(client, "kementerian")
    page = client.get("/nasional")
    assert page.status_code == 200
    for slug in regions:
        assert f'href="/hasil/{slug}"' in page.text
    assert "Tahap III" in page.text and "8 / 1 / 9" in page.text
    assert "terlambat" in page.text and ("hari lagi" in page.text or "hari ini" in page.text or "lewat" in page.text)
    filtered = client.get("/nasional", params={"jenis": "kota"})
    assert 'href="/hasil/kota-uji-004"' in filtered.text and 'href="/hasil/kabupaten-uji-000"' not in filtered.text
    assert client.get("/hasil/kabupaten-uji-001").status_code == 200  # the region's pages, read-only
    accept = client.post(
        "/hasil/kabupaten-uji-001/tahap-3/20261001T000000Z/terima", data={"csrf": csrf_of(client, "/nasional")}
    )
    assert accept.status_code == 403

    other = cohort_client(tmp_path / "k", regions, store)
    log_in(other, "ani")
    refused = other.get("/nasional")
    assert refused.status_code == 403 and "hanya untuk akun pembina" in refused.text


def test_cohort_of_514_regions_reads_only_the_summaries_under_two_seconds(tmp_path):
    """The cockpit at the size of a national cohort (514 regions), with the region index already built."""
    regions = write_cohort(tmp_path / "regions", 514)
    store = LocalLocation(tmp_path / "store")
    for number, slug in enumerate(regions):
        for stage in range(1, 1 + number % 5):
            part = submission_part(20, number % 7, {"lengkap": 10, "perlu perbaikan": number % 4, "belum mengirim": 3})
            write_pointer(store, slug, run_summary({SUMMARY_KEY: part}, f"tahap-{stage}", "r1", "t", None, True))
    # the index a warmed portal keeps (parsing 514 files with the strict loader is the one-off cost it saves)
    index = {
        str(path): {
            "stamp": [path.stat().st_mtime_ns, path.stat().st_size],
            "region": CohortRegion.of(load_region(path)).to_json() if n < 3 else quick_facts(path),
        }
        for n, path in enumerate(regions.values())
    }
    (tmp_path / "index.json").write_text(json.dumps(index), encoding="utf-8")
    cache = RegionCache(tmp_path / "index.json")
    assert cache.get(regions["kota-uji-004"]).kind == "kota"
    started = time.process_time()  # CPU time: the machine running the suite may be shared (wall time is not ours)
    rows = cohort_rows(store, regions, cache, TODAY)
    elapsed = time.process_time() - started
    assert len(rows) == 514 and {row.stage for row in rows} == {0, 1, 2, 3, 4}
    assert elapsed < 2.0, f"{elapsed:.2f} s CPU for 514 regions"
