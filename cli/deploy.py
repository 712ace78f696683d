"""Deployment plumbing: the pull step that finds the project on a worker, and applying calendar schedules.

`bimtek schedules --apply` turns `bimtek.analysis.schedules.schedules_for_region` specs into deployment schedules through
the Prefect API. Each schedule has a slug `bimtek:<region-slug>:<kind>-tahap-<n>`; applying a region upserts its
slugs, removes its stale ones and never touches schedules with other slugs (other regions, hand-made ones).
Deployments are found by name (`tahap-3`, `validasi-inbox`, `bimtek-all`); a missing one is reported, not created
(create deployments with `prefect --no-prompt deploy --all`, see docs/operations.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bimtek.analysis.schedules import ScheduleSpec, region_slug_prefix

WORK_POOL = "bimtek-process"


def project_directory() -> dict[str, str]:
    """Pull step (prefect.yaml): the absolute project folder of this worker's clone.

    BIMTEK_HOME when set, else the folder this package was installed from (the clone whose `.venv` runs the
    worker: `uv sync` installs the project in editable mode). The next pull step,
    `prefect.deployments.steps.set_working_directory`, changes into it, so entrypoints and relative parameters
    (`sample/...`) resolve against the project root on every machine, whatever its path.
    """
    home = os.environ.get("BIMTEK_HOME")
    if home:
        directory = Path(home).expanduser().resolve()
    else:
        from bimtek.core.paths import PROJECT_ROOT

        directory = PROJECT_ROOT
    if not (directory / "flows").is_dir():
        raise RuntimeError(
            f"{directory} is not a bimtek clone (no flows/ folder); set BIMTEK_HOME to the clone the worker should run"
        )
    return {"directory": str(directory)}


@dataclass
class ApplyResult:
    deployment: str
    slug: str
    action: str
    """created | updated | removed | missing-deployment"""
    detail: str = ""


def _rrule_schedule(spec: ScheduleSpec):
    from prefect.client.schemas.schedules import RRuleSchedule

    return RRuleSchedule(rrule=spec.rrule, timezone=spec.timezone)


def _accepted_parameters(deployment: Any, parameters: dict) -> tuple[dict, list[str]]:
    """Keep the parameters the deployment's flow accepts (enforce_parameter_schema rejects others)."""
    schema = getattr(deployment, "parameter_openapi_schema", None) or {}
    properties = schema.get("properties")
    if not properties:
        return dict(parameters), []
    kept = {k: v for k, v in parameters.items() if k in properties}
    return kept, sorted(set(parameters) - set(kept))


async def _deployments_by_name(client, names: set[str] | None) -> dict[str, list]:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    deployment_filter = DeploymentFilter(name=DeploymentFilterName(any_=sorted(names))) if names else None
    found: dict[str, list] = {}
    offset = 0
    while True:
        page = await client.read_deployments(deployment_filter=deployment_filter, limit=200, offset=offset)
        for deployment in page:
            found.setdefault(deployment.name, []).append(deployment)
        if len(page) < 200:
            return found
        offset += 200


async def apply_schedules(region_slug: str, specs: list[ScheduleSpec], client=None) -> list[ApplyResult]:
    """Make the server's `bimtek:<region_slug>:*` schedules equal to `specs` (empty `specs` clears them)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentScheduleCreate

    prefix = region_slug_prefix(region_slug)
    wanted: dict[str, list[ScheduleSpec]] = {}
    for spec in specs:
        if not spec.slug.startswith(prefix):
            raise ValueError(f"schedule {spec.slug!r} does not belong to region {region_slug!r}")
        wanted.setdefault(spec.deployment, []).append(spec)

    results: list[ApplyResult] = []
    if client is None:
        async with get_client() as owned:
            return await apply_schedules(region_slug, specs, client=owned)

    deployments = await _deployments_by_name(client, None)
    for name in sorted(set(wanted) - set(deployments)):
        for spec in wanted[name]:
            results.append(
                ApplyResult(name, spec.slug, "missing-deployment", "deploy it first: prefect --no-prompt deploy --all")
            )
    for name, matches in sorted(deployments.items()):
        for deployment in matches:
            schedules = await client.read_deployment_schedules(deployment.id)
            existing = {s.slug: s for s in schedules if s.slug and s.slug.startswith(prefix)}
            for spec in wanted.get(name, []):
                parameters, dropped = _accepted_parameters(deployment, spec.parameters)
                detail = f"parameter tidak dikenal flow ini, dilewati: {', '.join(dropped)}" if dropped else ""
                current = existing.pop(spec.slug, None)
                if current is not None:
                    await client.update_deployment_schedule(
                        deployment.id,
                        current.id,
                        active=True,
                        schedule=_rrule_schedule(spec),
                        parameters=parameters,
                    )
                    results.append(ApplyResult(name, spec.slug, "updated", detail))
                else:
                    await client.create_deployment_schedules(
                        deployment.id,
                        [
                            DeploymentScheduleCreate(
                                schedule=_rrule_schedule(spec), active=True, parameters=parameters, slug=spec.slug
                            )
                        ],
                    )
                    results.append(ApplyResult(name, spec.slug, "created", detail))
            for slug, stale in sorted(existing.items()):
                await client.delete_deployment_schedule(deployment.id, stale.id)
                results.append(ApplyResult(name, slug, "removed"))
    return results


async def ensure_work_pool(name: str = WORK_POOL, client=None) -> bool:
    """Create the process work pool when it is missing; returns True when it was created."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    if client is None:
        async with get_client() as owned:
            return await ensure_work_pool(name, client=owned)
    try:
        await client.read_work_pool(name)
        return False
    except ObjectNotFound:
        pass
    try:
        from prefect.workers.process import ProcessWorker

        template = ProcessWorker.get_default_base_job_template()
        await client.create_work_pool(WorkPoolCreate(name=name, type="process", base_job_template=template))
    except ObjectAlreadyExists:
        return False
    return True
