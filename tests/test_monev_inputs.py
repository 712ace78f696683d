"""Monev inputs: the realisation templates pre-filled from the plan (and `bimtek template --stage 5`), the region's
area weights, and the monev rules on tiny hand-made sheets (no flow run)."""

import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bimtek.analysis.monev import plan_for_year, plan_from_roadmap
from bimtek.core.monev import Semester
from bimtek.core.region import RegionError, parse_region
from bimtek.core.settings import get_settings
from bimtek.ingest.reader import read_table
from bimtek.store.package import publish_run
from bimtek.store.storage import LocalLocation
from bimtek.validation import validate_sheets
from bimtek.validation.stage_5_rules import apply_monev_rules
from bimtek.workbooks.monev_xlsx import realisation_templates
from tests.builders import validation_region

ROADMAP = pd.DataFrame(
    [
        {
            "opd": "Dinas Kesehatan",
            "dimensi": "living",
            "nama_program": "Telemedisin",
            "indikator": "Konsultasi",
            "target": "500 konsultasi",
            "anggaran": 300.0,
            "tahun_mulai": 2021,
            "tahun_selesai": 2023,
        },
        {
            "opd": "Dinas Komunikasi dan Informatika",
            "dimensi": "governance",
            "nama_program": "Satu Data",
            "indikator": None,
            "target": None,
            "anggaran": 90.0,
            "tahun_mulai": 2022,
            "tahun_selesai": 2022,
        },
    ]
)
QUICK_WINS = pd.DataFrame([{"opd": "Dinas Kesehatan", "nama_program": "Telemedisin"}])
REGION = validation_region()


def test_templates_are_prefilled_with_each_opds_programs_of_the_year():
    files = realisation_templates(
        REGION, Semester(2021, 1), plan_for_year(plan_from_roadmap(ROADMAP), 2021), QUICK_WINS
    )
    assert sorted(files) == ["monev-wilayah-2021-S1-tim-pelaksana.xlsx", "realisasi-2021-S1-dinas-kesehatan.xlsx"]
    sheet = load_workbook(io.BytesIO(files["realisasi-2021-S1-dinas-kesehatan.xlsx"]))["Realisasi Program"]
    assert [c.value for c in sheet[4]][:8] == [
        "Dinas Kesehatan",
        "Telemedisin",
        2021,
        "Konsultasi",
        None,
        None,
        100,
        None,
    ]
    assert sheet["N4"].value == "2021-S1" and sheet["B5"].value is None
    team = load_workbook(io.BytesIO(files["monev-wilayah-2021-S1-tim-pelaksana.xlsx"]))["Monev Wilayah"]
    items = [team[f"A{r}"].value for r in range(4, 11)]
    assert items[-1] == "Status quick win" and team["E10"].value == "Telemedisin"


def test_template_command_reads_the_published_plan(tmp_path):
    from cli.main import app

    region_file = tmp_path / "region.yaml"
    region_file.write_text(
        "slug: contoh\nname: Kabupaten Contoh\nprovince: Sumatera Barat\nperiod: {start: 2020, end: 2026}\n"
        "opd: [Dinas Kesehatan, Dinas Komunikasi dan Informatika]\n",
        encoding="utf-8",
    )
    store = LocalLocation(tmp_path / "store")
    roadmap = ROADMAP.to_csv(index=False).encode()
    publish_run(store, "contoh", 4, "final", {"roadmap/roadmap.csv": roadmap}, [], dt.datetime.now(dt.UTC), "t")
    out = tmp_path / "out"
    args = ["template", "--region", str(region_file), "--stage", "5", "--out", str(out), "--store", str(store.root)]
    done = CliRunner().invoke(app, [*args, "--semester", "2022-S2"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == [
        "monev-wilayah-2022-S2-tim-pelaksana.xlsx",
        "realisasi-2022-S2-dinas-kesehatan.xlsx",
        "realisasi-2022-S2-dinas-komunikasi-dan-informatika.xlsx",
    ]
    assert CliRunner().invoke(app, [*args, "--semester", "2022-S3"]).exit_code == 2


def test_region_weights_must_name_the_five_areas_and_sum_to_100():
    base = {"slug": "contoh", "name": "K", "province": "P", "period": {"start": 2020, "end": 2026}}
    weights = {"baseline": 20, "output": 20, "outcome": 20, "impact": 20, "quick_win": 20}
    assert parse_region({**base, "monev": {"bobot": weights}}).monev.weights()["outcome"] == 20
    assert parse_region(base).monev.weights() == {
        "baseline": 10.0,
        "output": 20.0,
        "outcome": 30.0,
        "impact": 30.0,
        "quick_win": 10.0,
    }
    with pytest.raises(RegionError, match="berjumlah 100"):
        parse_region({**base, "monev": {"bobot": {**weights, "impact": 30}}})
    with pytest.raises(RegionError, match="tepat area"):
        parse_region({**base, "monev": {"bobot": {"baseline": 100}}})


REALISASI = (
    "OPD,Nama program,Tahun,Anggaran realisasi (Rp),Capaian terhadap target (%),Status pelaksanaan,"
    "Alasan (wajib bila dibatalkan),Semester\n"
    "Dinkes,Telemedisin,2021,Rp 100.000,80%,berjalan,,2021-s1\n"
    "Dinkes,Telemedisin Lain,2021,5000,50,selesai,,2021-S1\n"
    "Dinkes,Telemedisin,2022,5000,,dibatalkan,,2021-S1\n"
    "Dinkes,Telemedisin,2023,5000,abc,ditunda lama,,2021-S2\n"
    "Dinkes,Telemedisin,2022,5000,,berjalan,,2021-S1\n"
    "Dinkes,Nanti Saja,2021,5000,,berjalan,,2021-S1\n"
)


def test_monev_rules_on_a_tiny_sheet():
    sheets = read_table("dinkes.csv", REALISASI.encode(), ["realisasi", "monev_wilayah"], get_settings())
    results = validate_sheets(sheets, REGION)
    plan = {("dinaskesehatan", "telemedisin"): (2021, 2023), ("dinaskesehatan", "nanti saja"): (2024, 2025)}
    results = apply_monev_rules(results, Semester(2021, 1), plan, set(), "final", REGION)
    (result,) = results
    assert result.valid[["nama_program", "tahun", "capaian_persen", "status", "semester"]].values.tolist() == [
        ["Telemedisin", 2021, 80.0, "berjalan", "2021-S1"]
    ]
    rules = sorted((r.row, r.rule) for r in result.rejections)
    assert rules == [
        (3, "program_unplanned"),
        (4, "cancel_reason"),
        (5, "monev_status"),
        (5, "percent"),
        (6, "year_other"),
        (7, "program_not_this_year"),
    ]
    later = next(r for r in result.rejections if r.rule == "program_not_this_year")
    assert "dijadwalkan 2024-2025" in later.message and "bukan tahun 2021" in later.message
    unplanned = next(r for r in result.rejections if r.rule == "program_unplanned")
    assert "Tahap IV run final" in unplanned.message and "Telemedisin Lain" in unplanned.message


def test_run_form_asks_for_a_semester_and_refuses_other_text(tmp_path):
    from prefect.utilities.callables import parameter_schema
    from typer.testing import CliRunner as Runner

    from cli.main import app
    from flows.monev import monev

    properties = parameter_schema(monev.fn).model_dump()["properties"]
    assert properties["semester"]["title"] == "Semester (mis. 2027-S1)"
    assert properties["semester"]["pattern"] == r"^\s*\d{4}-[sS][12]\s*$"
    refused = Runner().invoke(app, ["monev", "--region", "x.yaml", "--semester", "2027-S3"])
    assert refused.exit_code == 2 and "2027-S1" in refused.output


def test_store_stage_path_is_a_parameter(tmp_path):
    from bimtek.store.package import load_published_file, read_latest, stage_folder

    assert (stage_folder(3), stage_folder("monev/2027-S1")) == ("tahap-3", "monev/2027-S1")
    for bad in ("../monev", "monev/2027-S1/x", "monev//x", "", 0):
        with pytest.raises(ValueError):
            stage_folder(bad)
    store = LocalLocation(tmp_path)
    publish_run(store, "contoh", "monev/2027-S1", "r1", {"a.txt": b"x"}, [], dt.datetime.now(dt.UTC), "t")
    assert read_latest(store, "contoh", "monev/2027-S1")["run_id"] == "r1"
    assert (tmp_path / "contoh" / "monev" / "2027-S1" / "r1" / "manifest.json").is_file()
    assert load_published_file(store, "contoh", "monev/2027-S1", "a.txt") == b"x"
