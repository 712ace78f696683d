"""Prefect tasks: the I/O around the domain layer (reading inputs, validating a file, publishing a run)."""

from bimtek.core.environment import apply_quiet_defaults

apply_quiet_defaults()
