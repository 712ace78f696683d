"""The `bimtek` command line (`main`), server supervision (`ops`), intake templates (`template`) and Prefect-API
deployment helpers (`deploy`). Sits on top of flows/, tasks/ and bimtek/."""

from bimtek.core.environment import apply_quiet_defaults

apply_quiet_defaults()
