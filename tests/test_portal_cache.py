"""The portal keeps parsed region files in memory while they are unchanged, and reads an edited one again."""

from __future__ import annotations

import os

from portal.cache import RegionFiles


def test_region_file_is_parsed_once_until_it_changes(tmp_path):
    path = tmp_path / "region.yaml"
    path.write_text("name: Kabupaten A\n")
    parsed: list[str] = []

    def load(where):
        parsed.append(where.read_text())
        return where.read_text().split(": ")[1].strip()

    files = RegionFiles(load)
    assert [files.read(path) for _ in range(50)] == ["Kabupaten A"] * 50
    assert len(parsed) == 1
    path.write_text("name: Kabupaten Baru\n")  # a new size and time: read again at the next page
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert files.read(path) == "Kabupaten Baru" and len(parsed) == 2


def test_status_rows_are_counted_once_per_set_of_checked_files(tmp_path):
    import datetime as dt

    from bimtek.core.paths import SAMPLE_DIR
    from bimtek.core.region import load_region
    from bimtek.store.storage import LocalLocation
    from portal.submissions import InboxStatus, receive_upload

    class Counting(InboxStatus):
        built = 0

        def per_opd(self, *args, **kwargs):
            Counting.built += 1
            return super().per_opd(*args, **kwargs)

    region = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
    store, status = LocalLocation(tmp_path / "store"), Counting()
    header = "opd,dimensi,elemen,nama_program,anggaran,sumber_dana,tahun_mulai,tahun_selesai\n"
    then = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)

    def upload(slug: str, name: str, row: str) -> None:
        data = (header + row).encode()
        status.remember(store, region, 3, receive_upload(store, region, 3, slug, name, data, then, True), data)

    upload("dinas-kesehatan", "a.csv", "Dinas Kesehatan,living,health,Telemedisin,1500000000,APBD,2030,2031\n")
    first = [status.per_opd_now(store, region, 3)[0] for _ in range(5)]
    assert Counting.built == 1 and all(rows == first[0] for rows in first)
    assert next(r for r in first[0] if r.opd == "Dinas Kesehatan").status == "lengkap"
    upload("dinas-sosial", "b.csv", "Dinas Sosial,society,community,Bansos Daring,1 M,Pinjaman,2030,2031\n")
    rows, _ = status.per_opd_now(store, region, 3)
    assert Counting.built == 2 and next(r for r in rows if r.opd == "Dinas Sosial").status == "perlu perbaikan"
