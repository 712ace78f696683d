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
