"""Stage builders: pure functions turning validated rows into a stage's deliverables (files as bytes)."""

STAGE_DATASETS: dict[int, list[str]] = {
    1: ["kesiapan", "swot", "ide"],
    2: ["program"],
    3: ["program", "narasi", "strategi_dimensi"],
    4: ["komitmen", "review", "quick_win_final"],
}
"""Which column contracts (schemas/columns/<name>.json) the files of each stage may follow."""

TEAM_DATASETS = ("narasi", "strategi_dimensi")
"""Datasets written by the Tim Pelaksana / Bappeda, not by each OPD: `bimtek template` puts them in one workbook
of their own (tim-pelaksana), never in the OPD workbooks."""


def datasets_for_stage(stage: int) -> list[str]:
    """Column contracts accepted in a stage's inbox."""
    try:
        return list(STAGE_DATASETS[int(stage)])
    except (KeyError, ValueError):
        raise ValueError(f"unknown stage {stage!r}; stages are 1-4") from None
