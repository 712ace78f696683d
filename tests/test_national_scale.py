"""The national summary stays legible at 514 regions: every region in the CSV and workbook, a short document
(per province, the regions with the most and fewest programs) and a chart whose size does not grow."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from PIL import Image

from bimtek.analysis.national import RegionFigures, listed_regions, national_tables, per_province
from bimtek.core.taxonomy import load_taxonomy

PROVINCES = ["Aceh", "Bali", "Jambi", "Papua"]


def _figures(n: int) -> list[RegionFigures]:
    codes = [d.code for d in load_taxonomy().dimensions]
    return [
        RegionFigures(
            slug=f"daerah-{i:03d}",
            name=f"Kabupaten Uji {i:03d}",
            province=PROVINCES[i % len(PROVINCES)],
            synthetic=True,
            stages=[1, 2, 3, 4] if i % 5 else [1, 2],
            rows_valid=100 + i,
            rows_rejected=i % 7,
            programs={code: (i + k) % 9 for k, code in enumerate(codes)},
            budget={code: 1.0e9 * ((i + k) % 9) for k, code in enumerate(codes)},
            quick_wins=i % 4,
            commitments_signed=i % 3,
            commitments_total=3,
        )
        for i in range(1, n + 1)
    ]


def test_per_province_adds_up_to_the_regions():
    per_region = national_tables(_figures(10))["per_region"]
    provinces = per_province(per_region).set_index("provinsi")
    assert provinces["daerah"].to_dict() == {"Aceh": 2, "Bali": 3, "Jambi": 3, "Papua": 2}
    assert provinces["program"].sum() == per_region["program"].sum()
    bali = per_region[per_region["provinsi"] == "Bali"]
    assert provinces.loc["Bali", "program_median"] == bali["program"].median()
    assert provinces.loc["Bali", "daerah_lengkap"] == int((bali["tahap_berisi"] == 4).sum())


def test_listed_regions_keeps_all_up_to_the_limit_then_the_extremes():
    per_region = pd.DataFrame({"slug": list("abcdef"), "program": [5, 9, 1, 9, 3, 0]})
    every, none = listed_regions(per_region, 6)
    assert every["slug"].tolist() == list("abcdef") and none.empty
    most, fewest = listed_regions(per_region, 4)
    assert most["slug"].tolist() == ["b", "d"]  # 9, 9: ties by slug
    assert fewest["slug"].tolist() == ["f", "c"]  # fewest first


@pytest.fixture(scope="module")
def national_514():
    from bimtek.stages.nasional import build_nasional

    return build_nasional(_figures(514), max_region_rows=30)


def test_514_regions_all_in_csv_and_workbook(national_514):
    per_region = pd.read_csv(io.BytesIO(national_514.files["nasional/per_daerah.csv"]))
    assert len(per_region) == 514
    workbook = openpyxl.load_workbook(io.BytesIO(national_514.files["nasional/ringkasan-nasional.xlsx"]))
    assert workbook.sheetnames == ["Per daerah", "Per dimensi", "Per provinsi"]
    assert workbook["Per daerah"].max_row == 515 and workbook["Per provinsi"].max_row == len(PROVINCES) + 1


def test_514_regions_document_lists_30_and_points_to_the_rest(national_514):
    markdown = national_514.files["buku/ringkasan-nasional.md"].decode("utf-8")
    listed = [line for line in markdown.splitlines() if line.startswith("| Kabupaten Uji")]
    assert len(listed) == 30
    assert "Daerah dengan program terbanyak" in markdown and "Daerah dengan program paling sedikit" in markdown
    assert "484 daerah lain tidak dicantumkan" in markdown and "514 daerah ada di nasional/per_daerah.csv" in markdown
    assert all(f"| {p} |" in markdown for p in PROVINCES)
    per_region = pd.read_csv(io.BytesIO(national_514.files["nasional/per_daerah.csv"]))
    best = per_region.sort_values(["program", "slug"], ascending=[False, True]).iloc[0]
    assert listed[0].startswith(f"| {best['daerah']} |")


def test_514_regions_chart_keeps_its_size(national_514):
    from bimtek.stages.nasional import build_nasional

    small = build_nasional(_figures(8), max_region_rows=30)
    key = "grafik/sebaran-program-per-dimensi-nasional.png"
    assert Image.open(io.BytesIO(national_514.files[key])).size == Image.open(io.BytesIO(small.files[key])).size
    markdown = small.files["buku/ringkasan-nasional.md"].decode("utf-8")
    assert "### Per daerah" in markdown and "tidak dicantumkan" not in markdown
    assert sum(line.startswith("| Kabupaten Uji") for line in markdown.splitlines()) == 8
