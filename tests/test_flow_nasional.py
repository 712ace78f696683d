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
PUBLISHED_REPORT = {1: (11, 1), 2: (12, 2), 3: (5, 3), 4: (4, 1)}
"""Stage -> (rows valid, rows rejected) of the hand-made published runs of the first region."""


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
    slugs = sorted(p.parent.name for p in cohort.glob("*/region.yaml"))
    _publish_hand_made(store, slugs[0])
    _publish_hand_made(store, slugs[1], tamper=True)
    on_dask = nasional.with_options(task_runner=dask_task_runner(Settings(dask_workers=2)))
    result = on_dask(cohort=str(cohort), store=str(store), run_id="uji")
    return store / "nasional" / "tahap-4" / "uji", result


def _publish_hand_made(store, slug: str, tamper: bool = False) -> None:
    """Published runs of Tahap I-IV whose figures differ from what the region's inputs give: 3 programs (one
    quick-win candidate), two commitments recorded (one signed). `tamper`: the Tahap III roadmap is altered after
    publishing, so its integrity check fails."""
    from datetime import UTC, datetime

    from bimtek.analysis.finalisation import NOT_RECORDED
    from bimtek.core.taxonomy import load_taxonomy
    from bimtek.core.vocabularies import SIGNED, UNSIGNED
    from bimtek.store.package import publish_run, run_prefix
    from bimtek.store.storage import open_location

    codes = [d.code for d in load_taxonomy().dimensions]
    roadmap = pd.DataFrame(
        {
            "dimensi": [codes[0], codes[0], codes[2]],
            "anggaran": [1.0e9, 2.0e9, 5.0e8],
            "quick_win_candidate": [True, False, False],
        }
    )
    status = pd.DataFrame({"opd": ["A", "B", "C"], "status": [SIGNED, UNSIGNED, NOT_RECORDED]})
    location = open_location(str(store))
    for stage, (valid, rejected) in PUBLISHED_REPORT.items():
        report = {
            "region": slug,
            "rows_total": valid + rejected,
            "rows_valid": valid,
            "rows_rejected": rejected,
            "files": [{"path": "x.csv"}],
            "rejections": [],
        }
        outputs = {"validation/report.json": json.dumps(report).encode()}
        if stage == 3:
            outputs["roadmap/roadmap.csv"] = roadmap.to_csv(index=False).encode()
        if stage == 4:
            outputs["komitmen/status_komitmen.csv"] = status.to_csv(index=False).encode()
        publish_run(location, slug, stage, "terbit", outputs, [], datetime.now(UTC), "uji")
    if tamper:
        (store / run_prefix(slug, 3, "terbit") / "roadmap" / "roadmap.csv").write_bytes(b"dimensi,anggaran\n")


def test_synth_writes_region_files_and_every_stage_inbox(cohort):
    regions = sorted(p.parent.name for p in cohort.glob("*/region.yaml"))
    assert len(regions) == REGIONS and len(set(regions)) == REGIONS
    for slug in regions:
        assert sorted(p.name for p in (cohort / slug / "inputs").iterdir()) == [
            "tahap-1",
            "tahap-2",
            "tahap-3",
            "tahap-4",
        ]
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
    assert (
        (per_region["komitmen_ditandatangani"] > 0)
        & (per_region["komitmen_ditandatangani"] < per_region["komitmen_total"])
    ).all()
    assert (per_region["kandidat_quick_win"] > 0).all()


def test_published_region_is_read_from_the_store_and_a_tampered_one_recomputed(national):
    run, result = national
    per_region = pd.read_csv(run / "nasional" / "per_daerah.csv").set_index("slug")
    assert result["from_store"] == 1
    read, tampered = per_region.iloc[0], per_region.iloc[1]
    assert read["baris_valid"] == sum(v for v, _ in PUBLISHED_REPORT.values()) == 32
    assert read["baris_ditolak"] == sum(r for _, r in PUBLISHED_REPORT.values()) == 7
    assert (read["program"], read["anggaran"], read["kandidat_quick_win"]) == (3, 3.5e9, 1)
    assert (read["komitmen_ditandatangani"], read["komitmen_total"]) == (1, 2)
    dimension_columns = [c for c in per_region.columns if c.startswith("program_")]
    assert read[dimension_columns].tolist() == [2, 0, 1, 0, 0, 0]
    assert tampered["program"] > 3 and tampered["baris_valid"] != 32  # computed from its inputs


def test_national_document_workbook_chart_and_manifest(national):
    run, _ = national
    html = (run / "buku" / "ringkasan-nasional.html").read_text(encoding="utf-8")
    assert "DATA SINTETIS" in html and "Kabupaten Sintetis 001" in html and "<table>" in html
    assert "../grafik/sebaran-program-per-dimensi-nasional.png" in html
    workbook = openpyxl.load_workbook(io.BytesIO((run / "nasional" / "ringkasan-nasional.xlsx").read_bytes()))
    assert workbook.sheetnames == ["Per daerah", "Per dimensi", "Per provinsi"]
    assert workbook["Per daerah"].max_row == REGIONS + 1
    assert (run / "grafik" / "sebaran-program-per-dimensi-nasional.png").read_bytes()[:4] == b"\x89PNG"
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["inputs"]) == REGIONS


def test_national_table_artifact(national):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:  # the newest: other modules run the national flow too
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["nasional-per-daerah"])),
            sort=ArtifactSort.CREATED_DESC,
        )
    assert (
        artifacts
        and len(json.loads(artifacts[0].data) if isinstance(artifacts[0].data, str) else artifacts[0].data) == REGIONS
    )


def test_nasional_without_regions_exits_2(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    result = CliRunner().invoke(app, ["nasional", "--cohort", str(tmp_path)])
    assert result.exit_code == 2 and "Galat:" in result.output and "region.yaml" in result.output
