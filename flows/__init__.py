"""Prefect flows: one per Bimtek stage, plus the whole process. They only wire tasks/ around the domain."""

from bimtek.core.environment import apply_quiet_defaults

apply_quiet_defaults()
