"""Server supervision helpers (cli/ops.py) and the deployments of prefect.yaml."""

from __future__ import annotations


def test_server_env_and_parameter_paths(tmp_path):
    from bimtek.core.paths import PROJECT_ROOT
    from cli.ops import parameter_path, server_env

    env = server_env("127.0.0.1", 4200, None, base={})
    assert env["PREFECT_API_URL"] == "http://127.0.0.1:4200/api"
    assert "PREFECT_UI_API_URL" not in env and "PREFECT_SERVER_DATABASE_CONNECTION_URL" not in env
    env = server_env("127.0.0.1", 4300, "postgresql+asyncpg://postgres@127.0.0.1:5432/x", base={})
    assert env["PREFECT_UI_API_URL"] == "http://127.0.0.1:4300/api"
    assert env["PREFECT_SERVER_DATABASE_CONNECTION_URL"].startswith("postgresql+asyncpg://")
    assert parameter_path(str(PROJECT_ROOT / "sample" / "x" / "region.yaml")) == "sample/x/region.yaml"
    assert parameter_path(str(tmp_path / "r.yaml")) == str(tmp_path / "r.yaml")
    assert parameter_path("s3://bucket/inbox") == "s3://bucket/inbox"


def test_prefect_yaml_deployments_are_consistent():
    import yaml

    from bimtek.core.paths import PROJECT_ROOT

    config = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    deployments = {d["name"]: d for d in config["deployments"]}
    assert {"tahap-3", "validasi-inbox"} <= set(deployments)
    for name, spec in deployments.items():
        path, func = spec["entrypoint"].split(":")
        assert (PROJECT_ROOT / path).is_file(), f"{name}: {path} missing"
        assert spec["work_pool"]["name"] == "bimtek-process"
        assert spec["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
        assert spec["enforce_parameter_schema"] is True
        assert "schedules" not in spec, "schedules come from `bimtek schedules --apply`, not prefect.yaml"
        assert "bimtek" in spec["tags"]
    for flow_file, name in [
        ("tahap_1", "tahap-1"),
        ("tahap_2", "tahap-2"),
        ("tahap_4", "tahap-4"),
        ("bimtek_all", "bimtek-all"),
    ]:
        if (PROJECT_ROOT / "flows" / f"{flow_file}.py").is_file():
            assert name in deployments, f"flows/{flow_file}.py exists: add its deployment block to prefect.yaml"
