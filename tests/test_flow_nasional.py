"""National roll-up end to end: `bimtek synth` cohort of 3 regions -> `nasional` flow on a local Dask cluster."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest

from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.settings import Settings

REGIONS = 3


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """Written by the CLI: `bimtek synth --regions 3 --seed 5 --out DIR`."""
    from typer.testing import CliRunner

    from cli.main import app

    out = tmp_path_factory.mktemp("cohort")
    result = CliRunner().invoke(app, ["synth", "--regions", str(REGIONS), "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def national(prefect_harness, cohort, tmp_path_factory):
    from flows.nasional import nasional
    from flows.runners import dask_task_runner

    store = tmp_path_factory.mktemp("store")
    on_dask = nasional.with_options(task_runner=dask_task_runner(Settings(dask_workers=2)))
    result = on_dask(cohort=str(cohort), store=str(store), run_id="uji")
    return store / "nasional" / "tahap-4" / "uji", result


def test_synth_writes_region_files_and_every_stage_inbox(cohort):
    regions = sorted(p.parent.name for p in cohort.glob("*/region.yaml"))
    assert len(regions) == REGIONS and len(set(regions)) == REGIONS
    for slug in regions:
        assert sorted(p.name for p in (cohort / slug / "inputs").iterdir()) == ["tahap-1", "tahap-2", "tahap-3",
                                                                                "tahap-4"]
    sheets = {(cohort / slug / "inputs" / "tahap-4" / "hasil-tahap-4.xlsx").read_bytes() for slug in regions}
    assert len(sheets) == REGIONS  # other seeds, other officials and dates
    sample = len(list((SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3").glob("usulan-program-*")))
    for slug in regions:
        sent = len(list((cohort / slug / "inputs" / "tahap-3").glob("usulan-program-*")))
        assert sample - sample // 3 <= sent <= sample  # up to a third of the OPD did not send


def test_national_tables_add_up_per_region_and_dimension(national):
    run, result = national
    per_region = pd.read_csv(run / "nasional" / "per_daerah.csv")
    per_dimension = pd.read_csv(run / "nasional" / "per_dimensi.csv")
    assert len(per_region) == REGIONS == result["regions"]
    assert (per_region["tahap_berisi"] == 4).all()
    dimension_columns = [c for c in per_region.columns if c.startswith("program_")]
    assert len(dimension_columns) == 6
    assert (per_region[dimension_columns].sum(axis=1) == per_region["program"]).all()
    assert per_dimension["program_total"].sum() == per_region["program"].sum() == result["programs"] > 0
    assert (per_region["baris_ditolak"] > 0).all()  # the sample's deliberate mistakes
    assert ((per_region["komitmen_ditandatangani"] > 0)
            & (per_region["komitmen_ditandatangani"] < per_region["komitmen_total"])).all()
    assert (per_region["kandidat_quick_win"] > 0).all()


def test_national_document_workbook_chart_and_manifest(national):
    run, _ = national
    html = (run / "buku" / "ringkasan-nasional.html").read_text(encoding="utf-8")
    assert "DATA SINTETIS" in html and "Kabupaten Sintetis 001" in html and "<table>" in html
    assert "../grafik/sebaran-program-per-dimensi-nasional.png" in html
    workbook = openpyxl.load_workbook(io.BytesIO((run / "nasional" / "ringkasan-nasional.xlsx").read_bytes()))
    assert workbook.sheetnames == ["Per daerah", "Per dimensi"]
    assert workbook["Per daerah"].max_row == REGIONS + 1
    assert (run / "grafik" / "sebaran-program-per-dimensi-nasional.png").read_bytes()[:4] == b"\x89PNG"
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["inputs"]) == REGIONS


def test_national_table_artifact(national):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["nasional-per-daerah"])))
    assert artifacts and len(json.loads(artifacts[0].data) if isinstance(artifacts[0].data, str) else artifacts[0].data) == REGIONS


def test_nasional_without_regions_exits_2(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    result = CliRunner().invoke(app, ["nasional", "--cohort", str(tmp_path)])
    assert result.exit_code == 2 and "Galat:" in result.output and "region.yaml" in result.output
