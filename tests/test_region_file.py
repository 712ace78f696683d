"""Region files people type: every refusal is a RegionError naming the key, in Indonesian, never a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.region import RegionError, load_region

BASE = "slug: contoh\nname: Kabupaten Contoh\nprovince: Sumatera Barat\nperiod: {start: 2027, end: 2036}\n"

CASES = {
    "opd-as-one-string": (BASE + "opd: Dinas Kesehatan\n", "opd: harus berupa daftar"),
    "opd-fold-same": (BASE + "opd:\n  - Dinas PU\n  - Dinas P.U.\n", "opd[0] 'Dinas PU' dan opd[1] 'Dinas P.U.'"),
    "alias-on-other-opd": (
        BASE + "opd:\n  - {name: Dinas A, aliases: [Dinas PU]}\n  - {name: Dinas PU}\n",
        "opd[0] 'Dinas PU' dan opd[1] 'Dinas PU'",
    ),
    "opd-no-latin": (BASE + "opd:\n  - 卫生局\n", "tidak memuat huruf latin"),
    "timezone-invalid": (BASE + "timezone: Mars/Olympus\n", "timezone: zona waktu 'Mars/Olympus' tidak dikenal"),
    "duplicate-key": (BASE + "name: Kota Lain\n", "kunci 'name' ditulis dua kali"),
    "alias-bomb": ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n", "anchor/alias"),
    "period-too-long": (BASE.replace("end: 2036", "end: 999999999"), "period: end (999999999) harus tahun"),
    "period-31-years": (BASE.replace("end: 2036", "end: 2057"), "lebih dari 30 tahun"),
    "period-reversed": (BASE.replace("end: 2036", "end: 2020"), "end (2020) lebih awal dari start (2027)"),
    "wrong-types": (
        "slug: contoh\nname: 12\nprovince: [P]\nperiod: {start: abc, end: 2030}\n",
        "name: harus berupa teks; province: harus berupa teks; period.start: harus bilangan bulat",
    ),
    "calendar-not-a-date": (BASE + "calendar: {tahap-1: besok}\n", "calendar.tahap-1: harus tanggal YYYY-MM-DD"),
    "calendar-unknown-key": (BASE + "calendar: {tahap-9: 2026-01-01}\n", "kunci calendar tidak dikenal"),
    "not-a-mapping": ("- a\n- b\n", "harus berupa pemetaan YAML"),
    "broken-yaml": (BASE + "opd: [unclosed\n", "penulisan YAML salah di baris"),
    "deep-yaml": ("a: " + "[" * 5000 + "]" * 5000 + "\n", "penulisan YAML salah"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_region_file_is_refused_naming_the_key(tmp_path, name):
    text, expected = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegionError) as caught:
        load_region(path)
    assert expected in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_non_utf8_and_oversized_region_files_are_refused(tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes((BASE + "opd: [Dinas Pariwisata \xe9]\n").encode("latin-1"))
    with pytest.raises(RegionError, match="bukan teks UTF-8"):
        load_region(latin)
    big = tmp_path / "big.yaml"
    big.write_text(BASE + "# " + "x" * (300 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(RegionError, match="terlalu besar"):
        load_region(big)


def test_sample_region_still_loads():
    region = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
    assert len(region.opd) >= 20 and region.timezone == "Asia/Jakarta"


def test_cli_shows_one_galat_line_and_exits_2(tmp_path):
    from cli.main import app

    path = tmp_path / "region.yaml"
    path.write_text(BASE + "opd: Dinas Kesehatan\n", encoding="utf-8")
    inbox = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3"
    result = CliRunner().invoke(
        app, ["validate", "--region", str(path), "--inputs", str(inbox), "--report", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 2
    assert "Galat:" in result.output and "opd: harus berupa daftar" in " ".join(result.output.split())
    assert "Traceback" not in result.output
