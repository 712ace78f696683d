"""The Prefect UI's run form: every field of every deployed flow has an Indonesian title and a description."""

from __future__ import annotations

import pytest
from prefect.utilities.callables import parameter_schema

from flows.bimtek_all import bimtek_all
from flows.tahap_1 import tahap_1
from flows.tahap_2 import tahap_2
from flows.tahap_3 import tahap_3
from flows.tahap_4 import tahap_4
from flows.validate import validate_inputs

STAGE_TITLES = {
    "region": "Wilayah",
    "inputs": "Kotak masuk (boleh kosong)",
    "store": "Tempat hasil (boleh kosong)",
    "run_id": "Nama run (boleh kosong)",
}


@pytest.mark.parametrize("flow", [tahap_1, tahap_2, tahap_3, tahap_4, bimtek_all], ids=lambda f: f.name)
def test_stage_form_fields_have_indonesian_titles_and_descriptions(flow):
    properties = parameter_schema(flow.fn).model_dump()["properties"]
    assert {name: spec["title"] for name, spec in properties.items()} == STAGE_TITLES
    assert all(spec.get("description") for spec in properties.values())


def test_validation_form_bounds_the_stage_and_titles_it():
    properties = parameter_schema(validate_inputs.fn).model_dump()["properties"]
    assert properties["stage"]["title"] == "Tahap (1-4, 5 = monev)"
    assert (properties["stage"]["minimum"], properties["stage"]["maximum"]) == (1, 5)
    assert properties["report_path"]["title"] == "Berkas laporan (boleh kosong)"


def test_run_id_is_checked_before_the_run_starts():
    import re

    from prefect.exceptions import ParameterTypeError

    properties = parameter_schema(tahap_3.fn).model_dump()["properties"]
    pattern = re.compile(properties["run_id"]["pattern"])  # what the server enforces when a run is created
    assert pattern.fullmatch("") and pattern.fullmatch("e2e-1") and not pattern.fullmatch("../../etc")
    with pytest.raises(ParameterTypeError, match="Nama run '../../etc' tidak sah"):
        tahap_3.validate_parameters({"region": "padang-pariaman", "run_id": "../../etc"})
    assert tahap_3.validate_parameters({"region": "padang-pariaman", "run_id": "e2e-1"})["run_id"] == "e2e-1"


def test_the_region_list_names_each_registered_region_once_by_slug():
    from bimtek.core.region import registered_regions
    from bimtek.core.settings import get_settings

    registered = registered_regions(get_settings().region_folders)
    choices = parameter_schema(tahap_3.fn).model_dump()["properties"]["region"]["enum"]
    assert choices == sorted(registered) and len(choices) == len(set(choices))
    assert "padang-pariaman" in choices and not any(choice.endswith(".yaml") for choice in choices)
